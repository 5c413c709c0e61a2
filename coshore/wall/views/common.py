"""What the wall pages share: the login-and-errors decorator and htmx detection."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from coshore.core.pages import domain_errors
from coshore.skills.models import Skill


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; unhandled DomainErrors become an error page."""
    return login_required(domain_errors(view))


def is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


SKILLS_API_URL = "/api/v1/skills"


def skill_chips(uris: list[str]) -> list[Skill]:
    """The skills of these ESCO URIs (at most 50), in their order, for the skill picker's
    chips; unknown URIs are left out."""
    found = {s.uri: s for s in Skill.objects.filter(uri__in=[u[:255] for u in uris[:50]])}
    return [found[u] for u in uris if u in found]
