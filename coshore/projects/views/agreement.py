"""The Agreement tab: the version in force, the latest proposal and who accepted it, the form
to propose the next version, and the whole history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import DomainError

from .. import selectors, services
from ..forms import AgreementForm
from ..models import Agreement, Project
from .common import page, render_tab, team_project


def _version(agreement: Agreement, in_force: Agreement | None, newest: int) -> dict[str, Any]:
    accepted = {a.user_id: a.accepted_at for a in agreement.acceptances.all()}
    parties = [
        {"user": b.user, "hours": b.hours, "accepted_at": accepted.get(b.user_id)}
        for b in agreement.budgets.all()
    ]
    waiting = [p["user"] for p in parties if p["accepted_at"] is None]
    if in_force is not None and agreement.pk == in_force.pk:
        state, badge = "In force", "badge-success"
    elif agreement.accepted_at is not None:
        state, badge = "Replaced", "badge"
    elif agreement.version < newest:
        state, badge = "Superseded", "badge"
    else:
        state, badge = "Waiting for acceptance", "badge-unknown"
    return {
        "agreement": agreement,
        "parties": parties,
        "accepted_ids": set(accepted),
        "waiting": waiting,
        "rest_share": 100 - agreement.coordinator_share - agreement.pool_share,
        "state": state,
        "badge": badge,
    }


def _agreement_tab(
    request: HttpRequest,
    project: Project,
    form: AgreementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    in_force = selectors.agreement_in_force(project)
    versions = list(selectors.list_agreements(project))
    newest = versions[0].version if versions else 0
    history = [_version(a, in_force, newest) for a in versions]
    latest = history[0] if history else None
    members = selectors.list_team(project)
    can_accept = bool(
        latest
        and latest["agreement"].accepted_at is None
        and project.is_open
        and request.user.pk in {p["user"].pk for p in latest["parties"]}
        and request.user.pk not in latest["accepted_ids"]
    )
    context = {
        "in_force": next((v for v in history if v["state"] == "In force"), None),
        "latest": latest,
        "history": history,
        "can_accept": can_accept,
        "form": form or AgreementForm(team=members, latest=latest["agreement"] if latest else None),
    }
    return render_tab(request, project, "agreement", context, status=status)


@require_GET
@page
def agreement(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    return _agreement_tab(request, project)


@require_POST
@page
def propose(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    form = AgreementForm(request.POST, team=selectors.list_team(project))
    if not form.is_valid():
        return _agreement_tab(request, project, form, status=400)
    data = form.cleaned_data
    try:
        proposed = services.propose_agreement(
            project=project,
            proposer=request.user,
            coordinator_email=form.coordinator_email(),
            coordinator_share=str(data["coordinator_share"]),
            pool_share=str(data["pool_share"]),
            pool_label=data.get("pool_label") or "",
            split_by=data["split_by"],
            budgets=[services.BudgetIn(email=e, hours=h) for e, h in form.budgets()],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        form.add_domain_error(error)
        return _agreement_tab(request, project, form, status=error.status)
    if proposed.accepted_at is not None:
        messages.success(request, f"Version {proposed.version} is in force.")
    else:
        messages.success(
            request, f"Version {proposed.version} is proposed: the team accepts it next."
        )
    return redirect("projects:agreement", project_id=project.pk)


@require_POST
@page
def accept(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isdigit() and len(raw) < 9 else None
    try:
        accepted = services.accept_agreement(project=project, user=request.user, version=version)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        if accepted.accepted_at is not None:
            messages.success(request, f"Version {accepted.version} is accepted by all: in force.")
        else:
            messages.success(request, f"You accepted version {accepted.version}.")
    return redirect("projects:agreement", project_id=project.pk)
