"""My projects (with invitations and the "New project" form), answering an invitation, and the
public gallery of delivered projects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors

from .. import selectors, services
from ..forms import ProjectForm
from ..models import Invitation
from .common import page


def _my_projects(
    request: HttpRequest, form: ProjectForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "invitations": list(selectors.list_invitations_for_user(request.user)),
        "projects": list(selectors.list_projects_for_user(request.user)),
        "form": form or ProjectForm(),
    }
    return render(request, "projects/mine.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page
def my_projects(request: HttpRequest) -> HttpResponse:
    """Pending invitations, the caller's projects (open first) and "New project"."""
    if request.method != "POST":
        return _my_projects(request)
    form = ProjectForm(request.POST)
    if not form.is_valid():
        return _my_projects(request, form, status=400)
    data = form.cleaned_data
    try:
        project = services.open_project(
            creator=request.user,
            title=data["title"],
            brief=data.get("brief") or "",
            client_name=data.get("client_name") or "",
            currency=data["currency"],
            expected_income=data.get("expected_income"),
        )
    except DomainError as error:
        form.add_domain_error(error)
        return _my_projects(request, form, status=error.status)
    messages.success(request, f"“{project.title}” is open. Invite your team.")
    return redirect("projects:detail", project_id=project.pk)


def _answer(
    request: HttpRequest, invitation_id: int, action: Callable[..., Invitation], done: str
) -> HttpResponse:
    invitation = selectors.get_invitation_for_user(user=request.user, invitation_id=invitation_id)
    if invitation.invitee_id != request.user.pk:
        raise selectors.invitation_not_found()
    try:
        action(invitation=invitation, user=request.user)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
        return redirect("projects:mine")
    messages.success(request, done.format(title=invitation.project.title))
    if "joined" in done:
        return redirect("projects:detail", project_id=invitation.project_id)
    return redirect("projects:mine")


@require_POST
@page
def accept_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _answer(
        request, invitation_id, services.accept_invitation, "You joined the team of “{title}”."
    )


@require_POST
@page
def decline_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _answer(request, invitation_id, services.decline_invitation, "You declined “{title}”.")


@require_GET
@domain_errors
def gallery(request: HttpRequest) -> HttpResponse:
    """Delivered projects whose whole team agreed to show them: open to everyone."""
    projects = list(selectors.list_gallery()[:100])
    teams = selectors.list_gallery_teams(projects)
    items: list[dict[str, Any]] = [{"project": p, "team": teams.get(p.pk, [])} for p in projects]
    return render(request, "projects/gallery.html", {"items": items})
