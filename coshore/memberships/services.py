"""Every state change about plans, memberships, credits and day passes. Each records an Activity.

The credit ledger and the payments are append-only: no service updates or deletes an entry;
a correction is a new entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.core.errors import Conflict, Unauthenticated
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, space_zone
from coshore.spaces.services import add_space_member

from .errors import (
    AccountNotFound,
    CannotManagePlans,
    DayPassExists,
    InsufficientCredits,
    InvalidCredits,
    InvalidDayPass,
    InvalidPlan,
    PlanNotFound,
)
from .models import (
    CreditEntry,
    CreditReason,
    DayPass,
    Membership,
    MembershipStatus,
    Payment,
    PaymentStatus,
    Plan,
    PlanKind,
)
from .rules import (
    DAY_PASS_HORIZON_DAYS,
    MAX_CREDITS,
    MAX_ROOM_HOURS,
    can_debit,
    day_pass_date_problem,
    is_valid_price,
    normalise_currency,
)

_DAY_PASS_MESSAGES = {
    "day_pass.in_the_past": "A day pass cannot be bought for a past day.",
    "day_pass.beyond_horizon": (
        f"A day pass can be bought at most {DAY_PASS_HORIZON_DAYS} days ahead."
    ),
}


@dataclass(frozen=True)
class PlanSpec:
    """What a manager sets on a new plan."""

    name: str
    kind: str
    price: Decimal
    currency: str = "EUR"
    credits_included: int = 0
    unlimited_desk: bool = False
    room_hours_included: int = 0


def _require_login(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise Unauthenticated("Log in first.")


def _invalid_plan(field: str, message: str) -> InvalidPlan:
    return InvalidPlan(message, code=f"plan.invalid_{field}", detail={"field": field})


def _clean_plan(spec: PlanSpec) -> dict[str, Any]:
    name = spec.name.strip()
    if not name or len(name) > 200:
        raise _invalid_plan("name", "A plan needs a name of at most 200 characters.")
    if spec.kind not in PlanKind.values:
        raise InvalidPlan(
            f"`kind` must be one of {', '.join(PlanKind.values)}.",
            code="plan.invalid_kind",
            detail={"field": "kind", "allowed": list(PlanKind.values)},
        )
    if not is_valid_price(spec.price):
        raise _invalid_plan("price", "`price` must be an amount from 0 with at most two decimals.")
    currency = normalise_currency(spec.currency)
    if currency is None:
        raise InvalidPlan(
            "`currency` must be an active ISO 4217 code such as EUR.",
            code="plan.invalid_currency",
            detail={"field": "currency", "currency": spec.currency[:8]},
        )
    credits_allowed = spec.kind in (PlanKind.MONTHLY, PlanKind.CREDIT_PACK)
    low = 1 if spec.kind == PlanKind.CREDIT_PACK else 0
    high = MAX_CREDITS if credits_allowed else 0
    if not low <= spec.credits_included <= high:
        raise InvalidPlan(
            f"`credits_included` must be between {low} and {high} for a {spec.kind} plan.",
            code="plan.invalid_credits_included",
            detail={"field": "credits_included", "min": low, "max": high},
        )
    if spec.unlimited_desk and spec.kind != PlanKind.MONTHLY:
        raise _invalid_plan("unlimited_desk", "Only a monthly membership has an unlimited desk.")
    high = MAX_ROOM_HOURS if spec.kind == PlanKind.MONTHLY else 0
    if not 0 <= spec.room_hours_included <= high:
        raise InvalidPlan(
            f"`room_hours_included` must be between 0 and {high} for a {spec.kind} plan.",
            code="plan.invalid_room_hours_included",
            detail={"field": "room_hours_included", "min": 0, "max": high},
        )
    return {
        "name": name,
        "kind": spec.kind,
        "price": spec.price.quantize(Decimal("0.01")),
        "currency": currency,
        "credits_included": spec.credits_included,
        "unlimited_desk": spec.unlimited_desk,
        "room_hours_included": spec.room_hours_included,
    }


def create_plan(*, actor: Any, space: Space, spec: PlanSpec) -> Plan:
    """Those who manage a space add a plan it sells: a monthly membership (credits, an
    unlimited hot desk, room hours), a day pass, or a credit pack (at least one credit). The
    price is from 0 with two decimals, in an active ISO 4217 currency."""
    if not can_manage_space(actor, space):
        raise CannotManagePlans(
            "Only the space's managers add plans.", detail={"space": space.slug}
        )
    fields = _clean_plan(spec)
    with transaction.atomic():
        plan = Plan.objects.create(space=space, **fields)
        record_activity(
            actor=actor,
            verb="plan.created",
            target=plan,
            space=space,
            metadata={"kind": plan.kind, "price": str(plan.price), "currency": plan.currency},
        )
    return plan


def _plan_of(space: Space, plan: Plan) -> None:
    if plan.space_id != space.pk:
        raise PlanNotFound("No such plan in this space.", detail={"plan": plan.pk})
    if not plan.is_active:
        raise Conflict(
            "This plan is no longer sold.", code="plan.inactive", detail={"plan": plan.pk}
        )


def _wrong_kind(plan: Plan, expected: str) -> InvalidPlan:
    return InvalidPlan(
        f"This needs a {expected} plan.",
        code="plan.wrong_kind",
        detail={"plan": plan.pk, "kind": plan.kind, "expected": expected},
    )


def _lock_ledger(user: Any) -> None:
    """Serialise ledger writes of one person. PostgreSQL locks their account row; on SQLite
    the IMMEDIATE transaction already holds the database's write lock."""
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))


