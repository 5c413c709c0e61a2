"""Fixtures for membership tests: a space in Paris, its people and its plans."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from coshore.memberships.models import PlanKind
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .factories import PlanFactory


@pytest.fixture
def space(db: Any) -> Any:
    return SpaceFactory(slug="la-ruche")


@pytest.fixture
def manager(space: Any, make_user: Any) -> Any:
    user = make_user("manager@example.org")
    SpaceRoleFactory(space=space, user=user, role=SpaceRoleKind.MANAGER)
    return user


@pytest.fixture
def visitor(make_user: Any) -> Any:
    """An account with no role anywhere."""
    return make_user("visitor@example.org")


@pytest.fixture
def other_manager(make_user: Any) -> Any:
    """A manager of another space."""
    user = make_user("elsewhere@example.org")
    SpaceRoleFactory(user=user, role=SpaceRoleKind.MANAGER)
    return user


@pytest.fixture
def monthly(space: Any) -> Any:
    return PlanFactory(space=space, name="Resident", credits_included=20)


@pytest.fixture
def day_plan(space: Any) -> Any:
    return PlanFactory(
        space=space,
        name="Day pass",
        kind=PlanKind.DAY_PASS,
        price=Decimal("25.00"),
        credits_included=0,
    )


@pytest.fixture
def pack(space: Any) -> Any:
    return PlanFactory(
        space=space,
        name="Ten credits",
        kind=PlanKind.CREDIT_PACK,
        price=Decimal("90.00"),
        credits_included=10,
    )
