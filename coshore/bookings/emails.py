"""What bookings tell their member through the notification system (topic `bookings`): a
request confirmed, declined or expired, or a booking cancelled by someone else (a manager).
Services call these inside their transaction, so a notification exists exactly when the
change it reports does. What people do to their own bookings notifies nobody."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import dateformat

from coshore.notifications.services import notify
from coshore.spaces.selectors import space_zone

from .models import Booking


def _when(booking: Booking) -> str:
    space = booking.resource.space
    start = booking.starts_at.astimezone(space_zone(space))
    return dateformat.format(start, "D j M Y, H:i")


def _name(person: Any) -> str:
    return getattr(person, "name", "") or "A manager"


def notify_booking_change(
    *, booking: Booking, actor: Any, change: str, refunded: bool = False
) -> None:
    """`change` is approved, declined, cancelled or expired; the member hears about it unless
    they made it themself."""
    resource = booking.resource
    space = resource.space
    what = f"{resource.name} at {space.name}, {_when(booking)}"
    if change == "approved":
        title = f"Booking confirmed: {what}"
        body = f"{_name(actor)} confirmed your booking request."
    elif change == "declined":
        title = f"Booking request declined: {what}"
        body = f"{_name(actor)} declined your booking request. What it spent is given back."
    elif change == "cancelled":
        title = f"Booking cancelled: {what}"
        body = f"{_name(actor)}, who manages {space.name}, cancelled your booking." + (
            " What it spent is given back." if refunded else ""
        )
    else:
        title = f"Booking request expired: {what}"
        body = (
            "The space's managers did not answer your request in time. What it spent is given back."
        )
    notify(
        recipient=booking.user,
        topic="bookings",
        kind=f"booking.{change}",
        title=title,
        body=body,
        url=reverse("bookings:mine"),
        actor=actor,
        key=f"booking.{change}:{booking.pk}",
    )
