"""Working-hours overlap across timezones, around clock changes and midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coshore.wall.matching.features import WorkWindow
from coshore.wall.matching.scoring import next_weekday, overlap_hours

PARIS = WorkWindow("Europe/Paris")
NEW_YORK = WorkWindow("America/New_York")


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 1, 14), 3.0),  # both on standard time: 14:00-17:00 UTC
        (date(2026, 3, 10), 4.0),  # New York moved on 8 March, Paris not yet: 13:00-17:00 UTC
        (date(2026, 3, 31), 3.0),  # both on summer time: 13:00-16:00 UTC
        (date(2026, 10, 28), 4.0),  # Paris back on 25 October, New York on 1 November
        (date(2026, 11, 4), 3.0),
    ],
)
def test_paris_new_york_through_the_clock_changes(day, hours):
    assert overlap_hours(PARIS, NEW_YORK, day) == hours
    assert overlap_hours(NEW_YORK, PARIS, day) == hours


def test_the_day_of_a_clock_change_itself():
    # Sunday 29 March 2026, 02:00 -> 03:00 in Paris; 09:00-18:00 is then 07:00-16:00 UTC.
    assert overlap_hours(PARIS, WorkWindow("UTC"), date(2026, 3, 29)) == 7.0  # 09:00-16:00 UTC
    assert overlap_hours(PARIS, WorkWindow("UTC", 0, 24), date(2026, 3, 29)) == 9.0
    # A window across the skipped hour is an hour shorter (00:00-06:00 local lasts 5 h).
    assert overlap_hours(WorkWindow("Europe/Paris", 0, 6), WorkWindow("UTC", 0, 24), date(2026, 3, 29)) == 5.0  # fmt: skip


def test_across_the_date_line_the_neighbouring_day_counts():
    # Tokyo 09:00-18:00 = 00:00-09:00 UTC; Los Angeles 09:00-18:00 PST = 17:00-02:00 UTC of
    # the day before.
    tokyo, la = WorkWindow("Asia/Tokyo"), WorkWindow("America/Los_Angeles")
    assert overlap_hours(tokyo, la, date(2026, 1, 14)) == 2.0
    assert overlap_hours(la, tokyo, date(2026, 1, 14)) == 2.0


def test_overnight_windows():
    night = WorkWindow("Europe/Paris", 22, 6)  # 21:00-05:00 UTC in winter
    assert overlap_hours(night, WorkWindow("UTC", 0, 3), date(2026, 1, 14)) == 3.0
    assert overlap_hours(night, WorkWindow("UTC", 20, 22), date(2026, 1, 14)) == 1.0
    assert overlap_hours(night, PARIS, date(2026, 1, 14)) == 0.0


def test_same_zone_and_partial_windows():
    assert overlap_hours(PARIS, PARIS, date(2026, 1, 14)) == 9.0
    assert overlap_hours(PARIS, WorkWindow("Europe/Berlin", 14, 20), date(2026, 1, 14)) == 4.0
    assert overlap_hours(PARIS, WorkWindow("Asia/Jerusalem"), date(2026, 7, 14)) == 8.0


def test_unknown_zones():
    assert overlap_hours(PARIS, WorkWindow("Nowhere/Town"), date(2026, 1, 14)) is None
    assert overlap_hours(WorkWindow(""), PARIS, date(2026, 1, 14)) is None


def test_next_weekday():
    assert next_weekday(date(2026, 1, 17)) == date(2026, 1, 19)  # Saturday -> Monday
    assert next_weekday(date(2026, 1, 14)) == date(2026, 1, 14)
    assert datetime(2026, 1, 14, tzinfo=UTC).date().weekday() == 2
