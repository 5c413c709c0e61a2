"""Matches of a post through the database: candidates the viewer may see, ranked with reasons."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.accounts.models import Profile
from coshore.wall import selectors, services
from coshore.wall.models import Post
from coshore.wall.tests.factories import PYTHON_URI, World, post

pytestmark = pytest.mark.django_db


def _offer(w: World, author: Any, space: Any, **fields: Any) -> Post:
    values = {
        "kind": "offer",
        "title": "Python data pipelines",
        "text": "I build data pipelines in Python for museums and archives.",
        "visibility": "network",
        "skills": [PYTHON_URI],
    }
    values.update(fields)
    return post(author, space, **values)


@pytest.fixture
def need(w: World) -> Post:
    """A remote need in Paris (the shared fixture's need is on site)."""
    return post(w.poster, w.paris, locality="remote", tz_name="Europe/Paris")


def test_an_on_site_need_only_meets_its_city(w: World) -> None:
    on_site = post(w.poster, w.paris, locality="on_site")
    lyon = _offer(w, w.network_member, w.lyon, locality="remote")
    paris = _offer(w, w.neighbour, w.paris, locality="on_site")
    ids = [(i.kind, i.id) for i in selectors.get_matches(user=w.poster, post=on_site)]
    assert ("post", paris.pk) in ids and ("post", lyon.pk) not in ids
    reasons = next(i.reasons for i in selectors.get_matches(user=w.poster, post=on_site))
    assert "same space: La Ruche" in reasons


def test_a_need_gets_visible_offers_with_reasons_best_first(w: World, need: Post) -> None:
    lyon = _offer(w, w.network_member, w.lyon, locality="remote")
    hidden = _offer(w, w.outsider, w.berlin, visibility="space", locality="remote")
    unrelated = _offer(
        w, w.neighbour, w.paris, title="Wedding photos", text="I take wedding photos.",
        skills=[w.design.uri], locality="remote",
    )  # fmt: skip
    items = selectors.get_matches(user=w.poster, post=need, limit=10)
    ids = [(i.kind, i.id) for i in items]
    assert ("post", hidden.pk) not in ids
    assert ids.index(("post", lyon.pk)) < ids.index(("post", unrelated.pk))
    reasons = next(i.reasons for i in items if i.id == lyon.pk and i.kind == "post")
    assert reasons[0] == "shares 1 skill: Python (computer programming)"
    assert "same network: Coshoring Alliance" in reasons
    assert all(0 <= i.score <= 1 for i in items)


def test_closed_posts_and_own_posts_never_match(w: World, need: Post) -> None:
    offer = _offer(w, w.network_member, w.lyon, locality="remote")
    own = _offer(w, w.poster, w.paris, locality="remote")
    services.close_post(post=offer, user=w.network_member, outcome="withdrawn")
    ids = {(i.kind, i.id) for i in selectors.get_matches(user=w.poster, post=need)}
    assert ("post", offer.pk) not in ids and ("post", own.pk) not in ids


def test_a_need_also_finds_member_profiles_that_list_its_skills(w: World, need: Post) -> None:
    profile = Profile.objects.get(user=w.network_member)
    profile.skills.add(w.python)
    Profile.objects.filter(pk=profile.pk).update(visibility="network", headline="Python freelancer")
    Profile.objects.filter(user=w.outsider).update(visibility="private")
    Profile.objects.get(user=w.outsider).skills.add(w.python)
    items = selectors.get_matches(user=w.poster, post=need)
    profiles = [i for i in items if i.kind == "profile"]
    assert [i.id for i in profiles] == [w.network_member.pk]
    assert profiles[0].reasons[0] == "shares 1 skill: Python (computer programming)"


def test_an_offer_gets_needs(w: World, need: Post) -> None:
    offer = _offer(w, w.network_member, w.lyon, locality="remote")
    items = selectors.get_matches(user=w.network_member, post=offer)
    assert [(i.kind, i.id) for i in items] == [("post", need.pk)]


def test_matches_api_shape_gate_and_bad_limits(
    w: World, need: Post, client_for: Any, api_client: Any
) -> None:
    offer = _offer(w, w.network_member, w.lyon, locality="remote")
    r = client_for(w.poster).get(f"/api/v1/wall/posts/{need.pk}/matches?limit=5")
    assert r.status_code == 200
    first = r.json()["items"][0]
    assert (first["kind"], first["id"]) == ("post", offer.pk)
    assert set(first) == {"kind", "id", "score", "reasons"}
    # Someone who cannot see the post gets 404, not its matches.
    denied = client_for(w.outsider).get(f"/api/v1/wall/posts/{need.pk}/matches")
    assert (denied.status_code, denied.json()["code"]) == (404, "wall.post_not_found")
    assert api_client.get(f"/api/v1/wall/posts/{need.pk}/matches").status_code == 404
    for bad in ("0", "51", "x", "99999999999999999999"):
        resp = client_for(w.poster).get(f"/api/v1/wall/posts/{need.pk}/matches?limit={bad}")
        assert 400 <= resp.status_code < 500, bad
        assert set(resp.json()) == {"code", "message", "detail"}


def test_the_poster_sees_matches_with_reasons_on_the_post_page(
    w: World, need: Post, client_for: Any
) -> None:
    offer = _offer(w, w.network_member, w.lyon, locality="remote")
    html = client_for(w.poster).get(f"/wall/posts/{need.pk}/").content.decode()
    assert "Offers and people that match" in html
    assert f'data-kind="post" data-id="{offer.pk}"' in html
    assert "shares 1 skill: Python (computer programming)" in html
    other = client_for(w.network_member).get(f"/wall/posts/{need.pk}/").content.decode()
    assert "Offers and people that match" not in other
