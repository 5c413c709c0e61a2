"""RFC 5545 calendars of events, written line by line (`lines`): no database queries here,
callers pass the events' rows and their overrides.

A series is one VEVENT with its RRULE (as stored) and EXDATE, its times as local times of its
zone (`DTSTART;TZID=Europe/Berlin:...`, so a weekly 19:00 stays at 19:00 in every client),
each override a VEVENT of the same UID with RECURRENCE-ID; all-day events are dates
(`VALUE=DATE`); events in UTC are written in the `Z` form. One VTIMEZONE per zone used,
generated from the zone's real transitions over the years the events cover
(`coshore.bookings.ical.vtimezone`, the only part built with `icalendar`). The online link is
never written (it is for registered people only).

`stream_events` yields the calendar in chunks of octets (a feed of 10,000 events never sits
in memory whole); an event whose zone has no VTIMEZONE (one saved between the zones' query
and the events' query) is written in UTC rather than with a TZID no one describes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from coshore.bookings.ical import vtimezone

from ..models import EventKind, EventStatus
from ..selectors.feeds import FUTURE_YEARS, UTC_NAMES, FeedEvent, FeedOverride
from ..selectors.occurrences import OccurrenceView, exdates_of
from . import lines

__all__ = [
    "PRODID",
    "FeedEvent",
    "FeedOverride",
    "Spans",
    "render_events",
    "render_occurrences",
    "stream_events",
    "widen",
]

PRODID = "-//Coshore//Coshore events 1.0//EN"
REFRESH = timedelta(hours=1)
_KINDS = dict(EventKind.choices)
_CHUNK = 200  # VEVENTs per chunk of the stream

# A zone's key -> (first year, last year) to describe in its VTIMEZONE.
Spans = dict[str, tuple[int, int]]


class EventLike(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def uid(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def all_day(self) -> bool: ...
    @property
    def rrule(self) -> str: ...
    @property
    def exdates(self) -> Any: ...
    @property
    def status(self) -> str: ...
    @property
    def sequence(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def last_ends_at(self) -> datetime | None: ...


UrlOf = Callable[[int], str]


def _is_utc(key: str) -> bool:
    return key in UTC_NAMES


def widen(spans: Spans, event: EventLike, last: datetime | None, now: datetime) -> None:
    """Add to `spans` the years `event` needs described (`last`: when it ends, None for an
    unbounded series). UTC and all-day events need no VTIMEZONE."""
    key = event.timezone or "UTC"
    if _is_utc(key) or event.all_day:
        return
    low = event.starts_at.year - 1
    high = last.year + 1 if last is not None else now.year + FUTURE_YEARS
    if key in spans:
        a, b = spans[key]
        low, high = min(a, low), max(b, high)
    spans[key] = (low, high)


class _Writer:
    """Formats the properties of one calendar (its stamp, host and described zones)."""

    def __init__(self, *, stamp: datetime, host: str, url_of: UrlOf, described: set[str]):
        self.stamp_line = "DTSTAMP:" + lines.utc(stamp)
        self.host = host
        self.url_of = url_of
        self.described = described
        self._zones: dict[str, ZoneInfo | None] = {}

    def zone(self, key: str) -> ZoneInfo | None:
        """The zone times are written in; None for UTC (`Z` form)."""
        try:
            return self._zones[key]
        except KeyError:
            zone = None if _is_utc(key) or key not in self.described else ZoneInfo(key)
            self._zones[key] = zone
            return zone

    def when(self, value: datetime, event: EventLike) -> str:
        """A DATE or DATE-TIME with its parameters and colon: `;TZID=...:...`, `:...Z` or
        `;VALUE=DATE:...`."""
        key = event.timezone or "UTC"
        if event.all_day:
            return ";VALUE=DATE:" + lines.day(value.astimezone(ZoneInfo(key)).date())
        zone = self.zone(key)
        if zone is None:
            return ":" + lines.utc(value)
        return f";TZID={lines.param(key)}:" + lines.local(value.astimezone(zone))

    def exdates(self, event: EventLike) -> list[str]:
        instants, days = exdates_of(event.exdates)
        out = []
        if instants:
            key = event.timezone or "UTC"
            if event.all_day:
                zone = ZoneInfo(key)
                values = [lines.day(x.astimezone(zone).date()) for x in sorted(instants)]
                out.append("EXDATE;VALUE=DATE:" + ",".join(values))
            elif (local := self.zone(key)) is None:
                out.append("EXDATE:" + ",".join(lines.utc(x) for x in sorted(instants)))
            else:
                values = [lines.local(x.astimezone(local)) for x in sorted(instants)]
                out.append(f"EXDATE;TZID={lines.param(key)}:" + ",".join(values))
        if days:
            out.append("EXDATE;VALUE=DATE:" + ",".join(lines.day(d) for d in sorted(days)))
        return out

    def common(self, event: EventLike) -> list[str]:
        """The properties every VEVENT of `event` shares (not its texts)."""
        uid = event.uid or f"coshore-event-{event.pk}@{self.host}"
        out = ["UID:" + lines.text(uid), self.stamp_line]
        url = self.url_of(event.pk)
        if url:
            out.append("URL:" + lines.uri(url))
        out.append("CATEGORIES:" + lines.text(_KINDS.get(event.kind, event.kind)))
        out.append(f"SEQUENCE:{int(event.sequence)}")
        out.append("CREATED:" + lines.utc(event.created_at))
        out.append("LAST-MODIFIED:" + lines.utc(event.updated_at))
        return out

    @staticmethod
    def texts(title: str, description: str, location: str) -> list[str]:
        out = ["SUMMARY:" + lines.text(title)]
        if description:
            out.append("DESCRIPTION:" + lines.text(description))
        if location:
            out.append("LOCATION:" + lines.text(location))
        return out

    def series(self, event: EventLike, overrides: Sequence[FeedOverride]) -> Iterator[str]:
        """The VEVENT of `event` (with RRULE and EXDATE for a series), then its overrides'."""
        common = self.common(event)
        cancelled = event.status == EventStatus.CANCELLED
        yield "BEGIN:VEVENT"
        yield from common
        yield from self.texts(event.title, event.description, event.location)
        yield "DTSTART" + self.when(event.starts_at, event)
        yield "DTEND" + self.when(event.ends_at, event)
        yield "STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED"
        yield "TRANSP:TRANSPARENT" if event.all_day else "TRANSP:OPAQUE"
        if event.rrule:
            yield "RRULE:" + _rrule(event.rrule)
            yield from self.exdates(event)
        yield "END:VEVENT"
        if not event.rrule:
            return
        for o in overrides:
            yield "BEGIN:VEVENT"
            yield from common
            yield from self.texts(
                o.title or event.title,
                o.description or event.description,
                o.location or event.location,
            )
            yield "RECURRENCE-ID" + self.when(o.recurrence_id, event)
            yield "DTSTART" + self.when(o.starts_at, event)
            yield "DTEND" + self.when(o.ends_at, event)
            yield "STATUS:CANCELLED" if cancelled or o.cancelled else "STATUS:CONFIRMED"
            yield "END:VEVENT"


