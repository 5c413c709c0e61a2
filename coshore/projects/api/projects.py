"""Projects, the gallery, invitations and people to invite."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from coshore.accounts.auth import AUTH_OPTIONAL, AUTH_REQUIRED
from coshore.accounts.selectors import get_organisation_for_user

from .. import selectors, services
from ..errors import InvalidProject
from ..models import Invitation
from .schemas import (
    ERRORS,
    ConsentIn,
    InvitationIn,
    InvitationListOut,
    InvitationOut,
    ProjectIn,
    ProjectListOut,
    ProjectOut,
    ProjectPatchIn,
    ProjectSpaceRefOut,
    _project,
    _team_project,
    invitation_out,
    project_out,
    summary_out,
)

router = Router()


# --- Projects ----------------------------------------------------------------------------------


@router.post("/projects", response={201: ProjectOut, **ERRORS}, auth=AUTH_REQUIRED)
def open_project(request: HttpRequest, payload: ProjectIn) -> Any:
    """Open a project; you are its first team member."""
    expected = (
        services.parse_decimal(
            payload.expected_income, field="expected_income", error=InvalidProject
        )
        if payload.expected_income is not None
        else None
    )
    client_org = (
        get_organisation_for_user(viewer=request.user, slug=payload.client_organisation)
        if payload.client_organisation
        else None
    )
    organisation = (
        get_organisation_for_user(viewer=request.user, slug=payload.organisation)
        if payload.organisation
        else None
    )
    project = services.open_project(
        creator=request.user,
        title=payload.title,
        brief=payload.brief,
        currency=payload.currency,
        client_name=payload.client_name,
        client_organisation=client_org,
        organisation=organisation,
        expected_income=expected,
    )
    return Status(201, project_out(project, request.user))


@router.get("/projects", response={200: ProjectListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_my_projects(request: HttpRequest) -> Any:
    """The projects whose team you are on, open ones first."""
    return {"items": [summary_out(p) for p in selectors.list_projects_for_user(request.user)[:500]]}


@router.get("/projects/gallery", response={200: ProjectListOut, **ERRORS}, auth=AUTH_OPTIONAL)
def list_gallery(request: HttpRequest) -> Any:
    """Delivered projects whose whole team agreed to show them publicly."""
    return {"items": [summary_out(p) for p in selectors.list_gallery()[:500]]}


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, auth=AUTH_OPTIONAL)
def get_project(request: HttpRequest, project_id: int) -> Any:
    """A project and its team, for its team, invitees and (once in the gallery) everyone."""
    return project_out(_project(request, project_id), request.user)


@router.patch("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, auth=AUTH_REQUIRED)
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatchIn) -> Any:
    """The coordinator (or the opener) edits the title, brief, client or expected income; the
    currency never changes."""
    project = _team_project(request, project_id)
    sent = payload.model_fields_set
    for name in ("title", "brief", "client_name"):
        if name in sent and getattr(payload, name) is None:
            raise InvalidProject(f"`{name}` cannot be null.", detail={"field": name})
    kwargs: dict[str, Any] = {
        "title": payload.title,
        "brief": payload.brief,
        "client_name": payload.client_name,
    }
    if "expected_income" in sent:
        kwargs["expected_income"] = (
            services.parse_decimal(
                payload.expected_income, field="expected_income", error=InvalidProject, places=3
            )
            if payload.expected_income is not None
            else None
        )
    project = services.update_project(project=project, user=request.user, **kwargs)
    return project_out(project, request.user)


@router.post(
    "/projects/{project_id}/close", response={200: ProjectOut, **ERRORS}, auth=AUTH_REQUIRED
)
def close_project(request: HttpRequest, project_id: int) -> Any:
    """The coordinator (or the opener) marks the project delivered."""
    project = services.close_project(project=_team_project(request, project_id), user=request.user)
    return project_out(project, request.user)


@router.post(
    "/projects/{project_id}/gallery-consent",
    response={200: ProjectOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def set_gallery_consent(request: HttpRequest, project_id: int, payload: ConsentIn) -> Any:
    """A team member agrees (or not) to show the delivered project in the public gallery."""
    project = _team_project(request, project_id)
    services.set_gallery_consent(project=project, user=request.user, consent=payload.consent)
    return project_out(project, request.user)


# --- Invitations -------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/invitations",
    response={201: InvitationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def invite(request: HttpRequest, project_id: int, payload: InvitationIn) -> Any:
    """Invite a member of a space of your networks by email."""
    invitation = services.invite_member(
        project=_team_project(request, project_id),
        inviter=request.user,
        email=payload.email,
        message=payload.message,
    )
    return Status(201, invitation_out(invitation))


@router.get(
    "/projects/{project_id}/invitations",
    response={200: InvitationListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_project_invitations(request: HttpRequest, project_id: int) -> Any:
    project = _team_project(request, project_id)
    return {"items": [invitation_out(i) for i in selectors.list_project_invitations(project)]}


class CandidateOut(Schema):
    id: int
    name: str
    email: str
    headline: str
    home_space: ProjectSpaceRefOut | None


class CandidateListOut(Schema):
    items: list[CandidateOut]


@router.get(
    "/projects/{project_id}/candidates",
    response={200: CandidateListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def search_candidates(
    request: HttpRequest,
    project_id: int,
    q: str = "",
    skill: str = "",
    limit: int = 20,
) -> Any:
    """People you can invite: members of your spaces and of your networks' spaces whose
    profile you may see, not on the team yet, by name/email (`q`) and ESCO skill URI (`skill`);
    at most `limit` (1-100) people."""
    project = _team_project(request, project_id)
    people = selectors.search_invitable_people(
        inviter=request.user, project=project, q=q, skill_uri=skill, limit=limit
    )
    return {
        "items": [
            {
                "id": u.pk,
                "name": u.name,
                "email": u.email,
                "headline": u.profile.headline,
                "home_space": (
                    {
                        "slug": u.profile.home_space.slug,
                        "name": u.profile.home_space.name,
                        "city": u.profile.home_space.city,
                    }
                    if u.profile.home_space
                    else None
                ),
            }
            for u in people
        ]
    }


@router.get("/invitations", response={200: InvitationListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_my_invitations(request: HttpRequest) -> Any:
    """Your pending invitations."""
    return {"items": [invitation_out(i) for i in selectors.list_invitations_for_user(request.user)]}


def _invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    return selectors.get_invitation_for_user(user=request.user, invitation_id=invitation_id)


@router.post(
    "/invitations/{invitation_id}/accept",
    response={200: InvitationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def accept_invitation(request: HttpRequest, invitation_id: int) -> Any:
    """The invitee joins the team."""
    invitation = services.accept_invitation(
        invitation=_invitation(request, invitation_id), user=request.user
    )
    return invitation_out(invitation)


@router.post(
    "/invitations/{invitation_id}/decline",
    response={200: InvitationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def decline_invitation(request: HttpRequest, invitation_id: int) -> Any:
    invitation = services.decline_invitation(
        invitation=_invitation(request, invitation_id), user=request.user
    )
    return invitation_out(invitation)


@router.post(
    "/invitations/{invitation_id}/withdraw",
    response={200: InvitationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def withdraw_invitation(request: HttpRequest, invitation_id: int) -> Any:
    """A team member withdraws a pending invitation."""
    invitation = services.withdraw_invitation(
        invitation=_invitation(request, invitation_id), user=request.user
    )
    return invitation_out(invitation)
