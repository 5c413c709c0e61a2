"""JSON API for projects (thin: parse, call, shape). Decimals travel as strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt, StrictStr

from coshore.accounts.auth import AUTH_OPTIONAL, AUTH_REQUIRED
from coshore.accounts.selectors import get_organisation_for_user
from coshore.core.api import ErrorOut
from coshore.core.errors import Invalid

from . import selectors, services
from .errors import AgreementConflict, ProjectNotFound
from .models import Agreement, ClientPayment, Invitation, Project, ProjectPost, Task, TimeEntry
from .rules import minor_unit

router = Router(tags=["projects"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
DecimalIn = StrictStr | StrictInt


# --- Schemas -----------------------------------------------------------------------------------


class ProjectIn(Schema):
    title: StrictStr = Field(..., max_length=services.MAX_TITLE)
    brief: StrictStr = Field("", max_length=services.MAX_BRIEF)
    currency: StrictStr = Field(..., max_length=8, description="ISO 4217, e.g. EUR")
    client_name: StrictStr = Field("", max_length=200)
    client_organisation: StrictStr | None = Field(None, max_length=80, description="slug")
    organisation: StrictStr | None = Field(
        None, max_length=80, description="slug of an organisation you belong to"
    )
    expected_income: DecimalIn | None = Field(None, description='decimal string, e.g. "12000"')


class PersonOut(Schema):
    id: int
    name: str
    email: str | None = Field(None, description="shown to the team only")


class SpaceRefOut(Schema):
    slug: str
    name: str
    city: str


class TeamMemberOut(Schema):
    person: PersonOut
    space: SpaceRefOut | None
    timezone: str
    local_time: dt.datetime
    budget_hours: str | None
    logged_hours: str
    pending_hours: str
    gallery_consent: bool


class SharedHoursOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    hours: float


class ProjectOut(Schema):
    id: int
    title: str
    brief: str
    client_name: str
    organisation: str | None
    currency: str
    expected_income: str | None
    status: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    in_gallery: bool
    on_team: bool
    team: list[TeamMemberOut]
    shared_hours: SharedHoursOut | None
    agreement_in_force: int | None = Field(None, description="version")


class ProjectSummaryOut(Schema):
    id: int
    title: str
    status: str
    currency: str
    created_at: dt.datetime


class ProjectListOut(Schema):
    items: list[ProjectSummaryOut]


class InvitationIn(Schema):
    email: StrictStr = Field(..., max_length=254)
    message: StrictStr = Field("", max_length=1000)


class InvitationOut(Schema):
    id: int
    project: int
    project_title: str
    invitee: PersonOut
    invited_by: PersonOut
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class InvitationListOut(Schema):
    items: list[InvitationOut]


class BudgetSchema(Schema):
    email: StrictStr = Field(..., max_length=254)
    hours: DecimalIn


class AgreementIn(Schema):
    coordinator: StrictStr = Field(..., max_length=254, description="email of a team member")
    coordinator_share: DecimalIn = Field(..., description='percent, e.g. "10"')
    pool_share: DecimalIn = Field("0", description='percent, e.g. "5"')
    pool_label: StrictStr = Field("", max_length=120)
    split_by: StrictStr = Field(..., max_length=20, description="logged_hours or budget_hours")
    budgets: list[BudgetSchema] = Field(..., max_length=services.MAX_TEAM)


class AcceptIn(Schema):
    version: StrictInt | None = None


class BudgetOut(Schema):
    email: str
    name: str
    hours: str
    accepted: bool


class AgreementOut(Schema):
    version: int
    coordinator: str
    coordinator_share: str
    pool_share: str
    pool_label: str
    split_by: str
    proposed_by: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    in_force: bool
    budgets: list[BudgetOut]


class AgreementListOut(Schema):
    items: list[AgreementOut]


class TaskIn(Schema):
    title: StrictStr = Field(..., max_length=services.MAX_TITLE)
    description: StrictStr = Field("", max_length=5000)
    status: StrictStr = Field("backlog", max_length=10)
    assignee: StrictStr | None = Field(None, max_length=254, description="email")
    due_date: dt.date | None = None


class TaskPatchIn(Schema):
    title: StrictStr | None = Field(None, max_length=services.MAX_TITLE)
    description: StrictStr | None = Field(None, max_length=5000)
    status: StrictStr | None = Field(None, max_length=10)
    assignee: StrictStr | None = Field(None, max_length=254)
    due_date: dt.date | None = None


class TaskOut(Schema):
    id: int
    title: str
    description: str
    status: str
    assignee: str | None
    due_date: dt.date | None


class TaskListOut(Schema):
    items: list[TaskOut]


class PostIn(Schema):
    body: StrictStr = Field(..., max_length=services.MAX_BODY)
    kind: StrictStr = Field("message", max_length=10, description="message or decision")


class PostOut(Schema):
    id: int
    kind: str
    author: str
    body: str
    created_at: dt.datetime


class PostListOut(Schema):
    items: list[PostOut]


class TimeEntryIn(Schema):
    date: dt.date
    hours: DecimalIn = Field(..., description='decimal string, e.g. "2.5"')
    note: StrictStr = Field("", max_length=services.MAX_NOTE)
    task: StrictInt | None = None


class TimeEntryOut(Schema):
    id: int
    member: str
    date: dt.date
    hours: str
    status: str
    task: int | None
    note: str
    agreement_version: int


class LoggedTimeOut(TimeEntryOut):
    budget_hours: str
    used_hours: str
    warnings: list[str]


class TimeEntryListOut(Schema):
    items: list[TimeEntryOut]


class PaymentIn(Schema):
    amount: DecimalIn = Field(..., description='decimal string, e.g. "1500.00"')
    currency: StrictStr = Field(..., max_length=8)
    received_at: dt.date
    note: StrictStr = Field("", max_length=500)


class PaymentOut(Schema):
    id: int
    amount: str
    currency: str
    received_at: dt.date
    note: str


class PaymentListOut(Schema):
    items: list[PaymentOut]


class PayoutItemOut(Schema):
    member: str | None = Field(..., description="email; null for the common pool")
    role: str = Field(..., description="coordinator, hours or pool")
    hours: str | None
    amount: str


class PayoutsOut(Schema):
    currency: str
    income: str
    agreement_version: int
    split_by: str
    basis: str
    note: str
    items: list[PayoutItemOut]


class ConsentIn(Schema):
    consent: StrictBool


# --- Shaping -----------------------------------------------------------------------------------


def _money(amount: Decimal, currency: str) -> str:
    return str(amount.quantize(minor_unit(currency)))


def _hours(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _person(user: Any, *, with_email: bool) -> dict[str, Any]:
    return {"id": user.pk, "name": user.name, "email": user.email if with_email else None}


def project_out(project: Project, viewer: Any) -> dict[str, Any]:
    on_team = selectors.is_on_team(viewer, project)
    team = selectors.get_team(project)
    agreement = selectors.agreement_in_force(project)
    return {
        "id": project.pk,
        "title": project.title,
        "brief": project.brief,
        "client_name": project.client_name,
        "organisation": project.organisation.slug if project.organisation else None,
        "currency": project.currency,
        "expected_income": (
            _money(project.expected_income, project.currency)
            if project.expected_income is not None
            else None
        ),
        "status": project.status,
        "created_at": project.created_at,
        "closed_at": project.closed_at,
        "in_gallery": selectors.is_in_gallery(project),
        "on_team": on_team,
        "team": [
            {
                "person": _person(r.user, with_email=on_team),
                "space": (
                    {"slug": r.space.slug, "name": r.space.name, "city": r.space.city}
                    if r.space
                    else None
                ),
                "timezone": str(r.zone),
                "local_time": r.local_time,
                "budget_hours": _hours(r.budget) if on_team else None,
                "logged_hours": _hours(r.logged) if on_team else "0.00",
                "pending_hours": _hours(r.pending) if on_team else "0.00",
                "gallery_consent": r.member.gallery_consent,
            }
            for r in team.rows
        ],
        "shared_hours": (
            {
                "starts_at": team.shared.starts_at,
                "ends_at": team.shared.ends_at,
                "hours": team.shared.hours,
            }
            if team.shared
            else None
        ),
        "agreement_in_force": agreement.version if agreement else None,
    }


def summary_out(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "title": project.title,
        "status": project.status,
        "currency": project.currency,
        "created_at": project.created_at,
    }


def invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "project": invitation.project_id,
        "project_title": invitation.project.title,
        "invitee": _person(invitation.invitee, with_email=True),
        "invited_by": _person(invitation.invited_by, with_email=True),
        "status": invitation.status,
        "created_at": invitation.created_at,
        "decided_at": invitation.decided_at,
    }


def agreement_out(agreement: Agreement) -> dict[str, Any]:
    accepted = {a.user_id for a in agreement.acceptances.all()}
    return {
        "version": agreement.version,
        "coordinator": agreement.coordinator.email,
        "coordinator_share": str(agreement.coordinator_share),
        "pool_share": str(agreement.pool_share),
        "pool_label": agreement.pool_label,
        "split_by": agreement.split_by,
        "proposed_by": agreement.proposed_by.email,
        "created_at": agreement.created_at,
        "accepted_at": agreement.accepted_at,
        "in_force": False,
        "budgets": [
            {
                "email": b.user.email,
                "name": b.user.name,
                "hours": _hours(b.hours),
                "accepted": b.user_id in accepted,
            }
            for b in agreement.budgets.all()
        ],
    }


def _agreements_out(project: Project) -> list[dict[str, Any]]:
    items = [agreement_out(a) for a in selectors.list_agreements(project)]
    for item in items:
        if item["accepted_at"] is not None:
            item["in_force"] = True
            break
    return items


def task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "status": task.status,
        "assignee": task.assignee.email if task.assignee else None,
        "due_date": task.due_date,
    }


def post_out(post: ProjectPost) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.kind,
        "author": post.author.email,
        "body": post.body,
        "created_at": post.created_at,
    }


def entry_out(entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "member": entry.user.email,
        "date": entry.date,
        "hours": _hours(entry.hours),
        "status": entry.status,
        "task": entry.task_id,
        "note": entry.note,
        "agreement_version": entry.agreement.version,
    }


def payment_out(payment: ClientPayment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "amount": _money(payment.amount, payment.currency),
        "currency": payment.currency,
        "received_at": payment.received_at,
        "note": payment.note,
    }


def _project(request: HttpRequest, project_id: int) -> Project:
    return selectors.get_project_for_user(user=request.user, project_id=project_id)


def _team_project(request: HttpRequest, project_id: int) -> Project:
    """The project for its team; others (gallery readers included) get not-found."""
    project = _project(request, project_id)
    if not selectors.is_on_team(request.user, project):
        raise ProjectNotFound("No such project.")
    return project


# --- Projects ----------------------------------------------------------------------------------


@router.post("/projects", response={201: ProjectOut, **ERRORS}, auth=AUTH_REQUIRED)
def open_project(request: HttpRequest, payload: ProjectIn) -> Any:
    """Open a project; you are its first team member."""
    expected = (
        services.parse_decimal(
            payload.expected_income, field="expected_income", error=services.InvalidProject
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
    home_space: SpaceRefOut | None


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


# --- Agreements --------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/agreement",
    response={200: AgreementOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def get_agreement(request: HttpRequest, project_id: int) -> Any:
    """The latest version (`in_force` says whether everyone accepted it)."""
    project = _team_project(request, project_id)
    items = _agreements_out(project)
    if not items:
        raise ProjectNotFound("Nobody has proposed an agreement yet.", code="agreement.not_found")
    return items[0]


@router.put(
    "/projects/{project_id}/agreement",
    response={201: AgreementOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def propose_agreement(request: HttpRequest, project_id: int, payload: AgreementIn) -> Any:
    """Propose the next version of the split rule and hour budgets (your acceptance is
    recorded; everyone else on the team accepts it again)."""
    project = _team_project(request, project_id)
    agreement = services.propose_agreement(
        project=project,
        proposer=request.user,
        coordinator_email=payload.coordinator,
        coordinator_share=payload.coordinator_share,
        pool_share=payload.pool_share,
        pool_label=payload.pool_label,
        split_by=payload.split_by,
        budgets=[services.BudgetIn(email=b.email, hours=b.hours) for b in payload.budgets],
    )
    out = agreement_out(selectors.list_agreements(project).get(pk=agreement.pk))
    out["in_force"] = agreement.accepted_at is not None
    return Status(201, out)


@router.post(
    "/projects/{project_id}/agreement/accept",
    response={200: AgreementOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def accept_agreement(request: HttpRequest, project_id: int, payload: AcceptIn | None = None) -> Any:
    """Accept the latest version (optionally naming it, to be sure it is the one you read)."""
    project = _team_project(request, project_id)
    agreement = services.accept_agreement(
        project=project, user=request.user, version=payload.version if payload else None
    )
    out = agreement_out(selectors.list_agreements(project).get(pk=agreement.pk))
    out["in_force"] = agreement.accepted_at is not None
    return out


@router.get(
    "/projects/{project_id}/agreements",
    response={200: AgreementListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_agreements(request: HttpRequest, project_id: int) -> Any:
    """Every version, newest first: the history."""
    return {"items": _agreements_out(_team_project(request, project_id))}


@router.api_operation(
    ["PUT", "PATCH"],
    "/projects/{project_id}/agreements/{version}",
    response={409: ErrorOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def edit_agreement_version(request: HttpRequest, project_id: int, version: int) -> Any:
    """A version is never edited in place: propose a new version with PUT .../agreement."""
    project = _team_project(request, project_id)
    if not isinstance(version, int) or not 1 <= version <= 2**31:
        raise ProjectNotFound("No such agreement version.", code="agreement.not_found")
    agreement = selectors.list_agreements(project).filter(version=version).first()
    if agreement is None:
        raise ProjectNotFound("No such agreement version.", code="agreement.not_found")
    raise AgreementConflict(
        f"Version {version} cannot be edited"
        + (" once accepted" if agreement.accepted_at else "")
        + "; propose a new version with PUT /api/v1/projects/{id}/agreement.",
        code="agreement.immutable",
        detail={"version": version, "accepted": agreement.accepted_at is not None},
    )


# --- Tasks and thread --------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/tasks", response={200: TaskListOut, **ERRORS}, auth=AUTH_REQUIRED
)
def list_tasks(request: HttpRequest, project_id: int) -> Any:
    project = _team_project(request, project_id)
    return {"items": [task_out(t) for t in selectors.list_tasks(project)]}


@router.post("/projects/{project_id}/tasks", response={201: TaskOut, **ERRORS}, auth=AUTH_REQUIRED)
def add_task(request: HttpRequest, project_id: int, payload: TaskIn) -> Any:
    task = services.add_task(
        project=_team_project(request, project_id),
        user=request.user,
        title=payload.title,
        description=payload.description,
        status=payload.status,
        assignee_email=payload.assignee,
        due_date=payload.due_date,
    )
    return Status(201, task_out(task))


@router.patch(
    "/projects/{project_id}/tasks/{task_id}",
    response={200: TaskOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def update_task(request: HttpRequest, project_id: int, task_id: int, payload: TaskPatchIn) -> Any:
    """Change a task; fields left out stay (null clears the assignee and due date)."""
    project = _team_project(request, project_id)
    task = selectors.get_task(project=project, task_id=task_id)
    sent = payload.model_fields_set
    kwargs: dict[str, Any] = {
        "title": payload.title if "title" in sent else None,
        "description": payload.description if "description" in sent else None,
        "status": payload.status if "status" in sent else None,
    }
    if "assignee" in sent:
        kwargs["assignee_email"] = payload.assignee
    if "due_date" in sent:
        kwargs["due_date"] = payload.due_date
    if "title" in sent and payload.title is None:
        raise Invalid("`title` cannot be null.", code="task.invalid", detail={"field": "title"})
    return task_out(services.update_task(task=task, user=request.user, **kwargs))


@router.get(
    "/projects/{project_id}/posts", response={200: PostListOut, **ERRORS}, auth=AUTH_REQUIRED
)
def list_posts(request: HttpRequest, project_id: int, kind: str | None = None) -> Any:
    """The thread, oldest first; `kind=decision` gives the decision log."""
    if kind is not None and kind not in ("message", "decision"):
        raise Invalid(
            "`kind` is message or decision.", code="project.invalid", detail={"field": "kind"}
        )
    project = _team_project(request, project_id)
    return {"items": [post_out(p) for p in selectors.list_posts(project, kind=kind)]}


@router.post("/projects/{project_id}/posts", response={201: PostOut, **ERRORS}, auth=AUTH_REQUIRED)
def post_to_thread(request: HttpRequest, project_id: int, payload: PostIn) -> Any:
    post = services.post_to_thread(
        project=_team_project(request, project_id),
        user=request.user,
        body=payload.body,
        kind=payload.kind,
    )
    return Status(201, post_out(post))


# --- Time --------------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/time-entries",
    response={201: LoggedTimeOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def log_time(request: HttpRequest, project_id: int, payload: TimeEntryIn) -> Any:
    """Log hours; `warnings` tells when you reach 80 % and 100 % of your budget, and hours
    beyond it wait for the coordinator (`status` pending)."""
    project = _team_project(request, project_id)
    task = selectors.get_task(project=project, task_id=payload.task) if payload.task else None
    logged = services.log_time(
        project=project,
        user=request.user,
        day=payload.date,
        hours=payload.hours,
        note=payload.note,
        task=task,
    )
    out = entry_out(logged.entry)
    out.update(
        budget_hours=_hours(logged.budget), used_hours=_hours(logged.used), warnings=logged.warnings
    )
    return Status(201, out)


@router.get(
    "/projects/{project_id}/time-entries",
    response={200: TimeEntryListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_time_entries(request: HttpRequest, project_id: int) -> Any:
    """Every time entry of the project, latest day first."""
    project = _team_project(request, project_id)
    return {"items": [entry_out(e) for e in selectors.list_time_entries(project)[:10_000]]}


def _decide(request: HttpRequest, project_id: int, entry_id: int, approve: bool) -> Any:
    project = _team_project(request, project_id)
    entry = selectors.get_time_entry(project=project, entry_id=entry_id)
    return entry_out(services.decide_time_entry(entry=entry, user=request.user, approve=approve))


@router.post(
    "/projects/{project_id}/time-entries/{entry_id}/approve",
    response={200: TimeEntryOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def approve_time_entry(request: HttpRequest, project_id: int, entry_id: int) -> Any:
    """The coordinator counts hours beyond a budget."""
    return _decide(request, project_id, entry_id, True)


@router.post(
    "/projects/{project_id}/time-entries/{entry_id}/decline",
    response={200: TimeEntryOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def decline_time_entry(request: HttpRequest, project_id: int, entry_id: int) -> Any:
    return _decide(request, project_id, entry_id, False)


# --- Money -------------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/payments", response={201: PaymentOut, **ERRORS}, auth=AUTH_REQUIRED
)
def record_payment(request: HttpRequest, project_id: int, payload: PaymentIn) -> Any:
    """Record money the client paid, in the project's currency."""
    payment = services.record_payment(
        project=_team_project(request, project_id),
        user=request.user,
        amount=payload.amount,
        currency=payload.currency,
        received_at=payload.received_at,
        note=payload.note,
    )
    return Status(201, payment_out(payment))


