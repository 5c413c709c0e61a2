"""Rooms held for something a space hosts (an event): a manager's own use of their space.

A hold is an ordinary confirmed booking (cover `manager`, nothing charged), taken through the
same lock and the same seat check as `book_resource`, so a hold and a member's booking never
overlap (and on PostgreSQL the exclusion constraint stands behind it). The bookings app knows
nothing of events: the caller keeps the link from its own side.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.spaces.selectors import can_manage_space

from ..errors import CannotDecide, InvalidBooking
from ..models import ACTIVE_STATUSES, Booking, BookingStatus, Cover, Resource
from .booking import _insert_booking, _lock_resource, _SeatLost, _slot_taken, as_utc

__all__ = ["hold_room_for_event", "release_room_hold"]


def hold_room_for_event(
    *, actor: Any, resource: Resource, starts_at: datetime, ends_at: datetime
) -> Booking:
    """Those who manage the resource's space hold one seat of it from `starts_at` to
    `ends_at` for an event: a confirmed booking in the actor's name with cover `manager`,
    nothing charged, no approval asked. The duration limits and bookable hours of members'
    bookings do not apply (an evening talk may run after hours); the buffer does. A seat taken
    at that time (booking or other hold) is a 409 `booking.slot_taken` and nothing is
    written. Inside the caller's transaction it takes a savepoint, so a caller holding many
    occurrences rolls them all back on the first clash."""
    if not can_manage_space(actor, resource.space):
        raise CannotDecide("Only the space's managers hold its rooms for events.")
    if not resource.is_active:
        raise InvalidBooking(
            "This resource cannot be booked.",
            code="booking.resource_inactive",
            detail={"resource": resource.pk},
        )
    start = as_utc("starts_at", starts_at)
    end = as_utc("ends_at", ends_at)
    if end <= start:
        raise InvalidBooking(
            "A booking must end after it starts.", code="booking.ends_before_start", detail={}
        )
    if end <= timezone.now():
        raise InvalidBooking(
            "A booking cannot end in the past.", code="booking.in_the_past", detail={}
        )
    fields = {
        "status": BookingStatus.CONFIRMED,
        "expires_at": None,
        "cover": Cover.MANAGER,
        "credits": 0,
        "room_minutes": 0,
        "amount": None,
        "currency": "",
        "series": None,
    }
    avoid: set[int] = set()
    for _attempt in range(resource.seats + 1):
        try:
            with transaction.atomic():
                _lock_resource(resource)
                booking = _insert_booking(
                    actor=actor,
                    resource=resource,
                    start=start,
                    end=end,
                    blocked_until=end + timedelta(minutes=resource.buffer_minutes),
                    fields=fields,
                    avoid=avoid,
                )
                record_activity(
                    actor=actor,
                    verb="booking.held",
                    target=booking,
                    space=resource.space,
                    metadata={"resource": resource.pk, "purpose": "event"},
                )
            return booking
        except _SeatLost as lost:
            avoid.add(lost.seat)
    raise _slot_taken(resource, start, end)


def release_room_hold(*, actor: Any, booking: Booking) -> None:
    """Give back a room held for an event (its event or occurrence was cancelled or moved):
    the seat is free again at once. Nothing was charged, so nothing is refunded. A hold
    already cancelled, or one that has ended, is left as it is."""
    with transaction.atomic():
        current = (
            Booking.objects.select_related("resource__space")
            .select_for_update(of=("self",))
            .get(pk=booking.pk)
        )
        if current.status not in ACTIVE_STATUSES or current.ends_at <= timezone.now():
            return
        current.status = BookingStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        record_activity(
            actor=actor,
            verb="booking.released",
            target=current,
            space=current.resource.space,
            metadata={"resource": current.resource_id, "purpose": "event"},
        )
