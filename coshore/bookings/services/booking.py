"""Every state change about resources and bookings. Each records an Activity."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.spaces.models import HoursStatus, Space
from coshore.spaces.rules import decode_weekly
from coshore.spaces.selectors import can_manage_space, is_space_member, space_zone

from ..errors import (
    InvalidBooking,
    NotAMember,
    NotCancellable,
    SlotTaken,
)
from ..models import ACTIVE_STATUSES, Booking, BookingStatus, Resource
from ..rules import DurationLimits, choose_seat, duration_problem, within_weekly_hours

__all__ = [
    "ATTEMPTS",
    "as_utc",
    "book_resource",
    "cancel_booking",
    "is_inside_hours",
    "local_instant",
]

# A booking is retried this many times when a concurrent one takes its seat first, or when the
# database reports a serialization failure or deadlock.
ATTEMPTS = 6

_DURATION_MESSAGES = {
    "booking.ends_before_start": "A booking must end after it starts.",
    "booking.in_the_past": "A booking cannot start in the past.",
    "booking.beyond_horizon": "This resource cannot be booked that far ahead.",
    "booking.too_short": "The booking is shorter than this resource allows.",
    "booking.too_long": "The booking is longer than this resource allows.",
}


def as_utc(name: str, value: datetime) -> datetime:
    """`value` in UTC; a datetime without offset or out of range is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidBooking(
            f"`{name}` needs a UTC offset (ISO 8601, e.g. 2026-05-04T09:00:00+02:00).",
            code="booking.naive_datetime",
            detail={"field": name},
        )
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidBooking(
            f"`{name}` is out of range.", code="booking.invalid_datetime", detail={"field": name}
        ) from None


def local_instant(*, space: Space, value: datetime) -> datetime:
    """The instant a naive wall-clock time means in the space's timezone.

    A time skipped by a clock change (02:30 on the night clocks go forward) does not exist
    and is refused; a repeated one (clocks going back) is read as its first occurrence.
    """
    zone = space_zone(space)
    naive = value.replace(tzinfo=None)
    try:
        aware = naive.replace(tzinfo=zone, fold=0)
        back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):
        raise InvalidBooking(
            "That time is out of range.", code="booking.invalid_datetime", detail={}
        ) from None
    if back != naive:
        raise InvalidBooking(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks skip it.",
            code="booking.nonexistent_local_time",
            detail={"local_time": naive.isoformat(timespec="minutes"), "timezone": str(zone)},
        )
    return aware.astimezone(UTC)


def is_inside_hours(space: Space, starts_at: datetime, ends_at: datetime) -> bool:
    """The whole booking lies inside the space's weekly hours, read in the space's timezone.

    A space whose hours are unknown accepts any time: its managers have not said when it is
    closed, and refusing every booking would make the resource useless.
    """
    if space.hours_status != HoursStatus.KNOWN:
        return True
    zone = space_zone(space)
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    local_end = ends_at.astimezone(zone).replace(tzinfo=None)
    return within_weekly_hours(decode_weekly(space.weekly_hours), local_start, local_end)


def _is_retryable(exc: OperationalError) -> bool:
    sqlstate = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
    return sqlstate in {"40001", "40P01"} or "locked" in str(exc)


