"""Schemas of the projects API and the functions that shape its answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StrictInt, StrictStr

from coshore.core.api import ErrorOut

from .. import selectors, services
from ..errors import ProjectNotFound
from ..models import Agreement, ClientPayment, Invitation, Project, ProjectPost, Task, TimeEntry
from ..rules import minor_unit

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


class ProjectPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")  # the currency and the team cannot change here

    title: StrictStr | None = Field(None, max_length=services.MAX_TITLE)
    brief: StrictStr | None = Field(None, max_length=services.MAX_BRIEF)
    client_name: StrictStr | None = Field(None, max_length=200)
    expected_income: DecimalIn | None = Field(None, description="decimal string; null clears")


class ProjectPersonOut(Schema):
    id: int
    name: str
    email: str | None = Field(None, description="shown to the team only")


class ProjectSpaceRefOut(Schema):
    slug: str
    name: str
    city: str


class TeamMemberOut(Schema):
    person: ProjectPersonOut
    space: ProjectSpaceRefOut | None
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
    invitee: ProjectPersonOut
    invited_by: ProjectPersonOut
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


class ProjectPostIn(Schema):
    body: StrictStr = Field(..., max_length=services.MAX_BODY)
    kind: StrictStr = Field("message", max_length=10, description="message or decision")


class ProjectPostOut(Schema):
    id: int
    kind: str
    author: str
    body: str
    created_at: dt.datetime


class ProjectPostListOut(Schema):
    items: list[ProjectPostOut]


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
