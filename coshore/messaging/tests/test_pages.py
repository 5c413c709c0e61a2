"""The messages pages: the list, a conversation (send with and without htmx, polling), the
profile's Message and Block buttons, the nav's unread count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coshore.messaging import selectors, services
from coshore.messaging.models import Block, Conversation, Message
from coshore.messaging.tests.factories import World

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_profile_offers_message_and_block_only_when_allowed(w: World) -> None:
    page = _client(w.ana).get(f"/accounts/people/{w.ben.pk}/").content.decode()
    assert f'action="/messages/with/{w.ben.pk}/"' in page
    assert f'action="/messages/block/{w.ben.pk}/"' in page
    # Otto's public profile: Ana sees it, but he cannot see hers, so no Message button.
    page = _client(w.ana).get(f"/accounts/people/{w.otto.pk}/").content.decode()
    assert "/messages/with/" not in page
    # Her own profile: nothing.
    page = _client(w.ana).get(f"/accounts/people/{w.ana.pk}/").content.decode()
    assert "/messages/" not in page.split('id="main"')[1]
    # Anonymous visitors: nothing.
    page = Client().get(f"/accounts/people/{w.otto.pk}/").content.decode()
    assert "/messages/with/" not in page


def test_message_from_the_profile_then_send_without_js(w: World) -> None:
    ana = _client(w.ana)
    response = ana.post(f"/messages/with/{w.ben.pk}/")
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/messages/{conversation.pk}/"
    response = ana.post(f"/messages/{conversation.pk}/", {"body": "Lunch on Friday?"})
    assert response.status_code == 302
    assert response["Location"] == f"/messages/{conversation.pk}/#send"
    page = ana.get(f"/messages/{conversation.pk}/").content.decode()
    assert "Lunch on Friday?" in page and "Ben" in page
    # Ben sees the unread count in the nav and the list, and reading clears it.
    ben = _client(w.ben)
    listing = ben.get("/messages/").content.decode()
    assert 'data-testid="messages-unread">1<' in listing
    assert "Lunch on Friday?" in listing
    page = ben.get(f"/messages/{conversation.pk}/").content.decode()
    assert "Lunch on Friday?" in page
    assert 'data-testid="messages-unread"' not in page
    assert selectors.count_unread(user=w.ben) == 0


def test_htmx_send_returns_a_fresh_form_and_the_new_messages(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    first = services.send_message(conversation=conversation, user=w.ben, body="Hi Ana")
    response = _client(w.ana).post(
        f"/messages/{conversation.pk}/", {"body": "Hi Ben", "after": "0"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-swap-oob="beforeend:#dm-messages"' in html
    assert html.index("Hi Ana") < html.index("Hi Ben")
    latest = Message.objects.latest("id").pk
    assert f'id="dm-after" name="after" value="{latest}" hx-swap-oob="true"' in html
    assert '<textarea name="body"' in html and "Hi Ben</textarea>" not in html
    assert first.pk < latest


def test_htmx_send_refused_shows_the_reason_on_the_form(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    services.block_person(user=w.ben, other_id=w.ana.pk)
    response = _client(w.ana).post(f"/messages/{conversation.pk}/", {"body": "Hi"}, **HTMX)
    assert response.status_code == 422
    assert "You cannot write to this person." in response.content.decode()
    response = _client(w.ana).post(f"/messages/{conversation.pk}/", {"body": "Hi"})
    assert response.status_code == 403
    assert Message.objects.count() == 0
    response = _client(w.ana).post(f"/messages/{conversation.pk}/", {"body": ""}, **HTMX)
    assert response.status_code == 400


def test_polling_returns_only_what_is_new_and_marks_it_read(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    old = services.send_message(conversation=conversation, user=w.ben, body="Old news")
    ana = _client(w.ana)
    url = f"/messages/{conversation.pk}/new/"
    assert ana.get(url, {"after": old.pk}, **HTMX).status_code == 204
    services.send_message(conversation=conversation, user=w.ben, body="Fresh news")
    html = ana.get(url, {"after": old.pk}, **HTMX).content.decode()
    assert "Fresh news" in html and "Old news" not in html
    assert selectors.count_unread(user=w.ana) == 0
    assert ana.get(url, {"after": "junk"}, **HTMX).status_code == 200  # from the start
    assert _client(w.noe).get(url, {"after": 0}).status_code == 404


def test_block_and_unblock_from_the_conversation(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    ana = _client(w.ana)
    thread = f"/messages/{conversation.pk}/"
    response = ana.post(f"/messages/block/{w.ben.pk}/", {"next": thread})
    assert response.status_code == 302 and response["Location"] == thread
    page = ana.get(thread).content.decode()
    assert "You blocked Ben." in page and '<textarea name="body"' not in page
    assert "Unblock" in page
    ben_page = _client(w.ben).get(thread).content.decode()
    assert "You cannot send messages in this conversation any more." in ben_page
    response = ana.post(f"/messages/unblock/{w.ben.pk}/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/messages/"
    assert not Block.objects.exists()
    assert '<textarea name="body"' in ana.get(thread).content.decode()


def test_pages_refuse_what_is_not_yours_with_4xx(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.noe.pk)
    ben = _client(w.ben)
    assert ben.get(f"/messages/{conversation.pk}/").status_code == 404
    assert ben.post(f"/messages/{conversation.pk}/", {"body": "x"}).status_code == 404
    assert ben.post(f"/messages/with/{w.otto.pk}/").status_code == 404
    assert ben.post(f"/messages/with/{w.ben.pk}/").status_code == 422
    assert ben.post("/messages/with/99999999999999999999/").status_code == 404
    assert ben.get(f"/messages/with/{w.ana.pk}/").status_code == 405
    assert ben.post(f"/messages/unblock/{w.ana.pk}/").status_code == 404
    assert ben.get("/messages/?cursor=forged").status_code == 422
    assert Client().get("/messages/").status_code == 302
    assert Client().get("/messages/nav/").status_code == 286
    assert Message.objects.count() == 0


def test_the_list_page_runs_a_fixed_number_of_queries(w: World, make_user: Any) -> None:
    from coshore.spaces.tests.factories import SpaceRoleFactory

    def queries() -> int:
        c = _client(w.ana)
        with CaptureQueriesContext(connection) as ctx:
            response = c.get("/messages/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def talk(n: int) -> None:
        person = make_user(name=f"P{n}")
        SpaceRoleFactory(space=w.paris, user=person, role="member")
        conversation, _ = services.start_conversation(user=person, other_id=w.ana.pk)
        services.send_message(conversation=conversation, user=person, body=f"Hello {n}")

    talk(0)
    few = queries()
    for n in range(1, 6):
        talk(n)
    assert queries() == few
    html = _client(w.ana).get("/messages/").content.decode()
    assert len(re.findall(r'data-conversation="\d+"', html)) == 6


def test_an_earlier_page_links_back_and_neither_polls_nor_sends(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    for n in range(3):
        services.send_message(conversation=conversation, user=w.ben, body=f"Note {n}")
    cursor = selectors.page_messages(conversation=conversation, limit=1).next_cursor
    html = _client(w.ana).get(f"/messages/{conversation.pk}/", {"before": cursor}).content.decode()
    assert "Note 1" in html and "Note 2" not in html
    assert "Latest messages" in html
    assert '<textarea name="body"' not in html and 'id="dm-poll"' not in html
