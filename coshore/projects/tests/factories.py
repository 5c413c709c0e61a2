"""Builders for project tests: two spaces of one network and teams made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coshore.projects import services
from coshore.projects.models import Agreement, Project
from coshore.spaces.models import Network, Space, SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)


@dataclass
class TwoCities:
    network: Network
    paris: Space
    tel_aviv: Space


def two_cities() -> TwoCities:
    """A network with a space in Paris and one in Tel Aviv."""
    network = NetworkFactory(name="Coshoring Alliance", slug="coshoring-alliance")
    paris = SpaceFactory(name="La Ruche", city="Paris", timezone="Europe/Paris")
    tel_aviv = SpaceFactory(
        name="Mindspace Rothschild",
        city="Tel Aviv",
        timezone="Asia/Jerusalem",
        lat=32.0636,
        lon=34.7745,
    )
    NetworkSpaceFactory(network=network, space=paris)
    NetworkSpaceFactory(network=network, space=tel_aviv)
    return TwoCities(network=network, paris=paris, tel_aviv=tel_aviv)


def member_of(space: Space, user: Any) -> Any:
    SpaceRoleFactory(space=space, user=user, role=SpaceRoleKind.MEMBER)
    return user


def join(project: Project, inviter: Any, person: Any) -> None:
    """`inviter` invites `person`, who accepts."""
    invitation = services.invite_member(project=project, inviter=inviter, email=person.email)
    services.accept_invitation(invitation=invitation, user=person)


def agree(
    project: Project,
    people: list[Any],
    *,
    budgets: list[str | Decimal],
    coordinator: Any | None = None,
    coordinator_share: str = "10",
    pool_share: str = "0",
    split_by: str = "logged_hours",
) -> Agreement:
    """`people[0]` proposes the agreement and everyone else accepts it."""
    agreement = services.propose_agreement(
        project=project,
        proposer=people[0],
        coordinator_email=(coordinator or people[0]).email,
        coordinator_share=coordinator_share,
        pool_share=pool_share,
        split_by=split_by,
        budgets=[
            services.BudgetIn(email=p.email, hours=str(h))
            for p, h in zip(people, budgets, strict=True)
        ],
    )
    for person in people[1:]:
        agreement = services.accept_agreement(project=project, user=person)
    return agreement
