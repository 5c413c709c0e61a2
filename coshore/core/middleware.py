"""Every error under /api/ has the shared shape, even those Django answers before the API runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

_CODES = {
    400: "bad_request",
    401: "auth.required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request.too_large",
    415: "unsupported_media_type",
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and (
            "\x00" in request.path
            or any("\x00" in v for values in request.GET.lists() for v in values[1])
        ):
            return JsonResponse(
                {
                    "code": "request.invalid_characters",
                    "message": "The URL must not contain NUL characters.",
                    "detail": {},
                },
                status=400,
            )
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and "application/json" not in response.get("Content-Type", "")
        ):
            status = response.status_code
            detail: dict[str, object] = {}
            if status == 405 and response.has_header("Allow"):
                detail["allowed"] = [m.strip() for m in response["Allow"].split(",")]
            shaped = JsonResponse(
                {
                    "code": _CODES.get(status, f"http_{status}"),
                    "message": response.reason_phrase or "Error",
                    "detail": detail,
                },
                status=status,
                json_dumps_params={"ensure_ascii": False},
            )
            for header in ("Allow", "Retry-After"):
                if response.has_header(header):
                    shaped[header] = response[header]
            return shaped
        return response
