"""Payments, payouts and statements."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from coshore.accounts.auth import AUTH_REQUIRED

from .. import selectors, services
from .schemas import (
    ERRORS,
    PaymentIn,
    PaymentListOut,
    PaymentOut,
    PayoutsOut,
    TimeEntryOut,
    _hours,
    _money,
    _team_project,
    entry_out,
    payment_out,
)

router = Router()


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
