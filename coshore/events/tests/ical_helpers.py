"""Helpers of the calendar tests: the occurrences `recurring_ical_events` computes, mapped
the way the product names them: (uid, start in UTC, end in UTC), dates at midnight in the
calendar's zone.

The real calendar is machBar's (FabLab Potsdam) public calendar, from the test fixtures of
niccokunzmann/python-recurring-ical-events (LGPL-3.0); see ../shared/data/README.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

MACHBAR = (
    Path(__file__).resolve().parents[4] / "shared" / "data" / "machbar_fablab_potsdam_2019.ics"
)
BERLIN = ZoneInfo("Europe/Berlin")


def _utc(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value.astimezone(UTC)
    return datetime.combine(value, datetime.min.time(), zone).astimezone(UTC)


def library_occurrences(
    data: bytes, lo: datetime, hi: datetime, zone: ZoneInfo = BERLIN
) -> set[tuple[str, datetime, datetime]]:
    cal = icalendar.Calendar.from_ical(data)
    return {
        (str(c["UID"]), _utc(c["DTSTART"].dt, zone), _utc(c["DTEND"].dt, zone))
        for c in recurring_ical_events.of(cal).between(lo, hi)
    }


def berlin_weeks(first: date, last: date) -> list[tuple[datetime, datetime]]:
    """Monday 00:00 to Monday 00:00 in Europe/Berlin, covering first..last."""
    monday = first - timedelta(days=first.weekday())
    out = []
    while monday <= last:
        nxt = monday + timedelta(days=7)
        out.append(
            (
                datetime.combine(monday, datetime.min.time(), BERLIN),
                datetime.combine(nxt, datetime.min.time(), BERLIN),
            )
        )
        monday = nxt
    return out


def body_of(response: Any) -> bytes:
    """A response's body, whole (the calendars' feeds are streamed)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)
