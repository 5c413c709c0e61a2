"""The wall's pure rules: zones, windows and their overlap, languages, expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from coshore.wall import rules

PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 3, 2)


def test_knows_iana_zones_only() -> None:
    assert rules.is_valid_zone("Europe/Paris")
    assert not rules.is_valid_zone("Europe/Pariss")
    assert not rules.is_valid_zone("")
    assert not rules.is_valid_zone("../../etc/passwd")
    assert not rules.is_valid_zone("x" * 100)


def test_a_window_runs_forward_within_the_day() -> None:
    assert rules.is_valid_window(9, 18)
    assert rules.is_valid_window(0, 24)
    assert not rules.is_valid_window(18, 9)
    assert not rules.is_valid_window(9, 9)
    assert not rules.is_valid_window(-1, 5)
    assert not rules.is_valid_window(9, 25)


def test_same_zone_windows_overlap_by_their_intersection() -> None:
    assert rules.overlap_hours((PARIS, 9, 18), (PARIS, 14, 20), day=MONDAY) == 4.0


def test_paris_and_new_york_share_three_hours() -> None:
    # 09-18 Paris (UTC+1 in March before the switch) and 09-18 New York (UTC-5 until 8 March).
    assert rules.overlap_hours((PARIS, 9, 18), (NEW_YORK, 9, 18), day=MONDAY) == 3.0


def test_paris_and_tokyo_share_one_office_hour() -> None:
    # Tokyo 09-18 is 00-09 UTC; Paris 09-18 is 08-17 UTC.
    assert rules.overlap_hours((PARIS, 9, 18), (TOKYO, 9, 18), day=MONDAY) == 1.0
    assert rules.overlap_hours((PARIS, 14, 18), (TOKYO, 9, 18), day=MONDAY) == 0.0


def test_windows_meet_across_midnight() -> None:
    # Tokyo 01:00-09:00 is Paris 17:00-01:00 the day before: one hour with 09-18 Paris.
    assert rules.overlap_hours((PARIS, 9, 18), (TOKYO, 1, 9), day=MONDAY) == 1.0


def test_a_clock_change_day_counts_real_hours() -> None:
    # 29 March 2026: Paris skips 02:00-03:00, so 00:00-06:00 lasts five hours.
    assert rules.overlap_hours((PARIS, 0, 6), (PARIS, 0, 6), day=date(2026, 3, 29)) == 5.0


@given(
    a=st.tuples(st.integers(0, 23), st.integers(1, 24)).filter(lambda t: t[0] < t[1]),
    b=st.tuples(st.integers(0, 23), st.integers(1, 24)).filter(lambda t: t[0] < t[1]),
)
def test_overlap_is_symmetric_and_bounded(a: tuple[int, int], b: tuple[int, int]) -> None:
    one = rules.overlap_hours((PARIS, *a), (NEW_YORK, *b), day=MONDAY)
    two = rules.overlap_hours((NEW_YORK, *b), (PARIS, *a), day=MONDAY)
    assert one == two
    assert 0 <= one <= min(a[1] - a[0], b[1] - b[0])


def test_languages_are_iso_639_1_without_repeats() -> None:
    assert rules.normalise_languages(["EN", " fr", "en"]) == ["en", "fr"]
    assert rules.normalise_languages(["english"]) is None
    assert rules.normalise_languages(["xx"]) is None
    assert (
        rules.normalise_languages(
            ["en"] * 3 + ["fr", "de", "es", "it", "pt", "nl", "pl", "sv", "da", "fi"]
        )
        is None
    )
    assert rules.encode_languages(["en", "fr"]) == ",en,fr,"
    assert rules.encode_languages([]) == ""


def test_expiry_is_in_the_future_and_within_180_days() -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert rules.expiry_problem(now + timedelta(days=30), now) is None
    assert rules.expiry_problem(now - timedelta(seconds=1), now) == "The expiry is in the past."
    assert rules.expiry_problem(now, now) == "The expiry is in the past."
    assert rules.expiry_problem(now + timedelta(days=181), now) == "A post expires within 180 days."
    assert rules.default_expiry(now) == now + timedelta(days=30)


def test_next_weekday_skips_the_weekend() -> None:
    assert rules.next_weekday(date(2026, 3, 7)) == date(2026, 3, 9)
    assert rules.next_weekday(MONDAY) == MONDAY
