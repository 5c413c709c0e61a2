"""Reads of notifications, always scoped to their recipient: another person's notification is
not found, exactly like a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from coshore.core.cursor import decode_cursor, encode_cursor
from coshore.core.errors import Invalid

from .errors import NotificationNotFound
from .models import Notification, Preference
from .topics import TOPICS, EmailMode

__all__ = [
    "MAX_ID",
    "MAX_PAGE",
    "NotificationPage",
    "count_unread",
    "get_notification_for_user",
    "get_preferences",
    "list_notifications",
    "page_notifications",
]

MAX_ID = 2**62
MAX_PAGE = 100


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def list_notifications(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The caller's notifications, newest first (nobody else's; none for anonymous)."""
    if not _authenticated(user):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=user.pk).select_related("actor")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def count_unread(*, user: Any) -> int:
    """How many of the caller's notifications are unread: one indexed COUNT."""
    if not _authenticated(user):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def get_notification_for_user(*, user: Any, notification_id: Any) -> Notification:
    """The caller's notification `notification_id`; missing or someone else's is not found."""
    valid = (
        isinstance(notification_id, int)
        and not isinstance(notification_id, bool)
        and 1 <= notification_id <= MAX_ID
    )
    note = list_notifications(user=user).filter(pk=notification_id).first() if valid else None
    if note is None:
        raise NotificationNotFound("No such notification.")
    return note


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    next_cursor: str | None


def _after(cursor: str) -> tuple[datetime, int]:
    values = decode_cursor(cursor, keys=("t", "i"))
    at = parse_datetime(values["t"]) if isinstance(values["t"], str) else None
    pk = values["i"]
    if at is None or not isinstance(pk, int) or isinstance(pk, bool):
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
    return at, pk


def page_notifications(
    *, user: Any, limit: int = 30, cursor: str | None = None, unread_only: bool = False
) -> NotificationPage:
    """One page of the caller's notifications, newest first, keyset-paged on
    (created_at, id) with a signed cursor; two queries at most whatever the page size."""
    limit = max(1, min(limit, MAX_PAGE))
    qs = list_notifications(user=user, unread_only=unread_only)
    if cursor:
        at, pk = _after(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        encode_cursor({"t": rows[-1].created_at.isoformat(), "i": rows[-1].pk}) if more else None
    )
    return NotificationPage(items=rows, next_cursor=next_cursor)


def get_preferences(*, user: Any) -> dict[str, EmailMode]:
    """The caller's email choice for every topic (their own, else the topic's default), in
    the order of topics.TOPICS."""
    chosen: dict[str, str] = {}
    if _authenticated(user):
        chosen = dict(Preference.objects.filter(user_id=user.pk).values_list("topic", "email"))
    result: dict[str, EmailMode] = {}
    for key, topic in TOPICS.items():
        mode = chosen.get(key)
        if mode not in EmailMode.values or (mode == EmailMode.OFF and not topic.can_mute):
            result[key] = topic.default
        else:
            result[key] = EmailMode(mode)
    return result
