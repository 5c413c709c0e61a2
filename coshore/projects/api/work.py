"""Tasks, the thread, time entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.errors import Invalid

from .. import selectors, services
from .schemas import (
    ERRORS,
    LoggedTimeOut,
    ProjectPostIn,
    ProjectPostListOut,
    ProjectPostOut,
    TaskIn,
    TaskListOut,
    TaskOut,
    TaskPatchIn,
    TimeEntryIn,
    TimeEntryListOut,
    TimeEntryOut,
    _hours,
    _team_project,
    entry_out,
    post_out,
    task_out,
)

router = Router()


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
    "/projects/{project_id}/posts", response={200: ProjectPostListOut, **ERRORS}, auth=AUTH_REQUIRED
)
def list_posts(request: HttpRequest, project_id: int, kind: str | None = None) -> Any:
    """The thread, oldest first; `kind=decision` gives the decision log."""
    if kind is not None and kind not in ("message", "decision"):
        raise Invalid(
            "`kind` is message or decision.", code="project.invalid", detail={"field": "kind"}
        )
    project = _team_project(request, project_id)
    return {"items": [post_out(p) for p in selectors.list_posts(project, kind=kind)]}


@router.post(
    "/projects/{project_id}/posts", response={201: ProjectPostOut, **ERRORS}, auth=AUTH_REQUIRED
)
def post_to_thread(request: HttpRequest, project_id: int, payload: ProjectPostIn) -> Any:
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
