"""The API's shared pieces: auth classes, the error shape and its translators."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from .errors import DomainError, Invalid

logger = logging.getLogger("coshore.api")


class ErrorOut(Schema):
    code: str
    message: str
    detail: dict[str, Any]


def _has_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 50:
        return False
    if isinstance(value, dict):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v, depth + 1) for v in value)
    return False


class StrictJsonParser(Parser):
    """Malformed JSON is a 400 in the shared error shape, not a 500."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        try:
            body = request.body
        except RequestDataTooBig as exc:
            raise Invalid(
                "The request body is too large.", code="request.too_large", status=413
            ) from exc
        if not body:
            return {}
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Invalid(
                "The request body is not valid JSON.",
                code="request.malformed_json",
                status=400,
                detail={"error": str(exc)[:200]},
            ) from exc
        if _has_nul(data):
            raise Invalid(
                "Text must not contain NUL characters.",
                code="request.invalid_characters",
                status=400,
            )
        if not isinstance(data, dict):
            raise Invalid(
                "The request body must be a JSON object.",
                code="request.malformed_json",
                status=400,
            )
        return data


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]
) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _validation_detail(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for err in errors[:20]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        out.append(
            {
                "field": ".".join(loc),
                "message": str(err.get("msg", ""))[:300],
                "type": err.get("type", ""),
            }
        )
    return out


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = error_response(api, request, exc.status, exc.as_dict())
        if exc.status == 429 and "retry_after" in exc.detail:
            response["Retry-After"] = str(exc.detail["retry_after"])
        return response

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _validation_detail(list(exc.errors))
        fields = ", ".join(e["field"] for e in errors if e["field"]) or "request"
        return error_response(
            api,
            request,
            422,
            {
                "code": "validation_error",
                "message": f"Invalid input: {fields}.",
                "detail": {"errors": errors},
            },
        )

    @api.exception_handler(AuthenticationError)
    def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            401,
            {"code": "auth.required", "message": "Authentication is required.", "detail": {}},
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {403: "forbidden", 405: "method_not_allowed", 429: "throttled"}.get(
            exc.status_code, f"http_{exc.status_code}"
        )
        message = str(exc)
        if "CSRF" in message:
            code = "auth.csrf_failed"
        elif exc.status_code == 400 and message.startswith("Cannot parse request body"):
            cause = exc.__cause__
            if isinstance(cause, DomainError):
                return error_response(api, request, cause.status, cause.as_dict())
            code = "request.malformed_json"
            message = "The request body is not valid JSON."
        return error_response(
            api, request, exc.status_code, {"code": code, "message": message, "detail": {}}
        )

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # django-ninja reads the body before the parser for every JSON payload.
        return error_response(
            api,
            request,
            413,
            {
                "code": "request.too_large",
                "message": "The request body is too large.",
                "detail": {},
            },
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(
            api, request, 404, {"code": "not_found", "message": "Not found.", "detail": {}}
        )

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error", exc_info=exc)
        return error_response(
            api,
            request,
            500,
            {"code": "server_error", "message": "An unexpected error occurred.", "detail": {}},
        )