def _balance(user: Any, space: Space) -> int:
    total = CreditEntry.objects.filter(user_id=user.pk, space_id=space.pk).aggregate(
        total=Sum("delta")
    )["total"]
    return int(total or 0)


def add_membership(
    *, actor: Any, space: Space, email: str, plan: Plan, starts_on: date | None = None
) -> Membership:
    """A manager of the space gives an existing account a monthly plan of that space.

    The person becomes a member of the space (if not already), and the plan's included
    credits are granted in their ledger. One active membership per person and space.
    """
    if not can_manage_space(actor, space):
        raise CannotManagePlans(
            "Only the space's managers add members.", detail={"space": space.slug}
        )
    _plan_of(space, plan)
    if plan.kind != PlanKind.MONTHLY:
        raise _wrong_kind(plan, PlanKind.MONTHLY)
    email = (email or "").strip()[:254]
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if user is None:
        raise AccountNotFound("No account with this email.", detail={"email": email})
    with transaction.atomic():
        _lock_ledger(user)
        if Membership.objects.filter(
            user=user, space=space, status=MembershipStatus.ACTIVE
        ).exists():
            raise Conflict(
                "This person already holds an active membership here.",
                code="membership.exists",
                detail={"space": space.slug},
            )
        membership = Membership.objects.create(
            user=user,
            space=space,
            plan=plan,
            starts_on=starts_on or local_today(space),
        )
        add_space_member(actor=actor, space=space, user=user)
        if plan.credits_included:
            CreditEntry.objects.create(
                user=user,
                space=space,
                delta=plan.credits_included,
                reason=CreditReason.GRANT,
                membership=membership,
            )
        record_activity(
            actor=actor,
            verb="membership.added",
            target=membership,
            space=space,
            metadata={"user_id": user.pk, "plan": plan.pk, "credits": plan.credits_included},
        )
    return membership


def _check_amount(amount: int) -> None:
    if not isinstance(amount, int) or not 1 <= amount <= MAX_CREDITS:
        raise InvalidCredits(
            f"The amount of credits must be between 1 and {MAX_CREDITS}.",
            code="credits.invalid_amount",
            detail={"min": 1, "max": MAX_CREDITS},
        )


