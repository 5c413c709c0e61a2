"""Fixtures for pass tests: one network with a space in Paris (home of `member`) and one in Lyon
(the host, open weekdays 9-18, with a desk pool), their managers, the network's operator, and
people elsewhere."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coshore.bookings.models import ResourceKind
from coshore.bookings.tests.factories import ResourceFactory
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkRoleFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

from .factories import PassTermsFactory

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS_9_TO_18 = [(d, 540, 1080) for d in range(5)]


def next_weekday(weekday: int = 1, *, weeks: int = 1) -> date:
    """A day of the given weekday (0 = Monday) at least `weeks` weeks ahead, Paris time."""
    today = timezone.now().astimezone(PARIS).date()
    return today + timedelta(days=7 * weeks + (weekday - today.weekday()))


@pytest.fixture
def network(db: Any) -> Any:
    return NetworkFactory(slug="visa", name="Coworking Visa")


@pytest.fixture
def terms(network: Any) -> Any:
    return PassTermsFactory(network=network, free_days_per_month=3, host_monthly_quota=10)


@pytest.fixture
def home(network: Any) -> Any:
    space = SpaceFactory(slug="la-ruche", name="La Ruche", city="Paris")
    NetworkSpaceFactory(network=network, space=space)
    return space


@pytest.fixture
def host(network: Any) -> Any:
    space = SpaceFactory(
        slug="lyon-hub", name="Lyon Hub", city="Lyon", lat=45.76, lon=4.84, weekly=WEEKDAYS_9_TO_18
    )
    NetworkSpaceFactory(network=network, space=space)
    return space


@pytest.fixture
def desk_pool(host: Any) -> Any:
    return ResourceFactory(
        space=host, name="Hot desks", kind=ResourceKind.DESK_POOL, seats=2, max_minutes=600
    )


@pytest.fixture
def member(home: Any, make_user: Any) -> Any:
    user = make_user("member@example.org", name="Alice Martin")
    SpaceRoleFactory(space=home, user=user, role=SpaceRoleKind.MEMBER)
    return user


@pytest.fixture
def host_manager(host: Any, make_user: Any) -> Any:
    user = make_user("host.manager@example.org", name="Léa Gestion")
    SpaceRoleFactory(space=host, user=user, role=SpaceRoleKind.MANAGER)
    return user


@pytest.fixture
def home_manager(home: Any, make_user: Any) -> Any:
    """Manages the member's home space, not the host."""
    user = make_user("home.manager@example.org")
    SpaceRoleFactory(space=home, user=user, role=SpaceRoleKind.MANAGER)
    return user


@pytest.fixture
def operator(network: Any, make_user: Any) -> Any:
    user = make_user("operator@example.org", name="Olivia Operator")
    NetworkRoleFactory(network=network, user=user)
    return user


@pytest.fixture
def stranger(make_user: Any) -> Any:
    """A member of a space of another network, which also offers passes."""
    other = NetworkFactory(slug="elsewhere")
    PassTermsFactory(network=other)
    space = SpaceFactory(slug="far-away", city="Nantes")
    NetworkSpaceFactory(network=other, space=space)
    user = make_user("stranger@example.org")
    SpaceRoleFactory(space=space, user=user, role=SpaceRoleKind.MEMBER)
    return user


@pytest.fixture
def other_manager(make_user: Any) -> Any:
    """Manages a space outside the network."""
    user = make_user("other.manager@example.org")
    SpaceRoleFactory(user=user, role=SpaceRoleKind.MANAGER)
    return user


@pytest.fixture
def visit_day() -> date:
    """A Tuesday next week: the host is open."""
    return next_weekday(1)
