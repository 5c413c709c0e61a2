"""Reads about projects, already scoped to the caller: the project gate, teams and their shared
working hours, agreements and their history, time, payouts and statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from coshore.accounts.models import Organisation, User
from coshore.accounts.selectors import is_organisation_person
from coshore.spaces.models import NetworkSpace, Space, SpaceRole
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user, space_zone

from .errors import InvitationNotFound, NoAcceptedAgreement, NotOnTeam, ProjectNotFound
from .models import (
    Agreement,
    ClientPayment,
    HourBudget,
    Invitation,
    InvitationStatus,
    Project,
    ProjectPost,
    ProjectStatus,
    SplitBy,
    Task,
    TeamMember,
    TimeEntry,
    TimeEntryStatus,
)
from .rules import PayoutLine, SharedWindow, compute_payouts, next_weekday, shared_working_hours

MAX_ID = 2**62


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


# --- People ------------------------------------------------------------------------------------


def home_space_of(user: User) -> Space | None:
    """The space a person works from: their profile's home space, else their first space."""
    profile = getattr(user, "profile", None)
    if profile is not None and profile.home_space_id:
        return profile.home_space
    role = SpaceRole.objects.filter(user_id=user.pk).select_related("space").order_by("id").first()
    return role.space if role else None


def zone_of(user: User, space: Space | None) -> ZoneInfo:
    """A person's timezone: the profile's, else their space's, else UTC."""
    profile = getattr(user, "profile", None)
    name = profile.timezone if profile is not None else ""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if space is not None:
        return space_zone(space)
    return ZoneInfo("UTC")


def can_act_for_organisation(user: Any, organisation: Organisation) -> bool:
    return is_organisation_person(user, organisation)


def find_invitable_person(*, inviter: Any, email: str) -> User | None:
    """The active person with `email` who is a member of one of the inviter's spaces or of a
    space in one of the inviter's networks (anyone, for staff); None otherwise."""
    email = (email or "").strip()
    if not email or len(email) > 254:
        return None
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        return None
    if inviter.is_staff:
        return person
    reachable_spaces = Q(space_id__in=space_ids_of_user(inviter)) | Q(
        Exists(
            NetworkSpace.objects.filter(
                space_id=OuterRef("space_id"), network_id__in=network_ids_of_user(inviter)
            )
        )
    )
    if SpaceRole.objects.filter(reachable_spaces, user_id=person.pk).exists():
        return person
    return None


def search_invitable_people(
    *, inviter: Any, project: Project, q: str = "", skill_uri: str = "", limit: int = 20
) -> list[User]:
    """Members of the inviter's spaces and of the spaces of the inviter's networks whose
    profile the inviter may see, not yet on the team, matching `q` (name or email) and
    `skill_uri` (an ESCO skill on their profile)."""
    from coshore.accounts.selectors import list_profiles_visible_to

    spaces = Q(space_id__in=space_ids_of_user(inviter)) | Q(
        Exists(
            NetworkSpace.objects.filter(
                space_id=OuterRef("space_id"), network_id__in=network_ids_of_user(inviter)
            )
        )
    )
    reachable = SpaceRole.objects.filter(spaces).values("user_id")
    profiles = list_profiles_visible_to(inviter).filter(user_id__in=reachable, user__is_active=True)
    profiles = profiles.exclude(
        user_id__in=TeamMember.objects.filter(project=project).values("user_id")
    )
    q = (q or "").strip()[:100]
    if q:
        profiles = profiles.filter(Q(user__display_name__icontains=q) | Q(user__email__icontains=q))
    if skill_uri:
        profiles = profiles.filter(skills__uri=skill_uri[:300])
    ids = list(
        profiles.order_by("user__display_name", "user_id")
        .values_list("user_id", flat=True)
        .distinct()[: max(1, min(limit, 100))]
    )
    found = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("profile__home_space")}
    return [found[i] for i in ids if i in found]


# --- The project gate --------------------------------------------------------------------------


def _gallery_q() -> Q:
    return Q(status=ProjectStatus.CLOSED) & ~Q(
        Exists(TeamMember.objects.filter(project_id=OuterRef("pk"), gallery_consent=False))
    )


def visible_projects(user: Any) -> QuerySet[Project]:
    """Projects `user` may read: their team's, those they are invited to, and the gallery."""
    gallery = _gallery_q()
    if not _authenticated(user):
        return Project.objects.filter(gallery)
    if user.is_staff:
        return Project.objects.all()
    return Project.objects.filter(
        gallery
        | Q(Exists(TeamMember.objects.filter(project_id=OuterRef("pk"), user_id=user.pk)))
        | Q(
            Exists(
                Invitation.objects.filter(
                    project_id=OuterRef("pk"), invitee_id=user.pk, status=InvitationStatus.PENDING
                )
            )
        )
    )


