"""Builders for events tests: a network of two spaces (Paris with a room, Lyon), a space
outside it, and the people whose standing the rules depend on; events are made through the
services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from coshore.bookings.models import Resource, ResourceKind
from coshore.bookings.tests.factories import ResourceFactory
from coshore.events import services
from coshore.events.models import Event
from coshore.spaces.models import Network, Space, SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkRoleFactory,
    SpaceRoleFactory,
    alliance,
)

PARIS = ZoneInfo("Europe/Paris")


@dataclass
class World:
    network: Network
    paris: Space
    lyon: Space
    berlin: Space
    room: Resource  # a meeting room of Paris
    manager: Any  # manager of Paris
    member: Any  # member of Paris
    neighbour: Any  # member of Paris
    lyon_member: Any
    lyon_manager: Any
    outsider: Any  # member of Berlin
    operator: Any  # operator of the network
    staff: Any


def world(make_user: Any) -> World:
    spaces = alliance()
    network, paris, lyon, berlin = spaces.network, spaces.paris, spaces.lyon, spaces.berlin

    def person(space: Space, email: str, role: str = SpaceRoleKind.MEMBER) -> Any:
        user = make_user(email)
        SpaceRoleFactory(space=space, user=user, role=role)
        return user

    operator = make_user("olivia@example.org", name="Olivia")
    NetworkRoleFactory(network=network, user=operator)
    return World(
        network=network,
        paris=paris,
        lyon=lyon,
        berlin=berlin,
        room=ResourceFactory(space=paris, name="Agora", kind=ResourceKind.ROOM, capacity=40),
        manager=person(paris, "marc@example.org", SpaceRoleKind.MANAGER),
        member=person(paris, "ana@example.org"),
        neighbour=person(paris, "noe@example.org"),
        lyon_member=person(lyon, "ben@example.org"),
        lyon_manager=person(lyon, "lea@example.org", SpaceRoleKind.MANAGER),
        outsider=person(berlin, "otto@example.org"),
        operator=operator,
        staff=make_user("ada@example.org", name="Ada", staff=True),
    )


def evening(days: int = 7, hour: int = 19) -> tuple[datetime, datetime]:
    """A two-hour slot `days` from today at `hour` Paris time."""
    day = timezone.now().astimezone(PARIS).date() + timedelta(days=days)
    start = datetime.combine(day, time(hour), tzinfo=PARIS)
    return start, start + timedelta(hours=2)


def event(actor: Any, space: Space | None = None, **fields: Any) -> Event:
    start, end = evening()
    values: dict[str, Any] = {
        "title": "Python meetup",
        "starts_at": start,
        "ends_at": end,
        "visibility": "network",
        "kind": "meetup",
    }
    values.update(fields)
    network = values.pop("network", None)
    return services.create_event(
        actor=actor, space=None if network else space, network=network, **values
    )
