"""Demo events (called by `coshore load-demo`), made through the services people use: a talk
in a room of Koneko Work, a weekly meetup, a network-hosted open day, a member's proposal,
some registrations and a full pitch night with a waitlist.

Idempotent: an event is made only when its host has no event of that title yet, and a
registration only when the person has none for that occurrence.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from coshore.accounts.models import User
from coshore.bookings.models import Resource
from coshore.core.errors import DomainError
from coshore.spaces.models import Network, Space

from . import services
from .models import Event, Registration

KONEKO = "osm:node/508597067"
PARIS = ZoneInfo("Europe/Paris")


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.now().astimezone(PARIS).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _register(event: Event, emails: list[str]) -> int:
    made = 0
    for email in emails:
        person = _user(email)
        if (
            person is None
            or Registration.objects.filter(
                event=event, user=person, recurrence_id=event.starts_at
            ).exists()
        ):
            continue
        try:
            services.register(user=person, event=event, recurrence_id=event.starts_at)
            made += 1
        except DomainError:
            continue
    return made


def load_events_demo(*, stdout: Any = None) -> int:
    """Returns how many events were created."""
    space = Space.objects.filter(source_ref=KONEKO).first()
    network = Network.objects.filter(slug="paris-coworking-alliance").first()
    manager = _user("manager.paris@coshore.demo")
    operator = _user("operator@coshore.demo")
    bruno = _user("bruno@coshore.demo")
    if space is None or manager is None:
        return 0
    room = Resource.objects.filter(space=space, name="Salle Ada Lovelace").first()
    created = 0
    registrations = 0

    def make(actor: Any, title: str, host: dict[str, Any], **fields: Any) -> Event | None:
        nonlocal created
        found = Event.objects.filter(title=title, **host).first()
        if found is not None:
            return found
        try:
            event = services.create_event(actor=actor, title=title, **host, **fields)
        except DomainError as exc:
            if exc.code != "event.room_taken" or "room" not in fields:
                raise
            fields.pop("room")  # the demo bookings took the room: hold the talk without it
            event = services.create_event(actor=actor, title=title, **host, **fields)
        created += 1
        return event

    talk = make(
        manager,
        "Open data for museums",
        {"space": space},
        kind="talk",
        visibility="public",
        capacity=8,
        room=room,
        starts_at=_at(10, 19, 30),
        ends_at=_at(10, 21),
        description="Three Paris museums opened their visitor data. What they learnt, and "
        "what you can build with it.",
        tags=["open data", "museums"],
    )
    if talk is not None:
        registrations += _register(talk, ["alice@coshore.demo", "bruno@coshore.demo"])
    weekly = make(
        manager,
        "Python coffee",
        {"space": space},
        kind="meetup",
        visibility="network",
        capacity=12,
        starts_at=_at(3, 8, 30),
        ends_at=_at(3, 9, 30),
        rrule="FREQ=WEEKLY;COUNT=12",
        description="Bring a Python question and a croissant. Every week, before work.",
        tags=["python"],
    )
    if weekly is not None:
        registrations += _register(weekly, ["alice@coshore.demo"])
    if network is not None and operator is not None:
        make(
            operator,
            "Open day of the Paris Coworking Alliance",
            {"network": network},
            kind="open_day",
            visibility="public",
            mode="hybrid",
            online_url="https://meet.example.org/paris-alliance-open-day",
            starts_at=_at(14, 10),
            ends_at=_at(14, 18),
            description="Every space of the alliance opens its doors: visit, try a desk, "
            "meet the community managers.",
        )
    if bruno is not None:
        make(
            bruno,
            "Board games night",
            {"space": space},
            kind="meetup",
            visibility="space",
            starts_at=_at(9, 19),
            ends_at=_at(9, 23),
            description="Proposed by a member: games, pizza, no laptops.",
        )
    pitch = make(
        manager,
        "Pitch night",
        {"space": space},
        kind="pitch",
        visibility="public",
        capacity=2,
        starts_at=_at(6, 18, 30),
        ends_at=_at(6, 20, 30),
        description="Five minutes, three slides, one ask. Seats are few: join the waitlist.",
    )
    if pitch is not None:
        registrations += _register(
            pitch,
            [
                "alice@coshore.demo",
                "bruno@coshore.demo",
                "chloe@coshore.demo",
                "david@coshore.demo",
                "emma@coshore.demo",
            ],
        )
    if stdout is not None:
        stdout.write(f"events: {created} demo event(s), {registrations} registration(s) created")
    return created
