"""Reading an iCalendar file into plain series and overrides. Pure: no ORM, no Django.

What a VEVENT becomes (docs/architecture.md, "iCal semantics"):
- Times with a TZID keep their wall-clock time in that zone: an IANA name as it is, a Windows
  (Outlook, Exchange) name through `WINDOWS_ZONES`, a prefixed name such as
  "/mozilla.org/20050126_1/Europe/Berlin" by its IANA tail. An unknown TZID is read through
  the file's own VTIMEZONE (icalendar does it) and the event is set in the default zone.
- UTC times ("...Z") are instants. With X-WR-TIMEZONE (Google Calendar's calendar zone) they
  are set in that zone, so a weekly UTC series keeps its local hour, as Google and
  `recurring_ical_events` read it; without it a UTC series repeats in UTC.
- Floating times (no TZID, no Z) and dates are read in X-WR-TIMEZONE, else in the zone given
  by the caller (the space's).
- DTEND, else DTSTART + DURATION, else one day for a date and no length for a time (an
  instant; stored as lasting one minute since events have a length).
- RRULE as written (checked with dateutil), EXDATE from every property and comma list,
  RECURRENCE-ID makes an override of the series with that UID, STATUS:CANCELLED cancels the
  series (or, on an override, that one occurrence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import icalendar

from ..recurrence import InvalidRule, parse_rrule

__all__ = [
    "MAX_BYTES",
    "MAX_EVENTS",
    "NotACalendar",
    "ParsedCalendar",
    "ParsedEvent",
    "ParsedOverride",
    "TooLarge",
    "iana_zone",
    "parse_calendar",
]

MAX_BYTES = 5 * 1024 * 1024
MAX_EVENTS = 10_000
INSTANT_LENGTH = timedelta(minutes=1)

# Windows zone names seen in Outlook and Exchange exports (CLDR windowsZones, territory 001).
WINDOWS_ZONES = {
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kiev",
    "GTB Standard Time": "Europe/Bucharest",
    "Russian Standard Time": "Europe/Moscow",
    "Turkey Standard Time": "Europe/Istanbul",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Alaskan Standard Time": "America/Anchorage",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Atlantic Standard Time": "America/Halifax",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Buenos_Aires",
    "India Standard Time": "Asia/Calcutta",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "Singapore Standard Time": "Asia/Singapore",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "New Zealand Standard Time": "Pacific/Auckland",
    "South Africa Standard Time": "Africa/Johannesburg",
    "Egypt Standard Time": "Africa/Cairo",
    "Arabian Standard Time": "Asia/Dubai",
    "Israel Standard Time": "Asia/Jerusalem",
    "UTC": "UTC",
    "Coordinated Universal Time": "UTC",
}

_CATEGORY_KINDS = {
    "talk": "talk",
    "vortrag": "talk",
    "lecture": "talk",
    "workshop": "workshop",
    "hackathon": "hackathon",
    "pitch": "pitch",
    "meetup": "meetup",
    "stammtisch": "meetup",
    "conference": "conference",
    "konferenz": "conference",
    "open day": "open_day",
    "open house": "open_day",
    "tag der offenen tür": "open_day",
}


class NotACalendar(ValueError):
    """The bytes are not an iCalendar file with events, or an event cannot be read."""

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.detail = detail


class TooLarge(ValueError):
    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.detail = detail


@dataclass
class ParsedOverride:
    recurrence_id: datetime  # UTC
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    title: str
    description: str
    location: str
    cancelled: bool
    sequence: int


@dataclass
class ParsedEvent:
    uid: str
    title: str
    description: str
    location: str
    kind: str
    timezone: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    all_day: bool
    rrule: str
    exdates: list[str]  # ISO UTC instants, or YYYY-MM-DD for whole excluded days
    cancelled: bool
    sequence: int
    last_modified: datetime | None
    url: str = ""
    overrides: list[ParsedOverride] = field(default_factory=list)


@dataclass
class ParsedCalendar:
    name: str
    timezone: str  # the calendar's zone (X-WR-TIMEZONE or the default)
    events: list[ParsedEvent]
    # Overrides whose series is not in the file: kept as events on their own.
    orphans: int = 0

    @property
    def series(self) -> int:
        return sum(1 for e in self.events if e.rrule)

    @property
    def override_count(self) -> int:
        return sum(len(e.overrides) for e in self.events)

    @property
    def exclusion_count(self) -> int:
        return sum(len(e.exdates) for e in self.events)


@lru_cache(maxsize=1)
def _iana() -> frozenset[str]:
    return frozenset(available_timezones())


def iana_zone(tzid: str | None) -> str | None:
    """The IANA name for a TZID as calendar programs write them, or None."""
    if not tzid:
        return None
    name = tzid.strip().strip('"')
    if name in _iana():
        return name
    if name in WINDOWS_ZONES:
        return WINDOWS_ZONES[name]
    parts = name.strip("/").split("/")
    for i in range(1, len(parts)):
        tail = "/".join(parts[i:])
        if tail in _iana():
            return tail
    return None


def _text(component: Any, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()[:limit]


class _Times:
    """Turns DTSTART-like properties into (UTC instant, zone name, is a date)."""

    def __init__(self, calendar_zone: str | None, default_zone: str) -> None:
        self.calendar_zone = calendar_zone
        self.floating_zone = calendar_zone or default_zone

    def read(self, prop: Any, uid: str, name: str) -> tuple[datetime, str, bool]:
        value = getattr(prop, "dt", None)
        if isinstance(value, datetime):
            tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
            return self.instant(value, tzid)
        if isinstance(value, date):
            zone = self.floating_zone
            return (
                datetime.combine(value, datetime.min.time(), ZoneInfo(zone)).astimezone(UTC),
                zone,
                True,
            )
        raise NotACalendar(f"The event {uid} has no readable {name}.", uid=uid, field=name)

    def instant(self, value: datetime, tzid: str | None) -> tuple[datetime, str, bool]:
        if value.tzinfo is None:
            zone = self.floating_zone
            return value.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC), zone, False
        mapped = iana_zone(tzid) if tzid else None
        if mapped is not None:
            wall = value.replace(tzinfo=None)
            return wall.replace(tzinfo=ZoneInfo(mapped)).astimezone(UTC), mapped, False
        offset = value.utcoffset()
        if tzid is None and offset == timedelta(0):
            # A UTC time: the calendar's zone decides how a series repeats (see above).
            return value.astimezone(UTC), self.calendar_zone or "UTC", False
        key = getattr(value.tzinfo, "key", None)
        if key and key in _iana():
            return value.astimezone(UTC), key, False
        # An unknown TZID read through the file's VTIMEZONE: the instant is right.
        return value.astimezone(UTC), self.floating_zone, False


def _exdates(component: Any, times: _Times, all_day: bool, uid: str) -> list[str]:
    props = component.get("EXDATE")
    if props is None:
        return []
    if not isinstance(props, list):
        props = [props]
    out: list[str] = []
    for prop in props:
        tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
        for item in getattr(prop, "dts", []):
            value = item.dt
            if isinstance(value, datetime):
                instant, _, _ = times.instant(value, tzid)
                out.append(instant.isoformat().replace("+00:00", "Z"))
            elif isinstance(value, date):
                if all_day:
                    zone = ZoneInfo(times.floating_zone)
                    midnight = datetime.combine(value, datetime.min.time(), zone)
                    out.append(midnight.astimezone(UTC).isoformat().replace("+00:00", "Z"))
                else:
                    out.append(value.isoformat())
    return sorted(set(out))


def _end(component: Any, start: datetime, zone: str, all_day: bool, times: _Times, uid: str):
    if component.get("DTEND") is not None:
        end, _, _ = times.read(component["DTEND"], uid, "DTEND")
        if all_day:
            # A date end is midnight in the event's own zone.
            end_date = component["DTEND"].dt
            if isinstance(end_date, date) and not isinstance(end_date, datetime):
                end = datetime.combine(end_date, datetime.min.time(), ZoneInfo(zone)).astimezone(
                    UTC
                )
    elif component.get("DURATION") is not None:
        length = component["DURATION"].dt
        if not isinstance(length, timedelta):
            raise NotACalendar(f"The event {uid} has a bad DURATION.", uid=uid, field="DURATION")
        # Wall-clock arithmetic in the event's zone, as RFC 5545 asks for nominal durations.
        local = start.astimezone(ZoneInfo(zone)).replace(tzinfo=None) + length
        end = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    else:
        end = start + (timedelta(days=1) if all_day else timedelta(0))
    if end < start:
        start, end = end, start
    if end == start:
        end = start + (timedelta(days=1) if all_day else INSTANT_LENGTH)
    return start, end


def _kind(component: Any) -> str:
    raw = component.get("CATEGORIES")
    if raw is None:
        return "other"
    values = raw if isinstance(raw, list) else [raw]
    for value in values:
        for category in getattr(value, "cats", [value]):
            kind = _CATEGORY_KINDS.get(str(category).strip().lower())
            if kind:
                return kind
    return "other"


def _sequence(component: Any) -> int:
    try:
        return max(0, int(component.get("SEQUENCE", 0)))
    except (TypeError, ValueError):
        return 0


def _last_modified(component: Any) -> datetime | None:
    prop = component.get("LAST-MODIFIED")
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _uid(component: Any) -> str:
    uid = str(component.get("UID", "")).strip()
    if not uid:
        raise NotACalendar("An event has no UID.", field="UID")
    if len(uid) > 255:
        raise NotACalendar("An event's UID is longer than 255 characters.", uid=uid[:80])
    return uid


def parse_calendar(data: bytes, *, default_zone: str) -> ParsedCalendar:
    """The events of an iCalendar file. NotACalendar when it is not one (or has no events,
    or an event cannot be read: a bad RRULE, no DTSTART); TooLarge above MAX_BYTES or
    MAX_EVENTS."""
    if len(data) > MAX_BYTES:
        raise TooLarge(
            f"The calendar is larger than {MAX_BYTES // (1024 * 1024)} MB.",
            bytes=len(data),
            limit=MAX_BYTES,
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise NotACalendar("This is not an iCalendar file (it must begin with BEGIN:VCALENDAR).")
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise NotACalendar(f"The calendar cannot be read: {exc}") from exc
    if not calendars or calendars[0].name != "VCALENDAR":
        raise NotACalendar("This is not an iCalendar file.")
    cal = calendars[0]
    calendar_zone = iana_zone(str(cal.get("X-WR-TIMEZONE", "")) or None)
    times = _Times(calendar_zone, default_zone)
    name = _text(cal, "X-WR-CALNAME", 200) or _text(cal, "NAME", 200)
    vevents = [c for c in cal.walk("VEVENT")]
    if not vevents:
        raise NotACalendar("The calendar has no events.")
    if len(vevents) > MAX_EVENTS:
        raise TooLarge(
            f"The calendar has more than {MAX_EVENTS} events.",
            events=len(vevents),
            limit=MAX_EVENTS,
        )

    cores: dict[str, tuple[ParsedEvent, int]] = {}
    pending: list[tuple[str, ParsedOverride, ParsedEvent]] = []
    for component in vevents:
        uid = _uid(component)
        if component.get("DTSTART") is None:
            raise NotACalendar(f"The event {uid} has no DTSTART.", uid=uid, field="DTSTART")
        start, zone, all_day = times.read(component["DTSTART"], uid, "DTSTART")
        start, end = _end(component, start, zone, all_day, times, uid)
        cancelled = str(component.get("STATUS", "")).upper() == "CANCELLED"
        parsed = ParsedEvent(
            uid=uid,
            title=_text(component, "SUMMARY", 200) or "(untitled)",
            description=_text(component, "DESCRIPTION", 10_000),
            location=_text(component, "LOCATION", 300),
            kind=_kind(component),
            timezone=zone,
            starts_at=start,
            ends_at=end,
            all_day=all_day,
            rrule="",
            exdates=_exdates(component, times, all_day, uid),
            cancelled=cancelled,
            sequence=_sequence(component),
            last_modified=_last_modified(component),
            url=_text(component, "URL", 500),
        )
        if component.get("RECURRENCE-ID") is not None:
            rid, _, _ = times.read(component["RECURRENCE-ID"], uid, "RECURRENCE-ID")
            override = ParsedOverride(
                recurrence_id=rid,
                starts_at=start,
                ends_at=end,
                title=parsed.title,
                description=parsed.description,
                location=parsed.location,
                cancelled=cancelled,
                sequence=parsed.sequence,
            )
            pending.append((uid, override, parsed))
            continue
        rules = component.get("RRULE")
        if rules is not None:
            if isinstance(rules, list):
                if len(rules) > 1:
                    raise NotACalendar(
                        f"The event {uid} has more than one RRULE.", uid=uid, field="RRULE"
                    )
                rules = rules[0]
            text = rules.to_ical().decode("utf-8", "replace")
            try:
                parse_rrule(text, start=start, tz=zone, all_day=all_day)
            except InvalidRule as exc:
                raise NotACalendar(
                    f"The event {uid} has an invalid RRULE: {exc}", uid=uid, field="RRULE"
                ) from exc
            parsed.rrule = text
        previous = cores.get(uid)
        # The same UID twice: the higher SEQUENCE wins (a later copy on a tie).
        if previous is None or parsed.sequence >= previous[1]:
            cores[uid] = (parsed, parsed.sequence)

    orphans = 0
    for uid, override, as_event in pending:
        core = cores.get(uid)
        if core is None:
            # An override whose series is not in the file stands as an event of its own.
            orphans += 1
            cores[uid] = (as_event, as_event.sequence)
            continue
        series = core[0]
        if not series.rrule:
            continue  # RECURRENCE-ID on a single event: nothing to override
        same = [o for o in series.overrides if o.recurrence_id == override.recurrence_id]
        if same and same[0].sequence > override.sequence:
            continue
        series.overrides = [o for o in series.overrides if o is not (same[0] if same else None)]
        series.overrides.append(override)
    events = [parsed for parsed, _ in cores.values()]
    for event in events:
        event.overrides.sort(key=lambda o: o.recurrence_id)
    return ParsedCalendar(
        name=name, timezone=calendar_zone or default_zone, events=events, orphans=orphans
    )