def grant_credits(*, actor: Any, user: Any, space: Space, amount: int) -> CreditEntry:
    """A manager of the space grants a person credits there."""
    if not can_manage_space(actor, space):
        raise CannotManagePlans(
            "Only the space's managers grant credits.", detail={"space": space.slug}
        )
    _check_amount(amount)
    with transaction.atomic():
        _lock_ledger(user)
        entry = CreditEntry.objects.create(
            user=user, space=space, delta=amount, reason=CreditReason.GRANT
        )
        record_activity(
            actor=actor,
            verb="credits.granted",
            target=entry,
            space=space,
            metadata={"user_id": user.pk, "delta": amount},
        )
    return entry


def debit_credits(*, user: Any, space: Space, amount: int, booking_id: int | None) -> CreditEntry:
    """A booking spends credits. The balance never goes below zero: a debit larger than the
    balance is refused and writes nothing."""
    _check_amount(amount)
    with transaction.atomic():
        _lock_ledger(user)
        balance = _balance(user, space)
        if not can_debit(balance, amount):
            raise InsufficientCredits(
                "Not enough credits.",
                detail={"balance": balance, "amount": amount, "space": space.slug},
            )
        entry = CreditEntry.objects.create(
            user=user,
            space=space,
            delta=-amount,
            reason=CreditReason.BOOKING,
            booking_id=booking_id,
        )
        record_activity(
            actor=user,
            verb="credits.debited",
            target=entry,
            space=space,
            metadata={"delta": -amount, "booking_id": booking_id},
        )
    return entry


def refund_credits(*, user: Any, space: Space, amount: int, booking_id: int) -> CreditEntry:
    """A cancelled booking gets its credits back: at most what it spent, less what was
    already refunded for it."""
    _check_amount(amount)
    with transaction.atomic():
        _lock_ledger(user)
        by_booking = CreditEntry.objects.filter(
            user_id=user.pk, space_id=space.pk, booking_id=booking_id
        )
        spent = -int(
            by_booking.filter(reason=CreditReason.BOOKING).aggregate(t=Sum("delta"))["t"] or 0
        )
        refunded = int(
            by_booking.filter(reason=CreditReason.REFUND).aggregate(t=Sum("delta"))["t"] or 0
        )
        if amount > spent - refunded:
            raise Conflict(
                "A refund cannot exceed what the booking spent.",
                code="credits.refund_exceeds_debit",
                detail={"booking_id": booking_id, "refundable": spent - refunded},
            )
        entry = CreditEntry.objects.create(
            user=user, space=space, delta=amount, reason=CreditReason.REFUND, booking_id=booking_id
        )
        record_activity(
            actor=user,
            verb="credits.refunded",
            target=entry,
            space=space,
            metadata={"delta": amount, "booking_id": booking_id},
        )
    return entry


def buy_credit_pack(*, actor: Any, space: Space, plan: Plan) -> CreditEntry:
    """Any logged-in person buys a credit pack of the space: its credits enter their ledger
    at once and its price is recorded as due at the desk."""
    _require_login(actor)
    _plan_of(space, plan)
    if plan.kind != PlanKind.CREDIT_PACK:
        raise _wrong_kind(plan, PlanKind.CREDIT_PACK)
    with transaction.atomic():
        _lock_ledger(actor)
        payment = Payment.objects.create(
            user=actor,
            space=space,
            amount=plan.price,
            currency=plan.currency,
            status=PaymentStatus.DUE_AT_DESK,
            description=f"Credit pack: {plan.name}"[:200],
        )
        entry = CreditEntry.objects.create(
            user=actor, space=space, delta=plan.credits_included, reason=CreditReason.PURCHASE
        )
        record_activity(
            actor=actor,
            verb="credits.purchased",
            target=entry,
            space=space,
            metadata={"plan": plan.pk, "delta": plan.credits_included, "payment": payment.pk},
        )
    return entry


def local_today(space: Space) -> date:
    """Today in the space's timezone (UTC when its name is unknown to this system)."""
    return timezone.now().astimezone(space_zone(space)).date()


