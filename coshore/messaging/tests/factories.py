"""Builders for messaging tests: a network of two spaces, a space outside it, and people whose
standing the who-may-message-whom matrix checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coshore.accounts.models import Profile
from coshore.spaces.models import Space
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)


@dataclass
class World:
    paris: Space  # in the network
    lyon: Space  # in the network
    berlin: Space  # outside it
    ana: Any  # Paris, profile seen by her networks
    noe: Any  # Paris, profile seen by his spaces
    ben: Any  # Lyon, profile seen by his networks
    lea: Any  # Lyon, profile seen by her spaces only
    otto: Any  # Berlin, public profile
    pia: Any  # Paris, private profile


def visibility(user: Any, value: str) -> None:
    Profile.objects.filter(user=user).update(visibility=value)


def world(make_user: Any) -> World:
    network = NetworkFactory(name="Coshoring Alliance", slug="coshoring-alliance")
    paris = SpaceFactory(name="La Ruche", slug="la-ruche", city="Paris")
    lyon = SpaceFactory(name="La Cordée", slug="la-cordee", city="Lyon")
    berlin = SpaceFactory(name="Betahaus", slug="betahaus", city="Berlin", timezone="Europe/Berlin")
    NetworkSpaceFactory(network=network, space=paris)
    NetworkSpaceFactory(network=network, space=lyon)

    def member(space: Space, email: str, name: str, seen_by: str) -> Any:
        user = make_user(email, name=name)
        SpaceRoleFactory(space=space, user=user, role="member")
        visibility(user, seen_by)
        return user

    return World(
        paris=paris,
        lyon=lyon,
        berlin=berlin,
        ana=member(paris, "ana@example.org", "Ana", "network"),
        noe=member(paris, "noe@example.org", "Noé", "space"),
        ben=member(lyon, "ben@example.org", "Ben", "network"),
        lea=member(lyon, "lea@example.org", "Léa", "space"),
        otto=member(berlin, "otto@example.org", "Otto", "public"),
        pia=member(paris, "pia@example.org", "Pia", "private"),
    )
