"""Services: each rule of plans, memberships, credits and day passes; denials change nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.memberships import selectors, services
from coshore.memberships.models import (
    CreditEntry,
    CreditReason,
    DayPass,
    Membership,
    Payment,
    PaymentStatus,
    Plan,
    PlanKind,
)
from coshore.spaces.models import SpaceRole, SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory

from .factories import PlanFactory

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Plan, Membership, CreditEntry, DayPass, Payment, SpaceRole, Activity)
    )


def refused(code: str, status: int, call: Any) -> DomainError:
    before = counts()
    with pytest.raises(DomainError) as info:
        call()
    assert (info.value.code, info.value.status) == (code, status)
    assert counts() == before
    return info.value


def spec(**overrides: Any) -> services.PlanSpec:
    fields: dict[str, Any] = {"name": "Resident", "kind": "monthly", "price": Decimal("150.00")}
    fields.update(overrides)
    return services.PlanSpec(**fields)


# --- Plans -----------------------------------------------------------------------------------


def test_manager_creates_a_plan_and_it_is_recorded(manager: Any, space: Any) -> None:
    plan = services.create_plan(
        actor=manager,
        space=space,
        spec=spec(currency=" chf ", credits_included=8, unlimited_desk=True, room_hours_included=4),
    )
    plan.refresh_from_db()
    assert (plan.space, plan.name, plan.kind, plan.price, plan.currency) == (
        space,
        "Resident",
        "monthly",
        Decimal("150.00"),
        "CHF",
    )
    assert (plan.credits_included, plan.unlimited_desk, plan.room_hours_included) == (8, True, 4)
    activity = Activity.objects.get()
    assert (activity.verb, activity.actor, activity.space) == ("plan.created", manager, space)


def test_only_managers_of_the_space_create_plans(
    space: Any, visitor: Any, other_manager: Any
) -> None:
    for actor in (AnonymousUser(), visitor, other_manager):
        refused(
            "plan.not_manager",
            403,
            lambda a=actor: services.create_plan(actor=a, space=space, spec=spec()),
        )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"price": Decimal("-1")}, "plan.invalid_price"),
        ({"price": Decimal("1.001")}, "plan.invalid_price"),
        ({"currency": "ZZZ"}, "plan.invalid_currency"),
        ({"currency": "EURO"}, "plan.invalid_currency"),
        ({"name": "  "}, "plan.invalid_name"),
        ({"kind": "yearly"}, "plan.invalid_kind"),
        ({"kind": "credit_pack", "credits_included": 0}, "plan.invalid_credits_included"),
        ({"kind": "day_pass", "credits_included": 3}, "plan.invalid_credits_included"),
        ({"kind": "day_pass", "unlimited_desk": True}, "plan.invalid_unlimited_desk"),
        (
            {"kind": "credit_pack", "credits_included": 5, "room_hours_included": 2},
            "plan.invalid_room_hours_included",
        ),
        ({"credits_included": -1}, "plan.invalid_credits_included"),
    ],
)
def test_rejects_an_invalid_plan(manager: Any, space: Any, overrides: Any, code: str) -> None:
    refused(
        code, 422, lambda: services.create_plan(actor=manager, space=space, spec=spec(**overrides))
    )


# --- Memberships -----------------------------------------------------------------------------


def test_manager_adds_a_member_who_gets_the_role_and_the_plan_credits(
    manager: Any, space: Any, visitor: Any, monthly: Any
) -> None:
    membership = services.add_membership(
        actor=manager, space=space, email="VISITOR@example.org ", plan=monthly
    )
    assert (membership.user, membership.space, membership.plan, membership.status) == (
        visitor,
        space,
        monthly,
        "active",
    )
    assert membership.starts_on == services.local_today(space)
    assert SpaceRole.objects.filter(user=visitor, space=space, role=SpaceRoleKind.MEMBER).exists()
    entry = CreditEntry.objects.get()
    assert (entry.user, entry.delta, entry.reason, entry.membership) == (
        visitor,
        20,
        CreditReason.GRANT,
        membership,
    )
    assert selectors.credit_balance(user=visitor, space=space) == 20
    assert set(Activity.objects.values_list("verb", flat=True)) == {
        "membership.added",
        "space.member_added",
    }


def test_a_plan_without_credits_grants_none(manager: Any, space: Any, visitor: Any) -> None:
    plan = PlanFactory(space=space, credits_included=0, unlimited_desk=True)
    services.add_membership(actor=manager, space=space, email=visitor.email, plan=plan)
    assert not CreditEntry.objects.exists()


def test_only_managers_add_members(
    space: Any, visitor: Any, other_manager: Any, monthly: Any
) -> None:
    for actor in (AnonymousUser(), visitor, other_manager):
        refused(
            "plan.not_manager",
            403,
            lambda a=actor: services.add_membership(
                actor=a, space=space, email=visitor.email, plan=monthly
            ),
        )


def test_rejects_a_plan_of_another_space(manager: Any, space: Any, visitor: Any) -> None:
    foreign = PlanFactory(space=SpaceFactory())
    refused(
        "plan.not_found",
        404,
        lambda: services.add_membership(
            actor=manager, space=space, email=visitor.email, plan=foreign
        ),
    )


def test_rejects_an_unknown_email(manager: Any, space: Any, monthly: Any) -> None:
    refused(
        "membership.account_not_found",
        404,
        lambda: services.add_membership(
            actor=manager, space=space, email="nobody@example.org", plan=monthly
        ),
    )


def test_rejects_a_plan_that_is_not_a_membership(
    manager: Any, space: Any, visitor: Any, day_plan: Any, pack: Any
) -> None:
    for plan in (day_plan, pack):
        refused(
            "plan.wrong_kind",
            422,
            lambda p=plan: services.add_membership(
                actor=manager, space=space, email=visitor.email, plan=p
            ),
        )


def test_rejects_an_inactive_plan(manager: Any, space: Any, visitor: Any, monthly: Any) -> None:
    Plan.objects.filter(pk=monthly.pk).update(is_active=False)
    monthly.refresh_from_db()
    refused(
        "plan.inactive",
        409,
        lambda: services.add_membership(
            actor=manager, space=space, email=visitor.email, plan=monthly
        ),
    )


def test_one_active_membership_per_person_and_space(
    manager: Any, space: Any, visitor: Any, monthly: Any
) -> None:
    services.add_membership(actor=manager, space=space, email=visitor.email, plan=monthly)
    refused(
        "membership.exists",
        409,
        lambda: services.add_membership(
            actor=manager, space=space, email=visitor.email, plan=monthly
        ),
    )


# --- Credits ---------------------------------------------------------------------------------


def test_debit_and_refund_follow_the_ledger(manager: Any, space: Any, visitor: Any) -> None:
    services.grant_credits(actor=manager, user=visitor, space=space, amount=10)
    debit = services.debit_credits(user=visitor, space=space, amount=4, booking_id=7)
    assert (debit.delta, debit.reason, debit.booking_id) == (-4, "booking", 7)
    refund = services.refund_credits(user=visitor, space=space, amount=3, booking_id=7)
    assert (refund.delta, refund.reason, refund.booking_id) == (3, "refund", 7)
    assert selectors.credit_balance(user=visitor, space=space) == 9
    assert selectors.credit_balance(user=visitor, space=SpaceFactory()) == 0


def test_rejects_a_debit_beyond_the_balance(manager: Any, space: Any, visitor: Any) -> None:
    services.grant_credits(actor=manager, user=visitor, space=space, amount=3)
    error = refused(
        "credits.insufficient",
        409,
        lambda: services.debit_credits(user=visitor, space=space, amount=4, booking_id=1),
    )
    assert error.detail == {"balance": 3, "amount": 4, "space": "la-ruche"}
    assert selectors.credit_balance(user=visitor, space=space) == 3


def test_credits_of_one_space_do_not_pay_in_another(manager: Any, space: Any, visitor: Any) -> None:
    services.grant_credits(actor=manager, user=visitor, space=space, amount=3)
    refused(
        "credits.insufficient",
        409,
        lambda: services.debit_credits(user=visitor, space=SpaceFactory(), amount=1, booking_id=1),
    )


@pytest.mark.parametrize("amount", [0, -2])
def test_rejects_a_non_positive_amount(visitor: Any, space: Any, amount: int) -> None:
    refused(
        "credits.invalid_amount",
        422,
        lambda: services.debit_credits(user=visitor, space=space, amount=amount, booking_id=None),
    )
    refused(
        "credits.invalid_amount",
        422,
        lambda: services.refund_credits(user=visitor, space=space, amount=amount, booking_id=1),
    )


def test_a_refund_never_exceeds_what_the_booking_spent(
    manager: Any, space: Any, visitor: Any
) -> None:
    services.grant_credits(actor=manager, user=visitor, space=space, amount=10)
    services.debit_credits(user=visitor, space=space, amount=4, booking_id=7)
    services.refund_credits(user=visitor, space=space, amount=3, booking_id=7)
    refused(
        "credits.refund_exceeds_debit",
        409,
        lambda: services.refund_credits(user=visitor, space=space, amount=2, booking_id=7),
    )
    refused(
        "credits.refund_exceeds_debit",
        409,
        lambda: services.refund_credits(user=visitor, space=space, amount=1, booking_id=8),
    )


def test_only_managers_grant_credits(space: Any, visitor: Any, other_manager: Any) -> None:
    refused(
        "plan.not_manager",
        403,
        lambda: services.grant_credits(actor=visitor, user=visitor, space=space, amount=5),
    )
    refused(
        "plan.not_manager",
        403,
        lambda: services.grant_credits(actor=other_manager, user=visitor, space=space, amount=5),
    )


def test_a_visitor_buys_a_credit_pack_paid_at_the_desk(space: Any, visitor: Any, pack: Any) -> None:
    entry = services.buy_credit_pack(actor=visitor, space=space, plan=pack)
    assert (entry.delta, entry.reason) == (10, CreditReason.PURCHASE)
    payment = Payment.objects.get()
    assert (payment.user, payment.amount, payment.currency, payment.status) == (
        visitor,
        Decimal("90.00"),
        "EUR",
        PaymentStatus.DUE_AT_DESK,
    )
    assert selectors.credit_balance(user=visitor, space=space) == 10
    assert not SpaceRole.objects.filter(user=visitor).exists()


def test_rejects_buying_a_plan_that_is_not_a_credit_pack(
    space: Any, visitor: Any, monthly: Any
) -> None:
    refused(
        "plan.wrong_kind",
        422,
        lambda: services.buy_credit_pack(actor=visitor, space=space, plan=monthly),
    )
    refused(
        "auth.required",
        401,
        lambda: services.buy_credit_pack(actor=AnonymousUser(), space=space, plan=monthly),
    )


# --- Day passes ------------------------------------------------------------------------------


def test_a_visitor_buys_a_day_pass_due_at_the_desk(space: Any, visitor: Any, day_plan: Any) -> None:
    day = services.local_today(space) + timedelta(days=3)
    PlanFactory(space=space, kind=PlanKind.DAY_PASS, price=Decimal("30.00"), credits_included=0)
    day_pass = services.buy_day_pass(actor=visitor, space=space, day=day)
    assert (day_pass.user, day_pass.space, day_pass.date, day_pass.plan) == (
        visitor,
        space,
        day,
        day_plan,
    )
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.status) == (
        Decimal("25.00"),
        "EUR",
        PaymentStatus.DUE_AT_DESK,
    )
    assert selectors.has_day_pass(user=visitor, space=space, day=day)
    assert not selectors.has_day_pass(user=visitor, space=space, day=day + timedelta(days=1))
    assert not SpaceRole.objects.filter(user=visitor).exists()
    assert Activity.objects.get().verb == "day_pass.bought"


def test_a_day_pass_paid_at_the_desk_is_recorded_paid(
    space: Any, visitor: Any, day_plan: Any
) -> None:
    services.buy_day_pass(actor=visitor, space=space, day=services.local_today(space), paid=True)
    assert Payment.objects.get().status == PaymentStatus.PAID


def test_one_day_pass_per_day(space: Any, visitor: Any, day_plan: Any) -> None:
    day = services.local_today(space)
    services.buy_day_pass(actor=visitor, space=space, day=day)
    refused(
        "day_pass.exists", 409, lambda: services.buy_day_pass(actor=visitor, space=space, day=day)
    )


@pytest.mark.parametrize(
    ("offset", "code"), [(-1, "day_pass.in_the_past"), (91, "day_pass.beyond_horizon")]
)
def test_rejects_a_day_outside_the_window(
    space: Any, visitor: Any, day_plan: Any, offset: int, code: str
) -> None:
    day = services.local_today(space) + timedelta(days=offset)
    refused(code, 422, lambda: services.buy_day_pass(actor=visitor, space=space, day=day))


def test_rejects_a_day_pass_where_none_is_sold(space: Any, visitor: Any, monthly: Any) -> None:
    refused(
        "day_pass.not_offered",
        409,
        lambda: services.buy_day_pass(actor=visitor, space=space, day=services.local_today(space)),
    )
    refused(
        "plan.wrong_kind",
        422,
        lambda: services.buy_day_pass(
            actor=visitor, space=space, day=services.local_today(space), plan=monthly
        ),
    )
    refused(
        "auth.required",
        401,
        lambda: services.buy_day_pass(
            actor=AnonymousUser(), space=space, day=services.local_today(space)
        ),
    )
