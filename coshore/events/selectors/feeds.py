"""The rows of a calendar feed, read in three queries whatever its size: the zones to
describe (one aggregate), every override of the feed's events (one query, kept in memory:
they are few), and the events' columns a feed writes, streamed (`iterator`: a server-side
cursor on PostgreSQL, chunks on SQLite), so a feed of 10,000 events never holds them all.

The events are those of `feed_queryset` (the gate, the host, not ended more than FEED_PAST
ago), at most MAX_FEED_EVENTS, the latest starting dropped first; the zones and overrides are
read for the whole set (a zone of a dropped event may be described too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db.models import Case, Count, F, Max, Min, Q, When

from coshore.spaces.models import Network, Space

from ..models import Event, Occurrence
from .occurrences import MAX_FEED_EVENTS, feed_queryset

__all__ = ["FEED_EVENT_FIELDS", "FeedEvent", "FeedOverride", "FeedRows", "feed_rows"]

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"})
# Unbounded series: describe the zone this many years past today.
FUTURE_YEARS = 5


class FeedEvent(NamedTuple):
    """The columns of an event a feed writes (`Event` rows have the same attributes)."""

    pk: int
    uid: str
    title: str
    description: str
    location: str
    kind: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    rrule: str
    exdates: list[str]
    status: str
    sequence: int
    created_at: datetime
    updated_at: datetime
    last_ends_at: datetime | None


FEED_EVENT_FIELDS = tuple("id" if f == "pk" else f for f in FeedEvent._fields)


class FeedOverride(NamedTuple):
    """An override as a feed writes it (blank texts keep the series')."""

    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime
    title: str
    description: str
    location: str
    cancelled: bool


_OVERRIDE_FIELDS = FeedOverride._fields


@dataclass
class FeedRows:
    spans: dict[str, tuple[int, int]]  # zone -> (first year, last year) to describe
    overrides: dict[int, list[FeedOverride]]  # by event id, in RECURRENCE-ID order
    events: Iterator[FeedEvent]  # read as it is consumed


def feed_rows(
    *,
    viewer: Any,
    now: datetime,
    space: Space | None = None,
    network: Network | None = None,
    city: str | None = None,
    event: Event | None = None,
    chunk_size: int = 2000,
) -> FeedRows:
    """The feed's zones and overrides (read now) and its events (read when iterated)."""
    qs = feed_queryset(viewer=viewer, now=now, space=space, network=network, city=city, event=event)
    ids = qs.order_by().values("pk")
    spans: dict[str, tuple[int, int]] = {}
    zones = (
        Event.objects.filter(pk__in=ids, all_day=False)
        .order_by()
        .values("timezone")
        .annotate(
            low=Min("starts_at"),
            high=Max(Case(When(rrule="", then=F("ends_at")), default=F("last_ends_at"))),
            unbounded=Count("pk", filter=~Q(rrule="") & Q(last_ends_at__isnull=True)),
        )
    )
    for row in zones:
        key = row["timezone"] or "UTC"
        if key in UTC_NAMES or row["low"] is None:
            continue
        high = row["high"].astimezone(UTC).year + 1 if row["high"] is not None else None
        if row["unbounded"] or high is None:
            high = max(high or 0, now.year + FUTURE_YEARS)
        low = row["low"].astimezone(UTC).year - 1
        if key in spans:  # "" and "UTC" both mean UTC; any other key comes once
            a, b = spans[key]
            low, high = min(a, low), max(b, high)
        spans[key] = (low, high)
    overrides: dict[int, list[FeedOverride]] = {}
    for event_id, *values in (
        Occurrence.objects.filter(event_id__in=ids)
        .order_by("event_id", "recurrence_id")
        .values_list("event_id", *_OVERRIDE_FIELDS)
    ):
        overrides.setdefault(event_id, []).append(FeedOverride(*values))
    rows = qs[:MAX_FEED_EVENTS].values_list(*FEED_EVENT_FIELDS)
    return FeedRows(
        spans=spans,
        overrides=overrides,
        events=(FeedEvent._make(r) for r in rows.iterator(chunk_size=chunk_size)),
    )