def _rrule(value: str) -> str:
    """The stored RRULE as written (validated when stored); line breaks cannot pass."""
    return lines.strip_controls(value).strip()


def _head(name: str, spans: Spans, stamp: datetime, fallback: str) -> bytes:
    out = [
        "BEGIN:VCALENDAR",
        "PRODID:" + lines.text(PRODID),
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:" + lines.text(name),
        "X-WR-CALNAME:" + lines.text(name),
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    head = b"".join(lines.fold(line) for line in out)
    if not spans and not _is_utc(fallback):
        spans = {fallback: (stamp.year - 1, stamp.year + 1)}
    zones = b"".join(
        vtimezone(ZoneInfo(key), date(low, 1, 1), date(high + 1, 1, 1)).to_ical()
        for key, (low, high) in sorted(spans.items())
    )
    return head + zones


_TAIL = lines.fold("END:VCALENDAR")


def stream_events(
    *,
    name: str,
    events: Iterable[EventLike],
    overrides: Mapping[int, Sequence[FeedOverride]],
    spans: Spans,
    stamp: datetime,
    url_of: UrlOf,
    host: str,
    zone: str,
) -> Iterator[bytes]:
    """A VCALENDAR (METHOD:PUBLISH) of whole events, in chunks: series with their rules,
    exclusions and `overrides` (by event id). `spans` says which zones to describe (see
    `widen`); `zone` is the calendar's own (its VTIMEZONE is written even when empty)."""
    stamp = stamp.astimezone(UTC)
    yield _head(name, spans, stamp, zone)
    writer = _Writer(stamp=stamp, host=host, url_of=url_of, described=set(spans))
    fold = lines.fold
    chunk: list[bytes] = []
    for n, event in enumerate(events, 1):
        chunk.extend(fold(line) for line in writer.series(event, overrides.get(event.pk, ())))
        if n % _CHUNK == 0:
            yield b"".join(chunk)
            chunk = []
    chunk.append(_TAIL)
    yield b"".join(chunk)


def render_events(
    *,
    name: str,
    events: Sequence[EventLike],
    overrides: Mapping[int, Sequence[FeedOverride]],
    stamp: datetime,
    url_of: UrlOf,
    host: str,
    zone: str,
) -> bytes:
    """`stream_events` of a list, whole (the zones' spans taken from the list)."""
    spans: Spans = {}
    now = datetime.now(UTC)
    for event in events:
        widen(spans, event, event.last_ends_at if event.rrule else event.ends_at, now)
    return b"".join(
        stream_events(
            name=name,
            events=events,
            overrides=overrides,
            spans=spans,
            stamp=stamp,
            url_of=url_of,
            host=host,
            zone=zone,
        )
    )


def render_occurrences(
    *,
    name: str,
    occurrences: Sequence[OccurrenceView],
    stamp: datetime,
    url_of: UrlOf,
    host: str,
    zone: str,
) -> bytes:
    """A VCALENDAR of single occurrences (a person's own calendar: only the occurrences they
    registered for). An occurrence of a series keeps the series' UID and its RECURRENCE-ID."""
    stamp = stamp.astimezone(UTC)
    spans: Spans = {}
    now = datetime.now(UTC)
    for occ in occurrences:
        widen(spans, occ.event, occ.ends_at, now)
    writer = _Writer(stamp=stamp, host=host, url_of=url_of, described=set(spans))
    out = [_head(name, spans, stamp, zone)]
    for occ in occurrences:
        event = occ.event
        cancelled = event.status == EventStatus.CANCELLED
        props = ["BEGIN:VEVENT", *writer.common(event)]
        props += writer.texts(occ.title, occ.description, occ.location)
        if event.rrule:
            props.append("RECURRENCE-ID" + writer.when(occ.instance.recurrence_id, event))
        props.append("DTSTART" + writer.when(occ.starts_at, event))
        props.append("DTEND" + writer.when(occ.ends_at, event))
        props.append("STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED")
        props.append("END:VEVENT")
        out.extend(lines.fold(line) for line in props)
    out.append(_TAIL)
    return b"".join(out)
