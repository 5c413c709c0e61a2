"""Match alerts: when a post goes up (or is edited or renewed), the people it is a good match
for hear about it through the notification system (topic `wall.matches`: by default in the
daily email digest, and always in-app).

Who hears: the authors of the live posts of the other kind it matches, and for a need the
members whose discoverable profile matches it, each only when they may see the new post. The
poster is not alerted: the post's page shows its matches at once, and later posts that match
it alert the poster from their side. Each (recipient, new post, matched post or profile) is
alerted once, however often the post is edited.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from coshore.accounts.models import User
from coshore.notifications.services import notify

from ..models import Post, PostKind
from ..selectors.matches import get_matches
from ..selectors.posts import can_see_post, live_q

__all__ = ["ALERT_LIMIT", "alert_new_matches", "min_alert_score"]

ALERT_LIMIT = 20


def min_alert_score() -> float:
    """Matches below this score (0-1, setting WALL_MATCH_ALERT_MIN_SCORE) alert nobody."""
    return float(getattr(settings, "WALL_MATCH_ALERT_MIN_SCORE", 0.5))


def _why(reasons: list[str]) -> str:
    return "; ".join(reasons[:4])


def alert_new_matches(*, post: Post, now: datetime | None = None) -> int:
    """Alert the people `post` is a good match for (see the module); the number alerted."""
    if not Post.objects.filter(live_q(), pk=post.pk).exists():
        return 0
    threshold = min_alert_score()
    items = [
        i
        for i in get_matches(user=post.author, post=post, limit=ALERT_LIMIT, now=now)
        if i.score >= threshold
    ]
    posts = {
        p.pk: p
        for p in Post.objects.filter(pk__in=[i.id for i in items if i.kind == "post"])
        .select_related("author")
        .only("pk", "kind", "title", "author")
    }
    people = {
        u.pk: u for u in User.objects.filter(pk__in=[i.id for i in items if i.kind == "profile"])
    }
    url = reverse("wall:post", args=[post.pk])
    what = post.get_kind_display().lower()
    sent = 0
    for item in items:
        if item.kind == "post" and item.id in posts:
            other = posts[item.id]
            recipient = other.author
            title = f"A new {what} matches your {other.get_kind_display().lower()}: {post.title}"
            key = f"wall.match:{post.pk}:post:{other.pk}"
        elif item.kind == "profile" and item.id in people and post.kind == PostKind.NEED:
            recipient = people[item.id]
            title = f"A new need matches your profile: {post.title}"
            key = f"wall.match:{post.pk}:profile"
        else:
            continue
        if recipient.pk == post.author_id or not can_see_post(recipient, post):
            continue
        note = notify(
            recipient=recipient,
            topic="wall.matches",
            kind="wall.match",
            title=title,
            body=f"Match {round(item.score * 100)}/100: {_why(item.reasons)}.",
            url=url,
            actor=post.author,
            key=key,
        )
        sent += note is not None
    return sent
