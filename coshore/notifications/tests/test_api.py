"""HTTP tests of the notifications API: list, unread count, mark read, read all and
preferences, with bad input in the shared error shape and nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coshore.accounts.services import create_token
from coshore.notifications import services
from coshore.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications"


def note(user: Any, title: str = "Something", topic: str = "feed", **kw: Any) -> Notification:
    made = services.notify(recipient=user, topic=topic, kind="test.kind", title=title, **kw)
    assert made is not None
    return made


def send(client: Client, method: str, url: str, data: Any) -> Any:
    if method == "get":
        return client.get(url)
    body = data if isinstance(data, str) else json.dumps(data)
    return getattr(client, method)(url, data=body, content_type="application/json")


def state() -> tuple[Any, ...]:
    return (
        sorted(Notification.objects.values_list("pk", "read_at")),
        sorted(Preference.objects.values_list("user_id", "topic", "email")),
    )


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    if code is not None:
        assert body["code"] == code
    return body  # type: ignore[no-any-return]


def test_anonymous_callers_must_log_in(api_client: Client) -> None:
    for method, url in [
        ("get", URL),
        ("get", f"{URL}/unread-count"),
        ("post", f"{URL}/read"),
        ("post", f"{URL}/read-all"),
        ("get", f"{URL}/preferences"),
        ("put", f"{URL}/preferences"),
    ]:
        assert_error(send(api_client, method, url, {}), 401)


def test_the_list_is_yours_newest_first_and_paged(
    make_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    ana, ben, marc = make_user(), make_user(), make_user(name="Marc")
    for i in range(5):
        note(ana, title=f"n{i}", url=f"/wall/posts/{i}/", actor=marc)
    note(ben, title="Ben's")
    c = client_for(ana)
    with django_assert_max_num_queries(5):
        first = c.get(f"{URL}?limit=3")
    assert first.status_code == 200, first.content
    body = first.json()
    assert [i["title"] for i in body["items"]] == ["n4", "n3", "n2"]
    assert body["unread"] == 5 and body["next"]
    item = body["items"][0]
    assert {k: item[k] for k in ("topic", "kind", "url", "actor", "read", "read_at")} == {
        "topic": "feed",
        "kind": "test.kind",
        "url": "/wall/posts/4/",
        "actor": "Marc",
        "read": False,
        "read_at": None,
    }
    rest = c.get(f"{URL}?limit=3&cursor={body['next']}").json()
    assert [i["title"] for i in rest["items"]] == ["n1", "n0"] and rest["next"] is None


def test_the_list_runs_a_fixed_number_of_queries(
    make_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    ana = make_user()
    for i in range(40):
        note(ana, title=f"n{i}", actor=make_user() if i % 4 == 0 else None)
    c = client_for(ana)
    with django_assert_max_num_queries(5):
        assert len(c.get(f"{URL}?limit=100").json()["items"]) == 40


def test_unread_only_and_the_count(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    a, b = note(ana, title="a"), note(ana, title="b")
    services.mark_read(user=ana, ids=[a.pk])
    c = client_for(ana)
    assert c.get(f"{URL}/unread-count").json() == {"unread": 1}
    assert [i["id"] for i in c.get(f"{URL}?unread=true").json()["items"]] == [b.pk]


def test_mark_read_and_read_all(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    a, b, _ = note(ana), note(ana), note(ana)
    c = client_for(ana)
    response = send(c, "post", f"{URL}/read", {"ids": [a.pk, b.pk]})
    assert response.status_code == 200 and response.json() == {"marked": 2, "unread": 1}
    assert send(c, "post", f"{URL}/read-all", {}).json() == {"marked": 1, "unread": 0}


def test_a_bearer_token_works_too(make_user: Any, api_client: Client) -> None:
    ana = make_user()
    note(ana)
    token = create_token(user=ana, name="test").plaintext
    response = api_client.get(f"{URL}/unread-count", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json() == {"unread": 1}


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"ids": []}, 422, "notification.invalid_ids"),
        ({"ids": ["1"]}, 422, "notification.invalid_ids"),
        ({"ids": [True]}, 422, "notification.invalid_ids"),
        ({"ids": [1.5]}, 422, "notification.invalid_ids"),
        ({"ids": [-1]}, 422, "notification.invalid_ids"),
        ({"ids": [2**70]}, 422, "notification.invalid_ids"),
        ({"ids": list(range(1, 300))}, 422, "notification.invalid_ids"),
        ({"ids": "1,2"}, 422, None),
        ({"ids": {"a": 1}}, 422, None),
        ({}, 422, None),
        ("[1, 2", 400, "request.malformed_json"),
        ({"ids": [10**9]}, 404, "notification.not_found"),
    ],
)
def test_mark_read_refuses_bad_input_and_writes_nothing(
    make_user: Any, client_for: Any, payload: Any, status: int, code: str | None
) -> None:
    ana = make_user()
    note(ana)
    before = state()
    assert_error(send(client_for(ana), "post", f"{URL}/read", payload), status, code)
    assert state() == before


def test_someone_elses_ids_are_not_found_and_nothing_is_marked(
    make_user: Any, client_for: Any
) -> None:
    ana, ben = make_user(), make_user()
    mine, theirs = note(ana), note(ben)
    before = state()
    body = assert_error(
        send(client_for(ana), "post", f"{URL}/read", {"ids": [mine.pk, theirs.pk]}),
        404,
        "notification.not_found",
    )
    assert body["detail"] == {"ids": [theirs.pk]}
    assert state() == before


def test_preferences_read_and_write(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    c = client_for(ana)
    body = c.get(f"{URL}/preferences").json()
    assert body["topics"]["wall.matches"] == "digest"
    assert body["topics"]["bookings"] == "immediate"
    assert [t["key"] for t in body["available"]][:3] == ["bookings", "events", "wall.matches"]
    assert body["available"][0] == {
        "key": "bookings",
        "label": "Bookings",
        "help": "Confirmations, cancellations and changes of your bookings.",
        "default": "immediate",
        "can_mute": True,
    }
    saved = send(c, "put", f"{URL}/preferences", {"topics": {"wall.matches": "off"}})
    assert saved.status_code == 200
    assert saved.json()["topics"]["wall.matches"] == "off"
    assert c.get(f"{URL}/preferences").json()["topics"]["wall.matches"] == "off"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"topics": {"nope": "off"}}, 422, "notification.invalid_preference"),
        ({"topics": {"bookings": "off", "nope": "off"}}, 422, "notification.invalid_preference"),
        ({"topics": {"bookings": "weekly"}}, 422, "notification.invalid_preference"),
        ({"topics": {"bookings": 3}}, 422, "notification.invalid_preference"),
        ({"topics": {"bookings": None}}, 422, "notification.invalid_preference"),
        ({"topics": ["bookings"]}, 422, "notification.invalid_preference"),
        ({"topics": "off"}, 422, "notification.invalid_preference"),
        ({"topics": {f"t{i}": "off" for i in range(100)}}, 422, "notification.invalid_preference"),
        ({}, 422, None),
        ("{", 400, "request.malformed_json"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_written(
    make_user: Any, client_for: Any, payload: Any, status: int, code: str | None
) -> None:
    ana = make_user()
    services.set_preferences(user=ana, topics={"bookings": "digest"})
    before = state()
    assert_error(send(client_for(ana), "put", f"{URL}/preferences", payload), status, code)
    assert state() == before


def test_a_bad_cursor_is_refused(make_user: Any, client_for: Any) -> None:
    ana = make_user()
    for bad in ["nonsense", "x" * 1001]:
        response = client_for(ana).get(f"{URL}?cursor={bad}")
        assert response.status_code == 422
        assert set(response.json()) == {"code", "message", "detail"}
