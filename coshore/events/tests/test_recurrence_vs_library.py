"""Tricky rules, read by our parser and expanded by `recurrence.expand`, against
`recurring_ical_events` on the same text, window by window (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coshore.events.ical.parse import parse_calendar
from coshore.events.recurrence import Override, Series, expand
from coshore.events.selectors.occurrences import exdates_of

from .ical_helpers import BERLIN, berlin_weeks, library_occurrences


def _ours(data: bytes, lo: datetime, hi: datetime) -> set[tuple[str, datetime, datetime]]:
    out = set()
    for e in parse_calendar(data, default_zone="Europe/Berlin").events:
        instants, days = exdates_of(e.exdates)
        series = Series(e.starts_at, e.ends_at, e.timezone, e.all_day, e.rrule, instants, days)
        overrides = [
            Override(o.recurrence_id, o.starts_at, o.ends_at, o.cancelled) for o in e.overrides
        ]
        out |= {(e.uid, i.start, i.end) for i in expand(series, lo, hi, overrides)}
    return out


def _cal(body: str, extra: str = "") -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\n{chunk.strip()}\r\nEND:VEVENT\r\n" for chunk in body.split("---")
    )
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{extra}{events}END:VCALENDAR\r\n"
    ).encode()


def _assert_same(data: bytes, first: date, last: date) -> int:
    seen = 0
    for lo, hi in berlin_weeks(first, last):
        expected = library_occurrences(data, lo, hi)
        assert _ours(data, lo, hi) == expected, lo.date()
        seen += len(expected)
    return seen


CASES = {
    "dtstart-off-pattern-with-count": """UID:a
DTSTART;TZID=Europe/Berlin:20190102T100000
DTEND;TZID=Europe/Berlin:20190102T110000
RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3""",
    "until-in-utc-just-after-the-last-start": """UID:b
DTSTART;TZID=Europe/Berlin:20190107T230000
DTEND;TZID=Europe/Berlin:20190108T010000
RRULE:FREQ=WEEKLY;UNTIL=20190121T220000Z""",
    "until-in-utc-just-before-the-last-start": """UID:c
DTSTART;TZID=Europe/Berlin:20190107T230000
DTEND;TZID=Europe/Berlin:20190108T010000
RRULE:FREQ=WEEKLY;UNTIL=20190121T215959Z""",
    "all-day-series-with-google-until": """UID:d
DTSTART;VALUE=DATE:20190301
DTEND;VALUE=DATE:20190303
RRULE:FREQ=WEEKLY;UNTIL=20190329T225959Z""",
    "all-day-series-with-date-until": """UID:e
DTSTART;VALUE=DATE:20190301
DTEND;VALUE=DATE:20190302
RRULE:FREQ=DAILY;UNTIL=20190305
EXDATE;VALUE=DATE:20190303""",
    "exdate-with-tzid-and-comma-lists-across-dst": """UID:f
DTSTART;TZID=Europe/Berlin:20190318T190000
DTEND;TZID=Europe/Berlin:20190318T210000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Berlin:20190325T190000,20190401T190000
EXDATE:20190408T170000Z""",
    "override-moves-into-the-next-week-and-out-of-its-own": """UID:g
DTSTART;TZID=Europe/Berlin:20190401T100000
DTEND;TZID=Europe/Berlin:20190401T120000
RRULE:FREQ=WEEKLY;COUNT=4
---
UID:g
RECURRENCE-ID;TZID=Europe/Berlin:20190408T100000
DTSTART;TZID=Europe/Berlin:20190416T150000
DTEND;TZID=Europe/Berlin:20190416T170000
SUMMARY:moved
---
UID:g
RECURRENCE-ID:20190415T080000Z
DTSTART;TZID=Europe/Berlin:20190412T080000
DTEND;TZID=Europe/Berlin:20190412T090000""",
    "monthly-last-saturday-and-third-saturday": """UID:h
