"""Two demo projects (called by `coshore load-demo`), made through the services people use.

Idempotent: a project is made only when no project of that title exists yet.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from coshore.accounts.models import User

from . import selectors, services
from .models import Project

OPEN_TITLE = "Open-data dashboard for a city's mobility team"
DELIVERED_TITLE = "Booking site for a Lyon climbing gym"


def _people(*emails: str) -> list[User] | None:
    found = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [found[e] for e in emails] if len(found) == len(emails) else None


def _join(project: Project, inviter: User, person: User) -> bool:
    if selectors.find_invitable_person(inviter=inviter, email=person.email) is None:
        return False
    invitation = services.invite_member(project=project, inviter=inviter, email=person.email)
    services.accept_invitation(invitation=invitation, user=person)
    return True


def _agree(project: Project, people: list[User], budgets: list[str], **terms: Any) -> None:
    services.propose_agreement(
        project=project,
        proposer=people[0],
        coordinator_email=people[0].email,
        budgets=[services.BudgetIn(p.email, h) for p, h in zip(people, budgets, strict=True)],
        **terms,
    )
    for person in people[1:]:
        services.accept_agreement(project=project, user=person)


def _open_project(alice: User, bruno: User, david: User) -> None:
    project = services.open_project(
        creator=alice,
        title=OPEN_TITLE,
        brief=(
            "A public dashboard of bike-share and bus punctuality data, with a small API. "
            "Alice builds the pipelines, Bruno designs the interface, David the back end "
            "from Tel Aviv time."
        ),
        currency="EUR",
        client_name="Mobility team of a French city",
        expected_income=None,
    )
    team = [alice] + [p for p in (bruno, david) if _join(project, alice, p)]
    _agree(
        project,
        team,
        ["40", "25", "30"][: len(team)],
        coordinator_share="10",
        pool_share="5",
        pool_label="La Ruche community fund",
        split_by="logged_hours",
    )
    today = timezone.now().date()
    logged: list[list[str]] = [["6", "4.5", "7"], ["5", "3"], ["6.5", "8", "4"]]
    for person, days in zip(team, logged, strict=False):
        for back, hours in enumerate(days, start=1):
            services.log_time(
                project=project,
                user=person,
                day=today - timedelta(days=back * 2),
                hours=hours,
                note="Sprint work",
            )
    for title, status in (
        ("Ingest the GTFS feed", "done"),
        ("Punctuality chart", "doing"),
        ("Public API docs", "backlog"),
    ):
        services.add_task(project=project, user=alice, title=title, status=status)
    services.post_to_thread(
        project=project,
        user=alice,
        kind="decision",
        body="We ship the first public version before the city council meeting.",
    )
    services.record_payment(
        project=project,
        user=alice,
        amount="4800.00",
        currency="EUR",
        received_at=today - timedelta(days=1),
        note="First instalment (40 %)",
    )


def _delivered_project(chloe: User, bruno: User) -> None:
    project = services.open_project(
        creator=chloe,
        title=DELIVERED_TITLE,
        brief="A booking site with a members' area and a launch campaign.",
        currency="EUR",
        client_name="Climbing gym, Lyon",
    )
    if not _join(project, chloe, bruno):
        return
    _agree(project, [chloe, bruno], ["20", "35"], coordinator_share="15", split_by="budget_hours")
    services.record_payment(
        project=project,
        user=chloe,
        amount="5500.00",
        currency="EUR",
        received_at=timezone.now().date() - timedelta(days=20),
    )
    services.close_project(project=project, user=chloe)
    for person in (chloe, bruno):
        services.set_gallery_consent(project=project, user=person, consent=True)


def load_projects_demo(*, stdout: Any = None) -> int:
    """Make the demo projects that do not exist yet; returns how many were made."""
    people = _people(
        "alice@coshore.demo", "bruno@coshore.demo", "david@coshore.demo", "chloe@coshore.demo"
    )
    if people is None:
        return 0
    alice, bruno, david, chloe = people
    made = 0
    if not Project.objects.filter(title=OPEN_TITLE).exists():
        _open_project(alice, bruno, david)
        made += 1
    if not Project.objects.filter(title=DELIVERED_TITLE).exists():
        _delivered_project(chloe, bruno)
        made += 1
    if stdout is not None and made:
        stdout.write(f"projects: {made} demo project(s)")
    return made
