"""The project page's Team tab: members with their space, local time and hours; the working
hours they share; inviting by email and withdrawing invitations."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import DomainError

from .. import selectors, services
from ..forms import InviteForm, ProjectEditForm
from ..models import InvitationStatus, Project
from ..selectors import Team
from .common import page, render_tab, tab_context, team_project

EN_DASH = "\u2013"


def _zone_label(name: str) -> str:
    return name.rsplit("/", 1)[-1].replace("_", " ")


def shared_hours(team: Team) -> list[str]:
    """The shared window in each member zone, e.g. ["09:00-16:00 in Paris", ...] (with an en dash); [] if none."""
    if team.shared is None:
        return []
    labels: dict[str, str] = {}
    zones: dict[str, ZoneInfo] = {}
    for row in team.rows:
        key = str(row.zone)
        zones.setdefault(key, row.zone)
        if not labels.get(key) and row.space is not None and row.space.city:
            labels[key] = row.space.city
    parts = []
    for key, zone in zones.items():
        start = team.shared.starts_at.astimezone(zone)
        end = team.shared.ends_at.astimezone(zone)
        parts.append(f"{start:%H:%M}{EN_DASH}{end:%H:%M} in {labels.get(key) or _zone_label(key)}")
    return parts


def _team_tab(
    request: HttpRequest, project: Project, form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    team = selectors.get_team(project)
    invitations = [
        i
        for i in selectors.list_project_invitations(project)
        if i.status == InvitationStatus.PENDING
    ]
    context = {
        "team": team,
        "shared_hours": shared_hours(team),
        "invite_form": form or InviteForm(),
        "invitations": invitations,
        "q": request.GET.get("q", "")[:100],
        "candidates": (
            selectors.search_invitable_people(
                inviter=request.user, project=project, q=request.GET.get("q", ""), limit=8
            )
            if project.is_open
            else []
        ),
    }
    return render_tab(request, project, "team", context, status=status)


@require_GET
@page
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    """The team's project page; an invitee (or a gallery visitor) sees what the project is."""
    project = selectors.get_project_for_user(user=request.user, project_id=project_id)
    if selectors.team_membership(request.user, project) is None:
        invitation = (
            selectors.list_invitations_for_user(request.user).filter(project=project).first()
        )
        context = {
            "project": project,
            "team": selectors.list_gallery_teams([project])[project.pk],
            "invitation": invitation,
        }
        return render(request, "projects/overview.html", context)
    return _team_tab(request, project)


@require_POST
@page
def invite(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _team_tab(request, project, form, status=400)
    try:
        invitation = services.invite_member(
            project=project,
            inviter=request.user,
            email=form.cleaned_data["email"],
            message=form.cleaned_data.get("message") or "",
        )
    except DomainError as error:
        form.add_domain_error(error)
        return _team_tab(request, project, form, status=error.status)
    messages.success(request, f"{invitation.invitee.name} is invited.")
    return redirect("projects:detail", project_id=project.pk)


@require_POST
@page
def withdraw(request: HttpRequest, project_id: int, invitation_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    invitation = selectors.get_invitation_for_user(user=request.user, invitation_id=invitation_id)
    if invitation.project_id != project.pk:
        raise selectors.invitation_not_found()
    try:
        services.withdraw_invitation(invitation=invitation, user=request.user)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation of {invitation.invitee.name} is withdrawn.")
    return redirect("projects:detail", project_id=project.pk)


@page
def edit_project(request: HttpRequest, project_id: int) -> HttpResponse:
    """The coordinator (or the opener) edits the title, brief, client and expected income."""
    project, _ = team_project(request, project_id)
    form = ProjectEditForm(
        request.POST or None,
        initial={
            "title": project.title,
            "brief": project.brief,
            "client_name": project.client_name,
            "expected_income": project.expected_income,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_project(
                    project=project,
                    user=request.user,
                    title=data["title"],
                    brief=data.get("brief") or "",
                    client_name=data.get("client_name") or "",
                    expected_income=data.get("expected_income"),
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                messages.success(request, "The project is updated.")
                return redirect("projects:detail", project_id=project.pk)
        else:
            status = 400
    context = {**tab_context(request, project, "team"), "form": form}
    return render(request, "projects/edit.html", context, status=status)
