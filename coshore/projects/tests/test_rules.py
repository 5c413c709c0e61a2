"""Pure rules: exact payouts by largest remainder, budget warnings, shared working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coshore.projects.rules import (
    budget_warnings,
    compute_payouts,
    fits_minor_unit,
    largest_remainder,
    minor_digits,
    minor_unit,
    next_weekday,
    shared_working_hours,
)

CURRENCIES = ["EUR", "JPY", "KWD", "USD", "CLF"]


def test_minor_units_follow_iso_4217() -> None:
    assert [minor_digits(c) for c in ["EUR", "JPY", "KWD", "BHD", "CLF", "ILS"]] == [
        2,
        0,
        3,
        3,
        4,
        2,
    ]
    assert minor_unit("EUR") == Decimal("0.01")
    assert minor_unit("JPY") == Decimal("1")
    assert fits_minor_unit(Decimal("10.50"), "EUR")
    assert not fits_minor_unit(Decimal("10.505"), "EUR")
    assert fits_minor_unit(Decimal("10.505"), "KWD")
    assert not fits_minor_unit(Decimal("10.5"), "JPY")


def test_largest_remainder_gives_leftover_units_to_largest_remainders() -> None:
    # 100 units in thirds: 33.33 each; one unit left goes to the first (ties to the earlier).
    assert largest_remainder(100, [Fraction(1)] * 3) == [34, 33, 33]
    # 10 units as 0.15/0.25/0.6 -> 1.5, 2.5, 6: remainders .5 and .5 tie, earlier wins.
    assert largest_remainder(10, [Fraction(15), Fraction(25), Fraction(60)]) == [2, 2, 6]
    assert largest_remainder(0, [Fraction(1), Fraction(2)]) == [0, 0]
    with pytest.raises(ValueError):
        largest_remainder(5, [Fraction(0), Fraction(0)])


def test_worked_example_with_coordinator_pool_and_hours() -> None:
    """1,000.00 EUR; coordinator 10 %, pool 5 %, 85 % by hours 30 and 10."""
    lines = compute_payouts(
        income=Decimal("1000.00"),
        currency="EUR",
        coordinator="ana",
        coordinator_share=Decimal("10"),
        pool_share=Decimal("5"),
        hours=[("ana", Decimal("30")), ("ben", Decimal("10"))],
    )
    assert [(ln.member, ln.role, ln.hours, ln.amount) for ln in lines] == [
        ("ana", "coordinator", None, Decimal("100.00")),
        (None, "pool", None, Decimal("50.00")),
        ("ana", "hours", Decimal("30"), Decimal("637.50")),
        ("ben", "hours", Decimal("10"), Decimal("212.50")),
    ]


def test_rounding_cents_go_where_the_remainders_are_largest() -> None:
    """100.00 EUR in thirds by hours: 33.34 + 33.33 + 33.33, never 99.99 or 100.02."""
    lines = compute_payouts(
        income=Decimal("100.00"),
        currency="EUR",
        coordinator="a",
        coordinator_share=Decimal("0"),
        pool_share=Decimal("0"),
        hours=[("a", Decimal("1")), ("b", Decimal("1")), ("c", Decimal("1"))],
    )
    assert [ln.amount for ln in lines] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_yen_has_no_decimals_and_dinar_three() -> None:
    yen = compute_payouts(
        income=Decimal("1000"),
        currency="JPY",
        coordinator="a",
        coordinator_share=Decimal("12.5"),
        pool_share=Decimal("0"),
        hours=[("a", Decimal("1")), ("b", Decimal("2"))],
    )
    assert [ln.amount for ln in yen] == [Decimal("125"), Decimal("292"), Decimal("583")]
    dinar = compute_payouts(
        income=Decimal("1.000"),
        currency="KWD",
        coordinator="a",
        coordinator_share=Decimal("0"),
        pool_share=Decimal("0"),
        hours=[("a", Decimal("1")), ("b", Decimal("1")), ("c", Decimal("1"))],
    )
    assert [ln.amount for ln in dinar] == [Decimal("0.334"), Decimal("0.333"), Decimal("0.333")]


def test_refuses_impossible_inputs() -> None:
    kwargs = dict(currency="EUR", coordinator="a", pool_share=Decimal("0"))
    with pytest.raises(ValueError):
        compute_payouts(income=Decimal("10"), coordinator_share=Decimal("101"), hours=[], **kwargs)
    with pytest.raises(ValueError):
        compute_payouts(income=Decimal("10.001"), coordinator_share=Decimal("10"),
                        hours=[("a", Decimal(1))], **kwargs)  # fmt: skip
    with pytest.raises(ValueError):
        compute_payouts(income=Decimal("10"), coordinator_share=Decimal("10"), hours=[], **kwargs)
    # All to the coordinator needs no hours at all.
    lines = compute_payouts(
        income=Decimal("10"), coordinator_share=Decimal("100"), hours=[], **kwargs
    )
    assert [(ln.role, ln.amount) for ln in lines] == [("coordinator", Decimal("10.00"))]


percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
hours_st = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def split_cases(draw: st.DrawFn) -> dict:
    currency = draw(st.sampled_from(CURRENCIES))
    units = draw(st.integers(min_value=0, max_value=10**12))
    income = Decimal(units) * minor_unit(currency)
    coordinator_share = draw(percent)
    pool_share = draw(percent.filter(lambda p: p + coordinator_share <= 100))
    n = draw(st.integers(min_value=1, max_value=12))
    hours = [(f"m{i}", draw(hours_st)) for i in range(n)]
    if sum(h for _, h in hours) == 0:
        hours[0] = ("m0", Decimal("0.25"))
    return {
        "income": income,
        "currency": currency,
        "coordinator": draw(st.sampled_from([m for m, _ in hours])),
        "coordinator_share": coordinator_share,
        "pool_share": pool_share,
        "hours": hours,
    }


@settings(max_examples=400, deadline=None)
@given(split_cases())
def test_payouts_add_up_exactly_and_are_fair_to_the_unit(case: dict) -> None:
    lines = compute_payouts(**case)
    unit = minor_unit(case["currency"])
    # The parts add up exactly to the income, none is negative, each is whole minor units.
    assert sum((ln.amount for ln in lines), Decimal(0)) == case["income"]
    assert all(ln.amount >= 0 and fits_minor_unit(ln.amount, case["currency"]) for ln in lines)
    # Largest remainder: each part is within one minor unit of its exact share.
    assert all(abs(Fraction(ln.amount) - ln.exact) < Fraction(unit) for ln in lines)
    # The coordinator receives exactly the coordinator share, up to the rounding unit.
    coordinator = [ln for ln in lines if ln.role == "coordinator"]
    expected = Fraction(case["income"]) * Fraction(case["coordinator_share"]) / 100
    got = sum((Fraction(ln.amount) for ln in coordinator), Fraction(0))
    assert abs(got - expected) < Fraction(unit)
    pool = sum((Fraction(ln.amount) for ln in lines if ln.role == "pool"), Fraction(0))
    assert abs(pool - Fraction(case["income"]) * Fraction(case["pool_share"]) / 100) < Fraction(
        unit
    )
    # Members with more hours never receive less for their hours.
    by_hours = sorted((ln for ln in lines if ln.role == "hours"), key=lambda ln: ln.hours)
    assert all(a.amount <= b.amount + unit for a, b in pairwise(by_hours))
    # Re-running gives the same result.
    assert compute_payouts(**case) == lines


def test_budget_warnings_fire_once_at_80_and_100_percent() -> None:
    assert budget_warnings(budget=Decimal(10), used_before=Decimal(0), adding=Decimal(7)) == []
    assert budget_warnings(budget=Decimal(10), used_before=Decimal(7), adding=Decimal(1)) == [80]
    assert budget_warnings(budget=Decimal(10), used_before=Decimal(8), adding=Decimal(1)) == []
    assert budget_warnings(budget=Decimal(10), used_before=Decimal(9), adding=Decimal(1)) == [100]
    assert budget_warnings(budget=Decimal(10), used_before=Decimal(5), adding=Decimal(6)) == [
        80,
        100,
    ]
    assert budget_warnings(budget=Decimal(10), used_before=Decimal(11), adding=Decimal(1)) == []


def test_paris_and_tel_aviv_share_a_winter_and_a_summer_window() -> None:
    zones = [ZoneInfo("Europe/Paris"), ZoneInfo("Asia/Jerusalem")]
    winter = shared_working_hours(zones, date(2026, 12, 1))
    assert winter is not None
    assert (winter.starts_at.astimezone(UTC), winter.ends_at.astimezone(UTC)) == (
        datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 16, 0, tzinfo=UTC),
    )
    assert winter.hours == 8.0
    summer = shared_working_hours(zones, date(2026, 7, 1))
    assert summer is not None and summer.hours == 8.0  # both one hour ahead in summer
    new_york = shared_working_hours(
        [ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")], date(2026, 12, 1)
    )
    assert new_york is not None and new_york.hours == 3.0
    assert (
        shared_working_hours(
            [ZoneInfo("Europe/Paris"), ZoneInfo("Pacific/Auckland")], date(2026, 12, 1)
        )
        is None
    )


def test_next_weekday_skips_the_weekend() -> None:
    assert next_weekday(date(2026, 11, 28)) == date(2026, 11, 30)  # Saturday -> Monday
    assert next_weekday(date(2026, 11, 24)) == date(2026, 11, 24)
