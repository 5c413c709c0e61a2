"""Fixtures for booking tests: a space open on weekdays 9-18 in Paris, its people, a desk."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .factories import ResourceFactory

PARIS = ZoneInfo("Europe/Paris")


def next_monday(hour: int, minute: int = 0, *, weeks: int = 1) -> datetime:
    """A Monday at least a week ahead, at `hour:minute` Paris time."""
    today = timezone.now().astimezone(PARIS).date()
    day = today + timedelta(days=7 * weeks - today.weekday())
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def space(db: Any) -> Any:
    return SpaceFactory(slug="la-ruche", weekly=[(d, 540, 1080) for d in range(5)])


@pytest.fixture
def member(space: Any, make_user: Any) -> Any:
    user = make_user("member@example.org")
    SpaceRoleFactory(space=space, user=user, role=SpaceRoleKind.MEMBER)
    return user


@pytest.fixture
def manager(space: Any, make_user: Any) -> Any:
    user = make_user("manager@example.org")
    SpaceRoleFactory(space=space, user=user, role=SpaceRoleKind.MANAGER)
    return user


@pytest.fixture
def outsider(make_user: Any) -> Any:
    """A member of another space."""
    user = make_user("outsider@example.org")
    SpaceRoleFactory(user=user, role=SpaceRoleKind.MEMBER)
    return user


@pytest.fixture
def desk(space: Any) -> Any:
    return ResourceFactory(space=space, name="Desk by the window")
