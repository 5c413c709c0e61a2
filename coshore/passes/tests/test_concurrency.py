"""Racing threads, each with its own database connection, never exceed a pass quota.

The quotas are counted while the network's terms row is locked (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so the suite proves the rule
on both databases, like the bookings race tests.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from coshore.core.errors import DomainError
from coshore.passes import services
from coshore.passes.models import PassRequest
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceRoleFactory

THREADS = 24


def race(calls: list[Callable[[], Any]]) -> Counter[str]:
    """Run every call at the same moment, each in its own thread; returns the outcome codes."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(calls))

    def attempt(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            outcome = "requested"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:  # any other error fails the test below, with its type
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_members_racing_for_a_host_never_exceed_its_monthly_quota(
    home: Any, host: Any, terms: Any, make_user: Any, visit_day: Any
) -> None:
    terms.host_monthly_quota = 3
    terms.save()
    members = [make_user() for _ in range(THREADS)]
    for m in members:
        SpaceRoleFactory(space=home, user=m, role=SpaceRoleKind.MEMBER)
    calls = [
        lambda m=m: services.request_pass(actor=m, host_space=host, day=visit_day) for m in members
    ]
    assert race(calls) == {"requested": 3, "pass.quota_exhausted": THREADS - 3}
    assert PassRequest.objects.filter(host_space=host).count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_member_racing_for_many_days_never_exceeds_the_free_days(
    member: Any, host: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    """Requests for different hosts: the unique constraint cannot help, only the lock does."""
    from coshore.spaces.tests.factories import NetworkSpaceFactory, SpaceFactory

    terms.free_days_per_month = 2
    terms.save()
    hosts = [host]
    for i in range(THREADS - 1):
        space = SpaceFactory(slug=f"host-{i}", city="Lyon")
        NetworkSpaceFactory(network=network, space=space)
        hosts.append(space)
    calls = [
        lambda h=h: services.request_pass(actor=member, host_space=h, day=visit_day) for h in hosts
    ]
    assert race(calls) == {"requested": 2, "pass.free_days_exhausted": THREADS - 2}
    assert PassRequest.objects.filter(user=member).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_request_racing_with_itself_is_made_once(
    member: Any, host: Any, terms: Any, visit_day: Any
) -> None:
    calls = [
        lambda: services.request_pass(actor=member, host_space=host, day=visit_day)
        for _ in range(8)
    ]
    assert race(calls) == {"requested": 1, "pass.duplicate": 7}
