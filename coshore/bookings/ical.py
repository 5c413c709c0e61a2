"""RFC 5545 calendars of bookings, built with `icalendar`. Pure: no database, no Django.

Event times are written as local times of the space's zone (`DTSTART;TZID=Europe/Paris:...`),
so a booking keeps its wall-clock time in every calendar client, with a VTIMEZONE for each zone
used. The VTIMEZONE is generated here from the zone's real transitions: every onset is written
as RFC 5545 §3.6.5 asks, in the local time of the offset in force before it (02:00 for the
spring change in Paris, 03:00 for the autumn one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//Coshore//Coshore bookings 1.0//EN"
REFRESH = timedelta(hours=1)  # what clients are asked to poll at
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")

# A zone never changes offset twice within this step (the shortest real gap is weeks).
_SCAN_STEP = timedelta(hours=6)


@dataclass(frozen=True)
class FeedEvent:
    """One booking as a calendar event. Times are aware; `zone` is the space's timezone."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    zone: ZoneInfo
    summary: str
    status: str
    sequence: int
    created: datetime
    last_modified: datetime
    location: str = ""
    description: str = ""
    url: str = ""


def render_calendar(
    *,
    name: str,
    events: Sequence[FeedEvent],
    stamp: datetime,
    zones: Iterable[ZoneInfo] = (),
) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) of `events`, with one VTIMEZONE per zone they use and per
    zone of `zones` (RFC 5545 wants at least one component: an empty feed still has one).

    `stamp` is when the calendar is made (every DTSTAMP). The output has CRLF line endings and
    lines folded at 75 octets.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for zone, first, last in _zone_spans(events, zones, stamp):
        cal.add_component(vtimezone(zone, first, last))
    for event in events:
        cal.add_component(_vevent(event, stamp.astimezone(UTC)))
    return cal.to_ical()


def _zone_spans(
    events: Sequence[FeedEvent], zones: Iterable[ZoneInfo], stamp: datetime
) -> list[tuple[ZoneInfo, date, date]]:
    """Each zone to describe, with a span of whole years covering its events (stable, so the
    VTIMEZONE text is cached). UTC needs none (times end in Z), unless the calendar would
    otherwise have no component at all."""
    wanted = [(e.zone, e.starts_at, e.ends_at) for e in events]
    wanted += [(zone, stamp, stamp) for zone in zones]
    spans: dict[str, tuple[ZoneInfo, int, int]] = {}
    for zone, starts_at, ends_at in wanted:
        if _as_utc_only(zone):
            continue
        low, high = starts_at.year - 1, ends_at.year + 1
        if zone.key in spans:
            _, a, b = spans[zone.key]
            low, high = min(a, low), max(b, high)
        spans[zone.key] = (zone, low, high)
    if not spans and not events and wanted:
        spans["UTC"] = (ZoneInfo("UTC"), stamp.year - 1, stamp.year + 1)
    return [(zone, date(a, 1, 1), date(b, 1, 1)) for zone, a, b in spans.values()]


def _as_utc_only(zone: ZoneInfo) -> bool:
    return zone.key in {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu"}


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    """`value` as a local time of `zone`, or in UTC when the local time is the second of two
    identical wall times (clocks going back): a TZID time always means the first of them."""
    local = value.astimezone(zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return value.astimezone(UTC)
    return local


def _vevent(e: FeedEvent, stamp: datetime) -> icalendar.Event:
    if e.status not in STATUSES:
        raise ValueError(f"unknown event status {e.status!r}")
    zone = ZoneInfo("UTC") if _as_utc_only(e.zone) else e.zone
    event = icalendar.Event()
    event.add("uid", e.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _local(e.starts_at, zone))
    event.add("dtend", _local(e.ends_at, zone))
    event.add("summary", e.summary)
    if e.location:
        event.add("location", e.location)
    if e.description:
        event.add("description", e.description)
    if e.url:
        event.add("url", e.url)
    event.add("status", e.status)
    event.add("sequence", e.sequence)
    event.add("transp", "TRANSPARENT" if e.status == "CANCELLED" else "OPAQUE")
    event.add("created", e.created.astimezone(UTC))
    event.add("last-modified", e.last_modified.astimezone(UTC))
    return event


def vtimezone(zone: ZoneInfo, first: date, last: date) -> icalendar.Timezone:
    """The VTIMEZONE of `zone` valid from `first` to `last` (both 00:00 UTC)."""
    component = icalendar.Timezone.from_ical(_vtimezone_text(zone.key, first, last))
    assert isinstance(component, icalendar.Timezone)
    return component


@lru_cache(maxsize=256)
def _vtimezone_text(key: str, first: date, last: date) -> bytes:
    zone = ZoneInfo(key)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC)
    tz = icalendar.Timezone()
    tz.add("tzid", key)
    local = start.astimezone(zone)
    offset = local.utcoffset() or timedelta()
    # The observance in force when the span starts, then one per change of offset.
    tz.add_component(_observance(local, start, offset, offset))
    for onset, before, after in _onsets(zone, start, end):
        tz.add_component(_observance(onset.astimezone(zone), onset, before, after))
    return tz.to_ical()


def _observance(
    local: datetime, onset: datetime, before: timedelta, after: timedelta
) -> icalendar.cal.Component:
    is_dst = bool(local.dst())
    part: icalendar.cal.Component = (
        icalendar.TimezoneDaylight() if is_dst else icalendar.TimezoneStandard()
    )
    # RFC 5545 §3.6.5: the onset in the local time of the offset it replaces.
    part.add("dtstart", (onset + before).replace(tzinfo=None))
    part.add("tzoffsetfrom", before)
    part.add("tzoffsetto", after)
    part.add("tzname", local.tzname() or _offset_name(after))
    return part


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _offset_at(zone: ZoneInfo, seconds: int) -> timedelta:
    return datetime.fromtimestamp(seconds, UTC).astimezone(zone).utcoffset() or timedelta()


def _onsets(
    zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, timedelta, timedelta]]:
    """Every (instant, offset before, offset after) where `zone` changes offset in the span,
    to the second."""
    out = []
    t = int(start.timestamp())
    stop = int(end.timestamp())
    step = int(_SCAN_STEP.total_seconds())
    offset = _offset_at(zone, t)
    while t < stop:
        n = min(t + step, stop)
        later = _offset_at(zone, n)
        if later != offset:
            lo, hi = t, n
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset_at(zone, mid) == offset:
                    lo = mid
                else:
                    hi = mid
            out.append((datetime.fromtimestamp(hi, UTC), offset, later))
        t, offset = n, later
    return out
