"""Every state change of projects: opening, invitations, agreements, tasks, the thread, time,
client payments, closing and gallery consent.

Each service owns its transaction and records an Activity (never message content). Logging time
locks the person's account row first (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE
transactions already serialise writers), so two concurrent time entries can neither both slip
under a budget nor add up to more than 24 hours on a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from coshore.accounts.models import Organisation, User
from coshore.activity.services import record_activity
from coshore.core.errors import Unauthenticated
from coshore.memberships.rules import normalise_currency

from . import emails, selectors
from .errors import (
    AgreementConflict,
    AlreadyOnTeam,
    InvalidAgreement,
    InvalidPayment,
    InvalidProject,
    InvalidTask,
    InvalidTimeEntry,
    InvitationConflict,
    NoAcceptedAgreement,
    NotCoordinator,
    PersonNotFound,
    ProjectClosed,
    TimeEntryConflict,
)
from .models import (
    Agreement,
    AgreementAcceptance,
    ClientPayment,
    HourBudget,
    Invitation,
    InvitationStatus,
    PostKind,
    Project,
    ProjectPost,
    ProjectStatus,
    SplitBy,
    Task,
    TaskStatus,
    TeamMember,
    TimeEntry,
    TimeEntryStatus,
)
from .rules import (
    HUNDRED,
    MAX_AMOUNT,
    MAX_BUDGET_HOURS,
    MAX_DAY_HOURS,
    budget_warnings,
    fits_minor_unit,
    is_over_budget,
    minor_digits,
)

MAX_TITLE = 200
MAX_BRIEF = 10_000
MAX_NOTE = 1000
MAX_BODY = 10_000
MAX_TEAM = 200
TIME_ENTRY_PAST_DAYS = 366


def _enqueue_on_commit(task: Any, *args: Any) -> None:
    # robust: a mail server that is down must not undo a committed change.
    transaction.on_commit(lambda: task.enqueue(*args), robust=True)


def _require_user(user: Any) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user  # type: ignore[no-any-return]


def _require_open(project: Project) -> None:
    """Refuse changes to a delivered project (read from the database: the object may be stale)."""
    status = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
    if status is not None:
        project.status = status
    if project.status != ProjectStatus.OPEN:
        raise ProjectClosed("This project is delivered and closed.")


def _text(value: str, *, field: str, max_len: int, required: bool, error: type) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise error(f"`{field}` is required.", detail={"field": field})
    if len(cleaned) > max_len:
        raise error(
            f"`{field}` is longer than {max_len} characters.",
            detail={"field": field, "max_length": max_len},
        )
    return cleaned


def parse_decimal(raw: Any, *, field: str, error: type, places: int = 2) -> Decimal:
    """A finite decimal from a decimal string (or int) with at most `places` decimals."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise error(f'`{field}` must be a decimal string such as "12.5".', detail={"field": field})
    text = str(raw).strip()
    if len(text) > 32:
        raise error(f"`{field}` is not a number we can read.", detail={"field": field})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise error(
            f'`{field}` must be a decimal string such as "12.5".', detail={"field": field}
        ) from None
    if not value.is_finite():
        raise error(f"`{field}` must be a finite number.", detail={"field": field})
    if abs(value) > MAX_AMOUNT:
        raise error(f"`{field}` is too large.", detail={"field": field})
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise error(
            f"`{field}` has more than {places} decimals.", detail={"field": field, "places": places}
        )
    return value


# --- Projects and invitations ------------------------------------------------------------------