@router.get(
    "/projects/{project_id}/payments",
    response={200: PaymentListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_payments(request: HttpRequest, project_id: int) -> Any:
    project = _team_project(request, project_id)
    return {"items": [payment_out(p) for p in selectors.list_payments(project)]}


@router.get(
    "/projects/{project_id}/payouts", response={200: PayoutsOut, **ERRORS}, auth=AUTH_REQUIRED
)
def get_payouts(request: HttpRequest, project_id: int) -> Any:
    """What each member receives of the income so far under the agreement in force; the parts
    add up exactly to the income."""
    payouts = selectors.get_payouts(project=_team_project(request, project_id), user=request.user)
    return {
        "currency": payouts.currency,
        "income": _money(payouts.income, payouts.currency),
        "agreement_version": payouts.agreement.version,
        "split_by": payouts.agreement.split_by,
        "basis": payouts.basis,
        "note": payouts.basis_note,
        "items": [
            {
                "member": item.email,
                "role": item.role,
                "hours": _hours(item.hours),
                "amount": _money(item.amount, payouts.currency),
            }
            for item in payouts.items
        ],
    }


class StatementLineOut(Schema):
    role: str
    hours: str | None
    exact: str = Field(..., description="the exact share before rounding, to 6 decimals")
    amount: str


class StatementOut(Schema):
    member: str
    currency: str
    income: str
    agreement_version: int
    coordinator: str
    coordinator_share: str
    pool_share: str
    split_by: str
    basis: str
    note: str
    budget_hours: str | None
    team_hours: str
    lines: list[StatementLineOut]
    total: str
    payments: list[PaymentOut]
    time_entries: list[TimeEntryOut]


@router.get(
    "/projects/{project_id}/statements/{user_id}",
    response={200: StatementOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def get_statement(request: HttpRequest, project_id: int, user_id: int) -> Any:
    """A member's statement: their parts, each traced to the agreement version, the payments
    and their time entries. Your own, or anyone's for the coordinator."""
    project = _team_project(request, project_id)
    member = selectors.get_team_user(project=project, user_id=user_id)
    st = selectors.get_statement(project=project, user=request.user, member=member)
    p = st.payouts
    return {
        "member": member.email,
        "currency": p.currency,
        "income": _money(p.income, p.currency),
        "agreement_version": p.agreement.version,
        "coordinator": p.agreement.coordinator.email,
        "coordinator_share": str(p.agreement.coordinator_share),
        "pool_share": str(p.agreement.pool_share),
        "split_by": p.agreement.split_by,
        "basis": p.basis,
        "note": p.basis_note,
        "budget_hours": _hours(st.budget),
        "team_hours": _hours(st.total_hours),
        "lines": [
            {
                "role": i.role,
                "hours": _hours(i.hours),
                "exact": str(
                    (Decimal(i.exact.numerator) / Decimal(i.exact.denominator)).quantize(
                        Decimal("0.000001")
                    )
                ),
                "amount": _money(i.amount, p.currency),
            }
            for i in st.items
        ],
        "total": _money(st.total, p.currency),
        "payments": [payment_out(x) for x in p.payments],
        "time_entries": [entry_out(e) for e in st.entries],
    }
