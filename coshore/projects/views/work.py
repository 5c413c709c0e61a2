"""The team's work: the Board (tasks in three columns, moved with htmx), the Thread (messages
and the decision log) and Time (logging hours with budget warnings; the coordinator decides on
hours beyond a budget)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError

from .. import selectors, services
from ..forms import PostForm, TaskForm, TimeForm
from ..models import PostKind, Project, Task, TaskStatus, TimeEntryStatus
from .common import is_htmx, page, render_tab, team_project

# --- Board -------------------------------------------------------------------------------------


def _columns(project: Project) -> list[dict[str, Any]]:
    tasks = list(selectors.list_tasks(project))
    return [
        {
            "status": value,
            "label": label,
            "tasks": [t for t in tasks if t.status == value],
            "moves": [(v, lbl) for v, lbl in TaskStatus.choices if v != value],
        }
        for value, label in TaskStatus.choices
    ]


def _board_tab(
    request: HttpRequest, project: Project, form: TaskForm | None = None, status: int = 200
) -> HttpResponse:
    members = selectors.list_team(project)
    context = {"columns": _columns(project), "form": form or TaskForm(team=members)}
    return render_tab(request, project, "board", context, status=status)


@require_GET
@page
def board(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    return _board_tab(request, project)


@require_POST
@page
def add_task(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    form = TaskForm(request.POST, team=selectors.list_team(project))
    if not form.is_valid():
        return _board_tab(request, project, form, status=400)
    try:
        task = services.add_task(
            project=project,
            user=request.user,
            title=form.cleaned_data["title"],
            assignee_email=form.assignee_email(),
            due_date=form.cleaned_data.get("due_date"),
            status=form.cleaned_data["status"],
        )
    except DomainError as error:
        form.add_domain_error(error)
        return _board_tab(request, project, form, status=error.status)
    messages.success(request, f"Task “{task.title}” added.")
    return redirect("projects:board", project_id=project.pk)


def _task(project: Project, task_id: int) -> Task:
    return selectors.get_task(project=project, task_id=task_id)


@require_POST
@page
def move_task(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    """Moves a task to another column; htmx swaps the board, a plain form reloads the page."""
    project, _ = team_project(request, project_id)
    task = _task(project, task_id)
    error: DomainError | None = None
    try:
        services.update_task(task=task, user=request.user, status=request.POST.get("status", ""))
    except DomainError as e:
        if e.status == 404:
            raise
        error = e
    if is_htmx(request):
        context = {"project": project, "columns": _columns(project), "error": error}
        return render(
            request,
            "projects/partials/board.html",
            context,
            status=error.status if error else 200,
        )
    if error is not None:
        messages.error(request, error.message)
    return redirect("projects:board", project_id=project.pk)


# --- Thread ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@page
def thread(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    status = 200
    form = PostForm()
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            try:
                post = services.post_to_thread(
                    project=project,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    kind=form.cleaned_data["kind"],
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                done = "Decision logged." if post.kind == PostKind.DECISION else "Message posted."
                messages.success(request, done)
                return redirect("projects:thread", project_id=project.pk)
        else:
            status = 400
    posts = list(selectors.list_posts(project))
    context = {
        "posts": posts,
        "decisions": [p for p in posts if p.kind == PostKind.DECISION],
        "form": form,
    }
    return render_tab(request, project, "thread", context, status=status)


# --- Time --------------------------------------------------------------------------------------


def _time_tab(
    request: HttpRequest, project: Project, form: TimeForm | None = None, status: int = 200
) -> HttpResponse:
    tasks = list(selectors.list_tasks(project))
    entries = list(selectors.list_time_entries(project))
    in_force = selectors.agreement_in_force(project)
    team = selectors.get_team(project)
    mine = next((r for r in team.rows if r.user.pk == request.user.pk), None)
    today = timezone.localdate()
    context = {
        "form": form or TimeForm(tasks=tasks, initial={"day": today}),
        "entries": entries,
        "pending": [e for e in entries if e.status == TimeEntryStatus.PENDING],
        "is_coordinator": in_force is not None and in_force.coordinator_id == request.user.pk,
        "in_force": in_force,
        "mine": mine,
        "max_date": today.isoformat(),
    }
    return render_tab(request, project, "time", context, status=status)


@require_http_methods(["GET", "POST"])
@page
def time(request: HttpRequest, project_id: int) -> HttpResponse:
    """Log time; the budget warnings come back as flash messages on the page."""
    project, _ = team_project(request, project_id)
    if request.method != "POST":
        return _time_tab(request, project)
    form = TimeForm(request.POST, tasks=list(selectors.list_tasks(project)))
    if not form.is_valid():
        return _time_tab(request, project, form, status=400)
    try:
        logged = services.log_time(
            project=project,
            user=request.user,
            day=form.cleaned_data["day"],
            hours=str(form.cleaned_data["hours"]),
            note=form.cleaned_data.get("note") or "",
            task=form.chosen_task(),
        )
    except DomainError as error:
        form.add_domain_error(error)
        return _time_tab(request, project, form, status=error.status)
    messages.success(request, f"{logged.entry.hours.normalize():f} h logged.")
    for warning in logged.warnings:
        messages.warning(request, warning)
    return redirect("projects:time", project_id=project.pk)


def _decide(request: HttpRequest, project_id: int, entry_id: int, approve: bool) -> HttpResponse:
    project, _ = team_project(request, project_id)
    entry = selectors.get_time_entry(project=project, entry_id=entry_id)
    error: DomainError | None = None
    try:
        entry = services.decide_time_entry(entry=entry, user=request.user, approve=approve)
    except DomainError as e:
        if e.status == 404:
            raise
        error = e
    if is_htmx(request):
        context = {"entry": entry, "project": project, "is_coordinator": True, "error": error}
        return render(
            request,
            "projects/partials/pending_entry.html",
            context,
            status=error.status if error else 200,
        )
    if error is not None:
        messages.error(request, error.message)
    else:
        verb = "counted" if approve else "declined"
        messages.success(request, f"{entry.hours.normalize():f} h of {entry.user.name} {verb}.")
    return redirect("projects:time", project_id=project.pk)


@require_POST
@page
def approve_time(request: HttpRequest, project_id: int, entry_id: int) -> HttpResponse:
    return _decide(request, project_id, entry_id, approve=True)


@require_POST
@page
def decline_time(request: HttpRequest, project_id: int, entry_id: int) -> HttpResponse:
    return _decide(request, project_id, entry_id, approve=False)
