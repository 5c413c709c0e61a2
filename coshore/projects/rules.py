"""Pure rules of projects: currency minor units, exact payouts, budget warnings, shared hours."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

HUNDRED = Decimal(100)
MAX_DAY_HOURS = Decimal(24)
MAX_BUDGET_HOURS = Decimal("100000")
MAX_AMOUNT = Decimal("999999999999")
WORKDAY_START = time(9, 0)
WORKDAY_END = time(18, 0)

# ISO 4217 currencies whose minor unit is not the cent (all others have two decimals).
_MINOR_DIGITS = {
    **dict.fromkeys(
        [
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
            "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    "CLF": 4,
    "UYW": 4,
}  # fmt: skip


def minor_digits(currency: str) -> int:
    """Decimal places of the currency's minor unit (JPY 0, EUR 2, KWD 3)."""
    return _MINOR_DIGITS.get(currency, 2)


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency, e.g. Decimal('0.01') for EUR."""
    return Decimal(1).scaleb(-minor_digits(currency))


def fits_minor_unit(amount: Decimal, currency: str) -> bool:
    """True when `amount` is a whole number of the currency's minor unit."""
    return amount.is_finite() and amount == amount.quantize(minor_unit(currency))


@dataclass(frozen=True)
class PayoutLine:
    """One part of the income: `member` is a person's key, None for the common pool.

    `role` is `coordinator`, `hours` or `pool`; `hours` is the hours the part is based on
    (None for the coordinator and pool parts); `exact` is the share before rounding.
    """

    member: str | None
    role: str
    hours: Decimal | None
    amount: Decimal
    exact: Fraction


def largest_remainder(total_units: int, weights: Sequence[Fraction]) -> list[int]:
    """Split `total_units` whole units in proportion to `weights` (non-negative, not all 0).

    Each part gets the floor of its exact share, then the units left go one each to the parts
    with the largest remainders (ties to the earlier part), so the parts add up exactly.
    """
    weight_sum = sum(weights, Fraction(0))
    if total_units == 0:
        return [0] * len(weights)
    if weight_sum <= 0:
        raise ValueError("weights must not all be zero")
    exact = [Fraction(total_units) * w / weight_sum for w in weights]
    floors = [int(e) for e in exact]  # exact >= 0, so int() is the floor
    left = total_units - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def compute_payouts(
    *,
    income: Decimal,
    currency: str,
    coordinator: str,
    coordinator_share: Decimal,
    pool_share: Decimal,
    hours: Sequence[tuple[str, Decimal]],
) -> list[PayoutLine]:
    """Split `income` under a split rule, exactly, to the currency's minor unit.

    The coordinator receives `coordinator_share` percent (customer management), the common
    pool `pool_share` percent, and the rest goes to the members in proportion to `hours`
    (agreed budgets or logged hours, per the agreement). Every part is rounded to the minor
    unit by largest remainder over all parts at once, so they add up exactly to the income;
    no part is negative and none is off its exact share by a minor unit or more. A member with
    zero hours gets no hours part. Raises ValueError when there is a rest to split but no
    hours (callers choose which hours to use, see `selectors.payout_basis`).
    """
    if coordinator_share < 0 or pool_share < 0 or coordinator_share + pool_share > HUNDRED:
        raise ValueError("shares must be from 0 and add up to at most 100")
    if income < 0:
        raise ValueError("income must not be negative")
    unit = minor_unit(currency)
    total_units = int((income / unit).to_integral_value())
    if Decimal(total_units) * unit != income:
        raise ValueError("income is not a whole number of minor units")
    rest_share = HUNDRED - coordinator_share - pool_share
    total_hours = sum((h for _, h in hours), Decimal(0))
    keys: list[tuple[str | None, str, Decimal | None]] = []
    weights: list[Fraction] = []
    if coordinator_share > 0:
        keys.append((coordinator, "coordinator", None))
        weights.append(Fraction(coordinator_share))
    if pool_share > 0:
        keys.append((None, "pool", None))
        weights.append(Fraction(pool_share))
    if rest_share > 0:
        if total_hours <= 0:
            raise ValueError("no hours to split the rest by")
        for member, h in hours:
            if h < 0:
                raise ValueError("hours must not be negative")
            if h > 0:
                keys.append((member, "hours", h))
                weights.append(Fraction(rest_share) * Fraction(h) / Fraction(total_hours))
    units = largest_remainder(total_units, weights)
    weight_sum = sum(weights, Fraction(0))
    return [
        PayoutLine(
            member=member,
            role=role,
            hours=h,
            amount=(Decimal(u) * unit).quantize(unit),
            exact=Fraction(income) * w / weight_sum,
        )
        for (member, role, h), w, u in zip(keys, weights, units, strict=True)
    ]


def budget_warnings(*, budget: Decimal, used_before: Decimal, adding: Decimal) -> list[int]:
    """Thresholds (80, 100 percent of `budget`) that logging `adding` hours reaches or passes.

    Only thresholds crossed by this entry are returned, so each warning is given once.
    """
    if budget <= 0:
        return [100] if adding > 0 and used_before <= 0 else []
    after = used_before + adding
    found = []
    for pct in (80, 100):
        mark = budget * pct / HUNDRED
        if used_before < mark <= after:
            found.append(pct)
    return found


def is_over_budget(*, budget: Decimal, used_before: Decimal, adding: Decimal) -> bool:
    """Hours beyond the member's budget need the coordinator's approval."""
    return used_before + adding > budget


@dataclass(frozen=True)
class SharedWindow:
    starts_at: datetime
    ends_at: datetime

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


def shared_working_hours(zones: Iterable[ZoneInfo], day: date) -> SharedWindow | None:
    """The hours of `day` (a weekday) when everyone is inside their 09:00-18:00 working day.

    Each zone's working day is taken on the same calendar date in that zone, so Paris with
    Tel Aviv shares 08:00-16:00 UTC in winter and Paris with New York 14:00-17:00 UTC.
    """
    start: datetime | None = None
    end: datetime | None = None
    for zone in zones:
        s = datetime.combine(day, WORKDAY_START, zone)
        e = datetime.combine(day, WORKDAY_END, zone)
        start = s if start is None or s > start else start
        end = e if end is None or e < end else end
    if start is None or end is None or end <= start:
        return None
    return SharedWindow(start, end)


def next_weekday(day: date) -> date:
    """`day` itself on Monday to Friday, else the next Monday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