def open_project(
    *,
    creator: Any,
    title: str,
    currency: str,
    brief: str = "",
    client_name: str = "",
    client_organisation: Organisation | None = None,
    organisation: Organisation | None = None,
    expected_income: Decimal | None = None,
) -> Project:
    """A member opens a project (for themselves, or for an organisation they belong to) and is
    its first team member. The currency is an active ISO 4217 code; every payment uses it."""
    user = _require_user(creator)
    title = _text(title, field="title", max_len=MAX_TITLE, required=True, error=InvalidProject)
    brief = _text(brief, field="brief", max_len=MAX_BRIEF, required=False, error=InvalidProject)
    client_name = _text(
        client_name, field="client_name", max_len=200, required=False, error=InvalidProject
    )
    code = normalise_currency(currency or "")
    if code is None:
        raise InvalidProject(
            "`currency` must be an active ISO 4217 code such as EUR.", detail={"field": "currency"}
        )
    if expected_income is not None and (
        not expected_income.is_finite()
        or expected_income < 0
        or expected_income > MAX_AMOUNT
        or not fits_minor_unit(expected_income, code)
    ):
        raise InvalidProject(
            f"`expected_income` must be an amount from 0 in {code} "
            f"with at most {minor_digits(code)} decimals.",
            detail={"field": "expected_income"},
        )
    if organisation is not None and not selectors.can_act_for_organisation(user, organisation):
        raise InvalidProject(
            "You can open a project only for an organisation you belong to.",
            detail={"field": "organisation"},
        )
    with transaction.atomic():
        project = Project.objects.create(
            title=title,
            brief=brief,
            client_name=client_name or (client_organisation.name if client_organisation else ""),
            client_organisation=client_organisation,
            organisation=organisation,
            currency=code,
            expected_income=expected_income,
            created_by=user,
        )
        TeamMember.objects.create(project=project, user=user, space=selectors.home_space_of(user))
        record_activity(
            actor=user,
            verb="project.opened",
            target=project,
            space=selectors.home_space_of(user),
            metadata={"currency": code},
        )
    return project


def invite_member(*, project: Project, inviter: Any, email: str, message: str = "") -> Invitation:
    """A team member invites a member of any space of the inviter's networks (or of the
    inviter's own spaces). Someone already on the team, or already invited, is refused."""
    user = _require_user(inviter)
    selectors.require_team_member(user, project)
    _require_open(project)
    message = _text(message, field="message", max_len=1000, required=False, error=InvalidProject)
    invitee = selectors.find_invitable_person(inviter=user, email=email)
    if invitee is None:
        raise PersonNotFound(
            "Nobody with this email is a member of a space in your networks.",
            detail={"field": "email"},
        )
    if TeamMember.objects.filter(project=project, user=invitee).exists():
        raise AlreadyOnTeam("This person is already on the team.")
    if TeamMember.objects.filter(project=project).count() >= MAX_TEAM:
        raise InvitationConflict(f"A team has at most {MAX_TEAM} members.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                project=project, invitee=invitee, invited_by=user, message=message
            )
            record_activity(
                actor=user,
                verb="project.invited",
                target=invitation,
                space=selectors.home_space_of(user),
                metadata={"project": project.pk, "invitee": invitee.pk},
            )
            _enqueue_on_commit(emails.send_invitation_email, invitation.pk)
    except IntegrityError:
        raise InvitationConflict("This person already has a pending invitation.") from None
    return invitation


def _decide_invitation(invitation: Invitation, user: Any, status: str) -> Invitation:
    person = _require_user(user)
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update().select_related("project").get(pk=invitation.pk)
        )
        if locked.invitee_id != person.pk:
            raise selectors.invitation_not_found()
        if locked.status != InvitationStatus.PENDING:
            raise InvitationConflict(
                f"This invitation is already {locked.get_status_display().lower()}.",
                detail={"status": locked.status},
            )
        if status == InvitationStatus.ACCEPTED:
            _require_open(locked.project)
            space = selectors.home_space_of(person)
            _, created = TeamMember.objects.get_or_create(
                project=locked.project, user=person, defaults={"space": space}
            )
            if not created:
                raise AlreadyOnTeam("You are already on the team.")
        locked.status = status
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        record_activity(
            actor=person,
            verb=f"project.invitation_{status}",
            target=locked,
            space=selectors.home_space_of(person),
            metadata={"project": locked.project_id, "invited_by": locked.invited_by_id},
        )
    return locked


def accept_invitation(*, invitation: Invitation, user: Any) -> Invitation:
    """The invitee joins the team. An agreement already in force stays in force; their time
    counts once a new agreement version gives them an hour budget."""
    return _decide_invitation(invitation, user, InvitationStatus.ACCEPTED)


def decline_invitation(*, invitation: Invitation, user: Any) -> Invitation:
    return _decide_invitation(invitation, user, InvitationStatus.DECLINED)


def withdraw_invitation(*, invitation: Invitation, user: Any) -> Invitation:
    """A team member withdraws a pending invitation."""
    person = _require_user(user)
    selectors.require_team_member(person, invitation.project)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != InvitationStatus.PENDING:
            raise InvitationConflict(
                f"This invitation is already {locked.get_status_display().lower()}.",
                detail={"status": locked.status},
            )
        locked.status = InvitationStatus.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        record_activity(
            actor=person, verb="project.invitation_withdrawn", target=locked,
            metadata={"project": locked.project_id},
        )  # fmt: skip
    return locked


