"""The feed's JSON API: the journeys (post, list, comment, react, report, moderate) and bad
input, which answers 4xx in the shared error shape, writes nothing and never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coshore.activity.models import Activity
from coshore.feed import services
from coshore.feed.models import Comment, FeedPost, Mention, Reaction, Report
from coshore.feed.tests.factories import World, space_post
from coshore.notifications.models import Notification

SPACE_POSTS = "/api/v1/feed/spaces/la-ruche/posts"
NETWORK_POSTS = "/api/v1/feed/networks/coshoring-alliance/posts"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _send(c: Client, method: str, url: str, body: Any = None) -> Any:
    if body is None:
        return getattr(c, method)(url)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(c, method)(url, data=data, content_type="application/json")


def _state() -> tuple[int, ...]:
    return (
        FeedPost.objects.count(),
        Comment.objects.count(),
        Reaction.objects.count(),
        Report.objects.count(),
        Mention.objects.count(),
        Notification.objects.count(),
        Activity.objects.count(),
    )


def _error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    if code is not None:
        assert body["code"] == code
    return body


def test_post_list_read_edit_delete(w: World) -> None:
    ana = _client(w.author)
    body = f"Welcome **everyone**! @[Noé](user:{w.neighbour.pk})"
    created = _send(ana, "post", SPACE_POSTS, {"body": body})
    assert created.status_code == 201, created.content
    data = created.json()
    post_id = data["id"]
    assert data["scope"] == {"kind": "space", "slug": "la-ruche", "name": "La Ruche"}
    assert data["author"] == {"id": w.author.pk, "name": "Ana Lima"}
    assert data["body"] == body
    assert data["html"].startswith('<p>Welcome <strong>everyone</strong>! <a class="mention"')
    assert (data["comment_count"], data["pinned"], data["hidden"], data["is_mine"]) == (
        0,
        False,
        False,
        True,
    )
    assert [r["emoji"] for r in data["reactions"]] == [
        "thumbs_up",
        "heart",
        "party",
        "idea",
        "raised_hands",
        "handshake",
    ]
    assert data["url"] == f"/feed/posts/{post_id}/"
    assert Notification.objects.get().recipient == w.neighbour

    listed = _client(w.neighbour).get(SPACE_POSTS).json()
    assert (listed["can_post"], listed["can_moderate"], listed["next"]) == (True, False, None)
    assert [p["id"] for p in listed["items"]] == [post_id]

    edited = _send(ana, "patch", f"/api/v1/feed/posts/{post_id}", {"body": "Edited"})
    assert edited.status_code == 200
    assert (edited.json()["html"], edited.json()["edited_at"] is not None) == (
        "<p>Edited</p>\n",
        True,
    )
    _error(
        _send(_client(w.neighbour), "patch", f"/api/v1/feed/posts/{post_id}", {"body": "x"}),
        403,
        "feed.not_author",
    )
    _error(_client(w.neighbour).delete(f"/api/v1/feed/posts/{post_id}"), 403, "feed.not_author")
    assert ana.delete(f"/api/v1/feed/posts/{post_id}").status_code == 204
    assert not FeedPost.objects.exists()


def test_network_feed_through_the_api(w: World) -> None:
    created = _send(_client(w.network_member), "post", NETWORK_POSTS, {"body": "Lyon says hi"})
    assert created.status_code == 201
    assert created.json()["scope"]["kind"] == "network"
    assert [p["body"] for p in _client(w.author).get(NETWORK_POSTS).json()["items"]] == [
        "Lyon says hi"
    ]
    _error(_client(w.outsider).get(NETWORK_POSTS), 404, "feed.not_found")
    _error(
        _send(_client(w.outsider), "post", NETWORK_POSTS, {"body": "let me in"}),
        404,
        "feed.not_found",
    )


def test_comments_reactions_and_reports(w: World) -> None:
    post = space_post(w)
    noe = _client(w.neighbour)
    made = _send(noe, "post", f"/api/v1/feed/posts/{post.pk}/comments", {"body": "Nice *one*"})
    assert made.status_code == 201
    comment_id = made.json()["id"]
    assert made.json()["html"] == "<p>Nice <em>one</em></p>\n"
    listed = noe.get(f"/api/v1/feed/posts/{post.pk}/comments").json()
    assert [c["id"] for c in listed["items"]] == [comment_id]
    assert noe.get(f"/api/v1/feed/posts/{post.pk}").json()["comment_count"] == 1

    reacted = noe.put(f"/api/v1/feed/posts/{post.pk}/reactions/heart")
    assert reacted.status_code == 200
    assert reacted.json()["my_reactions"] == ["heart"]
    assert noe.put(f"/api/v1/feed/posts/{post.pk}/reactions/heart").json()["reactions"][1] == {
        "emoji": "heart",
        "char": "❤️",
        "count": 1,
        "mine": True,
    }
    assert noe.delete(f"/api/v1/feed/posts/{post.pk}/reactions/heart").json()["my_reactions"] == []
    assert _client(w.author).put(f"/api/v1/feed/comments/{comment_id}/reactions/idea").json()[
        "my_reactions"
    ] == ["idea"]

    report = _send(
        _client(w.author),
        "post",
        f"/api/v1/feed/comments/{comment_id}/reports",
        {"reason": "off_topic", "note": "not about coffee"},
    )
    assert report.status_code == 201
    assert (report.json()["on"], report.json()["post"], report.json()["status"]) == (
        "comment",
        post.pk,
        "open",
    )
    _error(
        _send(
            _client(w.author),
            "post",
            f"/api/v1/feed/comments/{comment_id}/reports",
            {"reason": "spam"},
        ),
        409,
        "feed.already_reported",
    )
    assert (
        _send(noe, "patch", f"/api/v1/feed/comments/{comment_id}", {"body": "Edited"}).json()[
            "body"
        ]
        == "Edited"
    )
    assert noe.delete(f"/api/v1/feed/comments/{comment_id}").status_code == 204


def test_moderation_endpoints(w: World) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="meh")
    marc = _client(w.manager)
    assert marc.post(f"/api/v1/feed/posts/{post.pk}/pin").json()["pinned"] is True
    assert marc.get(SPACE_POSTS).json()["can_moderate"] is True
    assert marc.delete(f"/api/v1/feed/posts/{post.pk}/pin").json()["pinned"] is False
    _error(
        _client(w.neighbour).post(f"/api/v1/feed/posts/{post.pk}/pin"), 403, "feed.not_moderator"
    )
    hidden = _send(marc, "post", f"/api/v1/feed/posts/{post.pk}/hide", {"reason": "Spam"})
    assert (hidden.json()["hidden"], hidden.json()["hidden_reason"]) == (True, "Spam")
    _error(_client(w.neighbour).get(f"/api/v1/feed/posts/{post.pk}"), 404, "feed.post_not_found")
    assert _client(w.author).get(f"/api/v1/feed/posts/{post.pk}").json()["hidden"] is True
    assert marc.delete(f"/api/v1/feed/posts/{post.pk}/hide").json()["hidden"] is False
    hidden_comment = _send(
        marc, "post", f"/api/v1/feed/comments/{comment.pk}/hide", {"reason": "Be kind"}
    )
    assert hidden_comment.json()["hidden"] is True
    assert marc.delete(f"/api/v1/feed/comments/{comment.pk}/hide").json()["hidden"] is False

    made = services.report(user=w.neighbour, post=post, reason="spam")
    queue = marc.get("/api/v1/feed/reports").json()["items"]
    assert [(r["id"], r["reason"], r["target_author"]["id"]) for r in queue] == [
        (made.pk, "spam", w.author.pk)
    ]
    assert marc.get("/api/v1/feed/reports?space=la-ruche").json()["items"][0]["id"] == made.pk
    assert _client(w.other_manager).get("/api/v1/feed/reports").json()["items"] == []
    _error(
        _client(w.other_manager).post(f"/api/v1/feed/reports/{made.pk}/resolve"),
        404,
        "feed.report_not_found",
    )
    resolved = marc.post(f"/api/v1/feed/reports/{made.pk}/resolve")
    assert (resolved.json()["status"], resolved.json()["target_hidden"]) == ("resolved", True)
    _error(marc.post(f"/api/v1/feed/reports/{made.pk}/dismiss"), 409, "feed.report_closed")


def test_mentionable_people_are_the_feeds_members_by_name(w: World) -> None:
    ana = _client(w.author)
    found = ana.get("/api/v1/feed/mentionable?space=la-ruche&q=no").json()["items"]
    assert found == [
        {
            "id": w.neighbour.pk,
            "name": "Noé Martin",
            "token": f"@[Noé Martin](user:{w.neighbour.pk})",
        }
    ]
    assert ana.get("/api/v1/feed/mentionable?space=la-ruche&q=ben").json()["items"] == []
    # Ben (Lyon) shows his profile to his space only: Ana finds him once he wrote in the feed.
    network_url = "/api/v1/feed/mentionable?network=coshoring-alliance&q=ben"
    assert ana.get(network_url).json()["items"] == []
    services.create_post(author=w.network_member, network=w.network, body="Hello from Lyon")
    assert [p["id"] for p in ana.get(network_url).json()["items"]] == [w.network_member.pk]
    assert ana.get("/api/v1/feed/mentionable?space=la-ruche&q=").json()["items"] == []
    _error(ana.get("/api/v1/feed/mentionable?space=betahaus&q=o"), 404, "feed.not_found")
    _error(ana.get("/api/v1/feed/mentionable?q=o"), 404, "feed.not_found")


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ("{not json", 400, "request.malformed_json"),
        ("[1, 2]", 400, "request.malformed_json"),
        ('"just text"', 400, "request.malformed_json"),
        ("{}", 422, "validation_error"),
        ('{"body": 42}', 422, "validation_error"),
        ('{"body": null}', 422, "validation_error"),
        ('{"body": ["a"]}', 422, "validation_error"),
        ('{"body": {"a": 1}}', 422, "validation_error"),
        ('{"body": "nul \\u0000"}', 400, "request.invalid_characters"),
        ('{"body": "   "}', 422, "feed.invalid"),
        (json.dumps({"body": "x" * 10_001}), 422, "feed.invalid"),
        (json.dumps({"body": "x" * 100_001}), 422, "validation_error"),
    ],
)
def test_bad_post_bodies_are_4xx_and_write_nothing(
    w: World, raw: str, status: int, code: str
) -> None:
    before = _state()
    _error(_send(_client(w.author), "post", SPACE_POSTS, raw), status, code)
    assert _state() == before


def test_a_body_too_large_for_the_server_is_413(w: World, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = _state()
    _error(
        _send(_client(w.author), "post", SPACE_POSTS, {"body": "x" * 5000}),
        413,
        "request.too_large",
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code"),
    [
        ("get", "/api/v1/feed/posts/999999", None, 404, "feed.post_not_found"),
        ("get", "/api/v1/feed/posts/abc", None, 422, "validation_error"),
        ("get", "/api/v1/feed/posts/99999999999999999999999", None, 404, "feed.post_not_found"),
        ("get", "/api/v1/feed/spaces/nope/posts", None, 404, "feed.not_found"),
        ("get", "/api/v1/feed/spaces/betahaus/posts", None, 404, "feed.not_found"),
        ("get", SPACE_POSTS + "?cursor=garbage", None, 422, "pagination.invalid_cursor"),
        ("get", SPACE_POSTS + "?limit=0", None, 422, "pagination.invalid_limit"),
        ("get", SPACE_POSTS + "?limit=1000", None, 422, "pagination.invalid_limit"),
        ("get", SPACE_POSTS + "?limit=ten", None, 422, "validation_error"),
        ("post", "/api/v1/feed/posts/999999/comments", {"body": "hi"}, 404, "feed.post_not_found"),
        ("put", "/api/v1/feed/posts/{post}/reactions/smile", None, 422, "feed.invalid_reaction"),
        (
            "put",
            "/api/v1/feed/comments/999999/reactions/heart",
            None,
            404,
            "feed.comment_not_found",
        ),
        (
            "post",
            "/api/v1/feed/posts/{post}/reports",
            {"reason": "rude"},
            422,
            "feed.invalid_report",
        ),
        ("post", "/api/v1/feed/posts/{post}/reports", {"reason": 1}, 422, "validation_error"),
        (
            "post",
            "/api/v1/feed/posts/{post}/reports",
            {"reason": "spam", "note": "x" * 1001},
            422,
            "feed.invalid_report",
        ),
        ("post", "/api/v1/feed/posts/{post}/pin", None, 403, "feed.not_moderator"),
        ("post", "/api/v1/feed/posts/{post}/hide", {"reason": "x"}, 403, "feed.not_moderator"),
        ("post", "/api/v1/feed/reports/999999/resolve", None, 404, "feed.report_not_found"),
        ("patch", "/api/v1/feed/posts/{post}", {"body": 5}, 422, "validation_error"),
        ("patch", "/api/v1/feed/posts/{other}", {"body": "mine now"}, 404, "feed.post_not_found"),
        ("delete", "/api/v1/feed/posts/{other}", None, 404, "feed.post_not_found"),
    ],
)
def test_bad_requests_answer_in_the_error_shape_and_write_nothing(
    w: World, method: str, url: str, body: Any, status: int, code: str
) -> None:
    post = space_post(w, author=w.author)
    berlin = services.create_post(author=w.outsider, space=w.berlin, body="Berlin only")
    before = _state()
    url = url.format(post=post.pk, other=berlin.pk)
    _error(_send(_client(w.neighbour), method, url, body), status, code)
    assert _state() == before


def test_anonymous_callers_get_401(w: World) -> None:
    post = space_post(w)
    for url in [SPACE_POSTS, f"/api/v1/feed/posts/{post.pk}", "/api/v1/feed/reports"]:
        _error(Client().get(url), 401, "auth.required")
    _error(_send(Client(), "post", SPACE_POSTS, {"body": "hi"}), 401, "auth.required")


def test_the_list_endpoint_runs_a_bounded_number_of_queries(w: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n: int) -> int:
        FeedPost.objects.all().delete()
        for i in range(n):
            post = space_post(w, body=f"post {i}")
            services.add_comment(post=post, user=w.neighbour, body="c")
            services.react(user=w.neighbour, emoji="party", post=post)
        client = _client(w.neighbour)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(SPACE_POSTS).json()["items"]) == n
        return len(queries)

    assert count(2) == count(9)
