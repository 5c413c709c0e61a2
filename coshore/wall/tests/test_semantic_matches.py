"""Matching with stored MiniLM embeddings: posts embedded on commit, the process's ANN index
kept in step with the database, "matches for you" for a member, and the wall without the
model (the lexical path)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from coshore.accounts.models import Profile
from coshore.accounts.tests.factories import SkillFactory
from coshore.skills.extraction import semantic
from coshore.wall import embeddings, selectors, services
from coshore.wall.matching.codec import pack, unpack
from coshore.wall.matching.index import label_of
from coshore.wall.models import Post, PostEmbedding, ProfileEmbedding
from coshore.wall.selectors.live_index import get_live_index
from coshore.wall.tests.factories import PYTHON_URI, World, post

pytestmark = pytest.mark.django_db

ESCO_PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
needs_model = pytest.mark.skipif(not semantic.is_available(), reason="the semantic extra")


@pytest.fixture
def embedded(django_capture_on_commit_callbacks: Any) -> Any:
    """post(...) with its on-commit embedding task run, as after a real request."""

    def make(author: Any, space: Any, **fields: Any) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return post(author, space, **fields)

    return make


def _offer(make: Any, w: World, author: Any, space: Any, **fields: Any) -> Post:
    values = {
        "kind": "offer",
        "title": "Python data pipelines",
        "text": "I build data pipelines in Python for museums and archives.",
        "locality": "remote",
        "skills": [PYTHON_URI],
    }
    values.update(fields)
    return make(author, space, **values)


@pytest.fixture
def remote_need(w: World, embedded: Any) -> Post:
    return embedded(w.poster, w.paris, locality="remote", tz_name="Europe/Paris")


def test_codec_keeps_a_unit_vector_within_quantisation() -> None:
    import numpy as np

    v = np.random.default_rng(1).normal(size=384).astype("float32")
    v /= np.linalg.norm(v)
    data = pack(v)
    assert len(data) == 4 + 384
    assert float(unpack(data) @ v) > 0.999


@needs_model
def test_posting_and_editing_the_text_embed_the_post(
    w: World, embedded: Any, django_capture_on_commit_callbacks: Any
) -> None:
    need = embedded(w.poster, w.paris)
    first = PostEmbedding.objects.get(post=need)
    assert first.text_hash == embeddings.text_hash(f"{need.title}\n{need.text}")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_post(post=need, user=w.poster, text="We need a Rust developer for IoT.")
    again = PostEmbedding.objects.get(post=need)
    assert again.text_hash != first.text_hash
    assert bytes(again.vector) != bytes(first.vector)


@needs_model
def test_a_need_finds_offers_through_the_index_with_the_semantic_reason(
    w: World, remote_need: Post, embedded: Any
) -> None:
    near = _offer(embedded, w, w.network_member, w.lyon, skills=[w.design.uri])
    far = _offer(
        embedded, w, w.neighbour, w.paris, title="Wedding photography",
        text="I photograph weddings and family parties.", skills=[w.design.uri],
    )  # fmt: skip
    hidden = _offer(embedded, w, w.outsider, w.berlin, visibility="space")
    items = selectors.get_matches(user=w.poster, post=remote_need)
    ids = [(i.kind, i.id) for i in items]
    assert ids.index(("post", near.pk)) < ids.index(("post", far.pk))
    assert ("post", hidden.pk) not in ids
    index = get_live_index()
    assert index is not None and label_of("post", hidden.pk) in index.indexes["offer"]
    near_reasons = next(i.reasons for i in items if i.id == near.pk)
    assert "similar description" in near_reasons
    assert "similar description" not in next(i.reasons for i in items if i.id == far.pk)


@needs_model
def test_the_index_follows_new_closed_and_renewed_posts(
    w: World, remote_need: Post, embedded: Any
) -> None:
    first = _offer(embedded, w, w.network_member, w.lyon)
    assert [i.id for i in selectors.get_matches(user=w.poster, post=remote_need)] == [first.pk]
    index = get_live_index()
    assert index is not None
    second = _offer(embedded, w, w.neighbour, w.paris, title="Python and SQL dashboards")
    services.close_post(post=first, user=w.network_member, outcome="fulfilled")
    ids = [i.id for i in selectors.get_matches(user=w.poster, post=remote_need)]
    assert ids == [second.pk]
    assert label_of("post", first.pk) not in index.indexes["offer"]
    assert label_of("post", second.pk) in index.indexes["offer"]


@needs_model
def test_a_post_closed_after_the_index_synced_still_never_comes_back(
    w: World, remote_need: Post, embedded: Any
) -> None:
    offer = _offer(embedded, w, w.network_member, w.lyon)
    index = get_live_index()
    assert index is not None and label_of("post", offer.pk) in index.indexes["offer"]
    # Closed behind the index's back (another process; no sync in between).
    Post.objects.filter(pk=offer.pk).update(status="withdrawn")
    index.sync = lambda now=None: 0  # type: ignore[method-assign]
    assert selectors.get_matches(user=w.poster, post=remote_need) == []


@needs_model
def test_a_need_meets_embedded_profiles_the_poster_may_see(w: World, remote_need: Post) -> None:
    for user, visibility in ((w.network_member, "network"), (w.outsider, "private")):
        profile = Profile.objects.get(user=user)
        profile.skills.add(w.python)
        Profile.objects.filter(pk=profile.pk).update(
            visibility=visibility, headline="Python freelancer", bio="Data pipelines in Python."
        )
    out = StringIO()
    call_command("embed_wall", stdout=out)
    assert "profile(s)" in out.getvalue()
    assert ProfileEmbedding.objects.filter(user=w.network_member).exists()
    profiles = [
        i for i in selectors.get_matches(user=w.poster, post=remote_need) if i.kind == "profile"
    ]
    assert [i.id for i in profiles] == [w.network_member.pk]
    assert profiles[0].reasons[:2] == [
        "shares 1 skill: Python (computer programming)",
        "similar description",
    ]


@needs_model
def test_embed_wall_fills_what_is_missing_then_has_nothing_to_do(w: World) -> None:
    post(w.poster, w.paris)  # embedded later: on-commit callbacks do not run here
    Profile.objects.filter(user=w.neighbour).update(headline="UX designer")
    out = StringIO()
    call_command("embed_wall", stdout=out)
    assert out.getvalue().startswith("embedded 1 post(s) and 1 profile(s)")
    call_command("embed_wall", stdout=out)
    assert "embedded 0 post(s) and 0 profile(s)" in out.getvalue()


# --- Matches for you -------------------------------------------------------------------------


@pytest.fixture
def pythonista(w: World) -> Any:
    profile = Profile.objects.get(user=w.network_member)
    profile.skills.add(w.python)
    Profile.objects.filter(pk=profile.pk).update(
        headline="Python developer", bio="I build data pipelines.", timezone="Europe/Paris",
        languages=["en", "fr"],
    )  # fmt: skip
    return w.network_member


def test_matches_for_you_are_visible_live_needs_for_the_profile(
    w: World, embedded: Any, pythonista: Any
) -> None:
    need = embedded(w.poster, w.paris, locality="remote", languages=["fr"])
    hidden = embedded(w.outsider, w.berlin, locality="remote", visibility="space")
    closed = embedded(w.neighbour, w.paris, locality="remote")
    services.close_post(post=closed, user=w.neighbour, outcome="withdrawn")
    own = embedded(pythonista, w.lyon, locality="remote")
    offer = _offer(embedded, w, w.neighbour, w.paris)
    items = selectors.get_matches_for_member(user=pythonista, limit=10)
    assert [(i.kind, i.id) for i in items] == [("post", need.pk)]
    assert items[0].reasons[0] == "shares 1 skill: Python (computer programming)"
    assert "speaks French" in items[0].reasons
    assert {hidden.pk, closed.pk, own.pk, offer.pk}.isdisjoint(i.id for i in items)


def test_matches_for_you_api_shape_auth_and_bad_limits(
    w: World, embedded: Any, pythonista: Any, client_for: Any, api_client: Any
) -> None:
    need = embedded(w.poster, w.paris, locality="remote")
    r = client_for(pythonista).get("/api/v1/wall/matches?limit=5")
    assert r.status_code == 200
    assert [(i["kind"], i["id"]) for i in r.json()["items"]] == [("post", need.pk)]
    assert set(r.json()["items"][0]) == {"kind", "id", "score", "reasons"}
    anonymous = api_client.get("/api/v1/wall/matches")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "auth.required")
    for bad in ("0", "51", "x", "1.5", "99999999999999999999"):
        resp = client_for(pythonista).get(f"/api/v1/wall/matches?limit={bad}")
        assert resp.status_code == 422, bad
        assert set(resp.json()) == {"code", "message", "detail"}


def test_matches_for_you_page_shows_cards_and_is_linked_from_the_wall(
    w: World, embedded: Any, pythonista: Any, client_for: Any, client: Any
) -> None:
    need = embedded(w.poster, w.paris, locality="remote")
    html = client_for(pythonista).get("/wall/matches/").content.decode()
    assert "Matches for you" in html
    assert f'data-kind="post" data-id="{need.pk}"' in html
    assert "shares 1 skill: Python (computer programming)" in html
    assert 'href="/wall/matches/"' in client_for(pythonista).get("/wall/").content.decode()
    empty = client_for(w.outsider).get("/wall/matches/").content.decode()
    assert "No match yet" in empty
    assert client.get("/wall/matches/").status_code == 302


# --- Without the model -----------------------------------------------------------------------


def test_without_the_model_posting_suggestions_and_matches_still_work(
    w: World, monkeypatch: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(semantic, "is_available", lambda: False)
    monkeypatch.setattr(semantic, "_model_or_none", lambda: None)
    esco_python = SkillFactory(uri=ESCO_PYTHON, preferred_label="Python (computer programming)")
    with django_capture_on_commit_callbacks(execute=True):
        need = services.create_post(
            author=w.poster, space=w.paris, kind="need", title="Python developer wanted",
            text="We need Python (computer programming) for our visitor data.",
            locality="remote",
        )  # fmt: skip
        offer = _offer(lambda a, s, **f: post(a, s, **f), w, w.network_member, w.lyon)
    assert not PostEmbedding.objects.exists()
    assert list(need.skills.all()) == [esco_python]  # suggested from the labels
    r = client_for(w.poster).post(
        "/api/v1/wall/skill-suggestions",
        {"text": "Python (computer programming) for data"},
        content_type="application/json",
    )
    assert r.status_code == 200 and [i["uri"] for i in r.json()["items"]] == [ESCO_PYTHON]
    services.update_post(post=need, user=w.poster, skills=[PYTHON_URI])
    r = client_for(w.poster).get(f"/api/v1/wall/posts/{need.pk}/matches")
    assert r.status_code == 200
    first = r.json()["items"][0]
    assert (first["kind"], first["id"]) == ("post", offer.pk)
    assert first["reasons"][0] == "shares 1 skill: Python (computer programming)"
    assert client_for(w.network_member).get("/api/v1/wall/matches").status_code == 200
