"""Helpers shared by the events services: input parsing, the event lock, notifications."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from coshore.accounts.models import User
from coshore.core.errors import Unauthenticated
from coshore.notifications.services import notify

from ..errors import InvalidEvent
from ..models import Event
from ..selectors import occurrence_key

MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_LOCATION = 300
MAX_URL = 500
MAX_TAGS = 20
MAX_TAG = 40
MAX_SKILLS = 20
MAX_CAPACITY = 100_000
# An event lasts at most this long (a conference of a few weeks, not a season).
MAX_LENGTH = timedelta(days=31)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def require_user(user: Any) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user  # type: ignore[no-any-return]


def text(value: Any, *, field: str, max_len: int, required: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidEvent(f"`{field}` must be text.", detail={"field": field})
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidEvent(f"`{field}` is required.", detail={"field": field})
    if len(cleaned) > max_len:
        raise InvalidEvent(
            f"`{field}` is longer than {max_len} characters.",
            detail={"field": field, "max_length": max_len},
        )
    return cleaned


def choice(value: Any, *, field: str, choices: list[str]) -> str:
    if value not in choices:
        raise InvalidEvent(
            f"`{field}` is one of: {', '.join(choices)}.",
            detail={"field": field, "choices": choices},
        )
    return str(value)


def zone(name: Any) -> str:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise InvalidEvent(
            "`timezone` is an IANA zone such as Europe/Paris.", detail={"field": "timezone"}
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidEvent(
            f"Unknown timezone {name[:64]!r}.", detail={"field": "timezone"}
        ) from None
    return name


def when(value: Any, *, field: str, all_day: bool, tz: str, end: bool = False) -> datetime:
    """An instant from an aware datetime or its ISO 8601 text. For an all-day event a date
    (or the date of a datetime) means midnight in `tz`; an all-day end date is the last day,
    kept as the midnight after it (iCalendar's exclusive DTEND)."""
    if isinstance(value, str):
        raw = value.strip()
        if len(raw) > 40:
            raise InvalidEvent(f"`{field}` is not a date.", detail={"field": field})
        try:
            value = (
                date.fromisoformat(raw)
                if len(raw) == 10
                else datetime.fromisoformat(raw.replace("Z", "+00:00"))
            )
        except ValueError:
            raise InvalidEvent(
                f"`{field}` is not an ISO 8601 date-time (e.g. 2026-05-04T19:00:00+02:00).",
                code="event.invalid_datetime",
                detail={"field": field},
            ) from None
    if all_day:
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            raise InvalidEvent(f"`{field}` is a date.", detail={"field": field})
        day = value + timedelta(days=1) if end else value
        try:
            out = datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)
        except (OverflowError, ValueError):
            raise InvalidEvent(f"`{field}` is out of range.", detail={"field": field}) from None
    else:
        if not isinstance(value, datetime):
            raise InvalidEvent(
                f"`{field}` is a date-time with a UTC offset.",
                code="event.naive_datetime",
                detail={"field": field},
            )
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidEvent(
                f"`{field}` needs a UTC offset (ISO 8601, e.g. 2026-05-04T19:00:00+02:00).",
                code="event.naive_datetime",
                detail={"field": field},
            )
        try:
            out = value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise InvalidEvent(f"`{field}` is out of range.", detail={"field": field}) from None
    if not EARLIEST <= out < LATEST:
        raise InvalidEvent(
            f"`{field}` is out of range.", code="event.invalid_datetime", detail={"field": field}
        )
    return out


def times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidEvent(
            "An event ends after it starts.",
            code="event.ends_before_start",
            detail={"field": "ends_at"},
        )
    if ends_at - starts_at > MAX_LENGTH:
        raise InvalidEvent(
            "An event lasts at most 31 days; repeat it with a rule instead.",
            code="event.too_long",
            detail={"field": "ends_at", "max_days": 31},
        )


def capacity(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CAPACITY:
        raise InvalidEvent(
            f"`capacity` is a number of seats from 1 to {MAX_CAPACITY}, or empty for no limit.",
            detail={"field": "capacity"},
        )
    return value


def tags(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(t, str) for t in value):
        raise InvalidEvent("`tags` is a list of words.", detail={"field": "tags"})
    out = list(dict.fromkeys(" ".join(t.split()).lower() for t in value if t.strip()))
    if len(out) > MAX_TAGS or any(len(t) > MAX_TAG for t in out):
        raise InvalidEvent(
            f"At most {MAX_TAGS} tags of {MAX_TAG} characters.",
            detail={"field": "tags", "max": MAX_TAGS},
        )
    return out


def url(value: Any, *, required: bool) -> str:
    cleaned = text(value, field="online_url", max_len=MAX_URL)
    if required and not cleaned:
        raise InvalidEvent(
            "An online or hybrid event needs its link.", detail={"field": "online_url"}
        )
    if cleaned and not (cleaned.startswith("https://") or cleaned.startswith("http://")):
        raise InvalidEvent("`online_url` is an http(s) link.", detail={"field": "online_url"})
    if any(c.isspace() for c in cleaned):
        raise InvalidEvent("`online_url` is an http(s) link.", detail={"field": "online_url"})
    return cleaned


def lock_event(event: Event) -> Event:
    """The event's row, locked until the transaction ends: registrations, cancellations and
    capacity changes of one event take turns, so seat counts and waitlist order are exact.
    (SQLite's IMMEDIATE transactions already hold the database's write lock.)"""
    assert transaction.get_connection().in_atomic_block
    current = Event.objects.select_for_update().get(pk=event.pk)
    # The hosts never change; keep the ones the caller loaded (no query for activities).
    for name in ("space", "network"):
        if name in event._state.fields_cache:
            current._state.fields_cache[name] = event._state.fields_cache[name]
    return current


def event_url(event: Event, recurrence_id: datetime | None = None) -> str:
    return f"/events/{occurrence_key(event, recurrence_id)}/"


def tell(
    *, people: Any, event: Event, kind: str, title: str, body: str, url: str, actor: Any, key: str
) -> None:
    """Notify each person once (topic `events`)."""
    seen: set[int] = set()
    for person in people:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        notify(
            recipient=person,
            topic="events",
            kind=kind,
            title=title,
            body=body,
            url=url,
            actor=actor,
            key=f"{key}:{person.pk}" if key else "",
        )
