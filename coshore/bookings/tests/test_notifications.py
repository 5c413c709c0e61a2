"""Bookings tell their member, through the notification system (topic bookings), what someone
else did to them: a request confirmed, declined or expired, a booking cancelled by a manager.
What people do to their own bookings notifies nobody."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from coshore.bookings import services
from coshore.bookings.models import ResourceKind
from coshore.notifications.models import Notification

from .conftest import next_monday
from .factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _book(member: Any, resource: Any, hour: int = 10) -> Any:
    return services.book_resource(
        actor=member, resource=resource, starts_at=next_monday(hour), ends_at=next_monday(hour + 1)
    )


def _notes(user: Any) -> list[tuple[str, str, str]]:
    return [
        (n.kind, n.topic, n.url)
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
    ]


def test_a_manager_cancelling_a_members_booking_notifies_the_member(
    member: Any, manager: Any, desk: Any
) -> None:
    booking = _book(member, desk)
    services.cancel_booking(actor=manager, booking=booking)
    assert _notes(member) == [("booking.cancelled", "bookings", "/bookings/")]
    note = Notification.objects.get(recipient=member)
    assert note.actor == manager
    assert note.title.startswith(f"Booking cancelled: {desk.name} at {desk.space.name}, Mon ")
    assert note.title.endswith(", 10:00")  # the space's local time
    assert "cancelled your booking" in note.body
    assert _notes(manager) == []


def test_cancelling_your_own_booking_notifies_nobody(member: Any, desk: Any) -> None:
    booking = _book(member, desk)
    services.cancel_booking(actor=member, booking=booking)
    assert Notification.objects.count() == 0


def test_approving_and_declining_a_request_notify_the_member(
    member: Any, manager: Any, space: Any
) -> None:
    room = ResourceFactory(space=space, kind=ResourceKind.ROOM, requires_approval=True)
    first, second = _book(member, room, 10), _book(member, room, 14)
    assert Notification.objects.count() == 0  # asking notifies nobody here
    services.approve_booking(actor=manager, booking=first)
    services.decline_booking(actor=manager, booking=second)
    assert [k for k, _, _ in _notes(member)] == ["booking.approved", "booking.declined"]
    assert Notification.objects.get(kind="booking.approved").title.startswith("Booking confirmed: ")


def test_an_expired_request_notifies_the_member_once(member: Any, space: Any) -> None:
    room = ResourceFactory(space=space, kind=ResourceKind.ROOM, requires_approval=True)
    _book(member, room)
    later = timezone.now() + timedelta(days=8)
    assert services.expire_requests(now=later) == 1
    assert services.expire_requests(now=later) == 0
    assert [k for k, _, _ in _notes(member)] == ["booking.expired"]
    assert Notification.objects.get().actor is None
