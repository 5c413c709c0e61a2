"""The demo has a feed in Koneko Work and in the Paris alliance, and loading it again adds
nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coshore.activity.models import Activity
from coshore.feed.demo import load_feed_demo
from coshore.feed.models import Comment, FeedPost, Mention, Reaction
from coshore.notifications.models import Notification


@pytest.mark.django_db
def test_the_demo_feed_is_consistent_and_idempotent() -> None:
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    assert "feed: 3 demo post(s)" in out.getvalue()
    posts = FeedPost.objects.order_by("id")
    assert [(p.space_id is not None, p.is_pinned) for p in posts] == [
        (True, True),
        (True, False),
        (False, False),
    ]
    assert Comment.objects.count() == 1
    assert Reaction.objects.count() == 4
    assert Mention.objects.get().user.email == "bruno@coshore.demo"
    assert (
        Notification.objects.filter(topic="feed").count() == 2
    )  # Bruno's mention, Alice's comment
    before = tuple(
        m.objects.count() for m in (FeedPost, Comment, Reaction, Mention, Notification, Activity)
    )
    assert load_feed_demo() == 0
    after = tuple(
        m.objects.count() for m in (FeedPost, Comment, Reaction, Mention, Notification, Activity)
    )
    assert after == before
