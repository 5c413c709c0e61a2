"""Rules: month bounds, dates, quotas, the visit's hours, honour rate and the ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coshore.passes.rules import (
    WORKDAY,
    build_ledger,
    date_problem,
    honour_rate,
    month_bounds,
    parse_month,
    quota_problem,
    visit_window,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12", date(2026, 12, 1)),
        ("2027-01", date(2027, 1, 1)),
        ("1900-01", date(1900, 1, 1)),
        ("9000-12", date(9000, 12, 1)),
        ("2026-13", None),
        ("2026-00", None),
        ("1899-12", None),
        ("9001-01", None),
        ("2026-1", None),
        ("2026-12-01", None),
        (" 2026-12", None),
        ("2026-12\n", None),
        ("", None),
        ("abcd-ef", None),
        ("\uff12\uff10\uff12\uff16-\uff11\uff12", None),  # full-width digits: ASCII only
    ],
)
def test_parse_month(raw: str, expected: date | None) -> None:
    assert parse_month(raw) == expected


def test_month_bounds_cover_one_month_including_december() -> None:
    assert month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert month_bounds(date(2028, 2, 29)) == (date(2028, 2, 1), date(2028, 3, 1))
    assert month_bounds(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 2, 1))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)))
def test_month_bounds_contain_the_day_and_nothing_of_other_months(day: date) -> None:
    first, following = month_bounds(day)
    assert first <= day < following
    assert first.day == 1 and following.day == 1
    assert (first - timedelta(days=1)).month != first.month
    assert (following - timedelta(days=1)).month == first.month
    assert parse_month(first.strftime("%Y-%m")) == first


def test_date_problem() -> None:
    today = date(2026, 12, 10)
    assert date_problem(today, today, 60) is None
    assert date_problem(today + timedelta(days=60), today, 60) is None
    assert date_problem(today + timedelta(days=61), today, 60) == "pass.beyond_horizon"
    assert date_problem(today - timedelta(days=1), today, 60) == "pass.in_the_past"


def test_quota_problem_checks_the_member_first_then_the_host() -> None:
    ok = {"free_days_per_month": 3, "host_monthly_quota": 10}
    assert quota_problem(**ok, member_used=2, host_used=9) is None
    assert quota_problem(**ok, member_used=3, host_used=0) == "pass.free_days_exhausted"
    assert quota_problem(**ok, member_used=0, host_used=10) == "pass.quota_exhausted"
    assert quota_problem(**ok, member_used=3, host_used=10) == "pass.free_days_exhausted"
    assert (
        quota_problem(free_days_per_month=0, host_monthly_quota=0, member_used=0, host_used=0)
        == "pass.free_days_exhausted"
    )


@given(
    free=st.integers(0, 31),
    quota=st.integers(0, 1000),
    requests=st.lists(st.booleans(), max_size=60),
)
def test_granting_while_quota_allows_never_exceeds_either_quota(
    free: int, quota: int, requests: list[bool]
) -> None:
    """Requests arrive one by one, each from the member (True) or someone else (False)."""
    member_used = host_used = 0
    for from_member in requests:
        used = member_used if from_member else 0
        if quota_problem(
            free_days_per_month=free,
            member_used=used,
            host_monthly_quota=quota,
            host_used=host_used,
        ):
            continue
        host_used += 1
        member_used += from_member
    assert member_used <= free
    assert host_used <= quota


def test_honour_rate() -> None:
    assert honour_rate(0, 0) is None
    assert honour_rate(1, 1) == 1.0
    assert honour_rate(1, 4) == 0.25
    assert honour_rate(0, 3) == 0.0


@pytest.mark.parametrize(
    ("intervals", "known", "expected"),
    [
        ([], False, WORKDAY),
        ([(1, 540, 1080)], True, (540, 1080)),
        ([(1, 480, 1200)], True, (540, 1080)),  # clipped to the working day
        ([(1, 0, 1440)], True, (540, 1080)),  # round the clock
        ([(1, 600, 720), (1, 840, 1140)], True, (840, 1080)),  # the longer afternoon
        ([(1, 1140, 1380)], True, (1140, 1380)),  # evenings only
        ([(2, 540, 1080)], True, None),  # closed on Tuesdays
    ],
)
def test_visit_window(intervals: list[tuple[int, int, int]], known: bool, expected: object) -> None:
    assert visit_window(intervals, 1, hours_known=known) == expected


def test_visit_window_ties_go_to_the_earlier_span() -> None:
    assert visit_window([(0, 540, 660), (0, 840, 960)], 0, hours_known=True) == (540, 660)


def test_ledger_counts_visits_per_pair_and_space() -> None:
    paris, lyon, nice = 1, 2, 3
    ledger = build_ledger(
        [
            (paris, lyon, "accepted", 2),
            (paris, lyon, "declined", 1),
            (paris, lyon, "cancelled", 4),
            (lyon, paris, "accepted", 1),
            (nice, lyon, "requested", 1),
            (nice, paris, "expired", 1),
        ]
    )
    assert ledger.pairs == {(paris, lyon): 2, (lyon, paris): 1}
    assert ledger.total_visits == 3
    by_id = {s.space_id: s for s in ledger.spaces}
    assert [s.space_id for s in ledger.spaces] == [paris, lyon, nice]
    lyon_row = by_id[lyon]
    assert (lyon_row.given, lyon_row.received, lyon_row.balance) == (2, 1, 1)
    assert (lyon_row.requests, lyon_row.accepted, lyon_row.declined, lyon_row.pending) == (
        4,
        2,
        1,
        1,
    )
    assert lyon_row.honour_rate == 0.5
    paris_row = by_id[paris]
    assert (paris_row.given, paris_row.received, paris_row.requests) == (1, 2, 2)
    assert paris_row.honour_rate == 0.5
    nice_row = by_id[nice]
    assert (nice_row.given, nice_row.received, nice_row.requests) == (0, 0, 0)
    assert nice_row.honour_rate is None


STATUSES = st.sampled_from(["requested", "accepted", "declined", "cancelled", "expired"])


@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.integers(1, 6), STATUSES, st.integers(0, 20)).filter(
            lambda r: r[0] != r[1]
        ),
        max_size=40,
    )
)
def test_every_visit_given_is_a_visit_received(rows: list[tuple[int, int, str, int]]) -> None:
    ledger = build_ledger(rows)
    accepted = sum(n for _, _, s, n in rows if s == "accepted" and n > 0)
    assert ledger.total_visits == accepted
    assert sum(s.given for s in ledger.spaces) == accepted
    assert sum(s.received for s in ledger.spaces) == accepted
    assert sum(s.balance for s in ledger.spaces) == 0
    for s in ledger.spaces:
        assert s.accepted == s.given
        assert s.accepted + s.declined + s.pending <= s.requests
        if s.requests:
            assert s.honour_rate is not None and 0.0 <= s.honour_rate <= 1.0
        else:
            assert s.honour_rate is None
