"""Occurrences in a window for `GET /api/v1/events` and the upcoming page: the API's query
(`parse_event_query`: its window rules and error codes) read by the calendars' one selector,
`occurrences.list_occurrences`, so the API, the pages and the feeds list the same events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone

from coshore.spaces.selectors import get_network_for_user, get_space_for_user

from ..errors import InvalidEvent
from ..models import Event, EventKind
from ..recurrence import Instance
from .occurrences import OccurrenceView, list_occurrences

__all__ = [
    "MAX_WINDOW_DAYS",
    "EventQuery",
    "list_occurrences_in_window",
    "local_times",
    "parse_event_query",
]

MAX_WINDOW_DAYS = 366
DEFAULT_WINDOW_DAYS = 31
MAX_ITEMS = 1000


class _Params(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...


@dataclass(frozen=True)
class EventQuery:
    lo: datetime
    hi: datetime
    space: str = ""
    network: str = ""
    city: str = ""
    kind: str = ""
    skill: str = ""
    limit: int = 200


def _bound(raw: Any, field: str) -> datetime | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        raise InvalidEvent(
            f"`{field}` is an ISO 8601 date or date-time.",
            code="event.invalid_window",
            detail={"field": field},
        )
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(0), tzinfo=UTC)
        value = datetime.fromisoformat(raw.replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        raise InvalidEvent(
            f"`{field}` is an ISO 8601 date or date-time.",
            code="event.invalid_window",
            detail={"field": field},
        ) from None
    if value.tzinfo is None:
        raise InvalidEvent(
            f"`{field}` needs a UTC offset.", code="event.invalid_window", detail={"field": field}
        )
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidEvent(
            f"`{field}` is out of range.", code="event.invalid_window", detail={"field": field}
        ) from None


def _word(params: _Params, key: str, max_len: int) -> str:
    raw = params.get(key)
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or len(raw) > max_len:
        raise InvalidEvent(
            f"`{key}` is too long.", code="event.invalid_query", detail={"field": key}
        )
    return raw.strip()


def parse_event_query(params: _Params) -> EventQuery:
    """The window (`from`, `to`: ISO dates or date-times; by default the next 31 days, at
    most 366) and the filters `space`, `network`, `city`, `kind`, `skill`, `limit`."""
    lo = _bound(params.get("from"), "from") or timezone.now()
    hi = _bound(params.get("to"), "to") or lo + timedelta(days=DEFAULT_WINDOW_DAYS)
    if hi <= lo:
        raise InvalidEvent(
            "`to` is after `from`.", code="event.invalid_window", detail={"field": "to"}
        )
    if hi - lo > timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidEvent(
            f"A window spans at most {MAX_WINDOW_DAYS} days.",
            code="event.invalid_window",
            detail={"field": "to", "max_days": MAX_WINDOW_DAYS},
        )
    kind = _word(params, "kind", 16)
    if kind and kind not in EventKind.values:
        raise InvalidEvent(
            "Unknown `kind`.",
            code="event.invalid_query",
            detail={"field": "kind", "choices": EventKind.values},
        )
    raw_limit = params.get("limit")
    limit = 200
    if raw_limit not in (None, ""):
        try:
            limit = int(str(raw_limit)[:6])
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_ITEMS:
            raise InvalidEvent(
                f"`limit` is 1 to {MAX_ITEMS}.",
                code="event.invalid_query",
                detail={"field": "limit"},
            )
    return EventQuery(
        lo=lo,
        hi=hi,
        space=_word(params, "space", 120),
        network=_word(params, "network", 80),
        city=_word(params, "city", 120),
        kind=kind,
        skill=_word(params, "skill", 255),
        limit=limit,
    )


def list_occurrences_in_window(*, viewer: Any, query: EventQuery) -> list[OccurrenceView]:
    """What `list_occurrences` (the calendars' read) gives for the query: every occurrence
    `viewer` may see overlapping the window, of a published or cancelled event (marked by its
    `status`), series expanded (moved occurrences where they moved to, cancelled ones left
    out), the events of the space `space` (its own, co-hosted and its networks'), of the
    network `network`, of the city `city`; in start order, at most `query.limit`. An unknown
    space or network is a 404 (`space.not_found`, `network.not_found`), as on its pages."""
    space = get_space_for_user(user=viewer, slug=query.space) if query.space else None
    network = get_network_for_user(user=viewer, slug=query.network) if query.network else None
    return list_occurrences(
        viewer=viewer,
        start=query.lo,
        end=query.hi,
        space=space,
        network=network,
        city=query.city or None,
        kind=query.kind or None,
        skill=query.skill or None,
        limit=query.limit,
    )


def local_times(event: Event, instance: Instance) -> tuple[str, str]:
    """ISO 8601 start and end in the event's zone (with offset); all day: dates, the end
    being the last day."""
    zone = ZoneInfo(event.timezone)
    if event.all_day:
        first = instance.start.astimezone(zone).date()
        last = instance.end.astimezone(zone).date() - timedelta(days=1)
        return first.isoformat(), max(first, last).isoformat()
    return (
        instance.start.astimezone(zone).isoformat(),
        instance.end.astimezone(zone).isoformat(),
    )