# --- Agreements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetIn:
    email: str
    hours: Any


def _share(raw: Any, field: str) -> Decimal:
    value = parse_decimal(raw, field=field, error=InvalidAgreement)
    if value < 0 or value > HUNDRED:
        raise InvalidAgreement(
            f"`{field}` must be a percentage from 0 to 100.", detail={"field": field}
        )
    return value


def propose_agreement(
    *,
    project: Project,
    proposer: Any,
    coordinator_email: str,
    coordinator_share: Any,
    pool_share: Any = "0",
    split_by: str,
    budgets: Sequence[BudgetIn],
    pool_label: str = "",
) -> Agreement:
    """A team member proposes the next version of the split rule and hour budgets.

    The budgets list every team member once (0 hours is allowed; the total must be above 0).
    The coordinator is on the team. Shares are percentages from 0 to 100 whose sum is at most
    100. A version is never edited: each change is a new version that everyone on the team
    accepts again; the proposer's acceptance is recorded at once, and until the new version is
    accepted by all, the last accepted version stays in force.
    """
    user = _require_user(proposer)
    selectors.require_team_member(user, project)
    _require_open(project)
    c_share = _share(coordinator_share, "coordinator_share")
    p_share = _share(pool_share, "pool_share")
    if c_share + p_share > HUNDRED:
        raise InvalidAgreement(
            "The coordinator and pool shares add up to more than 100 %.",
            detail={"field": "pool_share", "total": str(c_share + p_share)},
        )
    if split_by not in SplitBy.values:
        raise InvalidAgreement(
            "`split_by` must be `logged_hours` or `budget_hours`.", detail={"field": "split_by"}
        )
    pool_label = _text(
        pool_label, field="pool_label", max_len=120, required=False, error=InvalidAgreement
    )
    team = {m.user.email.lower(): m.user for m in project.team.select_related("user")}
    coordinator = team.get((coordinator_email or "").strip().lower())
    if coordinator is None:
        raise InvalidAgreement(
            "The coordinator must be on the team.", detail={"field": "coordinator"}
        )
    if len(budgets) > MAX_TEAM:
        raise InvalidAgreement("Too many budgets.", detail={"field": "budgets"})
    hours_of: dict[str, Decimal] = {}
    for i, budget in enumerate(budgets):
        email = (budget.email or "").strip().lower()
        if email not in team:
            raise InvalidAgreement(
                "Every budget must be for a team member.",
                detail={"field": f"budgets[{i}].email", "email": email[:254]},
            )
        if email in hours_of:
            raise InvalidAgreement(
                "A team member has two budgets.", detail={"field": f"budgets[{i}].email"}
            )
        hours = parse_decimal(budget.hours, field=f"budgets[{i}].hours", error=InvalidAgreement)
        if hours < 0 or hours > MAX_BUDGET_HOURS:
            raise InvalidAgreement(
                f"An hour budget is from 0 to {MAX_BUDGET_HOURS} hours.",
                detail={"field": f"budgets[{i}].hours"},
            )
        hours_of[email] = hours
    missing = sorted(set(team) - set(hours_of))
    if missing:
        raise InvalidAgreement(
            "Every team member needs an hour budget (0 is allowed).",
            detail={"field": "budgets", "missing": missing},
        )
    if sum(hours_of.values(), Decimal(0)) <= 0 and c_share + p_share < HUNDRED:
        raise InvalidAgreement(
            "The hour budgets add up to 0: there would be nothing to split the rest by.",
            detail={"field": "budgets"},
        )
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_open(locked)
        if TeamMember.objects.filter(project=locked).count() != len(team):
            raise AgreementConflict("The team changed meanwhile; reload and try again.")
        last = Agreement.objects.filter(project=locked).order_by("-version").first()
        version = (last.version if last else 0) + 1
        agreement = Agreement.objects.create(
            project=locked,
            version=version,
            coordinator=coordinator,
            coordinator_share=c_share,
            pool_share=p_share,
            pool_label=pool_label,
            split_by=split_by,
            proposed_by=user,
        )
        HourBudget.objects.bulk_create(
            HourBudget(agreement=agreement, user=team[email], hours=hours)
            for email, hours in hours_of.items()
        )
        AgreementAcceptance.objects.create(agreement=agreement, user=user)
        if len(team) == 1:
            agreement.accepted_at = timezone.now()
            agreement.save(update_fields=["accepted_at"])
        record_activity(
            actor=user,
            verb="agreement.proposed",
            target=agreement,
            metadata={
                "project": locked.pk,
                "version": version,
                "coordinator_share": str(c_share),
                "pool_share": str(p_share),
                "split_by": split_by,
            },
        )
        if agreement.accepted_at is None:
            _enqueue_on_commit(emails.send_agreement_email, agreement.pk)
    return agreement


