"""Fixtures of the events tests: the world of `factories.world`."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.events.tests.factories import World, world


@pytest.fixture
def w(make_user: Any) -> World:
    return world(make_user)
