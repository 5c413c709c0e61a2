"""Who sees which post: the matrix of visibility x standing, on the gate, the list and the
detail endpoint (a post you cannot see is a 404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coshore.wall import selectors
from coshore.wall.tests.factories import World, post

# standing -> (sees a `space` post, sees a `network` post, sees a `public` post)
MATRIX = {
    "anonymous": (False, False, True),
    "poster": (True, True, True),
    "neighbour": (True, True, True),  # member of the post's space
    "network_member": (False, True, True),  # member of another space of the network
    "outsider": (False, False, True),  # member of a space outside the network
    "manager": (True, True, True),  # manager of the post's space
    "operator": (True, True, True),  # operator of the space's network
    "staff": (True, True, True),
}


def _viewer(w: World, standing: str) -> Any:
    return None if standing == "anonymous" else getattr(w, standing)


@pytest.mark.parametrize("standing", list(MATRIX))
@pytest.mark.parametrize("visibility", ["space", "network", "public"])
def test_visibility_matrix(w: World, standing: str, visibility: str) -> None:
    p = post(w.poster, w.paris, visibility=visibility)
    expected = MATRIX[standing][["space", "network", "public"].index(visibility)]
    viewer = _viewer(w, standing)
    assert selectors.visible_posts(viewer).filter(pk=p.pk).exists() is expected
    listed = selectors.search_posts(viewer=viewer, query=selectors.PostQuery()).items
    assert (p in listed) is expected
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    response = client.get(f"/api/v1/wall/posts/{p.pk}")
    assert response.status_code == (200 if expected else 404)
    if not expected:
        assert response.json()["code"] == "wall.post_not_found"
    page = client.get(f"/wall/posts/{p.pk}/")
    assert page.status_code == (200 if expected else 404)


def test_closed_and_expired_posts_leave_lists_but_the_poster_keeps_them(w: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from coshore.wall import services
    from coshore.wall.models import Post

    closed = post(w.poster, w.paris, title="Closed one")
    services.close_post(post=closed, user=w.poster, outcome="fulfilled")
    expired = post(w.poster, w.paris, title="Expired one")
    Post.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    live = post(w.poster, w.paris, title="Live one")
    q = selectors.PostQuery()
    assert selectors.search_posts(viewer=w.neighbour, query=q).items == [live]
    assert [p.title for p in selectors.search_posts(viewer=w.poster, query=q).items] == [
        "Live one",
        "Expired one",
        "Closed one",
    ]
    # Still readable by those who may see it (a reply thread links to it).
    assert selectors.get_post_for_user(user=w.neighbour, post_id=closed.pk) == closed


def test_space_posts_never_reach_another_space_screen(w: World) -> None:
    from coshore.wall import services

    space_post = post(w.poster, w.paris, visibility="space", title="Members only")
    network_post = post(w.poster, w.paris, visibility="network", title="Network")
    public_post = post(w.poster, w.paris, visibility="public", title="Public")
    services.enable_screen(space=w.lyon, user=w.operator)
    assert selectors.list_screen_posts(space=w.lyon, trusted=False) == [public_post]
    assert selectors.list_screen_posts(space=w.lyon, trusted=True) == [public_post, network_post]
    assert selectors.list_screen_posts(space=w.paris, trusted=True) == [
        public_post,
        network_post,
        space_post,
    ]
    assert selectors.list_screen_posts(space=w.berlin, trusted=True) == []
