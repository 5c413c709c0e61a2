"""Client payments."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coshore.activity.services import record_activity

from .. import selectors
from ..errors import (
    InvalidPayment,
    NotCoordinator,
)
from ..models import (
    ClientPayment,
    Project,
)
from ..rules import (
    MAX_AMOUNT,
    fits_minor_unit,
    minor_digits,
)
from ._shared import (
    _require_user,
    _text,
    parse_decimal,
)

__all__ = [
    "record_payment",
]


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
