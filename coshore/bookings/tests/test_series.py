"""Weekly recurring bookings: same local time every week, all or nothing or skip conflicts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings import services
from coshore.bookings.models import Booking, BookingSeries, BookingStatus
from coshore.core.errors import DomainError

from .conftest import PARIS, next_monday
from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def series(user: Any, resource: Any, weeks: int, mode: str, start: Any = None) -> Any:
    start = start or next_monday(10)
    return services.book_series(
        actor=user,
        resource=resource,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        weeks=weeks,
        mode=mode,
    )


def test_books_the_same_local_time_each_week(member: Any, desk: Any) -> None:
    result = series(member, desk, 4, "all_or_nothing")
    assert len(result.booked) == 4
    assert result.skipped == []
    local = [b.starts_at.astimezone(PARIS) for b in result.booked]
    assert {(t.weekday(), t.time()) for t in local} == {(0, time(10))}
    assert [(b - a).days for a, b in pairwise(local)] == [7, 7, 7]
    assert set(Booking.objects.values_list("series_id", flat=True)) == {result.series.pk}
    assert Activity.objects.filter(verb="booking.series_created").count() == 1


def test_all_or_nothing_writes_nothing_when_one_week_is_taken(
    member: Any, desk: Any, make_user: Any
) -> None:
    taken = next_monday(10, weeks=3)
    BookingFactory(
        resource=desk,
        user=make_user("first@example.org"),
        starts_at=taken,
        ends_at=taken + timedelta(hours=1),
    )
    before = Booking.objects.count(), Activity.objects.count()
    with pytest.raises(DomainError) as info:
        series(member, desk, 4, "all_or_nothing")
    assert info.value.code == "booking.series_conflict"
    assert info.value.detail["failed"] == [
        {"date": taken.date().isoformat(), "code": "booking.slot_taken"}
    ]
    assert (Booking.objects.count(), Activity.objects.count()) == before
    assert not BookingSeries.objects.exists()


def test_skip_conflicts_books_the_other_weeks(member: Any, desk: Any, make_user: Any) -> None:
    taken = next_monday(11, weeks=2)
    BookingFactory(
        resource=desk,
        user=make_user("first@example.org"),
        starts_at=taken,
        ends_at=taken + timedelta(hours=1),
    )
    result = series(member, desk, 4, "skip_conflicts")
    assert len(result.booked) == 3
    assert result.skipped == [(taken.date(), "booking.slot_taken")]


def test_weeks_beyond_the_horizon_are_reported(member: Any, desk: Any) -> None:
    desk.horizon_days = 20
    desk.save()
    result = series(member, desk, 5, "skip_conflicts")
    assert len(result.booked) == 2
    assert {code for _, code in result.skipped} == {"booking.beyond_horizon"}


def test_a_series_keeps_its_wall_clock_time_across_a_clock_change(
    space: Any, member: Any, desk: Any
) -> None:
    desk.horizon_days = 730
    desk.save()
    year = timezone.now().year + 1
    last_sunday = max(d for d in range(25, 32) if date(year, 10, d).weekday() == 6)
    monday_before = datetime.combine(
        date(year, 10, last_sunday) - timedelta(days=6), time(10), tzinfo=PARIS
    )
    result = series(member, desk, 2, "all_or_nothing", start=monday_before)
    utc_hours = [b.starts_at.astimezone(UTC).hour for b in result.booked]
    assert utc_hours == [8, 9]  # 10:00 CEST, then 10:00 CET
    assert [b.starts_at.astimezone(PARIS).hour for b in result.booked] == [10, 10]


@pytest.mark.parametrize(("weeks", "mode"), [(0, "skip_conflicts"), (27, "all_or_nothing")])
def test_refuses_a_bad_number_of_weeks(member: Any, desk: Any, weeks: int, mode: str) -> None:
    with pytest.raises(DomainError) as info:
        series(member, desk, weeks, mode)
    assert info.value.code == "booking.invalid_weeks"
    assert not Booking.objects.exists()


def test_refuses_an_unknown_mode(member: Any, desk: Any) -> None:
    with pytest.raises(DomainError) as info:
        series(member, desk, 2, "sometimes")
    assert info.value.code == "booking.invalid_mode"


def test_a_series_nobody_can_book_fails_whole(outsider: Any, desk: Any) -> None:
    with pytest.raises(DomainError) as info:
        series(outsider, desk, 3, "skip_conflicts")
    assert info.value.code == "booking.series_conflict"
    assert {f["code"] for f in info.value.detail["failed"]} == {"booking.not_a_member"}
    assert not BookingSeries.objects.exists()
    assert not Booking.objects.filter(status=BookingStatus.CONFIRMED).exists()
