"""The work: tasks, the thread and decision log, time entries and their approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from coshore.accounts.models import User
from coshore.activity.services import record_activity

from .. import selectors
from ..errors import (
    InvalidProject,
    InvalidTask,
    InvalidTimeEntry,
    NoAcceptedAgreement,
    NotCoordinator,
    TimeEntryConflict,
)
from ..models import (
    HourBudget,
    PostKind,
    Project,
    ProjectPost,
    Task,
    TaskStatus,
    TeamMember,
    TimeEntry,
    TimeEntryStatus,
)
from ..rules import (
    MAX_DAY_HOURS,
    budget_warnings,
    is_over_budget,
)
from ._shared import (
    MAX_BODY,
    MAX_NOTE,
    MAX_TITLE,
    TIME_ENTRY_PAST_DAYS,
    _require_open,
    _require_user,
    _text,
    parse_decimal,
)

__all__ = [
    "LoggedTime",
    "add_task",
    "decide_time_entry",
    "log_time",
    "post_to_thread",
    "update_task",
]


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
