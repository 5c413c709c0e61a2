"""Builders for feed tests: a network of two spaces, a space outside it, and the people whose
standing the visibility matrix checks; posts are made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coshore.feed import services
from coshore.feed.models import FeedPost
from coshore.spaces.models import Network, Space, SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkRoleFactory,
    SpaceRoleFactory,
    alliance,
)

# The people of the world below who stand somewhere around the Paris feed (not staff).
PEOPLE = [
    "author",
    "neighbour",
    "network_member",
    "outsider",
    "manager",
    "other_manager",
    "operator",
]


@dataclass
class World:
    network: Network
    paris: Space  # in the network
    lyon: Space  # in the network
    berlin: Space  # outside the network
    author: Any  # member of Paris
    neighbour: Any  # member of Paris
    network_member: Any  # member of Lyon
    outsider: Any  # member of Berlin
    manager: Any  # manager of Paris
    other_manager: Any  # manager of Lyon
    operator: Any  # operator of the network
    staff: Any


def world(make_user: Any) -> World:
    spaces = alliance()
    network, paris, lyon, berlin = spaces.network, spaces.paris, spaces.lyon, spaces.berlin

    def member(space: Space, email: str, name: str, role: str = SpaceRoleKind.MEMBER) -> Any:
        user = make_user(email, name=name)
        SpaceRoleFactory(space=space, user=user, role=role)
        return user

    operator = make_user("olivia@example.org", name="Olivia Operator")
    NetworkRoleFactory(network=network, user=operator)
    return World(
        network=network,
        paris=paris,
        lyon=lyon,
        berlin=berlin,
        author=member(paris, "ana@example.org", "Ana Lima"),
        neighbour=member(paris, "noe@example.org", "Noé Martin"),
        network_member=member(lyon, "ben@example.org", "Ben Roux"),
        outsider=member(berlin, "otto@example.org", "Otto Weber"),
        manager=member(paris, "marc@example.org", "Marc Manager", SpaceRoleKind.MANAGER),
        other_manager=member(lyon, "lea@example.org", "Léa Manager", SpaceRoleKind.MANAGER),
        operator=operator,
        staff=make_user("ada@example.org", name="Ada Admin", staff=True),
    )


def space_post(w: World, body: str = "Coffee machine is fixed! ☕", **kw: Any) -> FeedPost:
    return services.create_post(author=kw.pop("author", w.author), space=w.paris, body=body)


def network_post(w: World, body: str = "Who is going to the meetup?", **kw: Any) -> FeedPost:
    return services.create_post(author=kw.pop("author", w.author), network=w.network, body=body)
