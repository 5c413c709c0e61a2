"""Pure booking rules: overlap, seat choice, durations and opening-hours coverage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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
