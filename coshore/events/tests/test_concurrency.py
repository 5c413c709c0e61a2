"""Racing registrations, each thread on its own database connection: an occurrence never takes
more than its capacity and its waitlist keeps strict arrival order (both databases)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connections

from coshore.core.errors import DomainError
from coshore.events import services
from coshore.events.models import Registration, RegistrationStatus
from coshore.events.tests.factories import World, event

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 30
CAPACITY = 8


def _race(fn: Any, args: list[Any]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(args))

    def attempt(arg: Any) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = fn(arg)
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:  # any other error fails the test below, with its type
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_racing_registrations_fill_exactly_the_capacity_in_arrival_order(
    w: World, make_user: Any
) -> None:
    e = event(w.manager, w.paris, capacity=CAPACITY, visibility="public")
    people = [make_user() for _ in range(THREADS)]

    def go(person: Any) -> str:
        return services.register(user=person, event=e, recurrence_id=e.starts_at).status

    outcomes = _race(go, people)
    assert outcomes == Counter({"registered": CAPACITY, "waitlisted": THREADS - CAPACITY})
    rows = list(Registration.objects.filter(event=e).order_by("id"))
    # Seats went to the first arrivals; the waitlist is every later one, in order.
    assert [r.status for r in rows] == ["registered"] * CAPACITY + ["waitlisted"] * (
        THREADS - CAPACITY
    )
    assert [services.waitlist_position(r) for r in rows[CAPACITY:]] == list(
        range(1, THREADS - CAPACITY + 1)
    )
    assert sorted(r.created_at for r in rows) == [r.created_at for r in rows]


def test_racing_cancellations_promote_in_order_without_overfilling(
    w: World, make_user: Any
) -> None:
    e = event(w.manager, w.paris, capacity=4, visibility="public")
    people = [make_user() for _ in range(12)]
    for p in people:
        services.register(user=p, event=e, recurrence_id=e.starts_at)

    def leave(person: Any) -> str:
        return services.cancel_registration(user=person, event=e, recurrence_id=e.starts_at).status

    outcomes = _race(leave, people[:3])
    assert outcomes == Counter({"cancelled": 3})
    statuses = [r.status for r in Registration.objects.filter(event=e).order_by("id")]
    assert statuses == ["cancelled"] * 3 + ["registered"] * 4 + ["waitlisted"] * 5
    assert Registration.objects.filter(event=e, status=RegistrationStatus.REGISTERED).count() == 4
