"""Moderators hear of reports: the feed's moderators (the rule of the moderation gate, staff
left out) get one notification per reported item until it is handled, never the reporter;
through the service, the API (whose answer is unchanged) and real SMTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coshore.activity.models import Activity
from coshore.conftest import SmtpInbox
from coshore.feed import selectors, services
from coshore.feed.errors import AlreadyReported, InvalidReport
from coshore.feed.models import Report
from coshore.feed.tests.factories import PEOPLE, World, network_post, space_post
from coshore.notifications.models import Notification
from coshore.notifications.services import set_preferences
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceRoleFactory


def _told(kind: str = "feed.report") -> list[tuple[str, str, str, str]]:
    # In the order they were made: moderators by id, so Olivia (made first) before Marc.
    return [
        (n.recipient.email, n.title, n.url, n.email_mode)
        for n in Notification.objects.filter(kind=kind).select_related("recipient").order_by("id")
    ]


def _paris_member(w: World, make_user: Any) -> Any:
    user = make_user("iris@example.org", name="Iris Costa")
    SpaceRoleFactory(space=w.paris, user=user, role=SpaceRoleKind.MEMBER)
    return user


@pytest.mark.parametrize("kind", ["space", "network"])
def test_the_moderators_to_notify_are_exactly_those_the_gate_lets_moderate(
    w: World, kind: str
) -> None:
    post = space_post(w) if kind == "space" else network_post(w)
    listed = set(selectors.list_feed_moderators(space=post.space, network=post.network))
    for name in PEOPLE:
        user = getattr(w, name)
        assert (user in listed) == selectors.can_moderate_post(user, post), name
    # Staff moderate every feed but are not told of every report in the deployment.
    assert selectors.can_moderate_post(w.staff, post) and w.staff not in listed


def test_reporting_a_space_post_notifies_its_managers_and_operators_once(w: World) -> None:
    post = space_post(w)
    made = services.report(user=w.neighbour, post=post, reason="spam", note="a private note")
    url = f"/feed/reports/#report-{made.pk}"
    title = "A post in La Ruche was reported: Spam or advertising"
    assert _told() == [
        ("olivia@example.org", title, url, "immediate"),
        ("marc@example.org", title, url, "immediate"),
    ]
    note = Notification.objects.filter(kind="feed.report").first()
    assert note is not None
    assert (note.topic, note.actor, note.key) == (
        "feed.reports",
        w.neighbour,
        f"feed.report.{made.pk}",
    )
    assert "private note" not in note.body + note.title
    # The activity keeps metadata only: the reason, never the note.
    activity = Activity.objects.get(verb="feed.reported")
    assert activity.metadata == {"reason": "spam", "on": "post"}


def test_reporting_a_network_post_notifies_its_operators_only(w: World) -> None:
    post = network_post(w)
    services.report(user=w.network_member, post=post, reason="off_topic")
    assert [r[0] for r in _told()] == ["olivia@example.org"]


def test_reporting_a_comment_names_a_comment(w: World) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="buy my stuff")
    made = services.report(user=w.author, comment=comment, reason="spam")
    assert _told()[0][1:3] == (
        "A comment in La Ruche was reported: Spam or advertising",
        f"/feed/reports/#report-{made.pk}",
    )


def test_a_moderator_who_reports_is_not_notified_of_it(w: World) -> None:
    post = space_post(w)
    services.report(user=w.manager, post=post, reason="hate")
    assert [r[0] for r in _told()] == ["olivia@example.org"]


def test_several_reports_of_one_item_notify_once_until_it_is_handled(
    w: World, make_user: Any
) -> None:
    post = space_post(w)
    iris = _paris_member(w, make_user)
    first = services.report(user=w.neighbour, post=post, reason="spam")
    services.report(user=iris, post=post, reason="harassment")
    services.report(user=w.staff, post=post, reason="other")
    assert [r[0] for r in _told()] == ["olivia@example.org", "marc@example.org"]
    assert Report.objects.filter(status="open").count() == 3

    # Dismissed: the next report is news again (a new key), and only that one.
    services.dismiss_report(report=first, user=w.manager)
    again = services.report(user=w.neighbour, post=post, reason="spam")
    services.report(user=iris, post=post, reason="spam")
    assert [(r[0], r[2]) for r in _told()][2:] == [
        ("olivia@example.org", f"/feed/reports/#report-{again.pk}"),
        ("marc@example.org", f"/feed/reports/#report-{again.pk}"),
    ]

    # Another item has its own notification meanwhile.
    other = space_post(w, body="another")
    services.report(user=iris, post=other, reason="spam")
    assert len(_told()) == 6


def test_a_comment_hidden_on_report_and_reported_again_after_unhiding_notifies_again(
    w: World, make_user: Any
) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="meh")
    made = services.report(user=w.author, comment=comment, reason="spam")
    services.resolve_report(report=made, user=w.operator)
    comment.refresh_from_db()
    services.unhide_comment(comment=comment, user=w.operator)
    services.report(user=_paris_member(w, make_user), comment=comment, reason="spam")
    assert [r[0] for r in _told()] == ["olivia@example.org", "marc@example.org"] * 2


def test_a_refused_report_notifies_nobody(w: World) -> None:
    post = space_post(w)
    services.report(user=w.neighbour, post=post, reason="spam")
    before = Notification.objects.count()
    for attempt, error in [
        (lambda: services.report(user=w.neighbour, post=post, reason="spam"), AlreadyReported),
        (lambda: services.report(user=w.author, post=post, reason="spam"), InvalidReport),
        (lambda: services.report(user=w.manager, post=post, reason="nonsense"), InvalidReport),
    ]:
        with pytest.raises(error):
            attempt()
    assert Notification.objects.count() == before


def test_a_moderator_who_muted_reports_still_sees_them_in_app(w: World) -> None:
    set_preferences(user=w.manager, topics={"feed.reports": "off"})
    services.report(user=w.neighbour, post=space_post(w), reason="spam")
    assert [(r[0], r[3]) for r in _told()] == [
        ("olivia@example.org", "immediate"),
        ("marc@example.org", "off"),
    ]


def test_the_report_endpoint_answers_as_before_and_notifies(w: World) -> None:
    post = space_post(w)
    client = Client()
    client.force_login(w.neighbour)
    response = client.post(
        f"/api/v1/feed/posts/{post.pk}/reports",
        data=json.dumps({"reason": "spam", "note": "ads"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    made = Report.objects.get()
    body = response.json()
    assert body.pop("created_at") and body.pop("target_html")
    assert body == {
        "id": made.pk,
        "on": "post",
        "post": post.pk,
        "comment": None,
        "reason": "spam",
        "note": "ads",
        "status": "open",
        "reporter": {"id": w.neighbour.pk, "name": "Noé Martin"},
        "handled_at": None,
        "target_author": {"id": w.author.pk, "name": "Ana Lima"},
        "target_hidden": False,
    }
    assert [r[0] for r in _told()] == ["olivia@example.org", "marc@example.org"]
    # Reporting again is the same conflict as before, and tells nobody more.
    again = client.post(
        f"/api/v1/feed/posts/{post.pk}/reports",
        data=json.dumps({"reason": "spam"}),
        content_type="application/json",
    )
    assert (again.status_code, again.json()["code"]) == (409, "feed.already_reported")
    assert len(_told()) == 2


def test_the_moderators_get_the_email_at_once_by_smtp(
    w: World, smtp_server: SmtpInbox, django_capture_on_commit_callbacks: Any
) -> None:
    post = space_post(w)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.report(user=w.neighbour, post=post, reason="privacy", note="my phone no.")
    assert sorted(rcpt for _, [rcpt] in smtp_server.envelopes) == [
        "marc@example.org",
        "olivia@example.org",
    ]
    [message] = smtp_server.to("marc@example.org")
    assert str(message["Subject"]).strip() == (
        "[Coshore] A post in La Ruche was reported: Shares someone's private information"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = SmtpInbox.body(message)
    assert f"http://127.0.0.1:8000/feed/reports/#report-{made.pk}" in body
    assert "Reports in the feeds you moderate" in body
    assert "my phone no." not in body and "Coffee machine" not in body
    assert smtp_server.to("noe@example.org") == []


def test_hiding_from_the_card_handles_the_reports_so_a_new_one_notifies_again(w: World) -> None:
    post = space_post(w)
    services.report(user=w.neighbour, post=post, reason="spam")
    told = len(_told())
    assert told > 0
    services.hide_post(post=post, user=w.manager, reason="Spam")
    services.unhide_post(post=post, user=w.manager)
    services.report(user=w.network_member, post=post, reason="harassment")
    assert len(_told()) == 2 * told
