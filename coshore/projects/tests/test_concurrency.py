"""Racing threads, each with its own database connection, never slip time past a budget or a
day, never accept an agreement twice and never invite the same person twice.

Time is counted while the member's rows are locked (SELECT ... FOR UPDATE on PostgreSQL;
SQLite's IMMEDIATE transactions serialise writers), so the suite proves the rules on both
databases, like the bookings and passes race tests.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.projects import services
from coshore.projects.models import (
    Agreement,
    AgreementAcceptance,
    Invitation,
    Project,
    TimeEntry,
    TimeEntryStatus,
)

from .factories import agree, join, member_of

THREADS = 8


def race(calls: list[Callable[[], Any]]) -> tuple[Counter[str], list[Any]]:
    """Run every call at the same moment, each in its own thread; returns the outcome codes
    (`done` for a call that returned) and the values returned."""
    outcomes: Counter[str] = Counter()
    results: list[Any] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(calls))

    def attempt(call: Callable[[], Any]) -> None:
        result = None
        try:
            barrier.wait(timeout=30)
            result = call()
            outcome = "done"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:  # any other error fails the test below, with its type
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1
            if result is not None:
                results.append(result)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes, results


def yesterday() -> Any:
    return timezone.now().date() - timedelta(days=1)


def day_total(user: Any, day: Any) -> Decimal:
    total = (
        TimeEntry.objects.filter(user=user, date=day)
        .exclude(status=TimeEntryStatus.DECLINED)
        .aggregate(t=Sum("hours"))["t"]
    )
    return Decimal(total or 0)


@pytest.fixture
def people(make_user: Any, cities: Any) -> list[Any]:
    """Eight members: the first four work from Paris, the others from Tel Aviv."""
    return [
        member_of(
            cities.paris if i < 4 else cities.tel_aviv,
            make_user(f"member{i}@example.org"),
        )
        for i in range(THREADS)
    ]


def project_of(people: list[Any], *, budgets: list[str], title: str = "Harbour app") -> Project:
    project = services.open_project(creator=people[0], title=title, currency="EUR")
    for person in people[1:]:
        join(project, people[0], person)
    agree(project, people, budgets=budgets)
    return project


@pytest.mark.django_db(transaction=True)
def test_racing_entries_fill_the_budget_exactly_and_never_pass_a_day(people: Any) -> None:
    """Eight entries of 4 h for one member on one day, with a 10 h budget: six fit in the day
    (24 h), the first two count, the four beyond the budget wait for the coordinator."""
    alice, bob = people[:2]
    project = project_of([alice, bob], budgets=["40", "10"])
    day = yesterday()
    calls = [
        lambda: services.log_time(project=project, user=bob, day=day, hours="4")
        for _ in range(THREADS)
    ]
    outcomes, results = race(calls)
    assert outcomes == {"done": 6, "time_entry.invalid": 2}
    assert day_total(bob, day) == Decimal(24)
    statuses = Counter(TimeEntry.objects.filter(user=bob).values_list("status", flat=True))
    assert statuses == {TimeEntryStatus.APPROVED: 2, TimeEntryStatus.PENDING: 4}
    # Each entry saw the hours before it: the used totals are 4, 8, ... 24, once each.
    assert sorted(r.used for r in results) == [Decimal(4 * i) for i in range(1, 7)]


@pytest.mark.django_db(transaction=True)
def test_racing_entries_on_two_projects_never_pass_24_hours_a_day(people: Any) -> None:
    """The day's cap covers all of a member's projects, so the lock must too."""
    alice, bob = people[:2]
    first = project_of([alice, bob], budgets=["40", "100"])
    second = project_of([alice, bob], budgets=["40", "100"], title="Second")
    day = yesterday()
    calls = [
        lambda p=p: services.log_time(project=p, user=bob, day=day, hours="5")
        for p in [first, second] * (THREADS // 2)
    ]
    outcomes, _ = race(calls)
    assert outcomes == {"done": 4, "time_entry.invalid": 4}
    assert day_total(bob, day) == Decimal(20)


@pytest.mark.django_db(transaction=True)
def test_everyone_accepting_at_once_puts_the_version_in_force_exactly_once(
    people: Any,
) -> None:
    project = services.open_project(creator=people[0], title="Harbour app", currency="EUR")
    for person in people[1:]:
        join(project, people[0], person)
    proposed = services.propose_agreement(
        project=project,
        proposer=people[0],
        coordinator_email=people[0].email,
        coordinator_share="10",
        split_by="logged_hours",
        budgets=[services.BudgetIn(email=p.email, hours="10") for p in people],
    )
    calls = [
        lambda p=p: services.accept_agreement(project=project, user=p, version=1)
        for p in people[1:]
    ]
    outcomes, results = race(calls)
    assert outcomes == {"done": THREADS - 1}
    assert AgreementAcceptance.objects.filter(agreement=proposed).count() == THREADS
    agreement = Agreement.objects.get(pk=proposed.pk)
    assert agreement.accepted_at is not None
    # Only the last acceptance saw everyone's and set the time; it is the one stored.
    in_force = [r for r in results if r.accepted_at is not None]
    assert len(in_force) == 1
    assert in_force[0].accepted_at == agreement.accepted_at
    accepted = Activity.objects.filter(verb="agreement.accepted").values_list("metadata", flat=True)
    assert sorted(m["in_force"] for m in accepted) == [False] * (THREADS - 2) + [True]


@pytest.mark.django_db(transaction=True)
def test_the_same_invitation_racing_with_itself_is_made_once(people: Any) -> None:
    """Through the API: one 201, the rest 409."""
    alice, bob = people[0], people[THREADS - 1]
    project = services.open_project(creator=alice, title="Harbour app", currency="EUR")
    url = f"/api/v1/projects/{project.pk}/invitations"
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(alice)
        clients.append(client)

    def invite(client: Client) -> str:
        r = client.post(url, data=json.dumps({"email": bob.email}), content_type="application/json")
        return f"{r.status_code} {r.json()['code'] if r.status_code >= 400 else ''}".strip()

    outcomes, results = race([lambda c=c: invite(c) for c in clients])
    assert outcomes == {"done": THREADS}
    assert Counter(results) == {"201": 1, "409 invitation.conflict": THREADS - 1}
    assert Invitation.objects.filter(project=project, invitee=bob).count() == 1
