"""Fixtures of the events tests: the world of `factories.world`, and spaces in real cities
with a manager for the calendar tests (the real machBar calendar)."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.events.tests.factories import World, world
from coshore.spaces.models import SpaceRole, SpaceRoleKind
from coshore.spaces.tests.factories import NetworkFactory, SpaceFactory


@pytest.fixture
def machbar(db: Any) -> Any:
    """machBar, the FabLab of Potsdam (Europe/Berlin)."""
    return SpaceFactory(
        name="machBar", slug="machbar", city="Potsdam", country="DE", timezone="Europe/Berlin",
        lat=52.3906, lon=13.0645,
    )  # fmt: skip


@pytest.fixture
def manager(machbar: Any, make_user: Any) -> Any:
    user = make_user("manager@machbar.example")
    SpaceRole.objects.create(user=user, space=machbar, role=SpaceRoleKind.MANAGER)
    return user


@pytest.fixture
def network(machbar: Any) -> Any:
    from coshore.spaces.models import NetworkSpace

    net = NetworkFactory(name="Brandenburg Makers", slug="bb-makers")
    NetworkSpace.objects.create(network=net, space=machbar)
    return net


@pytest.fixture
def w(make_user: Any) -> World:
    return world(make_user)