def accept_agreement(*, project: Project, user: Any, version: int | None = None) -> Agreement:
    """A person on the latest version's budget list accepts it; with the last acceptance the
    version is in force. Only the latest version can be accepted."""
    person = _require_user(user)
    selectors.require_team_member(person, project)
    _require_open(project)
    with transaction.atomic():
        latest = (
            Agreement.objects.select_for_update()
            .filter(project=project)
            .order_by("-version")
            .first()
        )
        if latest is None:
            raise NoAcceptedAgreement("Nobody has proposed an agreement yet.")
        if version is not None and version != latest.version:
            raise AgreementConflict(
                f"Version {version} was replaced by version {latest.version}.",
                detail={"latest": latest.version},
            )
        parties = set(latest.budgets.values_list("user_id", flat=True))
        if person.pk not in parties:
            raise AgreementConflict(
                "This version has no budget for you; propose a new version that includes you.",
                detail={"version": latest.version},
            )
        try:
            with transaction.atomic():
                AgreementAcceptance.objects.create(agreement=latest, user=person)
        except IntegrityError:
            raise AgreementConflict(
                "You have already accepted this version.", detail={"version": latest.version}
            ) from None
        accepted = set(latest.acceptances.values_list("user_id", flat=True))
        if parties <= accepted and latest.accepted_at is None:
            latest.accepted_at = timezone.now()
            latest.save(update_fields=["accepted_at"])
        record_activity(
            actor=person,
            verb="agreement.accepted",
            target=latest,
            metadata={
                "project": project.pk,
                "version": latest.version,
                "in_force": latest.accepted_at is not None,
            },
        )
    return latest


# --- Tasks and the thread ----------------------------------------------------------------------


def _assignee(project: Project, email: str | None) -> User | None:
    if not email:
        return None
    member = (
        TeamMember.objects.filter(project=project, user__email__iexact=email.strip())
        .select_related("user")
        .first()
    )
    if member is None:
        raise InvalidTask("The assignee must be on the team.", detail={"field": "assignee"})
    return member.user


def add_task(
    *,
    project: Project,
    user: Any,
    title: str,
    description: str = "",
    assignee_email: str | None = None,
    due_date: date | None = None,
    status: str = TaskStatus.BACKLOG,
) -> Task:
    person = _require_user(user)
    selectors.require_team_member(person, project)
    _require_open(project)
    title = _text(title, field="title", max_len=MAX_TITLE, required=True, error=InvalidTask)
    description = _text(
        description, field="description", max_len=5000, required=False, error=InvalidTask
    )
    if status not in TaskStatus.values:
        raise InvalidTask("`status` must be backlog, doing or done.", detail={"field": "status"})
    with transaction.atomic():
        task = Task.objects.create(
            project=project,
            title=title,
            description=description,
            status=status,
            assignee=_assignee(project, assignee_email),
            due_date=due_date,
            created_by=person,
        )
        record_activity(
            actor=person, verb="task.added", target=task, metadata={"project": project.pk}
        )
    return task


_UNSET: Any = object()


def update_task(
    *,
    task: Task,
    user: Any,
    title: str | None = None,
    description: str | None = None,
    status: str | None = None,
    assignee_email: Any = _UNSET,
    due_date: Any = _UNSET,
) -> Task:
    """A team member changes a task; fields left out stay as they are (None clears the
    assignee and the due date)."""
    person = _require_user(user)
    selectors.require_team_member(person, task.project)
    _require_open(task.project)
    changed = []
    if title is not None:
        task.title = _text(
            title, field="title", max_len=MAX_TITLE, required=True, error=InvalidTask
        )
        changed.append("title")
    if description is not None:
        task.description = _text(
            description, field="description", max_len=5000, required=False, error=InvalidTask
        )
        changed.append("description")
    if status is not None:
        if status not in TaskStatus.values:
            raise InvalidTask(
                "`status` must be backlog, doing or done.", detail={"field": "status"}
            )
        task.status = status
        changed.append("status")
    if assignee_email is not _UNSET:
        task.assignee = _assignee(task.project, assignee_email)
        changed.append("assignee")
    if due_date is not _UNSET:
        task.due_date = due_date
        changed.append("due_date")
    if changed:
        with transaction.atomic():
            task.save(update_fields=[*changed, "updated_at"])
            record_activity(
                actor=person,
                verb="task.updated",
                target=task,
                metadata={"project": task.project_id, "fields": changed, "status": task.status},
            )
    return task


