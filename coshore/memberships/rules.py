"""Pure rules of plans, credits and day passes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

MAX_PRICE = Decimal("99999999.99")
MAX_CREDITS = 1_000_000
MAX_ROOM_HOURS = 10_000
DAY_PASS_HORIZON_DAYS = 90

# Active ISO 4217 currency codes (funds, precious metals and test codes left out). ANG and
# XCG both appear while the Netherlands Antilles guilder is being replaced.
CURRENCIES = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)


def normalise_currency(raw: str) -> str | None:
    """The ISO 4217 code `raw` names (case and surrounding spaces ignored), else None."""
    code = raw.strip().upper()
    return code if code in CURRENCIES else None


def is_valid_price(price: Decimal) -> bool:
    """A price is a finite amount from 0 up to MAX_PRICE with at most two decimals."""
    return price.is_finite() and Decimal(0) <= price <= MAX_PRICE and price == round(price, 2)


def day_pass_date_problem(day: date, today: date) -> str | None:
    """Why a day pass cannot be bought for `day` (an error code), or None.

    `today` is the space's local date: a pass is for today or a later day, at most
    DAY_PASS_HORIZON_DAYS ahead.
    """
    if day < today:
        return "day_pass.in_the_past"
    if day > today + timedelta(days=DAY_PASS_HORIZON_DAYS):
        return "day_pass.beyond_horizon"
    return None


def balance_of(deltas: Iterable[int]) -> int:
    """A credit balance is the sum of its ledger entries."""
    return sum(deltas)


def can_debit(balance: int, amount: int) -> bool:
    """A debit of a positive amount never takes a balance below zero."""
    return amount > 0 and balance - amount >= 0
