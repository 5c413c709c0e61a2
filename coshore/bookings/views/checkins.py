"""HTML pages for check-ins (thin: parse, call, render).

- `/spaces/<slug>/check-in/`: one big button to check in or out; the space's QR code opens it
  with `?code=…` so that the check-in is recorded as made by QR code.
- `/spaces/<slug>/check-in/qr/`: for managers, a printable poster with that QR code.
- `/spaces/<slug>/presence/`: for managers, who is in now (refreshed by htmx), with a
  check-out button per person.

A DomainError becomes a message in the panel, or a friendly error page with its 4xx status;
missing and hidden spaces are both not found.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError, Forbidden
from coshore.core.pages import error_page as _error_page
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, get_space_for_user, space_zone

from .. import selectors, services

# Error statuses whose htmx responses are swapped in (see htmx-config in base.html).
_SWAPPED_STATUSES = (400, 409, 422)


def _space(request: HttpRequest, slug: str) -> Space:
    return get_space_for_user(user=request.user, slug=slug)


def _managed_space(request: HttpRequest, slug: str) -> Space | HttpResponse:
    """The space, if the caller manages it; else the error page to answer with."""
    try:
        space = _space(request, slug)
    except DomainError as missing:
        return _error_page(request, missing)
    if not can_manage_space(request.user, space):
        return _not_manager(request)
    return space


def _not_manager(request: HttpRequest) -> HttpResponse:
    return _error_page(
        request,
        Forbidden("Only the space's managers see this page.", code="checkin.not_manager"),
    )


def _duration(since: datetime, now: datetime) -> str:
    """'3 min', '2 h 05 min'."""
    minutes = max(0, int((now - since) / timedelta(minutes=1)))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _render_local(
    request: HttpRequest, space: Space, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render with times shown in the space's own timezone."""
    with timezone.override(space_zone(space)):
        return render(request, template, {"space": space, **context}, status=status)


# --- Check in and out -----------------------------------------------------------------------


def _panel_context(
    request: HttpRequest, space: Space, *, code: str, error: DomainError | None = None
) -> dict[str, Any]:
    current = selectors.get_current_check_in(user=request.user, space=space)
    allowed = current is not None or selectors.can_check_in(request.user, space)
    is_manager = can_manage_space(request.user, space)
    presence = None
    if allowed:
        try:
            presence = selectors.get_presence(user=request.user, space=space)
        except DomainError:
            presence = None
    now = timezone.now()
    return {
        "current": current,
        "since_for": _duration(current.checked_in_at, now) if current else "",
        "allowed": allowed,
        "is_manager": is_manager,
        "code": code if services.is_valid_checkin_code(space, code) else "",
        "code_given": bool(code),
        "others_in": (presence.count - (1 if current else 0)) if presence else None,
        "error": error,
    }


