"""Occurrences of a series inside a window, the way RFC 5545 defines them. Pure: no ORM.

A series starts at `start` (aware), lasts until `end`, in the IANA zone `tz`; its RRULE is
expanded in that zone's wall-clock time (a weekly 19:00 event stays at 19:00 across daylight
saving time), minus the EXDATE instants, with single occurrences replaced or cancelled by
overrides keyed by their RECURRENCE-ID (the original start). All-day series are expanded by
date. An occurrence is in a window when it overlaps it (an instant event: when it lies in it).
The import's tests check these occurrences against the `recurring_ical_events` library on a
real calendar, week by week.

Semantics, as `recurring_ical_events` reads RFC 5545 (docs/architecture.md, "iCal semantics"):
- DTSTART is always the first occurrence, even off the rule's pattern (COUNT then counts
  only the rule's own occurrences, as dateutil does), unless it lies after UNTIL.
- UNTIL in UTC ("...Z") is compared as an instant; a date UNTIL includes its whole day; for
  an all-day series only the date part of UNTIL counts.
- EXDATE instants remove the occurrence starting at that instant; an EXDATE given as a date
  for a timed series (`exdays`) removes that day's occurrences (in the series' zone).
- An override (RECURRENCE-ID) replaces the occurrence it names, wherever it moves to (into
  or out of a window), even when the rule does not generate that start; an EXDATE on the
  same start wins. A cancelled override removes the occurrence.
- A non-existent wall time (clocks going forward) takes the offset before the change, an
  ambiguous one (clocks going back) the first of the two, like `zoneinfo` with fold=0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

__all__ = [
    "Instance",
    "InvalidRule",
    "Override",
    "Series",
    "expand",
    "last_end",
    "parse_rrule",
    "utc",
]

# A series never yields more than this many occurrences in one window (a guard against an
# RRULE like FREQ=SECONDLY over a year).
MAX_INSTANCES = 5000


class InvalidRule(ValueError):
    """The RRULE cannot be read."""


@dataclass(frozen=True)
class Series:
    start: datetime  # aware
    end: datetime  # aware, after start (all day: the day after the last day, at midnight)
    tz: str
    all_day: bool = False
    rrule: str = ""
    exdates: tuple[datetime, ...] = ()  # aware instants (all day: midnight in tz)
    exdays: tuple[date, ...] = ()  # whole days excluded (an EXDATE;VALUE=DATE), local to tz


@dataclass(frozen=True)
class Override:
    recurrence_id: datetime  # aware: the original start
    start: datetime
    end: datetime
    cancelled: bool = False
    ref: object = None  # what the caller wants back (e.g. the Occurrence row)


@dataclass(frozen=True)
class Instance:
    recurrence_id: datetime  # aware UTC: the original start (names the occurrence)
    start: datetime  # aware UTC
    end: datetime  # aware UTC
    all_day: bool
    override: Override | None = None

    def start_date(self, tz: str) -> date:
        return self.start.astimezone(ZoneInfo(tz)).date()

    def end_date(self, tz: str) -> date:
        """For an all-day occurrence: the day after its last day (iCalendar's DTEND)."""
        return self.end.astimezone(ZoneInfo(tz)).date()


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


_UNTIL = re.compile(r"UNTIL=([0-9TZ]+)", re.I)


def _until_in_wall_time(rule: str, zone: ZoneInfo, all_day: bool) -> str:
    """dateutil wants UNTIL in the same form as DTSTART (naive wall time here): a UTC UNTIL
    ("...Z") becomes the zone's wall time; a date UNTIL covers its whole day."""

    def fix(m: re.Match[str]) -> str:
        raw = m.group(1).upper()
        try:
            if all_day:
                # Only the date counts for a series of dates (UNTIL=20190315T225959Z is the 15th).
                wall = datetime.strptime(raw[:8], "%Y%m%d")
            elif raw.endswith("Z"):
                instant = datetime.strptime(raw, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                wall = instant.astimezone(zone).replace(tzinfo=None)
            elif "T" in raw:
                wall = datetime.strptime(raw, "%Y%m%dT%H%M%S")
            else:
                day = datetime.strptime(raw, "%Y%m%d")
                wall = day if all_day else day + timedelta(days=1, seconds=-1)
        except ValueError as exc:
            raise InvalidRule(f"UNTIL {raw!r} is not a date or a date-time") from exc
        return f"UNTIL={wall:%Y%m%dT%H%M%S}"

    return _UNTIL.sub(fix, rule)


def parse_rrule(rule: str, *, start: datetime, tz: str, all_day: bool = False) -> object:
    """The dateutil rule for `rule` (an RRULE value, with or without "RRULE:") from `start`;
    InvalidRule when it cannot be read."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text or len(text) > 500:
        raise InvalidRule("An RRULE is one line such as FREQ=WEEKLY;BYDAY=TH.")
    zone = ZoneInfo(tz)
    wall = start.astimezone(zone).replace(tzinfo=None)
    try:
        return rrulestr(_until_in_wall_time(text, zone, all_day), dtstart=wall)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise InvalidRule(f"Not a valid RRULE: {exc}") from exc


def _until(rule: object) -> datetime | None:
    return getattr(rule, "_until", None)


def _count(rule: object) -> int | None:
    return getattr(rule, "_count", None)


def _aware(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone).astimezone(UTC)


def _overlaps(start: datetime, end: datetime, lo: datetime, hi: datetime) -> bool:
    if start == end:
        return lo <= start < hi
    return start < hi and end > lo


def expand(
    series: Series,
    lo: datetime,
    hi: datetime,
    overrides: Iterable[Override] = (),
) -> list[Instance]:
    """The occurrences of `series` overlapping [lo, hi), sorted by start."""
    zone = ZoneInfo(series.tz)
    wall_start = series.start.astimezone(zone).replace(tzinfo=None)
    wall_end = series.end.astimezone(zone).replace(tzinfo=None)
    wall_length = wall_end - wall_start
    by_id = {utc(o.recurrence_id): o for o in overrides}
    excluded = {utc(x) for x in series.exdates}
    exdays = set(series.exdays)

    originals: Sequence[datetime]
    if series.rrule:
        rule = parse_rrule(series.rrule, start=series.start, tz=series.tz, all_day=series.all_day)
        # Wall-clock bounds wide enough for any offset and the occurrence's length.
        wall_lo = lo.astimezone(zone).replace(tzinfo=None) - wall_length - timedelta(days=2)
        wall_hi = hi.astimezone(zone).replace(tzinfo=None) + timedelta(days=2)
        found: list[datetime] = []
        for wall in rule.between(wall_lo, wall_hi, inc=True):  # type: ignore[attr-defined]
            found.append(wall)
            if len(found) > MAX_INSTANCES:
                break
        # RFC 5545: DTSTART is always the first occurrence, even off the rule's pattern
        # (unless it lies after UNTIL: then the series is empty).
        until = _until(rule)
        after_until = until is not None and wall_start > until
        if wall_lo <= wall_start <= wall_hi and wall_start not in found and not after_until:
            found.insert(0, wall_start)
        originals = found
    else:
        originals = [wall_start]

    out: list[Instance] = []
    seen: set[datetime] = set()
    for wall in originals:
        rid = _aware(wall, zone)
        if rid in excluded or rid in seen or wall.date() in exdays:
            continue
        seen.add(rid)
        override = by_id.get(rid)
        if override is not None:
            continue  # placed below, wherever it moved to
        start, end = rid, _aware(wall + wall_length, zone)
        if _overlaps(start, end, lo, hi):
            out.append(Instance(rid, start, end, series.all_day))
    for rid, o in by_id.items():
        if o.cancelled or rid in excluded or rid.astimezone(zone).date() in exdays:
            continue
        start, end = utc(o.start), utc(o.end)
        if _overlaps(start, end, lo, hi):
            out.append(Instance(rid, start, end, series.all_day, o))
    out.sort(key=lambda i: (i.start, i.recurrence_id))
    return out[:MAX_INSTANCES]


# A bounded rule with more occurrences than this is treated as unbounded by `last_end`.
_MAX_BOUNDED = 100_000


def last_end(series: Series, overrides: Iterable[Override] = ()) -> datetime | None:
    """When the series' last occurrence ends (overrides included), in UTC; None when the rule
    never ends (no COUNT, no UNTIL). A window starting at or after this holds none of it."""
    zone = ZoneInfo(series.tz)
    ends = [utc(series.end)]
    if series.rrule:
        rule = parse_rrule(series.rrule, start=series.start, tz=series.tz, all_day=series.all_day)
        if _until(rule) is None and _count(rule) is None:
            return None
        wall_start = series.start.astimezone(zone).replace(tzinfo=None)
        wall_length = series.end.astimezone(zone).replace(tzinfo=None) - wall_start
        last: datetime | None = None
        walls: Iterable[datetime] = rule  # type: ignore[assignment]
        for n, wall in enumerate(walls):
            last = wall
            if n > _MAX_BOUNDED:
                return None
        if last is not None:
            ends.append(_aware(last + wall_length, zone))
    ends.extend(utc(o.end) for o in overrides if not o.cancelled)
    return max(ends)