def post_to_thread(
    *, project: Project, user: Any, body: str, kind: str = PostKind.MESSAGE
) -> ProjectPost:
    """A team member writes in the project's thread; a `decision` also enters the decision log."""
    person = _require_user(user)
    selectors.require_team_member(person, project)
    body = _text(body, field="body", max_len=MAX_BODY, required=True, error=InvalidProject)
    if kind not in PostKind.values:
        raise InvalidProject("`kind` must be message or decision.", detail={"field": "kind"})
    with transaction.atomic():
        post = ProjectPost.objects.create(project=project, author=person, kind=kind, body=body)
        record_activity(
            actor=person,
            verb="project.decision" if kind == PostKind.DECISION else "project.message",
            target=post,
            metadata={"project": project.pk},
        )
    return post


# --- Time --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedTime:
    entry: TimeEntry
    budget: Decimal
    used: Decimal
    warnings: list[str]


def log_time(
    *,
    project: Project,
    user: Any,
    day: date,
    hours: Any,
    note: str = "",
    task: Task | None = None,
) -> LoggedTime:
    """A team member logs hours (more than 0, at most 24 in a day across all their projects)
    on an open project under the accepted agreement, which must give them an hour budget.

    Logging that reaches 80 % and 100 % of the budget warns once each; hours beyond the budget
    wait for the coordinator's approval and count only once approved.
    """
    person = _require_user(user)
    selectors.require_team_member(person, project)
    _require_open(project)
    amount = parse_decimal(hours, field="hours", error=InvalidTimeEntry)
    if amount <= 0:
        raise InvalidTimeEntry("`hours` must be more than 0.", detail={"field": "hours"})
    if amount > MAX_DAY_HOURS:
        raise InvalidTimeEntry("A day has at most 24 hours.", detail={"field": "hours"})
    today = timezone.now().date()
    if day > today + timedelta(days=1):
        raise InvalidTimeEntry("Time cannot be logged for a future day.", detail={"field": "date"})
    if day < today - timedelta(days=TIME_ENTRY_PAST_DAYS):
        raise InvalidTimeEntry(
            "Time can be logged for the past year only.", detail={"field": "date"}
        )
    note = _text(note, field="note", max_len=MAX_NOTE, required=False, error=InvalidTimeEntry)
    if task is not None and task.project_id != project.pk:
        raise InvalidTimeEntry("The task belongs to another project.", detail={"field": "task"})
    with transaction.atomic():
        # One person's time entries take turns (their account row is the lock), so neither the
        # budget nor the 24 hours of a day can be overrun by concurrent entries.
        User.objects.select_for_update().filter(pk=person.pk).first()
        _require_open(project)  # again, under the lock: the project may have closed meanwhile
        agreement = selectors.agreement_in_force(project)
        if agreement is None:
            raise NoAcceptedAgreement(
                "Time is logged under an agreement everyone accepted; there is none yet."
            )
        budget_row = HourBudget.objects.filter(agreement=agreement, user=person).first()
        if budget_row is None:
            raise TimeEntryConflict(
                "The agreement in force gives you no hour budget; propose a new version.",
                detail={"version": agreement.version},
            )
        day_total = TimeEntry.objects.filter(user=person, date=day).exclude(
            status=TimeEntryStatus.DECLINED
        ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
        if day_total + amount > MAX_DAY_HOURS:
            logged = day_total.quantize(Decimal("0.01"))  # SQLite's Sum drops the scale
            raise InvalidTimeEntry(
                f"You would log more than 24 hours on {day.isoformat()} "
                f"({logged} h are logged already).",
                detail={"field": "hours", "logged": str(logged)},
            )
        used = TimeEntry.objects.filter(project=project, user=person).exclude(
            status=TimeEntryStatus.DECLINED
        ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
        budget = budget_row.hours
        over = is_over_budget(budget=budget, used_before=used, adding=amount)
        entry = TimeEntry.objects.create(
            project=project,
            user=person,
            date=day,
            hours=amount,
            task=task,
            note=note,
            agreement=agreement,
            status=TimeEntryStatus.PENDING if over else TimeEntryStatus.APPROVED,
        )
        record_activity(
            actor=person,
            verb="time.logged",
            target=entry,
            metadata={"project": project.pk, "hours": str(amount), "over_budget": over},
        )
    warnings = [
        f"You have used {pct} % of your {budget} h budget."
        for pct in budget_warnings(budget=budget, used_before=used, adding=amount)
    ]
    if over:
        warnings.append("Hours beyond your budget wait for the coordinator's approval.")
    return LoggedTime(entry=entry, budget=budget, used=used + amount, warnings=warnings)


def decide_time_entry(*, entry: TimeEntry, user: Any, approve: bool) -> TimeEntry:
    """The coordinator of the agreement in force approves or declines hours beyond a budget."""
    person = _require_user(user)
    project = entry.project
    selectors.require_team_member(person, project)
    agreement = selectors.agreement_in_force(project)
    if agreement is None or agreement.coordinator_id != person.pk:
        raise NotCoordinator("Only the coordinator decides on hours beyond a budget.")
    with transaction.atomic():
        locked = TimeEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != TimeEntryStatus.PENDING:
            raise TimeEntryConflict(
                "These hours are not waiting for a decision.", detail={"status": locked.status}
            )
        locked.status = TimeEntryStatus.APPROVED if approve else TimeEntryStatus.DECLINED
        locked.decided_by = person
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record_activity(
            actor=person,
            verb="time.approved" if approve else "time.declined",
            target=locked,
            metadata={"project": project.pk, "hours": str(locked.hours), "member": locked.user_id},
        )
    return locked


# --- Money -------------------------------------------------------------------------------------


def record_payment(
    *,
    project: Project,
    user: Any,
    amount: Any,
    currency: str,
    received_at: date,
    note: str = "",
) -> ClientPayment:
    """The coordinator (or whoever opened the project) records money the client paid, in the
    project's currency, to the currency's minor unit; payments may be partial."""
    person = _require_user(user)
    selectors.require_team_member(person, project)
    if not selectors.can_handle_money(person, project):
        raise NotCoordinator("Only the coordinator or the project's opener records payments.")
    code = (currency or "").strip().upper()
    if code != project.currency:
        raise InvalidPayment(
            f"This project is paid in {project.currency}.",
            code="payment.currency_mismatch",
            detail={"field": "currency", "expected": project.currency},
        )
    value = parse_decimal(amount, field="amount", error=InvalidPayment, places=4)
    if value <= 0 or value > MAX_AMOUNT:
        raise InvalidPayment("`amount` must be more than 0.", detail={"field": "amount"})
    if not fits_minor_unit(value, code):
        raise InvalidPayment(
            f"{code} amounts have at most {minor_digits(code)} decimals.",
            detail={"field": "amount", "places": minor_digits(code)},
        )
    if received_at > timezone.now().date() + timedelta(days=1):
        raise InvalidPayment(
            "A payment cannot be received in the future.", detail={"field": "received_at"}
        )
    note = _text(note, field="note", max_len=500, required=False, error=InvalidPayment)
    with transaction.atomic():
        payment = ClientPayment.objects.create(
            project=project,
            amount=value,
            currency=code,
            received_at=received_at,
            note=note,
            recorded_by=person,
        )
        record_activity(
            actor=person,
            verb="project.payment",
            target=payment,
            metadata={"project": project.pk, "amount": str(value), "currency": code},
        )
    return payment


# --- Delivery and the gallery ------------------------------------------------------------------


def close_project(*, project: Project, user: Any) -> Project:
    """The coordinator (or whoever opened it) marks the project delivered: no more time or
    changes; the team may now endorse each other and opt in to the gallery."""
    person = _require_user(user)
    selectors.require_team_member(person, project)
    if not selectors.can_handle_money(person, project):
        raise NotCoordinator("Only the coordinator or the project's opener closes the project.")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_open(locked)
        locked.status = ProjectStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = person
        locked.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        record_activity(
            actor=person,
            verb="project.closed",
            target=locked,
            metadata={"team": locked.team.count()},
        )
    return locked


def set_gallery_consent(*, project: Project, user: Any, consent: bool) -> TeamMember:
    """A team member agrees (or no longer agrees) to show the delivered project publicly; it is
    in the gallery once everyone on the team agrees."""
    person = _require_user(user)
    member = selectors.require_team_member(person, project)
    with transaction.atomic():
        member.gallery_consent = consent
        member.save(update_fields=["gallery_consent"])
        record_activity(
            actor=person,
            verb="project.gallery_consent",
            target=project,
            metadata={"consent": consent},
        )
    return member
