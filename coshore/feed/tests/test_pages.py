"""The feed's pages: reading and posting, htmx fragments (reactions, comments), reports and
moderation through forms, the report queue, links from the nav and the space and network
pages, and XSS payloads shown inert in the real page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from coshore.feed import services
from coshore.feed.models import Comment, FeedPost, Reaction, Report
from coshore.feed.tests.factories import World, space_post
from coshore.feed.tests.test_markup import XSS_PAYLOADS, problems_in

HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_member_reads_and_posts_in_the_space_feed(w: World) -> None:
    ana = _client(w.author)
    page = ana.get("/spaces/la-ruche/feed/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Feed of La Ruche" in html
    assert 'data-mention-api="/api/v1/feed/mentionable?space=la-ruche"' in html
    posted = ana.post("/spaces/la-ruche/feed/", {"body": "Hello **La Ruche**"})
    post = FeedPost.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == f"/spaces/la-ruche/feed/#post-{post.pk}"
    html = ana.get("/spaces/la-ruche/feed/").content.decode()
    assert "Hello <strong>La Ruche</strong>" in html
    assert f'id="post-{post.pk}"' in html


def test_bad_posts_show_the_form_again_and_write_nothing(w: World) -> None:
    ana = _client(w.author)
    for body, status in [("", 400), ("x" * 10_001, 400), ("   ", 400)]:
        response = ana.post("/spaces/la-ruche/feed/", {"body": body})
        assert response.status_code == status
        assert 'role="alert"' in response.content.decode()
    assert not FeedPost.objects.exists()


def test_feed_pages_are_404_for_outsiders_and_login_for_anonymous(w: World) -> None:
    assert _client(w.outsider).get("/spaces/la-ruche/feed/").status_code == 404
    assert _client(w.network_member).get("/spaces/la-ruche/feed/").status_code == 404
    assert _client(w.network_member).get("/networks/coshoring-alliance/feed/").status_code == 200
    assert _client(w.outsider).get("/networks/coshoring-alliance/feed/").status_code == 404
    assert _client(w.author).get("/spaces/no-such-space/feed/").status_code == 404
    anonymous = Client().get("/spaces/la-ruche/feed/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    # Staff read but do not post: no form.
    staff_page = _client(w.staff).get("/spaces/la-ruche/feed/").content.decode()
    assert "Share an update" not in staff_page
    assert _client(w.staff).post("/spaces/la-ruche/feed/", {"body": "hi"}).status_code == 403
    assert not FeedPost.objects.exists()


def test_reactions_toggle_through_htmx_and_plain_forms(w: World) -> None:
    post = space_post(w)
    noe = _client(w.neighbour)
    fragment = noe.post(f"/feed/posts/{post.pk}/react/", {"emoji": "party"}, **HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith('<form class="feed-reactions"')
    assert re.search(r'value="party" class="feed-reaction is-mine" aria-pressed="true"', html)
    plain = noe.post(
        f"/feed/posts/{post.pk}/react/", {"emoji": "party", "next": "/spaces/la-ruche/feed/"}
    )
    assert plain.status_code == 302
    assert plain["Location"] == "/spaces/la-ruche/feed/"
    assert not Reaction.objects.exists()
    evil = noe.post(
        f"/feed/posts/{post.pk}/react/", {"emoji": "party", "next": "https://evil.example/"}
    )
    assert evil["Location"] == f"/feed/posts/{post.pk}/"
    assert noe.post(f"/feed/posts/{post.pk}/react/", {"emoji": "bomb"}).status_code == 422
    assert Reaction.objects.count() == 1


def test_comments_through_htmx_return_the_card(w: World) -> None:
    post = space_post(w)
    noe = _client(w.neighbour)
    card = noe.post(f"/feed/posts/{post.pk}/comments/", {"body": "Yay @ana"}, **HTMX)
    assert card.status_code == 200
    html = card.content.decode()
    assert html.lstrip().startswith(f'<article class="card feed-post" id="post-{post.pk}"')
    comment = Comment.objects.get()
    assert f'id="comment-{comment.pk}"' in html
    assert '<a class="mention"' in html
    empty = noe.post(f"/feed/posts/{post.pk}/comments/", {"body": ""}, **HTMX)
    assert empty.status_code == 400
    assert 'role="alert"' in empty.content.decode()
    plain = noe.post(f"/feed/posts/{post.pk}/comments/", {"body": "again"})
    assert plain["Location"] == f"/feed/posts/{post.pk}/#comment-{comment.pk + 1}"
    assert Comment.objects.count() == 2


def test_post_page_lists_every_comment_and_the_author_tools(w: World) -> None:
    post = space_post(w)
    for i in range(5):
        services.add_comment(post=post, user=w.neighbour, body=f"comment {i}")
    html = _client(w.author).get(f"/feed/posts/{post.pk}/").content.decode()
    assert all(f"comment {i}" in html for i in range(5))
    assert f'href="/feed/posts/{post.pk}/edit/"' in html
    feed_html = _client(w.author).get("/spaces/la-ruche/feed/").content.decode()
    assert "comment 1" not in feed_html
    assert "comment 4" in feed_html
    assert "View all 5 comments" in feed_html


def test_edit_and_delete_pages_are_the_authors(w: World) -> None:
    post = space_post(w)
    assert _client(w.neighbour).get(f"/feed/posts/{post.pk}/edit/").status_code == 403
    assert (
        _client(w.neighbour).post(f"/feed/posts/{post.pk}/edit/", {"body": "x"}).status_code == 403
    )
    ana = _client(w.author)
    assert ana.get(f"/feed/posts/{post.pk}/edit/").status_code == 200
    assert ana.post(f"/feed/posts/{post.pk}/edit/", {"body": "New *text*"}).status_code == 302
    assert FeedPost.objects.get().html == "<p>New <em>text</em></p>\n"
    assert _client(w.neighbour).post(f"/feed/posts/{post.pk}/delete/").status_code == 403
    assert ana.post(f"/feed/posts/{post.pk}/delete/").status_code == 302
    assert not FeedPost.objects.exists()


def test_report_dialog_and_moderator_queue(w: World) -> None:
    post = space_post(w)
    noe = _client(w.neighbour)
    thanks = noe.post(f"/feed/posts/{post.pk}/report/", {"reason": "spam", "note": "ads"}, **HTMX)
    assert "the moderators will look at it" in thanks.content.decode()
    again = noe.post(f"/feed/posts/{post.pk}/report/", {"reason": "spam"}, **HTMX)
    assert again.status_code == 409
    assert noe.get(f"/feed/posts/{post.pk}/report/").status_code == 200
    assert noe.post(f"/feed/posts/{post.pk}/report/", {"reason": "rude"}).status_code == 400
    assert Report.objects.count() == 1

    # Moderator controls and the queue: managers of Paris, not its members.
    assert "Hide post" not in noe.get("/spaces/la-ruche/feed/").content.decode()
    marc = _client(w.manager)
    feed_html = marc.get("/spaces/la-ruche/feed/").content.decode()
    assert "Hide post" in feed_html
    assert re.search(r"Reports <span class=\"badge badge-danger\">1</span>", feed_html)
    queue = marc.get("/feed/reports/").content.decode()
    assert "Spam or advertising" in queue
    assert "No open reports" in _client(w.other_manager).get("/feed/reports/").content.decode()
    report = Report.objects.get()
    assert _client(w.other_manager).post(f"/feed/reports/{report.pk}/resolve/").status_code == 404
    assert marc.post(f"/feed/reports/{report.pk}/resolve/")["Location"] == "/feed/reports/"
    post.refresh_from_db()
    assert post.is_hidden
    assert "No open reports" in marc.get("/feed/reports/").content.decode()


def test_moderators_pin_and_hide_from_the_feed(w: World) -> None:
    post = space_post(w)
    marc = _client(w.manager)
    card = marc.post(f"/feed/posts/{post.pk}/pin/", **HTMX).content.decode()
    assert "📌 Pinned" in card
    card = marc.post(
        f"/feed/posts/{post.pk}/hide/", {"reason": "Off topic"}, **HTMX
    ).content.decode()
    assert "Hidden by the moderators: Off topic" in card
    assert marc.post(f"/feed/posts/{post.pk}/hide/", {"reason": ""}).status_code == 422
    assert _client(w.neighbour).post(f"/feed/posts/{post.pk}/unhide/").status_code == 404
    marc.post(f"/feed/posts/{post.pk}/unhide/")
    post.refresh_from_db()
    assert not post.is_hidden


def test_preview_renders_sanitised_markdown(w: World) -> None:
    response = _client(w.author).post(
        "/feed/preview/", {"body": "**hi** <script>x</script>"}, **HTMX
    )
    html = response.content.decode()
    assert "<strong>hi</strong> &lt;script&gt;x&lt;/script&gt;" in html


def test_xss_payloads_are_inert_in_the_rendered_page(w: World) -> None:
    post = services.create_post(author=w.author, space=w.paris, body="\n\n".join(XSS_PAYLOADS))
    services.add_comment(post=post, user=w.neighbour, body="\n\n".join(XSS_PAYLOADS[:20]))
    for url in ["/spaces/la-ruche/feed/", f"/feed/posts/{post.pk}/"]:
        html = _client(w.neighbour).get(url).content.decode()
        bodies = re.findall(r'<div class="feed-body prose">(.*?)</div>', html, flags=re.S)
        assert len(bodies) == 2
        for fragment in bodies:
            assert problems_in(fragment) == []
        assert "alert(1)</script>" not in html
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    # The report queue shows the target's HTML too.
    services.report(user=w.neighbour, post=post, reason="spam")
    queue = _client(w.manager).get("/feed/reports/").content.decode()
    quoted = re.findall(
        r'<blockquote class="feed-report-target feed-body prose">(.*?)</blockquote>',
        queue,
        flags=re.S,
    )
    assert len(quoted) == 1 and problems_in(quoted[0]) == []


def test_links_to_the_feeds(w: World) -> None:
    ana = _client(w.author)
    assert 'href="/feed/"' in ana.get("/feed/").content.decode()
    index = ana.get("/feed/").content.decode()
    assert 'href="/spaces/la-ruche/feed/"' in index
    assert 'href="/networks/coshoring-alliance/feed/"' in index
    assert 'href="/spaces/la-ruche/feed/"' in ana.get("/spaces/la-ruche/").content.decode()
    assert (
        'href="/networks/coshoring-alliance/feed/"'
        in ana.get("/networks/coshoring-alliance/").content.decode()
    )
    # Not for people who cannot read them.
    assert (
        "/spaces/la-ruche/feed/"
        not in _client(w.network_member).get("/spaces/la-ruche/").content.decode()
    )
    assert "/feed/" not in Client().get("/spaces/la-ruche/").content.decode().replace(
        "/feed/posts", ""
    )


@pytest.mark.parametrize("url", ["/feed/posts/abc/", "/feed/posts/0/", "/feed/comments/99/edit/"])
def test_unknown_ids_are_404_pages(w: World, url: str) -> None:
    assert _client(w.author).get(url).status_code == 404
