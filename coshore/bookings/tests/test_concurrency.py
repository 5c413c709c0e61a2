"""Racing threads, each with its own database connection, never double-book a seat."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction

from coshore.bookings import services
from coshore.bookings.models import Booking, ResourceKind
from coshore.core.errors import DomainError
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import next_monday
from .factories import BookingFactory, ResourceFactory

THREADS = 32


def race(resource: Any, users: list[Any]) -> Counter[str]:
    """Every user books the same slot at the same moment; returns the outcome codes."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(users))
    start, end = next_monday(10), next_monday(12)

    def attempt(user: Any) -> None:
        try:
            barrier.wait(timeout=30)
            services.book_resource(actor=user, resource=resource, starts_at=start, ends_at=end)
            outcome = "booked"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:  # any other error fails the test below, with its type
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.fixture
def members(make_user: Any) -> tuple[Any, list[Any]]:
    space = SpaceFactory(weekly=[(d, 540, 1080) for d in range(5)])
    users = [make_user() for _ in range(THREADS)]
    for u in users:
        SpaceRoleFactory(space=space, user=u, role=SpaceRoleKind.MEMBER)
    return space, users


@pytest.mark.django_db(transaction=True)
def test_32_threads_racing_for_one_desk_book_it_once(members: Any) -> None:
    space, users = members
    desk = ResourceFactory(space=space)
    assert race(desk, users) == {"booked": 1, "booking.slot_taken": THREADS - 1}
    assert Booking.objects.filter(resource=desk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_32_threads_racing_for_a_pool_of_3_fill_exactly_3_seats(members: Any) -> None:
    space, users = members
    pool = ResourceFactory(space=space, kind=ResourceKind.DESK_POOL, seats=3)
    assert race(pool, users) == {"booked": 3, "booking.slot_taken": THREADS - 3}
    assert sorted(Booking.objects.filter(resource=pool).values_list("seat", flat=True)) == [0, 1, 2]


@pytest.mark.django_db
def test_the_database_forbids_overlaps_on_postgresql(member: Any, desk: Any) -> None:
    """PostgreSQL's exclusion constraint (ADR 0004) refuses what the service would; SQLite has
    none and relies on the service's check inside its IMMEDIATE transaction."""
    BookingFactory(
        resource=desk,
        starts_at=next_monday(10),
        ends_at=next_monday(12),
        blocked_until=next_monday(12),
    )
    overlapping = {
        "resource": desk,
        "starts_at": next_monday(11),
        "ends_at": next_monday(13),
        "blocked_until": next_monday(13),
    }
    BookingFactory(**overlapping, seat=1)  # another seat
    BookingFactory(**overlapping, status="cancelled")  # not active
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
            BookingFactory(**overlapping)
    else:
        BookingFactory(**overlapping)


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_bookings_never_spend_more_credits_than_held(make_user: Any) -> None:
    """One person fires 32 bookings of different hours at once with credits for 5: exactly 5
    are booked, the others are refused for credits, and the balance ends at zero."""
    from datetime import timedelta

    from django.db.models import Sum

    from coshore.memberships.models import CreditEntry, CreditReason

    space = SpaceFactory(weekly=[(d, 0, 1440) for d in range(7)])
    person = make_user()
    SpaceRoleFactory(space=space, user=person, role=SpaceRoleKind.MEMBER)
    CreditEntry.objects.create(user=person, space=space, delta=5, reason=CreditReason.GRANT)
    room = ResourceFactory(space=space, kind=ResourceKind.ROOM, credits_per_hour=1)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def attempt(hour: int) -> None:
        start = next_monday(0) + timedelta(hours=hour)
        try:
            barrier.wait(timeout=30)
            services.book_resource(
                actor=person, resource=room, starts_at=start, ends_at=start + timedelta(hours=1)
            )
            outcome = "booked"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(h,)) for h in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert outcomes == {"booked": 5, "booking.insufficient_credits": THREADS - 5}
    total = CreditEntry.objects.filter(user=person, space=space).aggregate(t=Sum("delta"))["t"]
    assert total == 0
    assert Booking.objects.filter(resource=room).count() == 5
