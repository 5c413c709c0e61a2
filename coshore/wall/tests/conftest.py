"""Fixtures of the wall tests: the world of `factories.world` and a need posted in Paris."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.wall.models import Post
from coshore.wall.tests.factories import World, post, world


@pytest.fixture
def w(make_user: Any) -> World:
    return world(make_user)


@pytest.fixture
def need(w: World) -> Post:
    return post(w.poster, w.paris, budget_min="800", budget_max="1500", currency="eur")