def get_project_for_user(*, user: Any, project_id: Any) -> Project:
    """The project if `user` may read it; missing and hidden are both not-found."""
    if not _valid_id(project_id):
        raise ProjectNotFound("No such project.")
    try:
        return (
            visible_projects(user).select_related("created_by", "organisation").get(pk=project_id)
        )
    except Project.DoesNotExist:
        raise ProjectNotFound("No such project.") from None


def team_membership(user: Any, project: Project) -> TeamMember | None:
    if not _authenticated(user):
        return None
    return TeamMember.objects.filter(project_id=project.pk, user_id=user.pk).first()


def is_on_team(user: Any, project: Project) -> bool:
    return team_membership(user, project) is not None


def require_team_member(user: Any, project: Project) -> TeamMember:
    member = team_membership(user, project)
    if member is None:
        raise NotOnTeam("Only the project's team can do this.")
    return member


def list_team(project: Project) -> list[TeamMember]:
    """The team in the order people joined, with each person and their space."""
    return list(
        TeamMember.objects.filter(project_id=project.pk)
        .select_related("user", "space")
        .order_by("joined_at", "id")
    )


def is_in_gallery(project: Project) -> bool:
    return Project.objects.filter(_gallery_q(), pk=project.pk).exists()


def list_projects_for_user(user: Any) -> QuerySet[Project]:
    """The projects on whose team `user` is, open ones first, newest first."""
    if not _authenticated(user):
        return Project.objects.none()
    return (
        Project.objects.filter(team__user_id=user.pk)
        .order_by("-status", "-created_at", "-id")  # "open" sorts after "closed": reversed
        .select_related("organisation")
    )


def list_gallery() -> QuerySet[Project]:
    """Delivered projects whose whole team agreed to show them publicly, newest first."""
    return (
        Project.objects.filter(_gallery_q())
        .order_by("-closed_at", "-id")
        .select_related("organisation", "client_organisation")
    )


def list_gallery_teams(projects: list[Project]) -> dict[int, list[TeamMember]]:
    """The teams of gallery projects (names and spaces only are shown), by project id."""
    teams: dict[int, list[TeamMember]] = {p.pk: [] for p in projects}
    for m in TeamMember.objects.filter(project__in=projects).select_related("user", "space"):
        teams[m.project_id].append(m)
    return teams


def invitation_not_found() -> InvitationNotFound:
    return InvitationNotFound("No such invitation.")


def get_invitation_for_user(*, user: Any, invitation_id: Any) -> Invitation:
    """An invitation, for its invitee and the project's team."""
    if not _authenticated(user) or not _valid_id(invitation_id):
        raise invitation_not_found()
    invitation = (
        Invitation.objects.filter(pk=invitation_id)
        .select_related("project", "invitee", "invited_by")
        .first()
    )
    if invitation is None or not (
        invitation.invitee_id == user.pk or is_on_team(user, invitation.project)
    ):
        raise invitation_not_found()
    return invitation


def list_invitations_for_user(user: Any) -> QuerySet[Invitation]:
    """Pending invitations addressed to `user`."""
    if not _authenticated(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        invitee_id=user.pk, status=InvitationStatus.PENDING
    ).select_related("project", "invited_by")


def list_project_invitations(project: Project) -> QuerySet[Invitation]:
    return project.invitations.select_related("invitee", "invited_by").order_by(
        "-created_at", "-id"
    )


# --- Team --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    member: TeamMember
    user: User
    space: Space | None
    zone: ZoneInfo
    local_time: datetime
    budget: Decimal | None
    logged: Decimal
    pending: Decimal

    @property
    def used_percent(self) -> int | None:
        if self.budget is None or self.budget <= 0:
            return None
        return int(self.logged * 100 / self.budget)


@dataclass(frozen=True)
class Team:
    rows: list[TeamRow]
    shared: SharedWindow | None
    zones: list[str]


