"""Moderation and the feed's order: pinning (pinned first, at most five), hiding with a
reason, the report queue (resolve hides, dismiss keeps), paging, and the query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coshore.activity.models import Activity
from coshore.feed import selectors, services
from coshore.feed.errors import (
    InvalidPost,
    NotModerator,
    ReportClosed,
    ReportNotFound,
    TooManyPins,
)
from coshore.feed.models import FeedPost, Report
from coshore.feed.tests.factories import World, network_post, space_post


def _feed(w: World, user: Any, **kw: Any) -> selectors.FeedPage:
    scope = selectors.get_space_feed_for_user(user=user, slug="la-ruche")
    return selectors.list_feed(user=user, scope=scope, **kw)


@pytest.mark.parametrize("who", ["manager", "operator", "staff"])
def test_moderators_pin_and_pinned_posts_come_first(w: World, who: str) -> None:
    first = space_post(w, body="first")
    space_post(w, body="second")
    services.pin_post(post=first, user=getattr(w, who))
    assert [p.body for p in _feed(w, w.neighbour).items] == ["first", "second"]
    assert _feed(w, w.neighbour).items[0].is_pinned
    services.unpin_post(post=first, user=getattr(w, who))
    assert [p.body for p in _feed(w, w.neighbour).items] == ["second", "first"]
    verbs = list(
        Activity.objects.filter(verb__startswith="feed.post_")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["feed.post_pinned", "feed.post_unpinned"]


@pytest.mark.parametrize("who", ["author", "neighbour", "other_manager"])
def test_others_cannot_moderate(w: World, who: str) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="hm")
    user = getattr(w, who)
    for action in [
        lambda: services.pin_post(post=post, user=user),
        lambda: services.hide_post(post=post, user=user, reason="no"),
        lambda: services.hide_comment(comment=comment, user=user, reason="no"),
    ]:
        with pytest.raises(NotModerator):
            action()
    post.refresh_from_db()
    comment.refresh_from_db()
    assert (post.pinned_at, post.hidden_at, comment.hidden_at) == (None, None, None)


def test_network_feed_is_moderated_by_its_operators_not_space_managers(w: World) -> None:
    post = network_post(w)
    with pytest.raises(NotModerator):
        services.pin_post(post=post, user=w.manager)
    services.pin_post(post=post, user=w.operator)
    assert FeedPost.objects.get().is_pinned


def test_at_most_five_pins_per_feed(w: World) -> None:
    posts = [space_post(w, body=f"post {i}") for i in range(6)]
    for post in posts[:5]:
        services.pin_post(post=post, user=w.manager)
    with pytest.raises(TooManyPins):
        services.pin_post(post=posts[5], user=w.manager)
    assert FeedPost.objects.filter(pinned_at__isnull=False).count() == 5
    # Another feed has its own five.
    services.pin_post(post=network_post(w), user=w.operator)


def test_hiding_needs_a_reason_and_unpins(w: World) -> None:
    post = space_post(w)
    services.pin_post(post=post, user=w.manager)
    for reason in ["", "  ", None, "x" * 501, 3]:
        with pytest.raises(InvalidPost):
            services.hide_post(post=post, user=w.manager, reason=reason)
    services.hide_post(post=post, user=w.manager, reason="Spam")
    post.refresh_from_db()
    assert (post.is_hidden, post.hidden_by, post.hidden_reason, post.is_pinned) == (
        True,
        w.manager,
        "Spam",
        False,
    )
    with pytest.raises(InvalidPost):
        services.pin_post(post=post, user=w.manager)
    services.unhide_post(post=post, user=w.manager)
    post.refresh_from_db()
    assert (post.is_hidden, post.hidden_reason) == (False, "")


def test_report_queue_resolve_hides_and_closes_every_open_report(w: World) -> None:
    post = space_post(w)
    other = space_post(w, body="fine")
    first = services.report(user=w.neighbour, post=post, reason="spam")
    second = services.report(user=w.manager, post=post, reason="harassment")
    kept = services.report(user=w.neighbour, post=other, reason="off_topic")
    assert selectors.list_open_reports(user=w.manager) == [first, second, kept]
    assert selectors.list_open_reports(user=w.other_manager) == []
    assert selectors.list_open_reports(user=w.neighbour) == []
    with pytest.raises(ReportNotFound):
        selectors.get_report_for_moderator(user=w.other_manager, report_id=first.pk)
    found = selectors.get_report_for_moderator(user=w.operator, report_id=first.pk)
    services.resolve_report(report=found, user=w.operator)
    post.refresh_from_db()
    assert (post.is_hidden, post.hidden_reason, post.hidden_by) == (
        True,
        "Reported: Spam or advertising",
        w.operator,
    )
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "resolved", second.pk: "resolved", kept.pk: "open"}
    assert Report.objects.get(pk=second.pk).handled_by == w.operator
    with pytest.raises(ReportClosed):
        services.dismiss_report(report=Report.objects.get(pk=second.pk), user=w.manager)
    services.dismiss_report(report=kept, user=w.manager)
    other.refresh_from_db()
    assert not other.is_hidden
    assert Report.objects.get(pk=kept.pk).status == "dismissed"
    assert selectors.list_open_reports(user=w.manager) == []
    # A dismissed report does not stop a new one.
    services.report(user=w.neighbour, post=other, reason="spam")


def test_resolving_a_comment_report_hides_the_comment_only(w: World) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="buy my stuff")
    made = services.report(user=w.author, comment=comment, reason="spam")
    services.resolve_report(report=made, user=w.manager)
    comment.refresh_from_db()
    post.refresh_from_db()
    assert (comment.is_hidden, post.is_hidden) == (True, False)


def test_feed_pages_by_cursor_with_pins_on_the_first_page_only(w: World) -> None:
    posts = [space_post(w, body=f"post {i}") for i in range(7)]
    services.pin_post(post=posts[2], user=w.manager)
    page1 = _feed(w, w.neighbour, limit=3)
    assert [p.body for p in page1.items] == ["post 2", "post 6", "post 5", "post 4"]
    page2 = _feed(w, w.neighbour, limit=3, cursor=page1.next_cursor)
    assert [p.body for p in page2.items] == ["post 3", "post 1", "post 0"]
    assert page2.next_cursor is None


def test_the_feed_runs_a_fixed_number_of_queries(w: World) -> None:
    def count(n: int) -> int:
        FeedPost.objects.all().delete()
        for i in range(n):
            post = space_post(w, body=f"post {i} @noe")
            services.react(user=w.neighbour, emoji="heart", post=post)
            for j in range(4):
                comment = services.add_comment(post=post, user=w.neighbour, body=f"c{j}")
                services.react(user=w.author, emoji="idea", comment=comment)
        scope = selectors.get_space_feed_for_user(user=w.manager, slug="la-ruche")
        with CaptureQueriesContext(connection) as queries:
            page = selectors.list_feed(user=w.manager, scope=scope)
            assert len(page.items) == n
            assert all(len(p.recent_comments) == 3 for p in page.items)  # type: ignore[attr-defined]
        return len(queries)

    assert count(2) == count(8)


def test_hiding_from_the_feed_resolves_the_open_reports_about_it(w: World) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="buy my stuff")
    on_post = services.report(user=w.neighbour, post=post, reason="spam")
    on_comment = services.report(user=w.author, comment=comment, reason="spam")
    other = services.report(user=w.neighbour, post=space_post(w, body="fine"), reason="spam")
    services.hide_comment(comment=comment, user=w.manager, reason="Advertising")
    assert dict(Report.objects.values_list("pk", "status")) == {
        on_post.pk: "open",
        on_comment.pk: "resolved",
        other.pk: "open",
    }
    services.hide_post(post=post, user=w.operator, reason="Off topic")
    handled = Report.objects.get(pk=on_post.pk)
    assert (handled.status, handled.handled_by) == ("resolved", w.operator)
    assert Report.objects.get(pk=other.pk).status == "open"
    assert selectors.list_open_reports(user=w.manager) == [other]
