"""Agreement versions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut

from .. import selectors, services
from ..errors import AgreementConflict, ProjectNotFound
from .schemas import (
    ERRORS,
    AcceptIn,
    AgreementIn,
    AgreementListOut,
    AgreementOut,
    _agreements_out,
    _team_project,
    agreement_out,
)

router = Router()


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
