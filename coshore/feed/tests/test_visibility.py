"""Who reads which post: the matrix of scope x standing on the gate, the feed, the API and
the page (a post you cannot read is a 404), and hidden posts and comments."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coshore.feed import selectors, services
from coshore.feed.errors import FeedNotFound
from coshore.feed.tests.factories import World, network_post, space_post

# standing -> (reads a Paris feed post, reads a network feed post, reads a hidden Paris post)
MATRIX = {
    "anonymous": (False, False, False),
    "author": (True, True, True),
    "neighbour": (True, True, False),  # member of the post's space
    "network_member": (False, True, False),  # member of another space of the network
    "outsider": (False, False, False),  # member of a space outside the network
    "manager": (True, True, True),  # manager of Paris
    "other_manager": (False, True, False),  # manager of Lyon
    "operator": (True, True, True),  # operator of the network
    "staff": (True, True, True),
}


def _viewer(w: World, standing: str) -> Any:
    return None if standing == "anonymous" else getattr(w, standing)


def _client(viewer: Any) -> Client:
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client


@pytest.mark.parametrize("standing", list(MATRIX))
@pytest.mark.parametrize("case", ["space", "network", "hidden"])
def test_visibility_matrix(w: World, standing: str, case: str) -> None:
    if case == "network":
        post = network_post(w)
    else:
        post = space_post(w)
        if case == "hidden":
            services.hide_post(post=post, user=w.manager, reason="Off topic")
    expected = MATRIX[standing][["space", "network", "hidden"].index(case)]
    viewer = _viewer(w, standing)
    assert selectors.visible_posts(viewer).filter(pk=post.pk).exists() is expected
    client = _client(viewer)
    response = client.get(f"/api/v1/feed/posts/{post.pk}")
    if viewer is None:
        assert response.status_code == 401
    else:
        assert response.status_code == (200 if expected else 404)
        if not expected:
            assert response.json()["code"] == "feed.post_not_found"
    page = client.get(f"/feed/posts/{post.pk}/")
    if viewer is None:
        assert page.status_code == 302
    else:
        assert page.status_code == (200 if expected else 404)
    # The feed lists it for those who read it (and the feed itself is a 404 for the others).
    feed_url = (
        "/api/v1/feed/networks/coshoring-alliance/posts"
        if case == "network"
        else "/api/v1/feed/spaces/la-ruche/posts"
    )
    listing = client.get(feed_url)
    if viewer is None:
        assert listing.status_code == 401
    elif listing.status_code == 404:
        assert not expected
        assert listing.json()["code"] == "feed.not_found"
    else:
        assert [p["id"] for p in listing.json()["items"]] == ([post.pk] if expected else [])


@pytest.mark.parametrize(
    ("standing", "space_feed", "network_feed", "posts_in_space", "posts_in_network"),
    [
        ("author", True, True, True, True),
        ("network_member", False, True, False, True),
        ("outsider", False, False, False, False),
        ("manager", True, True, True, True),
        ("other_manager", False, True, False, True),
        ("operator", True, True, False, True),
        ("staff", True, True, False, False),
    ],
)
def test_who_reads_and_who_posts_in_each_feed(
    w: World,
    standing: str,
    space_feed: bool,
    network_feed: bool,
    posts_in_space: bool,
    posts_in_network: bool,
) -> None:
    viewer = getattr(w, standing)
    for slug, getter, reads, posts in [
        ("la-ruche", selectors.get_space_feed_for_user, space_feed, posts_in_space),
        ("coshoring-alliance", selectors.get_network_feed_for_user, network_feed, posts_in_network),
    ]:
        if reads:
            assert getter(user=viewer, slug=slug).can_post is posts
        else:
            with pytest.raises(FeedNotFound):
                getter(user=viewer, slug=slug)


def test_hidden_post_shows_marked_to_its_author_and_moderators_only(w: World) -> None:
    post = space_post(w)
    services.hide_post(post=post, user=w.manager, reason="Please keep it on topic")
    scope = selectors.get_space_feed_for_user(user=w.author, slug="la-ruche")
    mine = selectors.list_feed(user=w.author, scope=scope).items
    assert [(p.pk, p.is_hidden, p.hidden_reason) for p in mine] == [
        (post.pk, True, "Please keep it on topic")
    ]
    scope = selectors.get_space_feed_for_user(user=w.neighbour, slug="la-ruche")
    assert selectors.list_feed(user=w.neighbour, scope=scope).items == []
    body = _client(w.author).get("/spaces/la-ruche/feed/")
    assert "Hidden by the moderators: Please keep it on topic" in body.content.decode()


def test_hidden_comments_are_for_their_author_and_moderators(w: World) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="rude words")
    services.hide_comment(comment=comment, user=w.operator, reason="Be kind")
    for viewer, sees in [
        (w.neighbour, True),
        (w.manager, True),
        (w.operator, True),
        (w.author, False),
    ]:
        listed = selectors.list_comments(user=viewer, post=post).items
        assert (comment in listed) is sees
        api = _client(viewer).get(f"/api/v1/feed/posts/{post.pk}/comments").json()
        assert [c["id"] for c in api["items"]] == ([comment.pk] if sees else [])
        reaction = _client(viewer).put(f"/api/v1/feed/comments/{comment.pk}/reactions/heart")
        assert reaction.status_code == (200 if sees else 404)
    assert selectors.get_post_view(user=w.author, post_id=post.pk).comment_count == 0
