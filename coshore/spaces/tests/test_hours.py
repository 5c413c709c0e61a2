"""Opening hours: OSM syntax and the French export's text to a regular week."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coshore.spaces.hours import (
    KNOWN,
    UNKNOWN,
    format_weekly_hours,
    normalize_locale_text,
    parse_opening_hours,
)

DASH = "\u2013"  # en dash, as on the pages
FRANCE = Path(__file__).resolve().parents[2] / "data" / "osm" / "coworking_france_osm.geojson"
ALL_WEEK = tuple((day, 0, 1440) for day in range(7))


def weekdays(days: range | list[int], opens: int, closes: int) -> tuple[tuple[int, int, int], ...]:
    return tuple((day, opens, closes) for day in days)


def france_opening_hours() -> list[str]:
    features = json.loads(FRANCE.read_text(encoding="utf-8"))["features"]
    return [
        f["properties"]["opening_hours"] for f in features if f["properties"].get("opening_hours")
    ]


# --- The real data -------------------------------------------------------------------------------


def test_every_france_opening_hours_value_gets_known_weekly_hours():
    values = france_opening_hours()
    assert len(values) == 61
    assert len(set(values)) == 37
    parsed = [parse_opening_hours(v) for v in values]
    assert Counter(p.status for p in parsed) == {KNOWN: 61}
    # 15 are valid OSM syntax as given ("24/7"); the 46 others parse once normalised.
    assert sum(p.normalized == p.raw for p in parsed) == 15
    assert sum("normalised from the French form" in p.note for p in parsed) == 46
    assert all(p.intervals or p.normalized.endswith("off") for p in parsed)


@pytest.mark.parametrize(
    ("raw", "normalized", "intervals"),
    [
        (
            "Lundi-Vendredi 09:00-19:00\nSamedi 10:00-18:00",
            "Mo-Fr 09:00-19:00; Sa 10:00-18:00",
            (*weekdays(range(5), 540, 1140), (5, 600, 1080)),
        ),
        (
            "Lundi-Jeudi 09:00-22:00, Vendredi 09:00-21:00, Samedi, Dimanche 10:30-21:00",
            "Mo-Th 09:00-22:00, Fr 09:00-21:00, Sa,Su 10:30-21:00",
            (*weekdays(range(4), 540, 1320), (4, 540, 1260), *weekdays([5, 6], 630, 1260)),
        ),
        (
            "Lundi-Vendredi 09:00-18:00\nJours feries, Samedi, Dimanche Ferme",
            "Mo-Fr 09:00-18:00; PH,Sa,Su off",
            weekdays(range(5), 540, 1080),
        ),
        (
            "Lundi-Vendredi 08:30-18:00\nSamedi, Dimanche, Jours feries Ferme",
            "Mo-Fr 08:30-18:00; Sa,Su,PH off",
            weekdays(range(5), 510, 1080),
        ),
        (
            "Lundi, Mardi, Jeudi, Vendredi 09:00-12:00, 14:00-18:00",
            "Mo,Tu,Th,Fr 09:00-12:00,14:00-18:00",
            tuple(
                (day, opens, closes)
                for day in (0, 1, 3, 4)
                for opens, closes in ((540, 720), (840, 1080))
            ),
        ),
        (
            'Lundi-Vendredi 09:00-18:00 "visitors", Lundi-Samedi 07:00-22:00 "members"',
            'Mo-Fr 09:00-18:00 "visitors", Mo-Sa 07:00-22:00 "members"',
            weekdays(range(6), 420, 1320),
        ),
        ("Lundi-Vendredi 08:00-00:00", "Mo-Fr 08:00-00:00", weekdays(range(5), 480, 1440)),
        ("Jours feries, Lundi-Dimanche 00:00-24:00", "PH,Mo-Su 00:00-24:00", ALL_WEEK),
        ("Jeudi 20:00+", "Th 20:00+", ((3, 1200, 1440),)),
        ("24/7", "24/7", ALL_WEEK),
    ],
)
def test_real_france_values_give_these_weekly_hours(raw, normalized, intervals):
    parsed = parse_opening_hours(raw)
    assert parsed.status == KNOWN
    assert parsed.raw == raw
    assert parsed.normalized == normalized
    assert parsed.intervals == intervals


def test_notes_say_what_was_normalised_or_kept_as_raw_text():
    assert parse_opening_hours("24/7").note == ""
    assert parse_opening_hours("Lundi-Vendredi 09:00-19:00").note == (
        "normalised from the French form"
    )
    assert parse_opening_hours(
        "Lundi-Vendredi 09:00-18:00\nJours feries, Samedi, Dimanche Ferme"
    ).note == (
        "normalised from the French form; public or school holiday rules kept as raw text only"
    )
    assert parse_opening_hours('Lundi-Vendredi 09:00-19:00 "on appointment"').note == (
        'normalised from the French form; comments kept as raw text: "on appointment"'
    )
    assert parse_opening_hours("Jeudi 20:00+").note == (
        "normalised from the French form; closing time not stated; counted as open until midnight"
    )


# --- OSM syntax ----------------------------------------------------------------------------------


def test_interval_crossing_midnight_is_split_into_two_days():
    assert parse_opening_hours("Su 22:00-02:00").intervals == ((0, 0, 120), (6, 1320, 1440))
    assert parse_opening_hours("Fr 20:00-26:00").intervals == ((4, 1200, 1440), (5, 0, 120))


def test_touching_and_overlapping_intervals_are_merged():
    parsed = parse_opening_hours("Mo 09:00-12:00,12:00-14:00,13:00-15:00; Tu 08:00-09:00")
    assert parsed.intervals == ((0, 540, 900), (1, 480, 540))


def test_later_rule_overrides_a_day_and_off_closes_it():
    parsed = parse_opening_hours("Mo-Su 08:00-20:00; We off; Su 10:00-12:00")
    assert parsed.intervals == (
        (0, 480, 1200),
        (1, 480, 1200),
        (3, 480, 1200),
        (4, 480, 1200),
        (5, 480, 1200),
        (6, 600, 720),
    )


def test_always_closed_is_known_with_no_interval():
    parsed = parse_opening_hours("off")
    assert (parsed.status, parsed.intervals) == (KNOWN, ())


def test_date_rules_keep_the_hours_of_most_of_the_year():
    parsed = parse_opening_hours("Mo-Fr 09:00-18:00; Jul-Aug Mo-Fr 10:00-16:00")
    assert parsed.status == KNOWN
    assert parsed.intervals == weekdays(range(5), 540, 1080)
    assert parsed.note == "hours vary by date; weekly hours are those of 10 months in 12"


def test_public_holidays_never_apply_to_the_regular_week():
    parsed = parse_opening_hours("Mo-Fr 09:00-18:00; PH 10:00-12:00")
    assert parsed.intervals == weekdays(range(5), 540, 1080)
    assert "public or school holiday rules kept as raw text only" in parsed.note


def test_hours_marked_unknown_are_not_known_hours():
    parsed = parse_opening_hours("Mo-Fr 10:00-12:00 unknown")
    assert (parsed.status, parsed.intervals) == (UNKNOWN, ())
    assert parsed.note.startswith("the hours are marked unknown")


def test_english_day_names_and_french_times_are_normalised():
    assert parse_opening_hours("Monday-Friday 08:00-17:00").intervals == weekdays(
        range(5), 480, 1020
    )
    assert parse_opening_hours("Lundi au vendredi 9h-18h30").intervals == weekdays(
        range(5), 540, 1110
    )
    assert normalize_locale_text("Samedi ,  Dimanche 10:00-12:00 , 14:00-16:00") == (
        "Sa,Su 10:00-12:00,14:00-16:00",
        ["French day names"],
    )


# --- What cannot be understood ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_no_opening_hours_is_unknown(raw):
    parsed = parse_opening_hours(raw)
    assert parsed.raw == (raw or "")
    assert (parsed.status, parsed.intervals, parsed.normalized) == (UNKNOWN, (), "")
    assert parsed.note == "no opening hours given"


def test_unparseable_text_is_unknown_with_the_parsers_reason():
    parsed = parse_opening_hours("on appointment")
    assert parsed.status == UNKNOWN
    assert parsed.raw == "on appointment"
    assert (parsed.normalized, parsed.intervals) == ("", ())
    assert parsed.note.startswith("not valid opening_hours syntax at character 1: expected EOI")


def test_text_still_invalid_after_normalising_names_what_was_tried():
    parsed = parse_opening_hours("Lundi: 09:00-18:00")
    assert parsed.status == UNKNOWN
    assert parsed.note.endswith("(after normalising to 'Mo: 09:00-18:00')")


def test_overlong_text_is_unknown():
    parsed = parse_opening_hours("Mo 09:00-10:00; " * 100)
    assert parsed.status == UNKNOWN
    assert parsed.note == "opening hours longer than 1000 characters"


# --- Pages ---------------------------------------------------------------------------------------


def test_format_weekly_hours_gives_one_line_per_day():
    parsed = parse_opening_hours("Mo-Fr 09:00-12:00,14:00-19:00; Sa 10:00-18:00")
    assert format_weekly_hours(parsed.intervals) == [
        ("Mon", f"09:00{DASH}12:00, 14:00{DASH}19:00"),
        ("Tue", f"09:00{DASH}12:00, 14:00{DASH}19:00"),
        ("Wed", f"09:00{DASH}12:00, 14:00{DASH}19:00"),
        ("Thu", f"09:00{DASH}12:00, 14:00{DASH}19:00"),
        ("Fri", f"09:00{DASH}12:00, 14:00{DASH}19:00"),
        ("Sat", f"10:00{DASH}18:00"),
        ("Sun", "closed"),
    ]
    assert format_weekly_hours(ALL_WEEK)[6] == ("Sun", f"00:00{DASH}24:00")
    assert format_weekly_hours([]) == [
        (day, "closed") for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    ]


# --- Properties ----------------------------------------------------------------------------------

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


@st.composite
def simple_rules(draw: st.DrawFn) -> str:
    rules = []
    for _ in range(draw(st.integers(1, 4))):
        first = draw(st.integers(0, 6))
        last = draw(st.integers(first, 6))
        opens = draw(st.integers(0, 47)) * 30
        # may run past midnight; OSM times go up to 48:00
        closes = min(draw(st.integers(1, 60)) * 30 + opens, 48 * 60)
        days = DAYS[first] if first == last else f"{DAYS[first]}-{DAYS[last]}"
        rules.append(
            f"{days} {opens // 60:02d}:{opens % 60:02d}-{closes // 60:02d}:{closes % 60:02d}"
        )
    return "; ".join(rules)


@given(simple_rules())
def test_weekly_intervals_are_sorted_merged_and_within_a_day(raw):
    parsed = parse_opening_hours(raw)
    assert parsed.status == KNOWN
    previous = None
    for weekday, opens, closes in parsed.intervals:
        assert 0 <= weekday <= 6
        assert 0 <= opens < closes <= 1440
        if previous is not None:
            assert (weekday, opens) > previous[:2]
            if weekday == previous[0]:
                assert opens > previous[2]  # merged: a gap between intervals of one day
        previous = (weekday, opens, closes)
