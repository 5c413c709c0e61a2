"""What the wall pages share: the login-and-errors decorator and htmx detection."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from coshore.core.pages import domain_errors


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; unhandled DomainErrors become an error page."""
    return login_required(domain_errors(view))


def is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


SKILLS_API_URL = "/api/v1/skills"
