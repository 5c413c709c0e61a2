"""The feed writer as it was before `ical/export.py` wrote lines by hand (built with `icalendar`):
the reference the tests compare the fast writer with. Original docstring:

RFC 5545 calendars of events, built with `icalendar` (no database queries here: callers
pass events with their overrides prefetched).

A series is one VEVENT with its RRULE and EXDATE, its times as local times of its zone
(`DTSTART;TZID=Europe/Berlin:...`, so a weekly 19:00 stays at 19:00 in every client), each
override a VEVENT of the same UID with RECURRENCE-ID; all-day events are dates
(`VALUE=DATE`). One VTIMEZONE per zone used, generated from the zone's real transitions over
the years the events cover (`coshore.bookings.ical.vtimezone`). The online link is never
written (it is for registered people only). `icalendar` folds lines at 75 octets and ends
them with CRLF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from coshore.bookings.ical import vtimezone
from coshore.events.models import Event, EventStatus, Occurrence
from coshore.events.selectors.occurrences import OccurrenceView, exdates_of

__all__ = ["PRODID", "render_events", "render_occurrences"]

PRODID = "-//Coshore//Coshore events 1.0//EN"
REFRESH = timedelta(hours=1)
# Unbounded series: describe the zone this many years past today.
_FUTURE_YEARS = 5
_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"}

UrlOf = Callable[[Event], str]


def _zone(event: Event) -> ZoneInfo:
    return ZoneInfo(event.timezone or "UTC")


def _is_utc(zone: ZoneInfo) -> bool:
    return zone.key in _UTC_NAMES


def _when(value: datetime, event: Event) -> datetime | date:
    """A time as written: a date for all-day events, UTC for UTC events, else local."""
    zone = _zone(event)
    if event.all_day:
        return value.astimezone(zone).date()
    if _is_utc(zone):
        return value.astimezone(UTC)
    return value.astimezone(zone)


def _uid(event: Event, host: str) -> str:
    return event.uid or f"coshore-event-{event.pk}@{host}"


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    return cal


def _add_zones(
    cal: icalendar.Calendar, spans: dict[str, tuple[int, int]], stamp: datetime, fallback: str
) -> None:
    if not spans and not _is_utc(ZoneInfo(fallback)):
        spans[fallback] = (stamp.year - 1, stamp.year + 1)
    for key in sorted(spans):
        low, high = spans[key]
        cal.add_component(vtimezone(ZoneInfo(key), date(low, 1, 1), date(high + 1, 1, 1)))


def _widen(spans: dict[str, tuple[int, int]], event: Event, last: datetime | None) -> None:
    zone = _zone(event)
    if _is_utc(zone) or event.all_day:
        return
    low = event.starts_at.year - 1
    high = last.year + 1 if last is not None else datetime.now(UTC).year + _FUTURE_YEARS
    if zone.key in spans:
        a, b = spans[zone.key]
        low, high = min(a, low), max(b, high)
    spans[zone.key] = (low, high)


def _common(
    vevent: icalendar.Event,
    event: Event,
    *,
    stamp: datetime,
    host: str,
    url: str,
    title: str,
    description: str,
    location: str,
) -> None:
    vevent.add("uid", _uid(event, host))
    vevent.add("dtstamp", stamp)
    vevent.add("summary", title)
    if description:
        vevent.add("description", description)
    if location:
        vevent.add("location", location)
    if url:
        vevent.add("url", url)
    vevent.add("categories", [event.get_kind_display()])
    vevent.add("sequence", event.sequence)
    vevent.add("created", event.created_at.astimezone(UTC))
    vevent.add("last-modified", event.updated_at.astimezone(UTC))


def _status(event: Event, cancelled: bool = False) -> str:
    return "CANCELLED" if cancelled or event.status == EventStatus.CANCELLED else "CONFIRMED"


def _series(event: Event, *, stamp: datetime, host: str, url: str) -> list[icalendar.Event]:
    vevent = icalendar.Event()
    _common(
        vevent,
        event,
        stamp=stamp,
        host=host,
        url=url,
        title=event.title,
        description=event.description,
        location=event.location,
    )
    vevent.add("dtstart", _when(event.starts_at, event))
    vevent.add("dtend", _when(event.ends_at, event))
    vevent.add("status", _status(event))
    vevent.add("transp", "TRANSPARENT" if event.all_day else "OPAQUE")
    out = [vevent]
    if not event.rrule:
        return out
    vevent.add("rrule", icalendar.vRecur.from_ical(event.rrule))
    instants, days = exdates_of(event.exdates)
    if instants:
        vevent.add("exdate", [_when(x, event) for x in sorted(instants)])
    if days:
        vevent.add("exdate", sorted(days))
    overrides: Iterable[Occurrence] = event.overrides.all()
    for o in overrides:
        part = icalendar.Event()
        _common(
            part,
            event,
            stamp=stamp,
            host=host,
            url=url,
            title=o.title or event.title,
            description=o.description or event.description,
            location=o.location or event.location,
        )
        part.add("recurrence-id", _when(o.recurrence_id, event))
        part.add("dtstart", _when(o.starts_at, event))
        part.add("dtend", _when(o.ends_at, event))
        part.add("status", _status(event, o.cancelled))
        out.append(part)
    return out


def render_events(
    *, name: str, events: Sequence[Event], stamp: datetime, url_of: UrlOf, host: str, zone: str
) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) of whole events: series with their rules, exclusions and
    overrides. `zone` is the calendar's own (its VTIMEZONE is written even when empty)."""
    cal = _calendar(name)
    stamp = stamp.astimezone(UTC)
    spans: dict[str, tuple[int, int]] = {}
    for event in events:
        _widen(spans, event, event.last_ends_at if event.rrule else event.ends_at)
    _add_zones(cal, spans, stamp, zone)
    for event in events:
        for vevent in _series(event, stamp=stamp, host=host, url=url_of(event)):
            cal.add_component(vevent)
    return cal.to_ical()


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
    cal = _calendar(name)
    stamp = stamp.astimezone(UTC)
    spans: dict[str, tuple[int, int]] = {}
    for occ in occurrences:
        _widen(spans, occ.event, occ.ends_at)
    _add_zones(cal, spans, stamp, zone)
    for occ in occurrences:
        event = occ.event
        vevent = icalendar.Event()
        _common(
            vevent,
            event,
            stamp=stamp,
            host=host,
            url=url_of(event),
            title=occ.title,
            description=occ.description,
            location=occ.location,
        )
        if event.rrule:
            vevent.add("recurrence-id", _when(occ.instance.recurrence_id, event))
        vevent.add("dtstart", _when(occ.starts_at, event))
        vevent.add("dtend", _when(occ.ends_at, event))
        vevent.add("status", _status(event))
        cal.add_component(vevent)
    return cal.to_ical()
