"""The pure rules: currencies, prices, day-pass dates, debits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from coshore.memberships.rules import (
    CURRENCIES,
    can_debit,
    day_pass_date_problem,
    is_valid_price,
    normalise_currency,
)


def test_currencies_are_the_active_iso_4217_codes() -> None:
    assert 150 <= len(CURRENCIES) <= 170
    assert {"EUR", "USD", "CHF", "JPY", "XOF"} <= CURRENCIES
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in CURRENCIES)
    assert not {"XAU", "XTS", "XXX", "FRF", "DEM"} & CURRENCIES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("EUR", "EUR"),
        (" eur ", "EUR"),
        ("Chf", "CHF"),
        ("EU", None),
        ("ZZZ", None),
        ("FRF", None),
        ("", None),
    ],
)
def test_normalise_currency(raw: str, expected: str | None) -> None:
    assert normalise_currency(raw) == expected


@pytest.mark.parametrize(
    ("price", "ok"),
    [
        ("0", True),
        ("12.50", True),
        ("99999999.99", True),
        ("-0.01", False),
        ("1.005", False),
        ("100000000", False),
        ("NaN", False),
        ("Infinity", False),
    ],
)
def test_price_is_from_zero_with_two_decimals(price: str, ok: bool) -> None:
    assert is_valid_price(Decimal(price)) is ok


def test_day_pass_is_for_today_up_to_ninety_days_ahead() -> None:
    today = date(2026, 3, 1)
    assert day_pass_date_problem(today, today) is None
    assert day_pass_date_problem(today + timedelta(days=90), today) is None
    assert day_pass_date_problem(today - timedelta(days=1), today) == "day_pass.in_the_past"
    assert day_pass_date_problem(today + timedelta(days=91), today) == "day_pass.beyond_horizon"


def test_a_debit_never_takes_the_balance_below_zero() -> None:
    assert can_debit(5, 5)
    assert not can_debit(5, 6)
    assert not can_debit(5, 0)
    assert not can_debit(0, 1)
