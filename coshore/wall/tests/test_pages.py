"""The wall's pages: walls with filters (full page and htmx), posting, a post's page with the
reply form, my posts, threads, and the screen with and without its key."""

from __future__ import annotations

from typing import Any

from django.test import Client

from coshore.wall import services
from coshore.wall.models import Post, ReplyThread
from coshore.wall.tests.factories import PYTHON_URI, World, post


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_space_network_and_public_walls(w: World, need: Post) -> None:
    public = post(w.poster, w.paris, title="Open to all", visibility="public")
    ben = _client(w.network_member)
    for url in ("/spaces/la-ruche/wall/", "/networks/coshoring-alliance/wall/", "/wall/"):
        page = ben.get(url)
        assert page.status_code == 200
        assert need.title in page.content.decode()
    anonymous = Client().get("/wall/").content.decode()
    assert public.title in anonymous and need.title not in anonymous
    berlin = Client().get("/spaces/betahaus/wall/").content.decode()
    assert public.title not in berlin
    partial = ben.get("/wall/?kind=offer", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert need.title not in partial.content.decode()
    bad = ben.get("/wall/?kind=swap")
    assert bad.status_code == 422


def test_a_wall_filtered_by_a_skill_shows_it_by_name_and_links_card_skills(
    w: World, need: Post
) -> None:
    other = post(w.poster, w.paris, title="A design need", skills=[w.design.uri])
    ana = _client(w.poster)
    page = ana.get("/spaces/la-ruche/wall/", {"skill": PYTHON_URI}).content.decode()
    assert need.title in page and other.title not in page
    # The picker holds the filter as a chip named by its label, with the URI hidden.
    assert 'data-input-name="skill"' in page and "data-single" in page
    assert f'<input type="hidden" name="skill" value="{PYTHON_URI}">' in page
    assert "Python (computer programming)" in page
    # Each skill on a card links to this wall filtered by it.
    assert (
        f'href="/spaces/la-ruche/wall/?skill={PYTHON_URI.replace(":", "%3A").replace("/", "%2F")}"'
        in page
    )
    # An unknown skill is an error the page explains, never a 500, and no chip.
    unknown = ana.get("/spaces/la-ruche/wall/", {"skill": "http://example.org/no-such-skill"})
    assert unknown.status_code < 500
    assert 'type="hidden" name="skill"' not in unknown.content.decode()


def test_post_a_need_from_the_form(w: World) -> None:
    c = _client(w.poster)
    assert c.get("/wall/new/?space=la-ruche").status_code == 200
    response = c.post(
        "/wall/new/",
        {
            "kind": "need",
            "title": "Logo for our co-op",
            "text": "A logo and a small brand book.",
            "space": "la-ruche",
            "visibility": "network",
            "locality": "on_site",
            "currency": "EUR",
            "budget_min": "300",
            "budget_max": "200",
            "skills": [PYTHON_URI],
        },
    )
    assert response.status_code == 422
    assert "above its maximum" in response.content.decode()
    assert Post.objects.count() == 0
    response = c.post(
        "/wall/new/",
        {
            "kind": "need",
            "title": "Logo for our co-op",
            "text": "A logo and a small brand book.",
            "space": "la-ruche",
            "visibility": "network",
            "locality": "on_site",
            "currency": "EUR",
            "budget_min": "200",
            "budget_max": "300",
            "skills": [PYTHON_URI],
        },
    )
    made = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/wall/posts/{made.pk}/"
    assert [link.skill.uri for link in made.skill_links.all()] == [PYTHON_URI]
    assert c.post("/wall/new/", {"space": "betahaus", "title": "x"}).status_code == 400


def test_reply_from_the_post_page_and_talk_in_the_thread(w: World, need: Post) -> None:
    ben = _client(w.network_member)
    response = ben.post(f"/wall/posts/{need.pk}/", {"body": "I can build it."})
    thread = ReplyThread.objects.get()
    assert response["Location"] == f"/wall/threads/{thread.pk}/"
    ana = _client(w.poster)
    assert "Ben" in ana.get(f"/wall/posts/{need.pk}/").content.decode()
    ana.post(f"/wall/threads/{thread.pk}/", {"body": "Let's talk."})
    page = ben.get(f"/wall/threads/{thread.pk}/").content.decode()
    assert "I can build it." in page and "Let&#x27;s talk." in page
    assert _client(w.neighbour).get(f"/wall/threads/{thread.pk}/").status_code == 404
    assert "I can build it." not in _client(w.neighbour).get("/wall/threads/").content.decode()
    hidden = post(w.poster, w.paris, visibility="space")
    assert ben.post(f"/wall/posts/{hidden.pk}/", {"body": "Hi"}).status_code == 404


def test_my_posts_close_and_renew(w: World, need: Post) -> None:
    c = _client(w.poster)
    assert need.title in c.get("/wall/mine/").content.decode()
    assert c.post(f"/wall/posts/{need.pk}/renew/", {"next": "mine"})["Location"] == "/wall/mine/"
    c.post(f"/wall/posts/{need.pk}/close/", {"outcome": "fulfilled"})
    need.refresh_from_db()
    assert need.status == "fulfilled"
    assert _client(w.neighbour).post(f"/wall/posts/{need.pk}/close/").status_code == 404
    edit = c.get(f"/wall/posts/{need.pk}/edit/")
    assert edit.status_code == 200


def test_the_screen_needs_no_login_and_its_key_shows_more(w: World) -> None:
    space_post = post(w.poster, w.paris, visibility="space", title="Members only")
    public = post(w.poster, w.paris, visibility="public", title="Open to all")
    anonymous = Client()
    page = anonymous.get("/spaces/la-ruche/wall/screen/").content.decode()
    assert public.title in page and space_post.title not in page
    assert 'hx-trigger="every 30s"' in page
    key = services.enable_screen(space=w.paris, user=w.manager).secret
    cards = anonymous.get(f"/spaces/la-ruche/wall/screen/cards/?key={key}").content.decode()
    assert space_post.title in cards
    wrong = anonymous.get("/spaces/la-ruche/wall/screen/cards/?key=guess").content.decode()
    assert space_post.title not in wrong
    other = anonymous.get(f"/spaces/la-cordee/wall/screen/?key={key}").content.decode()
    assert space_post.title not in other
    manager = _client(w.manager).get("/spaces/la-ruche/wall/").content.decode()
    assert key in manager
    assert key not in _client(w.neighbour).get("/spaces/la-ruche/wall/").content.decode()
    assert _client(w.neighbour).post("/spaces/la-ruche/wall/screen/settings/").status_code == 403


def test_skill_suggestions_fragment(w: World) -> None:
    response = _client(w.poster).post("/wall/suggest/", {"title": "Python", "text": "pipelines"})
    assert response.status_code == 200