def get_team(project: Project, *, now: datetime | None = None) -> Team:
    """The team with each member's space, local time, budget and hours, and the working hours
    (09:00-18:00 local) they all share on the next weekday."""
    now = now or timezone.now()
    members = list(
        project.team.select_related("user", "user__profile", "space").order_by("joined_at", "id")
    )
    agreement = agreement_in_force(project)
    budgets: dict[int, Decimal] = {}
    if agreement is not None:
        budgets = dict(agreement.budgets.values_list("user_id", "hours"))
    hours: dict[tuple[int, str], Decimal] = {
        (row["user_id"], row["status"]): row["total"]
        for row in TimeEntry.objects.filter(project=project)
        .order_by()  # the model's ordering would join Project and widen the GROUP BY
        .values("user_id", "status")
        .annotate(total=Sum("hours"))
    }
    rows = []
    for m in members:
        zone = zone_of(m.user, m.space)
        rows.append(
            TeamRow(
                member=m,
                user=m.user,
                space=m.space,
                zone=zone,
                local_time=now.astimezone(zone),
                budget=budgets.get(m.user_id),
                logged=hours.get((m.user_id, TimeEntryStatus.APPROVED), Decimal(0)),
                pending=hours.get((m.user_id, TimeEntryStatus.PENDING), Decimal(0)),
            )
        )
    distinct = {str(r.zone): r.zone for r in rows}
    day = next_weekday(now.astimezone(ZoneInfo("UTC")).date())
    shared = shared_working_hours(distinct.values(), day) if distinct else None
    return Team(rows=rows, shared=shared, zones=sorted(distinct))


# --- Agreements --------------------------------------------------------------------------------


def agreement_in_force(project: Project) -> Agreement | None:
    """The latest version everyone on it accepted."""
    return (
        Agreement.objects.filter(project_id=project.pk, accepted_at__isnull=False)
        .select_related("coordinator")
        .order_by("-version")
        .first()
    )


def latest_agreement(project: Project) -> Agreement | None:
    return (
        Agreement.objects.filter(project_id=project.pk)
        .select_related("coordinator")
        .order_by("-version")
        .first()
    )


def list_agreements(project: Project) -> QuerySet[Agreement]:
    """Every version, newest first, with its budgets and acceptances (the history)."""
    return (
        Agreement.objects.filter(project_id=project.pk)
        .select_related("coordinator", "proposed_by")
        .prefetch_related("budgets__user", "acceptances__user")
        .order_by("-version")
    )


def can_handle_money(user: Any, project: Project) -> bool:
    """The coordinator of the agreement in force (else of the latest version) and whoever
    opened the project record payments and close it."""
    if not _authenticated(user):
        return False
    if project.created_by_id == user.pk:
        return True
    agreement = agreement_in_force(project) or latest_agreement(project)
    return agreement is not None and agreement.coordinator_id == user.pk


# --- Work --------------------------------------------------------------------------------------


def list_tasks(project: Project) -> QuerySet[Task]:
    return project.tasks.select_related("assignee").order_by("due_date", "id")


def list_posts(project: Project, *, kind: str | None = None) -> QuerySet[ProjectPost]:
    qs = project.posts.select_related("author")
    return qs.filter(kind=kind) if kind else qs


def list_time_entries(project: Project, *, member: User | None = None) -> QuerySet[TimeEntry]:
    qs = project.time_entries.select_related("user", "task", "agreement").order_by("-date", "-id")
    return qs.filter(user=member) if member is not None else qs


def list_payments(project: Project) -> QuerySet[ClientPayment]:
    return project.payments.select_related("recorded_by").order_by("received_at", "id")


# --- Payouts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayoutItem:
    member: User | None
    role: str
    hours: Decimal | None
    amount: Decimal
    exact: Fraction

    @property
    def email(self) -> str | None:
        return self.member.email if self.member is not None else None


@dataclass(frozen=True)
class Payouts:
    project: Project
    currency: str
    income: Decimal
    agreement: Agreement
    basis: str
    basis_note: str
    hours: dict[int, Decimal]
    items: list[PayoutItem]
    payments: list[ClientPayment] = field(default_factory=list)


def payout_basis(agreement: Agreement) -> tuple[str, dict[int, Decimal], str]:
    """The hours the rest is split by: (basis, hours per user id, a note for the statement).

    `logged_hours` counts approved time entries of the project (hours beyond a budget count
    once the coordinator approved them); when nobody has logged any yet, the agreed budgets
    are used instead and the statement says so.
    """
    budgets: dict[int, Decimal] = dict(agreement.budgets.values_list("user_id", "hours"))
    if agreement.split_by == SplitBy.BUDGET_HOURS:
        return SplitBy.BUDGET_HOURS, budgets, "The rest is split by the agreed hour budgets."
    logged: dict[int, Decimal] = defaultdict(Decimal)
    for user_id, total in (
        TimeEntry.objects.filter(project_id=agreement.project_id, status=TimeEntryStatus.APPROVED)
        .order_by()  # the model's ordering would join Project and widen the GROUP BY
        .values("user_id")
        .annotate(total=Sum("hours"))
        .values_list("user_id", "total")
    ):
        logged[user_id] = total
    if sum(logged.values(), Decimal(0)) > 0:
        return (
            SplitBy.LOGGED_HOURS,
            dict(logged),
            "The rest is split by the hours logged and counted.",
        )
    return (
        SplitBy.BUDGET_HOURS,
        budgets,
        "Nobody has logged hours yet, so the rest is split by the agreed hour budgets for now.",
    )


