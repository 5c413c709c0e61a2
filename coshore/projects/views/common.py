"""What the project pages share: the login-and-errors decorator, the team gate, the tab bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from coshore.core.pages import domain_errors

from .. import selectors
from ..errors import ProjectNotFound
from ..models import Project, TeamMember

TABS = [
    ("team", "Team", "projects:detail"),
    ("agreement", "Agreement", "projects:agreement"),
    ("board", "Board", "projects:board"),
    ("thread", "Thread", "projects:thread"),
    ("time", "Time", "projects:time"),
    ("money", "Money", "projects:money"),
]


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; unhandled DomainErrors become an error page."""
    return login_required(domain_errors(view))


def is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def team_project(request: HttpRequest, project_id: int) -> tuple[Project, TeamMember]:
    """The project and the caller's seat on its team; anyone else gets not-found (the pages
    of the team's work are for the team alone, even for an invitee or a gallery visitor)."""
    project = selectors.get_project_for_user(user=request.user, project_id=project_id)
    member = selectors.team_membership(request.user, project)
    if member is None:
        raise ProjectNotFound("No such project.")
    return project, member


def tab_context(request: HttpRequest, project: Project, active: str) -> dict[str, Any]:
    return {
        "project": project,
        "active_tab": active,
        "tabs": [
            {"key": key, "label": label, "url": reverse(name, args=[project.pk])}
            for key, label, name in TABS
        ],
        "can_handle_money": selectors.can_handle_money(request.user, project),
    }


def render_tab(
    request: HttpRequest,
    project: Project,
    active: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    full = {**tab_context(request, project, active), **context}
    return render(request, f"projects/{active}.html", full, status=status)
