"""The notification services: notify by preference, dedupe, mark read, preferences,
unsubscribe links and the daily digest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from coshore.core.errors import DomainError
from coshore.notifications import selectors, services
from coshore.notifications.models import DigestRun, Notification, Preference
from coshore.notifications.rules import safe_local_url

pytestmark = pytest.mark.django_db


def note(user: Any, topic: str = "wall.replies", **fields: Any) -> Notification:
    values: dict[str, Any] = {"kind": "test.kind", "title": "Something happened", "url": "/wall/"}
    values.update(fields)
    made = services.notify(recipient=user, topic=topic, **values)
    assert made is not None
    return made


def refused(code: str, call: Any, **kwargs: Any) -> DomainError:
    before = (
        list(Notification.objects.values_list("pk", "read_at", "email_mode")),
        list(Preference.objects.values_list("user_id", "topic", "email")),
    )
    with pytest.raises(DomainError) as info:
        call(**kwargs)
    assert info.value.code == code
    after = (
        list(Notification.objects.values_list("pk", "read_at", "email_mode")),
        list(Preference.objects.values_list("user_id", "topic", "email")),
    )
    assert after == before
    return info.value


# --- notify ---------------------------------------------------------------------------------


def test_notify_emails_at_once_by_default_for_immediate_topics(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user("ana@example.org", name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        made = note(ana, title="Ben replied   about\n“Kiosk”", body="  Hello!  ")
    assert (made.title, made.body, made.email_mode) == (
        "Ben replied about “Kiosk”",
        "Hello!",
        "immediate",
    )
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert mail.outbox[0].subject == "[Coshore] Ben replied about “Kiosk”"
    made.refresh_from_db()
    assert made.emailed_at is not None


def test_notify_leaves_digest_topics_for_the_digest(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        made = note(ana, topic="wall.matches")
    assert (made.email_mode, made.emailed_at) == ("digest", None)
    assert mail.outbox == []


def test_a_preference_overrides_the_topics_default(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user()
    services.set_preferences(user=ana, topics={"wall.replies": "off", "wall.matches": "immediate"})
    with django_capture_on_commit_callbacks(execute=True):
        off = note(ana, topic="wall.replies")
        now = note(ana, topic="wall.matches")
    assert (off.email_mode, now.email_mode) == ("off", "immediate")
    assert len(mail.outbox) == 1
    # In-app they are both kept.
    assert selectors.count_unread(user=ana) == 2


def test_notify_skips_the_actor_themself_and_inactive_people(make_user: Any) -> None:
    ana, ben = make_user(), make_user()
    assert services.notify(recipient=ana, topic="feed", kind="k", title="t", actor=ana) is None
    ben.is_active = False
    ben.save()
    assert services.notify(recipient=ben, topic="feed", kind="k", title="t", actor=ana) is None
    assert Notification.objects.count() == 0


def test_a_key_notifies_once(make_user: Any) -> None:
    ana = make_user()
    first = services.notify(recipient=ana, topic="feed", kind="k", title="t", key="feed:1")
    again = services.notify(recipient=ana, topic="feed", kind="k", title="t", key="feed:1")
    other = make_user()
    theirs = services.notify(recipient=other, topic="feed", kind="k", title="t", key="feed:1")
    assert first is not None and again is None and theirs is not None
    assert Notification.objects.filter(recipient=ana).count() == 1


def test_only_local_paths_are_kept_as_links(make_user: Any) -> None:
    ana = make_user()
    assert note(ana, url="https://evil.example/").url == ""
    assert note(ana, url="//evil.example/x").url == ""
    assert note(ana, url="javascript:alert(1)").url == ""
    assert note(ana, url="/wall/posts/7/?x=1#m").url == "/wall/posts/7/?x=1#m"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("/projects/3/", "/projects/3/"),
        ("/", "/"),
        ("", ""),
        ("projects/3/", ""),
        ("//evil.example", ""),
        ("/\\evil.example", ""),
        ("/\tevil", ""),
        ("http://127.0.0.1/x", ""),
        ("/" + "a" * 600, ""),
    ],
)
def test_safe_local_url(url: str, safe: str) -> None:
    assert safe_local_url(url) == safe


# --- reading --------------------------------------------------------------------------------


def test_mark_read_marks_only_the_given_ones(make_user: Any) -> None:
    ana = make_user()
    a, b, c = note(ana), note(ana), note(ana)
    assert services.mark_read(user=ana, ids=[a.pk, b.pk]) == 2
    assert services.mark_read(user=ana, ids=[a.pk]) == 0  # already read
    assert selectors.count_unread(user=ana) == 1
    assert list(selectors.list_notifications(user=ana, unread_only=True)) == [c]


def test_mark_read_of_someone_elses_notification_is_not_found_and_marks_nothing(
    make_user: Any,
) -> None:
    ana, ben = make_user(), make_user()
    mine, theirs = note(ana), note(ben)
    err = refused("notification.not_found", services.mark_read, user=ana, ids=[mine.pk, theirs.pk])
    assert err.status == 404 and err.detail == {"ids": [theirs.pk]}
    refused("notification.not_found", services.mark_read, user=ana, ids=[10**9])


@pytest.mark.parametrize("ids", [[], "1", [True], ["1"], [0], [-3], [1.5], list(range(1, 202))])
def test_mark_read_refuses_bad_ids(make_user: Any, ids: Any) -> None:
    ana = make_user()
    note(ana)
    refused("notification.invalid_ids", services.mark_read, user=ana, ids=ids)


def test_mark_all_read(make_user: Any) -> None:
    ana, ben = make_user(), make_user()
    note(ana), note(ana), note(ben)
    assert services.mark_all_read(user=ana) == 2
    assert (selectors.count_unread(user=ana), selectors.count_unread(user=ben)) == (0, 1)


def test_opening_a_notification_marks_it_read_and_gives_its_link(make_user: Any) -> None:
    ana, ben = make_user(), make_user()
    made = note(ana, url="/projects/")
    opened, url = services.open_notification(user=ana, notification_id=made.pk)
    assert url == "/projects/" and opened.read_at is not None
    assert selectors.count_unread(user=ana) == 0
    with pytest.raises(DomainError) as info:
        services.open_notification(user=ben, notification_id=made.pk)
    assert info.value.code == "notification.not_found"


def test_pages_are_keyset_paged_newest_first(make_user: Any) -> None:
    ana = make_user()
    at = timezone.now()
    made = [note(ana, title=f"n{i}") for i in range(5)]
    # Two share an instant: the id breaks the tie.
    Notification.objects.filter(pk__in=[made[1].pk, made[2].pk]).update(created_at=at)
    seen: list[str] = []
    cursor = None
    while True:
        page = selectors.page_notifications(user=ana, limit=2, cursor=cursor)
        seen += [n.title for n in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == ["n0", "n1", "n2", "n3", "n4"] and len(seen) == 5
    with pytest.raises(DomainError) as info:
        selectors.page_notifications(user=ana, cursor="garbage")
    assert info.value.code == "pagination.invalid_cursor"


# --- preferences ----------------------------------------------------------------------------


def test_preferences_default_per_topic_and_are_saved(make_user: Any) -> None:
    ana = make_user()
    prefs = selectors.get_preferences(user=ana)
    assert prefs["wall.matches"] == "digest" and prefs["bookings"] == "immediate"
    saved = services.set_preferences(user=ana, topics={"bookings": "digest"})
    assert saved["bookings"] == "digest" and saved["wall.matches"] == "digest"
    services.set_preferences(user=ana, topics={"bookings": "off"})
    assert list(Preference.objects.filter(user=ana).values_list("topic", "email")) == [
        ("bookings", "off")
    ]


@pytest.mark.parametrize(
    "topics",
    [
        {"bookings": "off", "nope": "off"},
        {"bookings": "weekly"},
        {"bookings": 1},
        {"bookings": None},
        ["bookings"],
        "bookings=off",
        None,
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_written(make_user: Any, topics: Any) -> None:
    ana = make_user()
    services.set_preferences(user=ana, topics={"feed": "immediate"})
    refused("notification.invalid_preference", services.set_preferences, user=ana, topics=topics)


def test_turning_a_topic_off_drops_what_waits_for_the_digest(make_user: Any) -> None:
    ana = make_user()
    waiting = note(ana, topic="wall.matches")
    services.set_preferences(user=ana, topics={"wall.matches": "off"})
    waiting.refresh_from_db()
    assert waiting.email_mode == "off"
    assert services.send_due_digests() == 0


def test_an_unsubscribe_token_turns_its_topics_off(make_user: Any) -> None:
    ana = make_user()
    token = services.unsubscribe_token(user=ana, topics=["wall.matches", "feed"])
    done = services.unsubscribe(token=token)
    assert (done.user, done.topics) == (ana, ["feed", "wall.matches"])
    prefs = selectors.get_preferences(user=ana)
    assert (prefs["feed"], prefs["wall.matches"], prefs["bookings"]) == ("off", "off", "immediate")
    services.unsubscribe(token=token)  # twice is fine
    for bad in ["", "x", token[:-2] + "zz", token.replace(":", ";")]:
        refused("notification.not_found", services.unsubscribe, token=bad)


# --- digest ---------------------------------------------------------------------------------


def test_the_digest_goes_out_once_a_day(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana = make_user("ana@example.org", name="Ana")
    first = note(ana, topic="wall.matches", title="A match")
    now = timezone.now() + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digests(now=now) == 1
        assert services.send_due_digests(now=now) == 0  # a second run sends nothing
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.emailed_at == now
    assert DigestRun.objects.get(user=ana).sent_at == now
    # A new one an hour later waits for tomorrow's digest.
    second = note(ana, topic="feed", title="A mention")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digests(now=now + timedelta(hours=1)) == 0
        assert services.send_due_digests(now=now + timedelta(hours=23)) == 1
    assert len(mail.outbox) == 2 and "A mention" in mail.outbox[1].body
    assert "A match" not in mail.outbox[1].body
    second.refresh_from_db()
    assert second.emailed_at is not None


def test_the_digest_leaves_out_what_was_read_in_app_and_other_modes(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ana, ben = make_user(), make_user()
    read = note(ana, topic="wall.matches", title="Seen already")
    services.mark_read(user=ana, ids=[read.pk])
    note(ana, topic="wall.replies", title="Emailed at once")
    note(ben, topic="wall.matches", title="For Ben")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digests() == 1
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert [m.to for m in digests] == [[ben.email]]
    read.refresh_from_db()
    assert read.emailed_at is None


def test_inactive_people_get_no_digest(make_user: Any) -> None:
    ana = make_user()
    note(ana, topic="wall.matches")
    ana.is_active = False
    ana.save()
    assert services.send_due_digests() == 0