def _day_pass_plan(space: Space, plan: Plan | None) -> Plan:
    if plan is not None:
        _plan_of(space, plan)
        if plan.kind != PlanKind.DAY_PASS:
            raise _wrong_kind(plan, PlanKind.DAY_PASS)
        return plan
    cheapest = (
        Plan.objects.filter(space=space, kind=PlanKind.DAY_PASS, is_active=True)
        .order_by("price", "id")
        .first()
    )
    if cheapest is None:
        raise Conflict(
            "This space sells no day pass.",
            code="day_pass.not_offered",
            detail={"space": space.slug},
        )
    return cheapest


def buy_day_pass(
    *, actor: Any, space: Space, day: date, plan: Plan | None = None, paid: bool = False
) -> DayPass:
    """Any logged-in person (a visitor) buys a day pass to work in the space on `day`.

    The day is today or later in the space's timezone, at most 90 days ahead; one pass per
    person, space and day. The space's cheapest day-pass plan is used unless one is given.
    The price goes to the payments ledger, `paid` when the desk took the money, else due at
    the desk. A day pass makes nobody a member of the space.
    """
    _require_login(actor)
    problem = day_pass_date_problem(day, local_today(space))
    if problem is not None:
        raise InvalidDayPass(
            _DAY_PASS_MESSAGES[problem], code=problem, detail={"date": day.isoformat()}
        )
    chosen = _day_pass_plan(space, plan)
    exists = DayPassExists(
        "You already hold a day pass for this space on that day.",
        detail={"space": space.slug, "date": day.isoformat()},
    )
    if DayPass.objects.filter(user_id=actor.pk, space=space, date=day).exists():
        raise exists
    try:
        with transaction.atomic():
            day_pass = DayPass.objects.create(user=actor, space=space, date=day, plan=chosen)
            payment = Payment.objects.create(
                user=actor,
                space=space,
                amount=chosen.price,
                currency=chosen.currency,
                status=PaymentStatus.PAID if paid else PaymentStatus.DUE_AT_DESK,
                description=f"Day pass {day.isoformat()}: {chosen.name}"[:200],
            )
            record_activity(
                actor=actor,
                verb="day_pass.bought",
                target=day_pass,
                space=space,
                metadata={"date": day.isoformat(), "plan": chosen.pk, "payment": payment.pk},
            )
    except IntegrityError:
        # A concurrent purchase of the same pass committed first.
        raise exists from None
    return day_pass


def charge_booking(
    *, user: Any, space: Space, amount: Decimal, currency: str, booking_id: int, description: str
) -> Payment:
    """A booking beyond what a plan covers is priced: the amount is recorded as due at the
    desk, tied to the booking."""
    with transaction.atomic():
        payment = Payment.objects.create(
            user=user,
            space=space,
            amount=amount,
            currency=currency,
            status=PaymentStatus.DUE_AT_DESK,
            description=description[:200],
            booking_id=booking_id,
        )
        record_activity(
            actor=user,
            verb="payment.due",
            target=payment,
            space=space,
            metadata={"amount": str(amount), "currency": currency, "booking_id": booking_id},
        )
    return payment


def refund_booking_payments(*, user: Any, space: Space, booking_id: int) -> list[Payment]:
    """A booking cancelled in time owes nothing: each of its charges gets a matching
    `refunded` entry (the ledger keeps both lines). Charges already refunded are left alone."""
    with transaction.atomic():
        _lock_ledger(user)
        lines = list(Payment.objects.filter(user_id=user.pk, space=space, booking_id=booking_id))
        charged = [p for p in lines if p.status != PaymentStatus.REFUNDED]
        refunded = sum((p.amount for p in lines if p.status == PaymentStatus.REFUNDED), Decimal(0))
        out: list[Payment] = []
        for charge in charged:
            if refunded >= charge.amount:
                refunded -= charge.amount
                continue
            refund = Payment.objects.create(
                user=user,
                space=space,
                amount=charge.amount,
                currency=charge.currency,
                status=PaymentStatus.REFUNDED,
                description=f"Refund: {charge.description}"[:200],
                booking_id=booking_id,
            )
            record_activity(
                actor=user,
                verb="payment.refunded",
                target=refund,
                space=space,
                metadata={"amount": str(refund.amount), "booking_id": booking_id},
            )
            out.append(refund)
    return out
