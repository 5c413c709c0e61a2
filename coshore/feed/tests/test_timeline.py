"""One timeline of all one's feeds (`list_timeline`, `/feed/`, `GET /api/v1/feed/timeline`):
every feed one reads by standing, newest first, each post labelled by its feed, pinned posts
once, hidden posts exactly as in each feed, keyset-paged, in a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coshore.core.errors import Invalid
from coshore.feed import selectors, services
from coshore.feed.models import FeedPost
from coshore.feed.tests.factories import PEOPLE as FEED_PEOPLE
from coshore.feed.tests.factories import World, network_post, space_post
from coshore.spaces.models import Space, SpaceRoleKind
from coshore.spaces.tests.factories import NetworkSpaceFactory, SpaceFactory, SpaceRoleFactory

PEOPLE = [*FEED_PEOPLE, "staff"]
TIMELINE = "/api/v1/feed/timeline"


def _bodies(user: Any, **kw: Any) -> list[str]:
    return [p.body for p in selectors.list_timeline(user=user, **kw).items]


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _four_feeds(w: World) -> dict[str, FeedPost]:
    """A post in each feed, oldest first: Paris, the network, Lyon, Berlin."""
    return {
        "paris": space_post(w, body="Paris: coffee is fixed"),
        "network": network_post(w, body="Network: meetup on Friday"),
        "lyon": services.create_post(author=w.network_member, space=w.lyon, body="Lyon: new desks"),
        "berlin": services.create_post(
            author=w.outsider, space=w.berlin, body="Berlin: Sommerfest"
        ),
    }


def test_a_member_of_two_spaces_reads_both_and_their_network_newest_first(w: World) -> None:
    SpaceRoleFactory(space=w.lyon, user=w.author, role=SpaceRoleKind.MEMBER)
    _four_feeds(w)
    page = selectors.list_timeline(user=w.author)
    assert [(p.body, (p.space or p.network).name) for p in page.items] == [  # type: ignore[union-attr]
        ("Lyon: new desks", "La Cordée"),
        ("Network: meetup on Friday", "Coshoring Alliance"),
        ("Paris: coffee is fixed", "La Ruche"),
    ]
    assert page.next_cursor is None


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("author", ["Network: meetup on Friday", "Paris: coffee is fixed"]),
        ("network_member", ["Lyon: new desks", "Network: meetup on Friday"]),
        ("other_manager", ["Lyon: new desks", "Network: meetup on Friday"]),
        ("outsider", ["Berlin: Sommerfest"]),
        # The operator reads the network's feed and the feeds of its spaces.
        (
            "operator",
            ["Lyon: new desks", "Network: meetup on Friday", "Paris: coffee is fixed"],
        ),
        # Staff read every feed when they open it, but their timeline is of their own feeds.
        ("staff", []),
    ],
)
def test_a_post_of_a_feed_one_does_not_read_never_appears(
    w: World, who: str, expected: list[str]
) -> None:
    _four_feeds(w)
    assert _bodies(getattr(w, who)) == expected


def test_anonymous_has_an_empty_timeline(w: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    _four_feeds(w)
    assert selectors.list_timeline(user=AnonymousUser()).items == []


def test_a_hidden_post_appears_only_to_its_author_and_the_feeds_moderators(w: World) -> None:
    posts = _four_feeds(w)
    services.hide_post(post=posts["paris"], user=w.manager, reason="Off topic")
    services.hide_post(post=posts["network"], user=w.operator, reason="Duplicate")
    shown = {
        who: {p.body for p in selectors.list_timeline(user=getattr(w, who)).items}
        for who in ["author", "neighbour", "manager", "operator", "network_member"]
    }
    assert shown == {
        "author": {"Paris: coffee is fixed", "Network: meetup on Friday"},  # both are hers
        "neighbour": set(),
        # Marc moderates La Ruche, not the network's feed.
        "manager": {"Paris: coffee is fixed"},
        "operator": {"Paris: coffee is fixed", "Network: meetup on Friday", "Lyon: new desks"},
        "network_member": {"Lyon: new desks"},
    }


def test_each_feed_of_the_timeline_holds_exactly_what_the_feed_shows(w: World) -> None:
    posts = _four_feeds(w)
    extra = space_post(w, body="Paris: by Noé", author=w.neighbour)
    services.hide_post(post=posts["paris"], user=w.manager, reason="x")
    services.hide_post(post=extra, user=w.operator, reason="y")
    services.hide_post(post=posts["network"], user=w.operator, reason="z")
    services.pin_post(post=posts["lyon"], user=w.other_manager)
    feeds = [("space", w.paris), ("space", w.lyon), ("space", w.berlin), ("network", w.network)]
    for who in PEOPLE[:-1]:  # staff's timeline is their own feeds: none
        user = getattr(w, who)
        timeline = selectors.list_timeline(user=user, limit=100).items
        for kind, owner in feeds:
            try:
                scope = (
                    selectors.scope_for_space(user, owner)
                    if kind == "space"
                    else selectors.scope_for_network(user, owner)
                )
            except selectors.FeedNotFound:
                in_feed: set[int] = set()
            else:
                in_feed = {p.pk for p in selectors.list_feed(user=user, scope=scope).items}
            key = "space_id" if kind == "space" else "network_id"
            assert {p.pk for p in timeline if getattr(p, key) == owner.pk} == in_feed, (who, owner)


def test_pinned_posts_keep_their_place_in_time_and_show_once(w: World) -> None:
    first = space_post(w, body="first")
    space_post(w, body="second")
    services.pin_post(post=first, user=w.manager)
    assert _bodies(w.neighbour) == ["second", "first"]
    page = selectors.list_timeline(user=w.neighbour)
    assert page.items[1].is_pinned


def test_pages_by_cursor_and_refuses_a_bad_cursor_or_limit(w: World) -> None:
    for i in range(3):
        space_post(w, body=f"paris {i}")
        network_post(w, body=f"network {i}")
    first = selectors.list_timeline(user=w.author, limit=4)
    assert [p.body for p in first.items] == ["network 2", "paris 2", "network 1", "paris 1"]
    second = selectors.list_timeline(user=w.author, limit=4, cursor=first.next_cursor)
    assert ([p.body for p in second.items], second.next_cursor) == (
        ["network 0", "paris 0"],
        None,
    )
    for kw, code in [
        ({"cursor": "garbage"}, "pagination.invalid_cursor"),
        ({"limit": 0}, "pagination.invalid_limit"),
        ({"limit": 101}, "pagination.invalid_limit"),
        ({"limit": "5"}, "pagination.invalid_limit"),
    ]:
        with pytest.raises(Invalid) as refused:
            selectors.list_timeline(user=w.author, **kw)
        assert refused.value.code == code


def test_posts_of_a_closed_space_leave_the_timeline(w: World) -> None:
    _four_feeds(w)
    Space.objects.filter(pk=w.paris.pk).update(is_active=False)
    assert _bodies(w.author) == ["Network: meetup on Friday"]


def _member_of_many_spaces(w: World, n: int) -> None:
    """Ana joins `n` more spaces of the network, each with two posts of hers, with a comment
    and reactions; the operator hides the second."""
    for _ in range(n):
        space = SpaceFactory()
        NetworkSpaceFactory(network=w.network, space=space)
        SpaceRoleFactory(space=space, user=w.author, role=SpaceRoleKind.MEMBER)
        for j in range(2):
            post = services.create_post(author=w.author, space=space, body=f"{space.name} {j}")
            comment = services.add_comment(post=post, user=w.author, body="c")
            services.react(user=w.author, emoji="idea", comment=comment)
            services.react(user=w.author, emoji="heart", post=post)
        services.hide_post(post=post, user=w.operator, reason="x")


@pytest.mark.parametrize("feeds", [1, 12])
def test_the_timeline_and_its_page_run_a_bounded_number_of_queries(
    w: World, feeds: int, django_assert_max_num_queries: Any
) -> None:
    _member_of_many_spaces(w, feeds)
    client = _client(w.author)
    # One query, then `decorate_posts`' four.
    with django_assert_max_num_queries(5):
        page = selectors.list_timeline(user=w.author)
        assert len(page.items) == min(2 * feeds, 20)
    # The endpoint adds the session and its user.
    with django_assert_max_num_queries(7):
        assert len(client.get(TIMELINE).json()["items"]) == min(2 * feeds, 20)
    # The page adds the feeds beside the timeline, the report count and the nav.
    with django_assert_max_num_queries(17):
        assert client.get("/feed/").status_code == 200


def test_the_feeds_beside_the_timeline_say_who_moderates_as_the_gate_does(w: World) -> None:
    from coshore.spaces.selectors import can_manage_space

    for user, space in [(w.operator, w.paris), (w.operator, w.berlin), (w.staff, w.berlin)]:
        SpaceRoleFactory(space=space, user=user, role=SpaceRoleKind.MEMBER)
    for who in PEOPLE:
        user = getattr(w, who)
        for link in selectors.list_feeds_of_user(user):
            if link.scope.space is not None:
                expected = can_manage_space(user, link.scope.space)
                assert link.scope.can_moderate == expected, (who, link.scope.name)
    moderated = {
        link.scope.name
        for link in selectors.list_feeds_of_user(w.operator)
        if link.scope.can_moderate
    }
    assert moderated == {"La Ruche", "Coshoring Alliance"}


# --- The page ----------------------------------------------------------------------------------


def test_the_feeds_page_shows_one_timeline_labelled_by_feed_with_older_posts(w: World) -> None:
    SpaceRoleFactory(space=w.lyon, user=w.author, role=SpaceRoleKind.MEMBER)
    posts = _four_feeds(w)
    for i in range(20):
        space_post(w, body=f"paris {i}")
    ana = _client(w.author)
    html = ana.get("/feed/").content.decode()
    assert html.count('class="feed-scope"') == 20
    assert 'href="/spaces/la-ruche/feed/"><span class="visually-hidden">In the feed of' in html
    assert "paris 19" in html and "Lyon: new desks" not in html
    assert 'data-mention-api="/api/v1/feed/mentionable?space=la-ruche"' in html
    assert "Berlin: Sommerfest" not in html
    older = html.split('href="/feed/?cursor=', 1)[1].split('"', 1)[0]
    html = ana.get(f"/feed/?cursor={older}").content.decode()
    assert "Older posts</h2>" in html
    assert f'id="post-{posts["lyon"].pk}"' in html and f'id="post-{posts["network"].pk}"' in html
    assert 'In the feed of </span><span class="badge badge-accent" aria-hidden="true">Network' in (
        html
    )
    assert "Berlin: Sommerfest" not in html


def test_a_bad_cursor_on_the_page_is_a_422_with_the_feeds_still_listed(w: World) -> None:
    response = _client(w.author).get("/feed/?cursor=garbage")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert">The cursor is not valid.' in html
    assert 'href="/spaces/la-ruche/feed/"' in html


def test_a_card_changed_from_the_timeline_keeps_its_feed_label(w: World) -> None:
    post = space_post(w)
    noe = _client(w.neighbour)
    html = noe.get("/feed/").content.decode()
    assert 'hx-vals=\'{"show_scope": "1"}\'' in html
    card = noe.post(
        f"/feed/posts/{post.pk}/comments/",
        {"body": "Thanks!", "next": "/feed/", "show_scope": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'class="feed-scope"' in card and "Thanks!" in card
    # From a feed's own page, no label (the page is the feed).
    card = noe.post(
        f"/feed/posts/{post.pk}/comments/", {"body": "Again"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'class="feed-scope"' not in card


def test_the_feeds_page_needs_a_login(w: World) -> None:
    response = Client().get("/feed/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- The API -----------------------------------------------------------------------------------


def test_the_timeline_endpoint_lists_posts_with_their_feed_and_a_cursor(w: World) -> None:
    SpaceRoleFactory(space=w.lyon, user=w.author, role=SpaceRoleKind.MEMBER)
    posts = _four_feeds(w)
    ana = _client(w.author)
    first = ana.get(f"{TIMELINE}?limit=2")
    assert first.status_code == 200, first.content
    body = first.json()
    assert set(body) == {"items", "next"}
    assert [(p["id"], p["scope"]) for p in body["items"]] == [
        (posts["lyon"].pk, {"kind": "space", "slug": "la-cordee", "name": "La Cordée"}),
        (
            posts["network"].pk,
            {"kind": "network", "slug": "coshoring-alliance", "name": "Coshoring Alliance"},
        ),
    ]
    assert body["items"][1]["is_mine"] is True and body["items"][1]["url"] == (
        f"/feed/posts/{posts['network'].pk}/"
    )
    rest = ana.get(TIMELINE, {"limit": 2, "cursor": body["next"]}).json()
    assert ([p["id"] for p in rest["items"]], rest["next"]) == ([posts["paris"].pk], None)


def test_the_timeline_endpoint_hides_hidden_posts_from_members_only(w: World) -> None:
    post = space_post(w)
    services.hide_post(post=post, user=w.manager, reason="Spam")
    assert _client(w.neighbour).get(TIMELINE).json()["items"] == []
    [seen] = _client(w.manager).get(TIMELINE).json()["items"]
    assert (seen["id"], seen["hidden"], seen["can_moderate"]) == (post.pk, True, True)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("?cursor=garbage", 422, "pagination.invalid_cursor"),
        ("?limit=0", 422, "pagination.invalid_limit"),
        ("?limit=1000", 422, "pagination.invalid_limit"),
        ("?limit=ten", 422, "validation_error"),
    ],
)
def test_the_timeline_endpoint_refuses_a_bad_cursor_or_limit(
    w: World, query: str, status: int, code: str
) -> None:
    response = _client(w.author).get(TIMELINE + query)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "detail"} and body["code"] == code


def test_the_timeline_endpoint_needs_a_login(w: World) -> None:
    response = Client().get(TIMELINE)
    assert (response.status_code, response.json()["code"]) == (401, "auth.required")