DTSTART;TZID=Europe/Berlin:20180630T110000
DTEND;TZID=Europe/Berlin:20180630T150000
RRULE:FREQ=MONTHLY;UNTIL=20181123T225959Z;BYDAY=-1SA
---
UID:i
DTSTART;TZID=Europe/Berlin:20181117T110000
DTEND;TZID=Europe/Berlin:20181117T150000
RRULE:FREQ=MONTHLY;BYDAY=3SA;COUNT=5""",
    "utc-series-under-x-wr-timezone-keeps-its-local-hour": """UID:j
DTSTART:20190320T180000Z
DTEND:20190320T190000Z
RRULE:FREQ=WEEKLY;COUNT=3""",
    "floating-series": """UID:k
DTSTART:20191020T090000
DTEND:20191020T100000
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,WE;COUNT=5""",
    "multi-day-event-overlapping-two-weeks": """UID:l
DTSTART:20190309T083000Z
DTEND:20190312T160000Z""",
    "dtstart-after-until-is-empty": """UID:m
DTSTART;TZID=Europe/Berlin:20190310T100000
DTEND;TZID=Europe/Berlin:20190310T110000
RRULE:FREQ=WEEKLY;UNTIL=20190301T000000Z""",
    "bysetpos-last-weekday-of-month": """UID:n
DTSTART;TZID=Europe/Berlin:20190131T170000
DTEND;TZID=Europe/Berlin:20190131T180000
RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=6""",
    "a-time-in-the-skipped-hour": """UID:o
DTSTART;TZID=Europe/Berlin:20190324T023000
DTEND;TZID=Europe/Berlin:20190324T033000
RRULE:FREQ=WEEKLY;COUNT=3""",
    "duration-instead-of-dtend": """UID:p
DTSTART;TZID=Europe/Berlin:20190329T230000
DURATION:PT3H
RRULE:FREQ=DAILY;COUNT=3""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tricky_rules_expand_like_recurring_ical_events(name: str) -> None:
    extra = "X-WR-TIMEZONE:Europe/Berlin\r\n" if name.startswith("utc-series") else ""
    seen = _assert_same(_cal(CASES[name], extra), date(2017, 12, 25), date(2019, 12, 31))
    assert seen > 0 or name == "dtstart-after-until-is-empty"


RULES = st.sampled_from(
    [
        "FREQ=DAILY;COUNT={n}",
        "FREQ=WEEKLY;BYDAY=MO,TH;COUNT={n}",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;COUNT={n}",
        "FREQ=MONTHLY;BYDAY=2TU;COUNT={n}",
        "FREQ=MONTHLY;BYMONTHDAY=31;COUNT={n}",
        "FREQ=WEEKLY;BYDAY=SU;UNTIL={until}",
        "FREQ=DAILY;INTERVAL=3;UNTIL={until}",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=RULES,
    day=st.integers(0, 300),
    minute=st.integers(0, 24 * 60 - 1).map(lambda m: m - m % 15),
    length=st.integers(15, 60 * 30).map(lambda m: m - m % 15),
    n=st.integers(1, 12),
    span=st.integers(1, 120),
    exclude=st.integers(0, 5),
)
def test_random_rules_expand_like_recurring_ical_events(
    rule: str, day: int, minute: int, length: int, n: int, span: int, exclude: int
) -> None:
    start = datetime(2019, 1, 1) + timedelta(days=day, minutes=minute)
    until = (start + timedelta(days=span)).replace(tzinfo=BERLIN).astimezone(UTC)
    text = rule.format(n=n, until=f"{until:%Y%m%dT%H%M%SZ}")
    end = start + timedelta(minutes=length)
    excluded = start + timedelta(days=7 * exclude)
    body = f"""UID:r
DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}
DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}
RRULE:{text}
EXDATE;TZID=Europe/Berlin:{excluded:%Y%m%dT%H%M%S}"""
    data = _cal(body)
    lo = datetime(2018, 12, 31, tzinfo=BERLIN)
    hi = datetime(2020, 2, 1, tzinfo=BERLIN)
    assert _ours(data, lo, hi) == library_occurrences(data, lo, hi)
