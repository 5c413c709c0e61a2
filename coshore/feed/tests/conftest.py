"""Fixtures of the feed tests: the world of `factories.world`."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.feed.tests.factories import World, world


@pytest.fixture
def w(make_user: Any) -> World:
    return world(make_user)
