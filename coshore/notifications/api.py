"""JSON API of notifications (thin: parse, call, shape). Everything here is the caller's own:
another person's notification is not found."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params import P, QueryEx

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut

from . import selectors, services
from .models import Notification
from .topics import TOPICS, EmailMode

router = Router(tags=["notifications"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class NotificationOut(Schema):
    id: int
    topic: str
    kind: str
    title: str
    body: str
    url: str = Field(..., description="a path on this site, or empty")
    actor: str | None = Field(None, description="who caused it, by display name")
    created_at: dt.datetime
    read_at: dt.datetime | None
    read: bool


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next: str | None = Field(None, description="cursor of the next (older) page, or null")
    unread: int


class UnreadOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[Any] = Field(..., description=f"1 to {services.MAX_IDS} notification ids")


class MarkedOut(Schema):
    marked: int = Field(..., description="how many were unread and are read now")
    unread: int


class TopicOut(Schema):
    key: str
    label: str
    help: str
    default: str
    can_mute: bool


class PreferencesOut(Schema):
    topics: dict[str, str] = Field(..., description="topic: immediate, digest or off")
    available: list[TopicOut]


class PreferencesIn(Schema):
    topics: Any = Field(
        ...,
        description=(
            "object of topic: mode, mode one of immediate, digest, off; topics left out keep "
            "their choice. Unknown topic or mode: 422 notification.invalid_preference."
        ),
        examples=[{"wall.matches": "digest", "bookings": "immediate"}],
    )


def _out(note: Notification) -> dict[str, Any]:
    return {
        "id": note.pk,
        "topic": note.topic,
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "url": note.url,
        "actor": (note.actor.display_name or f"Member {note.actor.pk}") if note.actor else None,
        "created_at": note.created_at,
        "read_at": note.read_at,
        "read": note.read_at is not None,
    }


def _preferences_out(modes: dict[str, EmailMode]) -> dict[str, Any]:
    return {
        "topics": {key: str(mode) for key, mode in modes.items()},
        "available": [
            {
                "key": t.key,
                "label": t.label,
                "help": t.help,
                "default": str(t.default),
                "can_mute": t.can_mute,
            }
            for t in TOPICS.values()
        ],
    }


@router.get("/notifications", response={200: NotificationPageOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_notifications(
    request: HttpRequest,
    unread: bool = False,
    limit: QueryEx[int, P(ge=1, le=selectors.MAX_PAGE)] = 30,
    cursor: QueryEx[str | None, P(max_length=1000)] = None,
) -> Any:
    """Your notifications (with `unread=true` only unread ones), newest first, `limit` at a
    time; `next` is the cursor of the following page or null. `unread` counts all your
    unread ones."""
    page = selectors.page_notifications(
        user=request.user, limit=limit, cursor=cursor, unread_only=unread
    )
    return {
        "items": [_out(n) for n in page.items],
        "next": page.next_cursor,
        "unread": selectors.count_unread(user=request.user),
    }


@router.get("/notifications/unread-count", response={200: UnreadOut, **ERRORS}, auth=AUTH_REQUIRED)
def unread_count(request: HttpRequest) -> Any:
    """How many of your notifications are unread (cheap: poll it)."""
    return {"unread": selectors.count_unread(user=request.user)}


@router.post("/notifications/read", response={200: MarkedOut, **ERRORS}, auth=AUTH_REQUIRED)
def mark_read(request: HttpRequest, payload: MarkReadIn) -> Any:
    """Mark some of your notifications read. All or nothing: an id that is missing or not
    yours is a 404 `notification.not_found` and nothing is marked."""
    marked = services.mark_read(user=request.user, ids=payload.ids)
    return {"marked": marked, "unread": selectors.count_unread(user=request.user)}


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS}, auth=AUTH_REQUIRED)
def mark_all_read(request: HttpRequest) -> Any:
    """Mark every notification of yours read."""
    marked = services.mark_all_read(user=request.user)
    return {"marked": marked, "unread": selectors.count_unread(user=request.user)}


@router.get(
    "/notifications/preferences", response={200: PreferencesOut, **ERRORS}, auth=AUTH_REQUIRED
)
def get_preferences(request: HttpRequest) -> Any:
    """Your email choice per topic (in-app notifications are always kept)."""
    return _preferences_out(selectors.get_preferences(user=request.user))


@router.put(
    "/notifications/preferences", response={200: PreferencesOut, **ERRORS}, auth=AUTH_REQUIRED
)
def set_preferences(request: HttpRequest, payload: PreferencesIn) -> Any:
    """Choose per topic whether its emails come at once, in the daily digest or not at all."""
    return _preferences_out(services.set_preferences(user=request.user, topics=payload.topics))
