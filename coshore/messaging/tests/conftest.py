"""Fixtures of the messaging tests: the world of `factories.world`, and an empty cache (the
send rate limit counts in it, and account ids repeat between rolled-back tests)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from coshore.messaging.tests.factories import World, world


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def w(make_user: Any) -> World:
    return world(make_user)
