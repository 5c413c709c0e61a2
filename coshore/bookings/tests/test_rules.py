"""The pure booking rules: overlap, seat choice, durations, weekly hours, day slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coshore.bookings.rules import (
    DurationLimits,
    Slot,
    choose_seat,
    day_slots,
    duration_problem,
    free_seats,
    overlaps,
    within_weekly_hours,
)

NOW = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)  # a Monday
LIMITS = DurationLimits(min_minutes=30, max_minutes=240, horizon_days=10)
WEEKDAYS_9_TO_18 = tuple((d, 540, 1080) for d in range(5))


def at(hour: int, minute: int = 0, day: int = 4) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=UTC)


def test_half_open_intervals_that_touch_do_not_overlap() -> None:
    assert not overlaps(0, 10, 10, 20)
    assert not overlaps(10, 20, 0, 10)
    assert overlaps(0, 11, 10, 20)
    assert overlaps(0, 30, 10, 20)
    assert overlaps(12, 15, 10, 20)


def test_choose_seat_takes_the_lowest_free_seat() -> None:
    taken = [(0, 0, 10), (1, 5, 15), (2, 20, 30)]
    assert free_seats(seats=3, taken=taken, start=8, end=12) == [2]
    assert choose_seat(seats=3, taken=taken, start=8, end=12) == 2
    assert choose_seat(seats=3, taken=taken, start=10, end=20) == 0
    assert choose_seat(seats=3, taken=taken, start=10, end=20, avoid=[0]) == 2
    assert choose_seat(seats=2, taken=taken, start=8, end=12) is None


def test_duration_problems_in_order() -> None:
    def problem(start: datetime, end: datetime) -> str | None:
        return duration_problem(starts_at=start, ends_at=end, now=NOW, limits=LIMITS)

    assert problem(at(10), at(11)) is None
    assert problem(at(10), at(10)) == "booking.ends_before_start"
    assert problem(at(11), at(10)) == "booking.ends_before_start"
    assert problem(at(7), at(9)) == "booking.in_the_past"
    assert problem(NOW + timedelta(days=10), NOW + timedelta(days=10, hours=1)) == (
        "booking.beyond_horizon"
    )
    assert problem(at(10), at(10, 29)) == "booking.too_short"
    assert problem(at(10), at(10, 30)) is None
    assert problem(at(10), at(14)) is None
    assert problem(at(10), at(14, 1)) == "booking.too_long"


def naive(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 5, day, hour, minute)


def test_whole_booking_must_lie_inside_weekly_hours() -> None:
    assert within_weekly_hours(WEEKDAYS_9_TO_18, naive(4, 9), naive(4, 18))
    assert within_weekly_hours(WEEKDAYS_9_TO_18, naive(4, 17), naive(4, 17, 30))
    assert not within_weekly_hours(WEEKDAYS_9_TO_18, naive(4, 8, 59), naive(4, 10))
    assert not within_weekly_hours(WEEKDAYS_9_TO_18, naive(4, 17), naive(4, 18, 1))
    assert not within_weekly_hours(WEEKDAYS_9_TO_18, naive(4, 17), naive(5, 10))  # overnight
    assert not within_weekly_hours(WEEKDAYS_9_TO_18, naive(9, 10), naive(9, 11))  # Saturday
    assert not within_weekly_hours((), naive(4, 10), naive(4, 11))


def test_hours_running_past_midnight_join_the_next_day() -> None:
    around_the_clock = tuple((d, 0, 1440) for d in range(7))
    assert within_weekly_hours(around_the_clock, naive(4, 22), naive(6, 3))
    split = ((0, 600, 1080), (0, 1200, 1440), (1, 0, 120))
    assert within_weekly_hours(split, naive(4, 21), naive(5, 2))
    assert not within_weekly_hours(split, naive(4, 17), naive(4, 21))
    assert not within_weekly_hours(split, naive(4, 21), naive(5, 2, 1))


def test_day_slots_count_free_seats_between_edges() -> None:
    start, end = at(0), at(0, day=5)
    slots = day_slots(
        day_start=start,
        day_end=end,
        open_spans=[(at(9), at(18))],
        taken=[(0, at(10), at(11)), (1, at(10, 30), at(12))],
        seats=2,
    )
    assert slots == [
        Slot(at(0), at(9), 2, False),
        Slot(at(9), at(10), 2, True),
        Slot(at(10), at(10, 30), 1, True),
        Slot(at(10, 30), at(11), 0, True),
        Slot(at(11), at(12), 1, True),
        Slot(at(12), at(18), 2, True),
        Slot(at(18), end, 2, False),
    ]


operation = st.one_of(
    st.tuples(st.just("book"), st.integers(0, 100), st.integers(1, 30)),
    st.tuples(st.just("cancel"), st.integers(0, 50), st.just(0)),
)


@given(seats=st.integers(1, 4), ops=st.lists(operation, max_size=60))
def test_no_sequence_of_book_and_cancel_double_books_a_seat(
    seats: int, ops: list[tuple[str, int, int]]
) -> None:
    bookings: list[tuple[int, int, int]] = []
    active: list[bool] = []
    for kind, a, b in ops:
        if kind == "book":
            taken = [bk for bk, on in zip(bookings, active, strict=True) if on]
            seat = choose_seat(seats=seats, taken=taken, start=a, end=a + b)
            if seat is not None:
                bookings.append((seat, a, a + b))
                active.append(True)
        elif bookings:
            active[a % len(bookings)] = False
    live = [bk for bk, on in zip(bookings, active, strict=True) if on]
    for i, (seat, s, e) in enumerate(live):
        assert 0 <= seat < seats
        for seat2, s2, e2 in live[i + 1 :]:
            assert not (seat == seat2 and overlaps(s, e, s2, e2))
    for instant in range(0, 131):
        assert sum(1 for _, s, e in live if s <= instant < e) <= seats
