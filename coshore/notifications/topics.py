"""The topics people choose how to hear about. Every notification belongs to one topic; a
person's preference for a topic says whether its emails go out at once, in the daily digest
or not at all (in-app notifications are always kept).

Apps declare their topics here, not the other way round: notifications imports no app, so a
topic is a plain key with a label and a default.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "At once"
    DIGEST = "digest", "In the daily digest"
    OFF = "off", "Never (in-app only)"


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    help: str
    default: EmailMode
    # Mandatory topics (security, money owed) cannot be switched off.
    can_mute: bool = True


TOPICS: dict[str, Topic] = {
    t.key: t
    for t in (
        Topic(
            "bookings",
            "Bookings",
            "Confirmations, cancellations and changes of your bookings.",
            EmailMode.IMMEDIATE,
        ),
        Topic(
            "events",
            "Events",
            "Your registrations, a seat freed for you on a waitlist, changes to events.",
            EmailMode.IMMEDIATE,
        ),
        Topic(
            "wall.matches",
            "New matches on the wall",
            "Offers and needs that match your posts or your profile.",
            EmailMode.DIGEST,
        ),
        Topic(
            "wall.replies",
            "Replies and introductions",
            "Replies to your posts and introductions a community manager makes.",
            EmailMode.IMMEDIATE,
        ),
        Topic(
            "projects",
            "Projects",
            "Invitations, agreements to accept and approvals on your projects.",
            EmailMode.IMMEDIATE,
        ),
        Topic(
            "feed",
            "Feed",
            "Mentions of you, comments on your posts.",
            EmailMode.DIGEST,
        ),
        Topic(
            "feed.reports",
            "Reports in the feeds you moderate",
            "A member asks the moderators to look at a post or a comment (once per item until "
            "it is handled).",
            EmailMode.IMMEDIATE,
        ),
        Topic(
            "messages",
            "Direct messages",
            "Messages other members send you.",
            EmailMode.IMMEDIATE,
        ),
    )
}


def topic_of(key: str) -> Topic:
    try:
        return TOPICS[key]
    except KeyError:
        raise LookupError(f"Unknown notification topic {key!r}") from None
