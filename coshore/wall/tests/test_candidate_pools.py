"""Where the candidates of a match query come from, beside the ANN index: the freshest open
posts of an on-site subject's city, merged across its spaces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory
from coshore.wall.models import Post
from coshore.wall.selectors import matches
from coshore.wall.tests.factories import World, post

pytestmark = pytest.mark.django_db


def _offer(w: World, space: Any, minutes_ago: int) -> Post:
    p = post(w.poster, space, kind="offer", title=f"Offer from {minutes_ago} minutes ago")
    Post.objects.filter(pk=p.pk).update(fresh_at=timezone.now() - timedelta(minutes=minutes_ago))
    return p


@pytest.mark.parametrize("max_spaces", [20, 1])  # one read per space, or one for the city
def test_the_city_pool_is_the_freshest_open_posts_of_the_kind_across_the_city(
    w: World, monkeypatch: pytest.MonkeyPatch, max_spaces: int
) -> None:
    monkeypatch.setattr(matches, "CITY_POOL", 4)
    monkeypatch.setattr(matches, "MAX_CITY_SPACES", max_spaces)
    second, third = SpaceFactory(city="Paris"), SpaceFactory(city="Paris")
    for space in (second, third, w.lyon):
        SpaceRoleFactory(space=space, user=w.poster)
    by_age = {
        minutes: _offer(w, space, minutes)
        for minutes, space in [
            (10, w.paris), (20, second), (30, third), (40, w.paris), (50, second), (60, third),
        ]
    }  # fmt: skip
    # Fresher, but a need, closed, expired, or in another city.
    post(w.poster, w.paris, kind="need", title="A need")
    closed, expired = _offer(w, second, 1), _offer(w, third, 2)
    _offer(w, w.lyon, 3)
    Post.objects.filter(pk=closed.pk).update(status="fulfilled")
    Post.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    want = matches._Want(
        kind="offer",
        profiles=False,
        owner_id=0,
        skill_ids=(),
        skill_uris=frozenset(),
        city="Paris",
    )
    assert matches._city_pool(want) == [by_age[m].pk for m in (10, 20, 30, 40)]
