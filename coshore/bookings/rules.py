"""Pure booking rules: overlap, seat choice, durations and opening-hours coverage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import TypeVar

T = TypeVar("T", datetime, int)

# (weekday 0 = Monday, opens minute, closes minute), as coshore.spaces.rules.decode_weekly
WeeklyInterval = tuple[int, int, int]


def overlaps(a_start: T, a_end: T, b_start: T, b_end: T) -> bool:
    """Half-open intervals [a_start, a_end) and [b_start, b_end) share an instant."""
    return a_start < b_end and b_start < a_end


def free_seats(*, seats: int, taken: Iterable[tuple[int, T, T]], start: T, end: T) -> list[int]:
    """Seats (0..seats-1) that no taken `(seat, start, blocked_until)` overlaps [start, end)."""
    busy = {seat for seat, s, e in taken if overlaps(s, e, start, end)}
    return [seat for seat in range(seats) if seat not in busy]


def choose_seat(
    *, seats: int, taken: Iterable[tuple[int, T, T]], start: T, end: T, avoid: Iterable[int] = ()
) -> int | None:
    """The lowest free seat for [start, end), skipping `avoid`; None when all are taken."""
    skip = set(avoid)
    for seat in free_seats(seats=seats, taken=taken, start=start, end=end):
        if seat not in skip:
            return seat
    return None


@dataclass(frozen=True)
class DurationLimits:
    min_minutes: int
    max_minutes: int
    horizon_days: int


def duration_problem(
    *, starts_at: datetime, ends_at: datetime, now: datetime, limits: DurationLimits
) -> str | None:
    """The code of the first duration rule [starts_at, ends_at) breaks, or None.

    The booking ends after it starts, does not start in the past, ends within the horizon
    (`horizon_days` from now) and lasts between `min_minutes` and `max_minutes`.
    """
    if ends_at <= starts_at:
        return "booking.ends_before_start"
    if starts_at < now:
        return "booking.in_the_past"
    if ends_at > now + timedelta(days=limits.horizon_days):
        return "booking.beyond_horizon"
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < limits.min_minutes:
        return "booking.too_short"
    if minutes > limits.max_minutes:
        return "booking.too_long"
    return None


def within_weekly_hours(
    intervals: Sequence[WeeklyInterval], local_start: datetime, local_end: datetime
) -> bool:
    """Whether a regular week is open for the whole wall-clock span [local_start, local_end).

    Both are naive local times. Intervals that touch (Monday until 24:00, Tuesday from 00:00)
    count as one open span. When a clock change makes the end not after the start, the start
    alone is checked.
    """
    t = local_start
    while True:
        second = t.hour * 3600 + t.minute * 60 + t.second
        closes = next(
            (c for d, o, c in intervals if d == t.weekday() and o * 60 <= second < c * 60), None
        )
        if closes is None:
            return False
        t = datetime.combine(t.date(), datetime.min.time()) + timedelta(minutes=closes)
        if t >= local_end:
            return True


@dataclass(frozen=True)
class Slot:
    """A stretch of a day with the same number of free seats."""

    starts_at: datetime
    ends_at: datetime
    free_seats: int
    is_open: bool


def day_slots(
    *,
    day_start: datetime,
    day_end: datetime,
    open_spans: Sequence[tuple[datetime, datetime]],
    taken: Sequence[tuple[int, datetime, datetime]],
    seats: int,
) -> list[Slot]:
    """Cut [day_start, day_end) at every opening and booking edge; count free seats per piece."""
    edges = {day_start, day_end}
    for s, e in [*open_spans, *((s, e) for _, s, e in taken)]:
        for t in (s, e):
            if day_start < t < day_end:
                edges.add(t)
    points = sorted(edges)
    out: list[Slot] = []
    for a, b in pairwise(points):
        is_open = any(s <= a and b <= e for s, e in open_spans)
        busy = {seat for seat, s, e in taken if overlaps(s, e, a, b)}
        slot = Slot(a, b, max(seats - len(busy), 0), is_open)
        if out and (out[-1].free_seats, out[-1].is_open) == (slot.free_seats, slot.is_open):
            slot = Slot(out[-1].starts_at, b, slot.free_seats, is_open)
            out[-1] = slot
        else:
            out.append(slot)
    return out


# --- Cover: what entitles a person to a booking, and what it costs them ---------------------

DESK_KINDS = frozenset({"desk", "desk_pool"})
ROOM_KINDS = frozenset({"room", "event_hall"})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Entitlements:
    """What a person holds in a space for one booking (read by the service, judged here)."""

    is_manager: bool = False
    network_pass: bool = False
    belongs: bool = False  # a member of the space, by role or by an active membership
    plan_ids: frozenset[int] = frozenset()  # active membership plan, day pass plan of that day
    unlimited_desk: bool = False
    room_minutes_left: int | None = None  # None: the plan includes no room hours
    credits: int = 0
    day_pass: bool = False  # a day pass for the booking's whole local day
    trained: bool = False


@dataclass(frozen=True)
class Pricing:
    kind: str
    minutes: int
    credits_per_hour: int = 0
    price_per_hour: Decimal | None = None
    price_per_day: Decimal | None = None
    requires_training: bool = False
    allowed_plan_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Charge:
    """How a booking is covered: a Cover value and what it spends."""

    cover: str
    credits: int = 0
    room_minutes: int = 0
    amount: Decimal | None = None


def credits_cost(minutes: int, credits_per_hour: int) -> int:
    """Credits per started hour: 90 minutes at 2 credits an hour cost 4."""
    return -(-minutes // 60) * credits_per_hour


def price_of(minutes: int, per_hour: Decimal | None, per_day: Decimal | None) -> Decimal | None:
    """The price of a booking: per hour (pro rata to the minute, rounded half up to the cent),
    capped by the day price per started day when both are set; None when nothing is priced."""
    hourly = (
        (per_hour * minutes / 60).quantize(CENT, ROUND_HALF_UP) if per_hour is not None else None
    )
    daily = per_day * -(-minutes // (24 * 60)) if per_day is not None else None
    if hourly is None:
        return daily
    if daily is None:
        return hourly
    return min(hourly, daily)


def choose_cover(pricing: Pricing, held: Entitlements) -> Charge | str:
    """The first cover that applies, or the code of the reason none does.

    Managers book their own space freely and a network pass covers the visit it was granted
    for. Otherwise a machine needs its training and a resource restricted to plans needs one
    of them. Then, in order: an unlimited hot desk or a day pass covers desks; the plan's room
    hours cover rooms; credits pay per started hour; a member pays the price at the desk
    (overage), or nothing when the resource is free for members.
    """
    if held.is_manager:
        return Charge("manager")
    if held.network_pass:
        return Charge("network_pass")
    if not (held.belongs or held.day_pass or held.credits > 0):
        return "booking.not_a_member"
    if pricing.requires_training and not held.trained:
        return "booking.training_missing"
    if pricing.allowed_plan_ids and not (pricing.allowed_plan_ids & held.plan_ids):
        return "booking.plan_not_allowed"
    if pricing.kind in DESK_KINDS and held.unlimited_desk:
        return Charge("unlimited_desk")
    if pricing.kind in DESK_KINDS and held.day_pass:
        return Charge("day_pass")
    if (
        pricing.kind in ROOM_KINDS
        and held.room_minutes_left is not None
        and held.room_minutes_left >= pricing.minutes
    ):
        return Charge("room_hours", room_minutes=pricing.minutes)
    price = price_of(pricing.minutes, pricing.price_per_hour, pricing.price_per_day)
    if pricing.credits_per_hour:
        cost = credits_cost(pricing.minutes, pricing.credits_per_hour)
        if held.credits >= cost:
            return Charge("credits", credits=cost)
        if held.belongs and price is not None:
            return Charge("overage", amount=price)
        return (
            "booking.insufficient_credits"
            if held.belongs or held.credits
            else "booking.not_covered"
        )
    if held.belongs:
        return Charge("overage", amount=price) if price else Charge("membership")
    return "booking.not_covered"


def refund_due(*, now: datetime, starts_at: datetime, free_cancel_hours: int) -> bool:
    """Cancelling at least `free_cancel_hours` before the start gives everything back."""
    return now <= starts_at - timedelta(hours=free_cancel_hours)


# --- A desk for a whole day (day passes, network-pass visits) ---------------------------------

WORKDAY = (9 * 60, 18 * 60)


def desk_day_window(
    intervals: Sequence[WeeklyInterval], weekday: int, *, hours_known: bool
) -> tuple[int, int] | None:
    """The local minutes a desk is booked for on a whole-day visit to a space, or None when it
    is closed on `weekday`.

    The working day (09:00-18:00) clipped to the space's longest opening of that weekday; a
    space open only outside the working day gets its longest opening. Unknown hours: the
    working day.
    """
    if not hours_known:
        return WORKDAY
    spans = sorted((o, c) for d, o, c in intervals if d == weekday and c > o)
    if not spans:
        return None
    clipped = [(max(o, WORKDAY[0]), min(c, WORKDAY[1])) for o, c in spans]
    clipped = [(o, c) for o, c in clipped if c > o]
    candidates = clipped or spans
    return max(candidates, key=lambda span: (span[1] - span[0], -span[0]))
