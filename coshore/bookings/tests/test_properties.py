"""Property: any sequence of book and cancel operations through the service leaves no seat
booked twice at once, no pool over its seats, and every credit balance equal to the sum of its
ledger entries."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coshore.bookings import services
from coshore.bookings.models import ACTIVE_STATUSES, Booking, ResourceKind
from coshore.bookings.rules import overlaps
from coshore.core.errors import DomainError
from coshore.memberships import selectors as membership_selectors
from coshore.memberships.models import CreditEntry

from .conftest import next_monday
from .factories import ResourceFactory

SERIAL = count()
OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("book"),
            st.integers(0, 2),  # who
            st.integers(0, 1),  # which resource
            st.integers(0, 15),  # start, in half hours from 09:00
            st.integers(1, 6),  # length, in half hours
        ),
        st.tuples(st.just("cancel"), st.integers(0, 2), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_book_and_cancel_never_double_book_and_ledgers_add_up(
    ops: list[tuple[Any, ...]], space: Any, manager: Any, make_user: Any
) -> None:
    from coshore.memberships import services as membership_services
    from coshore.memberships.tests.factories import PlanFactory

    Booking.objects.all().delete()
    pool = ResourceFactory(
        space=space, name="Open space", kind=ResourceKind.DESK_POOL, seats=2, credits_per_hour=1
    )
    room = ResourceFactory(
        space=space,
        name="Room",
        kind=ResourceKind.ROOM,
        credits_per_hour=2,
        buffer_minutes=15,
        free_cancel_hours=0,
        price_per_hour=Decimal("10"),
    )
    plan = PlanFactory(space=space, credits_included=6)
    people = []
    for n in range(3):
        email = f"p{n}-{next(SERIAL)}@example.org"
        person = make_user(email)
        membership_services.add_membership(actor=manager, space=space, email=email, plan=plan)
        people.append(person)
    resources = [pool, room]
    for op in ops:
        try:
            if op[0] == "book":
                _, who, which, slot, length = op
                start = next_monday(9) + timedelta(minutes=30 * slot)
                services.book_resource(
                    actor=people[who],
                    resource=resources[which],
                    starts_at=start,
                    ends_at=start + timedelta(minutes=30 * length),
                )
            else:
                _, who, index = op
                mine = list(Booking.objects.filter(user=people[who]).order_by("id"))
                if mine:
                    services.cancel_booking(actor=people[who], booking=mine[index % len(mine)])
        except DomainError:
            pass
    for resource in resources:
        active = list(
            Booking.objects.filter(resource=resource, status__in=ACTIVE_STATUSES).values_list(
                "seat", "starts_at", "blocked_until"
            )
        )
        by_seat = defaultdict(list)
        for seat, s, e in active:
            assert 0 <= seat < resource.seats
            for s2, e2 in by_seat[seat]:
                assert not overlaps(s, e, s2, e2)
            by_seat[seat].append((s, e))
        for _, s, _e in active:
            at_once = sum(1 for _, s2, e2 in active if s2 <= s < e2)
            assert at_once <= resource.seats
    for person in people:
        total = CreditEntry.objects.filter(user=person, space=space).aggregate(t=Sum("delta"))["t"]
        balance = membership_selectors.credit_balance(user=person, space=space)
        assert balance == total >= 0
        spent = sum(
            Booking.objects.filter(user=person, status__in=ACTIVE_STATUSES).values_list(
                "credits", flat=True
            )
        )
        # Every cancellation here is in time, so credits are only ever held by live bookings.
        assert balance + spent == 6
