"""Occurrences in a window for `GET /api/v1/events` and the upcoming page: a minimal listing
over `recurrence.expand`, kept private to this app's single-event side until the calendar's
`selectors/occurrences.py` serves the same (then this module delegates to it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from coshore.spaces.models import NetworkSpace

from ..errors import InvalidEvent
from ..models import Event, EventCohost, EventKind, EventStatus, Occurrence
from ..recurrence import Instance, expand
from .events import _override, event_series, visible_events

__all__ = [
    "MAX_WINDOW_DAYS",
    "EventQuery",
    "OccurrenceItem",
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


@dataclass(frozen=True)
class OccurrenceItem:
    event: Event
    instance: Instance


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


def _hosted_in(space_filter: Q) -> Q:
    from coshore.spaces.models import Space

    spaces = Space.objects.filter(space_filter).values("pk")
    return (
        Q(space_id__in=spaces)
        | Q(pk__in=EventCohost.objects.filter(space_id__in=spaces).values("event_id"))
        | Q(
            space__isnull=True,
            network_id__in=NetworkSpace.objects.filter(space_id__in=spaces).values("network_id"),
        )
    )


def list_occurrences_in_window(*, viewer: Any, query: EventQuery) -> list[OccurrenceItem]:
    """Every occurrence of a published event `viewer` may see that overlaps the window,
    series expanded (moved occurrences where they moved to, cancelled ones left out), in
    start order, at most `query.limit`."""
    qs = visible_events(viewer).filter(status=EventStatus.PUBLISHED)
    qs = qs.filter(
        Q(rrule="", starts_at__lt=query.hi, ends_at__gt=query.lo)
        | (~Q(rrule="") & Q(starts_at__lt=query.hi))
        | Q(
            pk__in=Occurrence.objects.filter(starts_at__lt=query.hi, ends_at__gt=query.lo).values(
                "event_id"
            )
        )
    )
    if query.space:
        qs = qs.filter(_hosted_in(Q(slug=query.space)))
    if query.network:
        qs = qs.filter(
            Q(space__isnull=True, network__slug=query.network)
            | _hosted_in(Q(network_links__network__slug=query.network))
        )
    if query.city:
        qs = qs.filter(_hosted_in(Q(city__iexact=query.city)))
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.skill:
        qs = qs.filter(skills__uri=query.skill)
    events = list(qs.select_related("space", "network").order_by("starts_at", "id")[:5000])
    overrides: dict[int, list[Any]] = defaultdict(list)
    series_ids = [e.pk for e in events if e.rrule]
    for row in Occurrence.objects.filter(event_id__in=series_ids):
        overrides[row.event_id].append(_override(row))
    items: list[OccurrenceItem] = []
    for event in events:
        for instance in expand(
            event_series(event), query.lo, query.hi, overrides.get(event.pk, ())
        ):
            items.append(OccurrenceItem(event, instance))
    items.sort(key=lambda i: (i.instance.start, i.event.pk))
    return items[: query.limit]


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
