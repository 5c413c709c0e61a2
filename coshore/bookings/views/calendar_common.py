"""What the booking pages share: the calendar's URL, error pages, htmx and login helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from coshore.core.errors import Invalid
from coshore.spaces.models import Space

DAY, WEEK = "day", "week"


def is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def is_logged_in(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_authenticated", False))


def safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def bad_param(message: str, code: str, param: str) -> Invalid:
    return Invalid(message, code=code, status=400, detail={"param": param})


def calendar_url(space: Space, **params: Any) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    base = reverse("bookings:calendar", kwargs={"slug": space.slug})
    return f"{base}?{urlencode(query)}" if query else base
