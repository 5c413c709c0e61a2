"""Builders for wall tests: a network of two spaces, a space outside it, and the people whose
standing the visibility matrix checks; posts are made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coshore.accounts.tests.factories import SkillFactory
from coshore.skills.models import Skill
from coshore.spaces.models import Network, Space, SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkRoleFactory,
    SpaceRoleFactory,
    alliance,
)
from coshore.wall import services
from coshore.wall.models import Post

PYTHON_URI = "http://data.europa.eu/esco/skill/python"
DESIGN_URI = "http://data.europa.eu/esco/skill/ux-design"


@dataclass
class World:
    network: Network
    paris: Space  # in the network
    lyon: Space  # in the network
    berlin: Space  # outside the network, in another one
    poster: Any  # member of Paris
    neighbour: Any  # member of Paris
    network_member: Any  # member of Lyon
    outsider: Any  # member of Berlin
    manager: Any  # manager of Paris
    operator: Any  # operator of the network
    staff: Any
    python: Skill
    design: Skill


def world(make_user: Any) -> World:
    spaces = alliance()
    network, paris, lyon, berlin = spaces.network, spaces.paris, spaces.lyon, spaces.berlin

    def member(space: Space, email: str, name: str, role: str = SpaceRoleKind.MEMBER) -> Any:
        user = make_user(email, name=name)
        SpaceRoleFactory(space=space, user=user, role=role)
        return user

    operator = make_user("olivia@example.org", name="Olivia")
    NetworkRoleFactory(network=network, user=operator)
    return World(
        network=network,
        paris=paris,
        lyon=lyon,
        berlin=berlin,
        poster=member(paris, "ana@example.org", "Ana"),
        neighbour=member(paris, "noe@example.org", "Noé"),
        network_member=member(lyon, "ben@example.org", "Ben"),
        outsider=member(berlin, "otto@example.org", "Otto"),
        manager=member(paris, "marc@example.org", "Marc", SpaceRoleKind.MANAGER),
        operator=operator,
        staff=make_user("ada@example.org", name="Ada", staff=True),
        python=SkillFactory(uri=PYTHON_URI, preferred_label="Python (computer programming)"),
        design=SkillFactory(uri=DESIGN_URI, preferred_label="design user interface"),
    )


def post(author: Any, space: Space, **fields: Any) -> Post:
    values: dict[str, Any] = {
        "kind": "need",
        "title": "Data pipeline for a museum",
        "text": "We need someone to build our visitor-data pipelines in Python.",
        "visibility": "network",
        "skills": [PYTHON_URI],
    }
    values.update(fields)
    return services.create_post(author=author, space=space, **values)
