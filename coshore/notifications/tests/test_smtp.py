"""Notification emails through real SMTP: a local aiosmtpd server receives them, and the
tests read what arrived (subject, To, body, the one-click unsubscribe headers)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from coshore.conftest import SmtpInbox
from coshore.notifications import selectors, services

pytestmark = pytest.mark.django_db


# Long headers arrive folded after the colon ("Subject:\n =?utf-8?q?...?="); Python's parser
# keeps the fold's leading space, mail clients drop it.


def _unsubscribe_path(message: Any) -> str:
    header = str(message["List-Unsubscribe"]).strip()
    assert header.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert header.endswith("/>")
    return urlsplit(header[1:-1]).path


def test_an_immediate_notification_arrives_by_smtp(
    smtp_server: SmtpInbox, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user("ana@example.org", name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipient=ana,
            topic="wall.replies",
            kind="wall.reply",
            title="Ben replied about “Kiosk app”",
            body="Ben wrote: I can help with the kiosk.",
            url="/wall/threads/4/",
        )
    assert smtp_server.envelopes == [("noreply@coshore.local", ["ana@example.org"])]
    [message] = smtp_server.messages
    assert message["To"] == "ana@example.org"
    assert str(message["Subject"]).strip() == "[Coshore] Ben replied about “Kiosk app”"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = SmtpInbox.body(message)
    assert body.startswith("Hello Ana,\n\nBen replied about “Kiosk app”\n")
    assert "Ben wrote: I can help with the kiosk." in body
    assert "http://127.0.0.1:8000/wall/threads/4/" in body
    assert "http://127.0.0.1:8000" + _unsubscribe_path(message) in body
    assert "http://127.0.0.1:8000/notifications/preferences/" in body


def test_a_digest_lists_several_notifications_grouped_by_topic(
    smtp_server: SmtpInbox, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user("ana@example.org", name="Ana")
    for title, topic, url in [
        ("A need matches your offer: Kiosk app", "wall.matches", "/wall/posts/1/"),
        ("Someone mentioned you", "feed", "/feed/"),
        ("A need matches your profile: Data pipeline", "wall.matches", "/wall/posts/2/"),
    ]:
        services.notify(recipient=ana, topic=topic, kind="k", title=title, url=url)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digests(now=timezone.now() + timedelta(seconds=1)) == 1
        assert services.send_due_digests(now=timezone.now() + timedelta(seconds=2)) == 0
    [message] = smtp_server.messages
    assert message["To"] == "ana@example.org"
    assert str(message["Subject"]).strip() == "[Coshore] Your daily digest: 3 new notifications"
    body = SmtpInbox.body(message)
    matches = body.index("== New matches on the wall ==")
    feed = body.index("== Feed ==")
    assert matches < feed  # topics in the order of topics.TOPICS
    newest, oldest = body.index("Data pipeline"), body.index("Kiosk app")
    assert matches < newest < oldest < feed  # newest first within a topic
    assert "http://127.0.0.1:8000/wall/posts/2/" in body
    assert "Stop emails about Feed: http://127.0.0.1:8000/notifications/unsubscribe/" in body
    # The header's link turns off every topic the digest holds.
    Client().post(
        _unsubscribe_path(message),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    prefs = selectors.get_preferences(user=ana)
    assert (prefs["wall.matches"], prefs["feed"], prefs["bookings"]) == ("off", "off", "immediate")


def test_opted_out_topics_send_nothing(
    smtp_server: SmtpInbox, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user("ana@example.org")
    services.set_preferences(user=ana, topics={"wall.replies": "off", "wall.matches": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=ana, topic="wall.replies", kind="k", title="A reply")
        services.notify(recipient=ana, topic="wall.matches", kind="k", title="A match")
        services.send_due_digests(now=timezone.now() + timedelta(seconds=1))
    assert smtp_server.messages == []
    assert selectors.count_unread(user=ana) == 2  # still in-app


def test_the_one_click_unsubscribe_link_works_without_login(
    smtp_server: SmtpInbox, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user("ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=ana, topic="projects", kind="k", title="Join my project")
    [message] = smtp_server.messages
    path = _unsubscribe_path(message)
    anonymous = Client(enforce_csrf_checks=True)
    # Opening the link only asks (mail scanners fetch every link).
    page = anonymous.get(path)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert selectors.get_preferences(user=ana)["projects"] == "immediate"
    # The mail client's one-click POST (RFC 8058): no cookie, no CSRF token.
    done = anonymous.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert selectors.get_preferences(user=ana)["projects"] == "off"
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=ana, topic="projects", kind="k", title="Another project")
    assert len(smtp_server.messages) == 1  # nothing more arrived