@login_required
@require_http_methods(["GET", "POST"])
def check_in_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET shows whether you are in; POST `action=in|out` checks you in or out. htmx gets the
    panel back; a plain form post is redirected back here."""
    try:
        space = _space(request, slug)
    except DomainError as missing:
        return _error_page(request, missing)
    code = (request.POST.get("code") or request.GET.get("code") or "")[:200]
    if request.method == "GET":
        context = _panel_context(request, space, code=code)
        return _render_local(request, space, "bookings/checkin.html", context)
    action = request.POST.get("action", "")
    error: DomainError | None = None
    done = ""
    try:
        if action == "out":
            services.check_out(actor=request.user, space=space)
            done = f"You are checked out of {space.name}. See you soon!"
        elif action == "in":
            method = "qr" if code else "button"
            services.check_in(actor=request.user, space=space, method=method, code=code)
            done = f"Welcome to {space.name}: you are checked in."
        else:
            error = DomainError(
                "Choose to check in or out.", code="checkin.invalid_action", status=400
            )
    except DomainError as exc:
        error = exc
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    if htmx and error is not None and error.status not in _SWAPPED_STATUSES:
        # htmx leaves the page alone on this status: reload it to show the message.
        messages.error(request, error.message)
        response = HttpResponse(status=error.status)
        response["HX-Refresh"] = "true"
        return response
    if htmx:
        context = _panel_context(request, space, code=code, error=error)
        context["done"] = done
        status = error.status if error and 400 <= error.status < 500 else 200
        return _render_local(
            request, space, "bookings/partials/checkin_panel.html", context, status
        )
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    target = reverse("bookings:checkin", args=[space.slug])
    return redirect(target + ("?" + urlencode({"code": code}) if code and error else ""))


# --- QR code --------------------------------------------------------------------------------


def _check_in_url(request: HttpRequest, space: Space) -> str:
    query = urlencode({"code": services.checkin_code(space)})
    return request.build_absolute_uri(reverse("bookings:checkin", args=[space.slug]) + "?" + query)


def _qr(url: str) -> Any:
    return segno.make(url, error="m")


@login_required
@require_GET
def qr_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable poster with the space's QR code; scanning it opens the check-in page."""
    space = _managed_space(request, slug)
    if isinstance(space, HttpResponse):
        return space
    url = _check_in_url(request, space)
    svg = _qr(url).svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
        title=f"QR code: check in at {space.name}",
    )
    return render(request, "bookings/checkin_qr.html", {"space": space, "url": url, "svg": svg})


@login_required
@require_GET
def qr_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The QR code alone, as an SVG file to download and print at any size."""
    space = _managed_space(request, slug)
    if isinstance(space, HttpResponse):
        return space
    svg = io.BytesIO()
    _qr(_check_in_url(request, space)).save(
        svg, kind="svg", scale=10, border=4, title=f"Check in at {space.name}"
    )
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="check-in-{space.slug}.svg"'
    return response


# --- Presence -------------------------------------------------------------------------------


def _presence_context(request: HttpRequest, space: Space) -> dict[str, Any]:
    presence = selectors.get_presence(user=request.user, space=space)
    now = timezone.now()
    return {
        "presence": presence,
        "rows": [{"entry": e, "for": _duration(e.checked_in_at, now)} for e in presence.entries],
        "updated_at": now,
    }


@login_required
@require_GET
def presence_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is in now, for the space's managers. htmx asks again for the list every 30 s."""
    space = _managed_space(request, slug)
    if isinstance(space, HttpResponse):
        return space
    context = _presence_context(request, space)
    template = (
        "bookings/partials/checkin_presence_list.html"
        if request.htmx  # type: ignore[attr-defined]
        else "bookings/checkin_presence.html"
    )
    return _render_local(request, space, template, context)


@login_required
@require_POST
def presence_check_out(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """A manager checks a person out."""
    space = _managed_space(request, slug)
    if isinstance(space, HttpResponse):
        return space
    if user_id > selectors.MAX_ID:
        return _error_page(
            request, DomainError("No such person.", code="checkin.not_in", status=404)
        )
    error: DomainError | None = None
    try:
        closed = services.check_out(actor=request.user, space=space, user_id=user_id)
    except DomainError as exc:
        error = exc
    if request.htmx:  # type: ignore[attr-defined]
        context = _presence_context(request, space)
        context["error"] = error
        context["done"] = "" if error else f"{closed.user.name} is checked out."
        return _render_local(
            request, space, "bookings/partials/checkin_presence_list.html", context
        )
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{closed.user.name} is checked out.")
    return redirect("bookings:presence", slug=space.slug)


urlpatterns: list[URLPattern] = [
    path("spaces/<slug:slug>/check-in/", check_in_page, name="checkin"),
    path("spaces/<slug:slug>/check-in/qr/", qr_page, name="checkin_qr"),
    path("spaces/<slug:slug>/check-in/qr.svg", qr_svg, name="checkin_qr_svg"),
    path("spaces/<slug:slug>/presence/", presence_page, name="presence"),
    path(
        "spaces/<slug:slug>/presence/<int:user_id>/check-out/",
        presence_check_out,
        name="presence_check_out",
    ),
]
