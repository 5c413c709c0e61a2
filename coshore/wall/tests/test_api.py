"""The wall's JSON API: posting, reading, editing, closing, renewing, replying; bad input
answers 4xx in the shared shape and writes nothing; the list endpoint's queries are bounded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coshore.activity.models import Activity
from coshore.wall.models import Post, ReplyThread
from coshore.wall.tests.factories import DESIGN_URI, PYTHON_URI, World, post


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _send(c: Client, method: str, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(c, method)(url, data=data, content_type="application/json")


NEED = {
    "kind": "need",
    "title": "Museum data pipeline",
    "text": "We need Python pipelines for visitor data.",
    "space": "la-ruche",
    "visibility": "network",
    "skills": [PYTHON_URI],
    "currency": "EUR",
    "budget_min": "800",
    "budget_max": "1500",
    "locality": "remote",
    "tz_name": "Europe/Paris",
    "tz_earliest": 9,
    "tz_latest": 17,
    "languages": ["fr", "en"],
}


def test_post_a_need_and_read_it_back(w: World) -> None:
    response = _send(_client(w.poster), "post", "/api/v1/wall/posts", NEED)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["skills"] == [PYTHON_URI]
    assert body["skill_details"] == [
        {"uri": PYTHON_URI, "label": "Python (computer programming)", "suggested": False}
    ]
    assert (body["budget_min"], body["budget_max"], body["currency"]) == (
        "800.00",
        "1500.00",
        "EUR",
    )
    assert body["window"] == {"timezone": "Europe/Paris", "earliest": 9, "latest": 17}
    assert body["space"] == {"slug": "la-ruche", "name": "La Ruche", "city": "Paris"}
    assert (body["status"], body["is_live"], body["is_mine"]) == ("open", True, True)
    read = _client(w.network_member).get(f"/api/v1/wall/posts/{body['id']}")
    assert read.status_code == 200
    assert read.json()["is_mine"] is False


BAD = [
    ({"title": ""}, 422, "wall.invalid"),
    ({"text": "x" * 10_001}, 422, "wall.invalid"),
    ({"text": "x" * 200_000}, 422, "validation_error"),
    ({"skills": ["http://data.europa.eu/esco/skill/unknown"]}, 422, "wall.unknown_skill"),
    ({"budget_min": "2000", "budget_max": "1000"}, 422, "wall.invalid"),
    ({"currency": "EURO"}, 422, "wall.invalid"),
    ({"expires_at": "2020-01-01T00:00:00Z"}, 422, "wall.invalid"),
    ({"tz_name": "Mars/Olympus_Mons"}, 422, "wall.invalid"),
    ({"space": "betahaus"}, 403, "wall.not_space_member"),
    ({"space": "no-such-space"}, 404, "space.not_found"),
    ({"title": 42}, 422, "validation_error"),
    ({"skills": "python"}, 422, "validation_error"),
    ({"tz_earliest": "nine"}, 422, "validation_error"),
    ({"budget_min": 12.5}, 422, "validation_error"),
    ({"organisation": "nobody-knows"}, 404, "organisation.not_found"),
]


@pytest.mark.parametrize(("change", "status", "code"), BAD)
def test_bad_input_is_refused_in_the_shared_shape(
    w: World, change: dict[str, Any], status: int, code: str
) -> None:
    response = _send(_client(w.poster), "post", "/api/v1/wall/posts", {**NEED, **change})
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert set(body) == {"code", "message", "detail"}
    assert Post.objects.count() == 0
    assert Activity.objects.count() == 0


def test_malformed_json_and_anonymous_posting(w: World) -> None:
    response = _send(_client(w.poster), "post", "/api/v1/wall/posts", "{not json")
    assert (response.status_code, response.json()["code"]) == (400, "request.malformed_json")
    response = _send(Client(), "post", "/api/v1/wall/posts", NEED)
    assert response.status_code == 401
    assert Post.objects.count() == 0


def test_unknown_and_hidden_ids_are_not_found(w: World) -> None:
    hidden = post(w.poster, w.paris, visibility="space")
    c = _client(w.outsider)
    for url in (
        f"/api/v1/wall/posts/{hidden.pk}",
        "/api/v1/wall/posts/999999",
        "/api/v1/wall/threads/999999",
    ):
        response = c.get(url)
        assert (response.status_code, response.json()["code"].endswith("not_found")) == (404, True)
    response = _send(c, "post", f"/api/v1/wall/posts/{hidden.pk}/replies", {"body": "Hi"})
    assert (response.status_code, response.json()["code"]) == (404, "wall.post_not_found")
    response = _send(c, "patch", f"/api/v1/wall/posts/{hidden.pk}", {"title": "x"})
    assert response.status_code == 404
    assert c.get("/api/v1/wall/posts/99999999999999999999999").status_code in (404, 422)
    assert ReplyThread.objects.count() == 0


def test_patch_close_and_renew(w: World, need: Post) -> None:
    c = _client(w.poster)
    url = f"/api/v1/wall/posts/{need.pk}"
    response = _send(c, "patch", url, {"title": "Pipelines", "skills": [DESIGN_URI]})
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["skills"]) == ("Pipelines", [DESIGN_URI])
    response = _send(c, "patch", url, {"title": None})
    assert (response.status_code, response.json()["detail"]) == (422, {"field": "title"})
    response = _send(c, "patch", url, {"budget_min": "9000"})
    assert response.json()["detail"]["field"] == "budget_min"
    response = _send(_client(w.neighbour), "patch", url, {"title": "Mine"})
    assert (response.status_code, response.json()["code"]) == (403, "wall.not_poster")
    response = _send(c, "post", f"{url}/renew", {})
    assert response.status_code == 200
    response = _send(c, "post", f"{url}/close", {"outcome": "maybe"})
    assert response.status_code == 422
    response = _send(c, "post", f"{url}/close", {"outcome": "fulfilled"})
    assert (response.status_code, response.json()["status"]) == (200, "fulfilled")
    response = _send(c, "post", f"{url}/renew", {})
    assert (response.status_code, response.json()["code"]) == (409, "wall.post_closed")
    need.refresh_from_db()
    assert need.title == "Pipelines"


def test_reply_threads_through_the_api(w: World, need: Post) -> None:
    ben = _client(w.network_member)
    response = _send(ben, "post", f"/api/v1/wall/posts/{need.pk}/replies", {"body": "Hello Ana"})
    assert response.status_code == 201
    thread = response.json()
    assert [m["body"] for m in thread["messages"]] == ["Hello Ana"]
    ana = _client(w.poster)
    listed = ana.get("/api/v1/wall/threads").json()["items"]
    assert [t["id"] for t in listed] == [thread["id"]]
    assert ana.get(f"/api/v1/wall/posts/{need.pk}/threads").json()["items"][0]["responder"] == {
        "id": w.network_member.pk,
        "name": "Ben",
    }
    response = _send(
        ana, "post", f"/api/v1/wall/threads/{thread['id']}/messages", {"body": "Hi Ben"}
    )
    assert response.status_code == 201
    read = ben.get(f"/api/v1/wall/threads/{thread['id']}").json()
    assert [m["body"] for m in read["messages"]] == ["Hello Ana", "Hi Ben"]
    assert _client(w.neighbour).get(f"/api/v1/wall/threads/{thread['id']}").status_code == 404
    response = _send(ben, "post", f"/api/v1/wall/posts/{need.pk}/replies", {"body": ""})
    assert (response.status_code, response.json()["code"]) == (422, "wall.reply_invalid")


def test_list_filters_pagination_and_bad_parameters(w: World) -> None:
    made = [post(w.poster, w.paris, title=f"Need {i}", visibility="public") for i in range(3)]
    c = Client()
    page = c.get("/api/v1/wall/posts?limit=2").json()
    assert [p["title"] for p in page["items"]] == ["Need 2", "Need 1"]
    rest = c.get("/api/v1/wall/posts", {"limit": 2, "cursor": page["next"]}).json()
    assert [p["id"] for p in rest["items"]] == [made[0].pk]
    assert rest["next"] is None
    for params, code in (
        ({"limit": "0"}, "wall.invalid_query"),
        ({"kind": "swap"}, "wall.invalid_query"),
        ({"min_overlap_hours": "lots"}, "wall.invalid_query"),
        ({"budget": "abc"}, "wall.invalid_query"),
        ({"remote": "maybe"}, "wall.invalid_query"),
        ({"cursor": "forged"}, "pagination.invalid_cursor"),
        ({"q": "x" * 5000}, "wall.invalid_query"),
    ):
        response = c.get("/api/v1/wall/posts", params)
        assert (response.status_code, response.json()["code"]) == (422, code), params


def test_the_list_endpoint_runs_a_bounded_number_of_queries(w: World) -> None:
    c = _client(w.network_member)
    for i in range(3):
        post(w.poster, w.paris, title=f"Need {i}", skills=[PYTHON_URI, DESIGN_URI])
    c.get("/api/v1/wall/posts")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(c.get("/api/v1/wall/posts?sort=relevance").json()["items"]) == 3
    for i in range(20):
        post(w.network_member, w.lyon, title=f"Offer {i}", kind="offer", skills=[DESIGN_URI])
    with CaptureQueriesContext(connection) as many:
        assert len(c.get("/api/v1/wall/posts?sort=relevance&limit=50").json()["items"]) == 23
    assert len(many) == len(few) <= 6
