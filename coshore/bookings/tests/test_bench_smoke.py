"""The booking benchmark's double-booking checks (bench/booking_checks.py) on both databases:
silent on a sound table, and counting each kind of double booking in a copy without the
exclusion constraint."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import booking_checks

from coshore.bookings.models import ResourceKind

from .conftest import next_monday
from .factories import BookingFactory, ResourceFactory

COPY = "bench_smoke_copy"


def _booking(resource: Any, start_hour: float, end_hour: float, **kwargs: Any) -> Any:
    start = next_monday(10) + timedelta(hours=start_hour - 10)
    end = next_monday(10) + timedelta(hours=end_hour - 10)
    return BookingFactory(
        resource=resource, starts_at=start, ends_at=end, blocked_until=end, **kwargs
    )


def _copy_row(source_id: int, new_id: int, seat: str = "seat") -> None:
    columns = (
        "user_id, resource_id, starts_at, ends_at, blocked_until, status, cover, credits, "
        "room_minutes, currency, created_at"
    )
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {COPY} (id, seat, {columns}) "
            f"SELECT %s, {seat}, {columns} FROM bookings_booking WHERE id = %s",
            [new_id, source_id],
        )


@pytest.mark.django_db
def test_the_checks_find_nothing_wrong_in_a_sound_table_and_each_fault_in_a_broken_copy(
    space: Any,
) -> None:
    desk = ResourceFactory(space=space)
    pool = ResourceFactory(space=space, kind=ResourceKind.DESK_POOL, seats=3)
    desk_10 = _booking(desk, 10, 11)
    _booking(desk, 11, 12)  # touches the one before: no overlap
    cancelled = _booking(desk, 10.5, 11.5, status="cancelled")
    pool_seats = [_booking(pool, 10, 11, seat=s) for s in range(3)]
    _booking(pool, 11, 12, seat=0)

    with connection.cursor() as cur:
        assert booking_checks.check_bookings(cur, "bookings_booking") == {
            "overlapping": 0,
            "seat_out_of_range": 0,
            "over_capacity": 0,
        }
        window = [
            connection.ops.adapt_datetimefield_value(next_monday(10) - timedelta(hours=1)),
            connection.ops.adapt_datetimefield_value(next_monday(10) + timedelta(days=1)),
        ]
        assert booking_checks.active_between(cur, "bookings_booking", *window) == 6

        # The same rows in a table with no exclusion constraint, then broken on purpose.
        cur.execute(f"CREATE TEMP TABLE {COPY} AS SELECT * FROM bookings_booking")
        _copy_row(desk_10.pk, 1001)  # the desk twice at 10-11
        cur.execute(f"UPDATE {COPY} SET status = 'confirmed' WHERE id = %s", [cancelled.pk])
        _copy_row(pool_seats[0].pk, 1002, seat="3")  # a fourth seat in a pool of three
        found = booking_checks.check_bookings(cur, COPY)
        cur.execute(f"DROP TABLE {COPY}")
    # Desk, by start: 10:00, 10:00 (copy), 10:30 (no longer cancelled), 11:00: each of the last
    # three starts before an earlier one has ended.
    assert found["overlapping"] == 3
    assert found["seat_out_of_range"] == 1
    # Held above the seats: the desk from 10:00 to 12:00 at four edges, the pool at one.
    assert found["over_capacity"] == 5


def test_the_checks_refuse_anything_but_a_plain_table_name() -> None:
    with pytest.raises(ValueError, match="plain table name"):
        booking_checks.overlap_sql("bookings_booking; DROP TABLE x")
