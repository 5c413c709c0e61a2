"""The messages API: start, list, read, send, mark read, unread total, blocks; bad input answers
4xx in the shared error shape and writes nothing; list endpoints run a bounded number of
queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coshore.accounts.services.auth import create_token
from coshore.activity.models import Activity
from coshore.messaging import services
from coshore.messaging.models import Block, Conversation, Message, Participant
from coshore.messaging.tests.factories import World
from coshore.notifications.models import Notification

URL = "/api/v1/messages"
pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _send(c: Client, method: str, url: str, body: Any = None) -> Any:
    if method == "get":
        return c.get(url)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(c, method)(url, data=data, content_type="application/json")


def _state() -> tuple[int, ...]:
    return (
        Conversation.objects.count(),
        Participant.objects.count(),
        Message.objects.count(),
        Block.objects.count(),
        Activity.objects.count(),
        Notification.objects.count(),
    )


def _error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code


def test_a_conversation_from_start_to_read(w: World) -> None:
    ana, ben = _client(w.ana), _client(w.ben)
    started = _send(ana, "post", f"{URL}/conversations", {"user_id": w.ben.pk})
    assert started.status_code == 201, started.content
    conversation = started.json()
    assert conversation["other"] == {"id": w.ben.pk, "name": "Ben"}
    assert (conversation["last_message"], conversation["unread"], conversation["can_send"]) == (
        None,
        0,
        True,
    )
    again = _send(ben, "post", f"{URL}/conversations", {"user_id": w.ana.pk})
    assert again.status_code == 200 and again.json()["id"] == conversation["id"]

    cid = conversation["id"]
    sent = _send(ana, "post", f"{URL}/conversations/{cid}/messages", {"body": "Coffee at 4?"})
    assert sent.status_code == 201, sent.content
    assert sent.json()["body"] == "Coffee at 4?" and sent.json()["mine"] is True
    assert ben.get(f"{URL}/unread-count").json() == {"unread": 1}

    listed = ben.get(f"{URL}/conversations").json()
    assert listed["unread"] == 1 and listed["next"] is None
    [item] = listed["items"]
    assert item["other"] == {"id": w.ana.pk, "name": "Ana"}
    assert item["last_message"]["excerpt"] == "Coffee at 4?"
    assert item["unread"] == 1

    messages = ben.get(f"{URL}/conversations/{cid}/messages").json()
    assert [(m["body"], m["mine"]) for m in messages["items"]] == [("Coffee at 4?", False)]
    marked = _send(ben, "post", f"{URL}/conversations/{cid}/read")
    assert marked.json() == {"marked": 1, "unread": 0}
    assert ben.get(f"{URL}/conversations/{cid}").json()["unread"] == 0

    reply = _send(ben, "post", f"{URL}/conversations/{cid}/messages", {"body": "Yes!"})
    newer = ana.get(f"{URL}/conversations/{cid}/messages?after={sent.json()['id']}").json()
    assert [m["id"] for m in newer["items"]] == [reply.json()["id"]]


def test_messages_page_back_with_a_cursor(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    for n in range(5):
        services.send_message(conversation=conversation, user=w.ana, body=f"m{n}")
    c = _client(w.ben)
    first = c.get(f"{URL}/conversations/{conversation.pk}/messages?limit=2").json()
    assert [m["body"] for m in first["items"]] == ["m3", "m4"]
    second = c.get(
        f"{URL}/conversations/{conversation.pk}/messages", {"limit": 2, "cursor": first["next"]}
    ).json()
    assert [m["body"] for m in second["items"]] == ["m1", "m2"]
    bad = c.get(f"{URL}/conversations/{conversation.pk}/messages", {"cursor": "forged"})
    _error(bad, 422, "pagination.invalid_cursor")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("lea", 404, "messaging.person_not_found"),  # cannot see each other
        ("pia", 404, "messaging.person_not_found"),  # private profile
        ("otto", 404, "messaging.person_not_found"),  # public, but cannot see Ana
        ("ana", 422, "messaging.self"),
    ],
)
def test_starting_with_someone_not_allowed_writes_nothing(
    w: World, who: str, status: int, code: str
) -> None:
    before = _state()
    response = _send(
        _client(w.ana), "post", f"{URL}/conversations", {"user_id": getattr(w, who).pk}
    )
    _error(response, status, code)
    assert _state() == before


def test_someone_who_blocked_you_answers_403_and_nothing_is_written(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    blocked = _send(_client(w.ben), "post", f"{URL}/blocks", {"user_id": w.ana.pk})
    assert blocked.status_code == 201 and blocked.json()["person"] == {
        "id": w.ana.pk,
        "name": "Ana",
    }
    before = _state()
    ana = _client(w.ana)
    _error(
        _send(ana, "post", f"{URL}/conversations", {"user_id": w.ben.pk}), 403, "messaging.blocked"
    )
    _error(
        _send(ana, "post", f"{URL}/conversations/{conversation.pk}/messages", {"body": "Hi"}),
        403,
        "messaging.blocked",
    )
    assert _state() == before
    # Ana sees the conversation, but cannot send in it; Ben sees his block.
    assert ana.get(f"{URL}/conversations/{conversation.pk}").json()["can_send"] is False
    ben = _client(w.ben)
    assert ben.get(f"{URL}/conversations/{conversation.pk}").json()["blocked_by_you"] is True
    assert [b["person"]["id"] for b in ben.get(f"{URL}/blocks").json()["items"]] == [w.ana.pk]
    assert _send(ben, "post", f"{URL}/blocks", {"user_id": w.ana.pk}).status_code == 200
    assert ben.delete(f"{URL}/blocks/{w.ana.pk}").status_code == 204
    _error(ben.delete(f"{URL}/blocks/{w.ana.pk}"), 404, "messaging.block_not_found")
    assert (
        _send(
            ana, "post", f"{URL}/conversations/{conversation.pk}/messages", {"body": "Hi"}
        ).status_code
        == 201
    )


def test_someone_elses_or_unknown_conversation_is_not_found(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.noe.pk)
    services.send_message(conversation=conversation, user=w.ana, body="Private")
    before = _state()
    ben = _client(w.ben)
    for cid in (conversation.pk, 999_999, 2**63, 10**30):
        _error(ben.get(f"{URL}/conversations/{cid}"), 404, "messaging.conversation_not_found")
        _error(
            ben.get(f"{URL}/conversations/{cid}/messages"), 404, "messaging.conversation_not_found"
        )
        _error(
            _send(ben, "post", f"{URL}/conversations/{cid}/messages", {"body": "Hi"}),
            404,
            "messaging.conversation_not_found",
        )
        _error(
            _send(ben, "post", f"{URL}/conversations/{cid}/read"),
            404,
            "messaging.conversation_not_found",
        )
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "request.malformed_json"),
        ("[1, 2]", 400, "request.malformed_json"),
        ({}, 422, "validation_error"),
        ({"user_id": "2"}, 422, "validation_error"),
        ({"user_id": True}, 422, "validation_error"),
        ({"user_id": 1.5}, 422, "validation_error"),
        ({"user_id": None}, 422, "validation_error"),
        ({"user_id": 10**30}, 404, "messaging.person_not_found"),
        ({"user_id": -4}, 404, "messaging.person_not_found"),
        ({"user_id": 123456789}, 404, "messaging.person_not_found"),
    ],
)
def test_bad_input_to_start_is_4xx_in_the_shared_shape(
    w: World, body: Any, status: int, code: str
) -> None:
    before = _state()
    _error(_send(_client(w.ana), "post", f"{URL}/conversations", body), status, code)
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"body": ""}, 422, "messaging.invalid"),
        ({"body": "   "}, 422, "messaging.invalid"),
        ({"body": "x" * 5001}, 422, "messaging.invalid"),
        ({"body": "x" * 60_000}, 422, "validation_error"),
        ({"body": 42}, 422, "validation_error"),
        ({"body": ["a"]}, 422, "validation_error"),
        ({"body": None}, 422, "validation_error"),
        ({"text": "hello"}, 422, "validation_error"),
        ('{"body": "a\\u0000b"}', 400, "request.invalid_characters"),
        ("{", 400, "request.malformed_json"),
    ],
)
def test_bad_messages_are_4xx_and_write_nothing(
    w: World, body: Any, status: int, code: str
) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    before = _state()
    url = f"{URL}/conversations/{conversation.pk}/messages"
    _error(_send(_client(w.ana), "post", url, body), status, code)
    assert _state() == before


def test_bad_query_parameters_are_4xx(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    c = _client(w.ana)
    for query in (
        "limit=0",
        "limit=1000",
        "limit=abc",
        "after=-1",
        "after=abc",
        "after=" + "9" * 40,
    ):
        response = c.get(f"{URL}/conversations/{conversation.pk}/messages?{query}")
        assert response.status_code in (400, 422), (query, response.content)
        assert set(response.json()) == {"code", "message", "detail"}
    _error(c.get(f"{URL}/conversations?cursor=x"), 422, "pagination.invalid_cursor")
    _error(_send(c, "post", f"{URL}/blocks", {"user_id": "x"}), 422, "validation_error")
    _error(c.delete(f"{URL}/blocks/{10**30}"), 404, "messaging.block_not_found")


def test_sending_too_fast_is_429_with_retry_after(w: World, settings: Any) -> None:
    settings.MESSAGING_SEND_PER_MINUTE = 2
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    c = _client(w.ana)
    url = f"{URL}/conversations/{conversation.pk}/messages"
    for n in range(2):
        assert _send(c, "post", url, {"body": f"m{n}"}).status_code == 201
    before = _state()
    response = _send(c, "post", url, {"body": "m2"})
    _error(response, 429, "messaging.rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 61
    assert _state() == before


def test_anonymous_callers_must_log_in(w: World, api_client: Client) -> None:
    for method, url in (
        ("get", f"{URL}/conversations"),
        ("get", f"{URL}/unread-count"),
        ("post", f"{URL}/conversations"),
        ("get", f"{URL}/blocks"),
    ):
        _error(_send(api_client, method, url, {"user_id": w.ben.pk}), 401, "auth.required")


def test_a_bearer_token_works_too(w: World, api_client: Client) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    services.send_message(conversation=conversation, user=w.ana, body="Hi")
    token = create_token(user=w.ben, name="test").plaintext
    response = api_client.get(f"{URL}/unread-count", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json() == {"unread": 1}


def test_listing_conversations_runs_a_fixed_number_of_queries(w: World, make_user: Any) -> None:
    from coshore.spaces.tests.factories import SpaceRoleFactory

    def list_queries() -> int:
        c = _client(w.ana)
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(f"{URL}/conversations?limit=50")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        person = make_user(name=f"P{n}")
        SpaceRoleFactory(space=w.paris, user=person, role="member")
        conversation, _ = services.start_conversation(user=person, other_id=w.ana.pk)
        services.send_message(conversation=conversation, user=person, body="Hi")
    few = list_queries()
    for n in range(2, 8):
        person = make_user(name=f"P{n}")
        SpaceRoleFactory(space=w.paris, user=person, role="member")
        conversation, _ = services.start_conversation(user=person, other_id=w.ana.pk)
        services.send_message(conversation=conversation, user=person, body="Hi")
    assert list_queries() == few