def book_resource(
    *,
    actor: Any,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    network_pass: bool = False,
) -> Booking:
    """A member (or manager) of the space books one seat of an active resource.

    The times carry a UTC offset; the booking ends after it starts, does not start in the
    past, ends within the resource's horizon, lasts between its minimum and maximum, and lies
    inside the space's weekly hours. The lowest free seat is taken, keeping `buffer_minutes`
    free after every booking; with none free the slot is taken (409). The booking is
    confirmed, or requested when the resource requires approval.
    """
    start = as_utc("starts_at", starts_at)
    end = as_utc("ends_at", ends_at)
    space = resource.space
    if not resource.is_active:
        raise InvalidBooking(
            "This resource cannot be booked.",
            code="booking.resource_inactive",
            detail={"resource": resource.pk},
        )
    if not network_pass and not (is_space_member(actor, space) or can_manage_space(actor, space)):
        raise NotAMember(
            "Only members of the space book its resources.", detail={"space": space.slug}
        )
    problem = duration_problem(
        starts_at=start,
        ends_at=end,
        now=timezone.now(),
        limits=DurationLimits(resource.min_minutes, resource.max_minutes, resource.horizon_days),
    )
    if problem is not None:
        raise InvalidBooking(
            _DURATION_MESSAGES[problem],
            code=problem,
            detail={
                "min_minutes": resource.min_minutes,
                "max_minutes": resource.max_minutes,
                "horizon_days": resource.horizon_days,
            },
        )
    if not is_inside_hours(space, start, end):
        raise InvalidBooking(
            "The space is not open for the whole booking.",
            code="booking.outside_hours",
            detail={"timezone": space.timezone},
        )
    blocked_until = end + timedelta(minutes=resource.buffer_minutes)
    status = BookingStatus.REQUESTED if resource.requires_approval else BookingStatus.CONFIRMED
    avoid: set[int] = set()
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                booking = _insert_booking(
                    actor=actor,
                    resource=resource,
                    start=start,
                    end=end,
                    blocked_until=blocked_until,
                    status=status,
                    avoid=avoid,
                )
                record_activity(
                    actor=actor,
                    verb="booking.created",
                    target=booking,
                    space=space,
                    metadata={"resource": resource.pk, "status": booking.status},
                )
            return booking
        except _SeatLost as lost:
            # PostgreSQL's exclusion constraint saw a concurrent booking commit on this seat
            # between our read and our insert: read again, preferring another seat.
            avoid.add(lost.seat)
        except OperationalError as exc:
            if not _is_retryable(exc) or attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise _slot_taken(resource, start, end)


class _SeatLost(Exception):
    def __init__(self, seat: int) -> None:
        self.seat = seat


def _slot_taken(resource: Resource, start: datetime, end: datetime) -> SlotTaken:
    return SlotTaken(
        "No seat of this resource is free at that time.",
        detail={
            "resource": resource.pk,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
        },
    )


def _insert_booking(
    *,
    actor: Any,
    resource: Resource,
    start: datetime,
    end: datetime,
    blocked_until: datetime,
    status: str,
    avoid: set[int],
) -> Booking:
    taken = list(
        Booking.objects.filter(
            resource=resource,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=blocked_until,
            blocked_until__gt=start,
        ).values_list("seat", "starts_at", "blocked_until")
    )
    seat = choose_seat(
        seats=resource.seats, taken=taken, start=start, end=blocked_until, avoid=avoid
    )
    if seat is None:
        seat = choose_seat(seats=resource.seats, taken=taken, start=start, end=blocked_until)
    if seat is None:
        raise _slot_taken(resource, start, end)
    try:
        with transaction.atomic():
            return Booking.objects.create(
                resource=resource,
                user=actor,
                seat=seat,
                starts_at=start,
                ends_at=end,
                blocked_until=blocked_until,
                status=status,
            )
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise _SeatLost(seat) from exc
        raise


def cancel_booking(*, actor: Any, booking: Booking) -> Booking:
    """Its member, or those who manage the space, cancel a booking that is requested or
    confirmed and has not ended yet. The seat is free again at once."""
    space = booking.resource.space
    if booking.user_id != getattr(actor, "pk", None) and not can_manage_space(actor, space):
        raise NotAMember("Only its member or the space's managers cancel a booking.")
    with transaction.atomic():
        current = Booking.objects.select_for_update().get(pk=booking.pk)
        if current.status not in ACTIVE_STATUSES:
            raise NotCancellable(
                f"This booking is {current.status}.", detail={"status": current.status}
            )
        if current.ends_at <= timezone.now():
            raise NotCancellable(
                "This booking has already ended.",
                code="booking.already_ended",
                detail={"status": current.status},
            )
        current.status = BookingStatus.CANCELLED
        current.save(update_fields=["status"])
        record_activity(
            actor=actor,
            verb="booking.cancelled",
            target=current,
            space=space,
            metadata={"resource": current.resource_id},
        )
    booking.status = current.status
    return booking
