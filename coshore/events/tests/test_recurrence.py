"""Series expansion in wall-clock time, exclusions, overrides, windows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coshore.events.recurrence import InvalidRule, Override, Series, expand

BERLIN = "Europe/Berlin"


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_weekly_evening_stays_at_19_local_across_daylight_saving_time() -> None:
    # 19:00 Berlin on Thursday 2019-03-21 (CET, UTC+1), weekly: after 31 March it is CEST.
    s = Series(_at(2019, 3, 21, 18), _at(2019, 3, 21, 20), BERLIN, rrule="FREQ=WEEKLY;COUNT=3")
    got = expand(s, _at(2019, 3, 1), _at(2019, 5, 1))
    assert [i.start for i in got] == [
        _at(2019, 3, 21, 18),
        _at(2019, 3, 28, 18),
        _at(2019, 4, 4, 17),
    ]
    assert all((i.end - i.start).total_seconds() == 7200 for i in got)


def test_exdates_and_overrides_replace_or_drop_single_occurrences() -> None:
    s = Series(
        _at(2019, 1, 7, 17), _at(2019, 1, 7, 18), BERLIN, rrule="FREQ=WEEKLY;UNTIL=20190204T225959Z",
        exdates=(_at(2019, 1, 14, 17),),
    )  # fmt: skip
    moved = Override(_at(2019, 1, 21, 17), _at(2019, 1, 22, 17), _at(2019, 1, 22, 18))
    cancelled = Override(_at(2019, 1, 28, 17), _at(2019, 1, 28, 17), _at(2019, 1, 28, 18), True)
    got = expand(s, _at(2019, 1, 1), _at(2019, 3, 1), [moved, cancelled])
    assert [i.start for i in got] == [
        _at(2019, 1, 7, 17),
        _at(2019, 1, 22, 17),
        _at(2019, 2, 4, 17),
    ]
    assert got[1].recurrence_id == _at(2019, 1, 21, 17) and got[1].override is moved


def test_an_occurrence_overlapping_the_window_start_is_in_it() -> None:
    s = Series(_at(2019, 1, 6, 23), _at(2019, 1, 7, 1), "UTC")
    assert len(expand(s, _at(2019, 1, 7), _at(2019, 1, 8))) == 1
    assert expand(s, _at(2019, 1, 7, 1), _at(2019, 1, 8)) == []


def test_an_unreadable_rule_is_refused() -> None:
    s = Series(_at(2019, 1, 7, 17), _at(2019, 1, 7, 18), BERLIN, rrule="FREQ=SOMETIMES")
    with pytest.raises(InvalidRule):
        expand(s, _at(2019, 1, 1), _at(2019, 2, 1))