def get_payouts(*, project: Project, user: Any) -> Payouts:
    """What each team member receives of the income received so far, under the agreement in
    force, exactly, rounded to the currency's minor unit by largest remainder. Team only."""
    require_team_member(user, project)
    agreement = agreement_in_force(project)
    if agreement is None:
        raise NoAcceptedAgreement(
            "Payouts follow an agreement everyone accepted; there is none yet."
        )
    payments = list(list_payments(project))
    income = sum((p.amount for p in payments), Decimal(0))
    basis, hours, note = payout_basis(agreement)
    people = {u.pk: u for u in User.objects.filter(pk__in={*hours, agreement.coordinator_id})}
    ordered = sorted(hours.items(), key=lambda kv: (people[kv[0]].email, kv[0]))
    lines: list[PayoutLine] = compute_payouts(
        income=income,
        currency=project.currency,
        coordinator=str(agreement.coordinator_id),
        coordinator_share=agreement.coordinator_share,
        pool_share=agreement.pool_share,
        hours=[(str(uid), h) for uid, h in ordered],
    )
    items = [
        PayoutItem(
            member=people[int(line.member)] if line.member is not None else None,
            role=line.role,
            hours=line.hours,
            amount=line.amount,
            exact=line.exact,
        )
        for line in lines
    ]
    return Payouts(
        project=project,
        currency=project.currency,
        income=income.quantize(Decimal(1).scaleb(-_places(project.currency))),
        agreement=agreement,
        basis=basis,
        basis_note=note,
        hours=hours,
        items=items,
        payments=payments,
    )


def _places(currency: str) -> int:
    from .rules import minor_digits

    return minor_digits(currency)


@dataclass(frozen=True)
class Statement:
    payouts: Payouts
    member: User
    items: list[PayoutItem]
    total: Decimal
    entries: list[TimeEntry]
    budget: Decimal | None
    total_hours: Decimal


def get_statement(*, project: Project, user: Any, member: User) -> Statement:
    """One member's statement: their parts of the payouts, each traced to the agreement version
    and the time entries behind it. A member reads their own; the coordinator reads anyone's."""
    payouts = get_payouts(project=project, user=user)
    if member.pk != user.pk and payouts.agreement.coordinator_id != user.pk:
        raise NotOnTeam(
            "You can read your own statement; the coordinator reads everyone's.",
            code="statement.not_yours",
        )
    if not TeamMember.objects.filter(project=project, user=member).exists():
        raise ProjectNotFound("No such team member.", code="project.member_not_found")
    items = [i for i in payouts.items if i.member is not None and i.member.pk == member.pk]
    entries = list(
        TimeEntry.objects.filter(project=project, user=member)
        .select_related("task", "agreement")
        .order_by("date", "id")
    )
    budget = (
        HourBudget.objects.filter(agreement=payouts.agreement, user=member)
        .values_list("hours", flat=True)
        .first()
    )
    return Statement(
        payouts=payouts,
        member=member,
        items=items,
        total=sum((i.amount for i in items), Decimal(0)),
        entries=entries,
        budget=budget,
        total_hours=sum(payouts.hours.values(), Decimal(0)),
    )


def get_task(*, project: Project, task_id: Any) -> Task:
    if not _valid_id(task_id):
        raise ProjectNotFound("No such task.", code="task.not_found")
    task = Task.objects.filter(project_id=project.pk, pk=task_id).select_related("project").first()
    if task is None:
        raise ProjectNotFound("No such task.", code="task.not_found")
    return task


def get_time_entry(*, project: Project, entry_id: Any) -> TimeEntry:
    if not _valid_id(entry_id):
        raise ProjectNotFound("No such time entry.", code="time_entry.not_found")
    entry = (
        TimeEntry.objects.filter(project_id=project.pk, pk=entry_id)
        .select_related("project", "user", "agreement")
        .first()
    )
    if entry is None:
        raise ProjectNotFound("No such time entry.", code="time_entry.not_found")
    return entry


def get_team_user(*, project: Project, user_id: Any) -> User:
    """A person on the project's team, by id."""
    member = (
        TeamMember.objects.filter(project_id=project.pk, user_id=user_id)
        .select_related("user")
        .first()
        if _valid_id(user_id)
        else None
    )
    if member is None:
        raise ProjectNotFound("No such team member.", code="project.member_not_found")
    return member.user
