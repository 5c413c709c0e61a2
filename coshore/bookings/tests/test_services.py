"""The booking services: every rule, and on every denial nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from coshore.activity.models import Activity
from coshore.bookings import selectors, services
from coshore.bookings.models import Booking, BookingStatus, Resource, ResourceKind
from coshore.core.errors import DomainError
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import PARIS, next_monday
from .factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def book(actor: Any, resource: Any, start: datetime, end: datetime) -> Booking:
    return services.book_resource(actor=actor, resource=resource, starts_at=start, ends_at=end)


def refused(code: str, status: int, call: Any, *args: Any) -> DomainError:
    bookings, activities = Booking.objects.count(), Activity.objects.count()
    with pytest.raises(DomainError) as info:
        call(*args)
    assert (info.value.code, info.value.status) == (code, status)
    assert (Booking.objects.count(), Activity.objects.count()) == (bookings, activities)
    return info.value


def test_member_books_a_desk_and_it_is_confirmed(member: Any, desk: Any) -> None:
    booking = book(member, desk, next_monday(10), next_monday(12))
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.seat == 0
    assert booking.starts_at == next_monday(10).astimezone(UTC)
    assert booking.blocked_until == booking.ends_at
    activity = Activity.objects.get(verb="booking.created")
    assert (activity.actor, activity.target_id, activity.space) == (
        member,
        str(booking.pk),
        desk.space,
    )


def test_booking_is_requested_when_the_resource_requires_approval(member: Any, space: Any) -> None:
    room = ResourceFactory(space=space, kind=ResourceKind.ROOM, requires_approval=True)
    assert book(member, room, next_monday(10), next_monday(11)).status == BookingStatus.REQUESTED


def test_manager_may_book_too(manager: Any, desk: Any) -> None:
    assert book(manager, desk, next_monday(10), next_monday(11)).status == "confirmed"


def test_rejects_overlapping_booking(member: Any, manager: Any, desk: Any) -> None:
    book(member, desk, next_monday(10), next_monday(12))
    err = refused("booking.slot_taken", 409, book, manager, desk, next_monday(11), next_monday(13))
    assert err.detail["resource"] == desk.pk


def test_touching_bookings_do_not_overlap(member: Any, manager: Any, desk: Any) -> None:
    book(member, desk, next_monday(10), next_monday(12))
    assert book(manager, desk, next_monday(12), next_monday(13)).seat == 0


def test_buffer_keeps_the_seat_taken_after_a_booking(member: Any, manager: Any, space: Any) -> None:
    room = ResourceFactory(space=space, kind=ResourceKind.ROOM, buffer_minutes=15)
    first = book(member, room, next_monday(10), next_monday(11))
    assert first.blocked_until == next_monday(11, 15).astimezone(UTC)
    refused("booking.slot_taken", 409, book, manager, room, next_monday(11), next_monday(12))
    assert book(manager, room, next_monday(11, 15), next_monday(12)).pk


def test_pool_fills_its_seats_then_refuses(member: Any, space: Any) -> None:
    pool = ResourceFactory(space=space, kind=ResourceKind.DESK_POOL, seats=3)
    seats = [book(member, pool, next_monday(10), next_monday(11)).seat for _ in range(3)]
    assert seats == [0, 1, 2]
    refused("booking.slot_taken", 409, book, member, pool, next_monday(10, 30), next_monday(12))


def test_cancelled_booking_frees_its_seat(member: Any, manager: Any, desk: Any) -> None:
    booking = book(member, desk, next_monday(10), next_monday(12))
    services.cancel_booking(actor=member, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Activity.objects.filter(verb="booking.cancelled", target_id=str(booking.pk)).exists()
    assert book(manager, desk, next_monday(10), next_monday(12)).seat == 0


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ((10, 0), (10, 0), "booking.ends_before_start"),
        ((11, 0), (10, 0), "booking.ends_before_start"),
        ((10, 0), (10, 15), "booking.too_short"),
        ((9, 0), (17, 1), "booking.too_long"),
        ((8, 0), (10, 0), "booking.outside_hours"),
        ((17, 0), (19, 0), "booking.outside_hours"),
    ],
)
def test_refuses_bad_times(
    member: Any, desk: Any, start: tuple[int, int], end: tuple[int, int], code: str
) -> None:
    refused(code, 422, book, member, desk, next_monday(*start), next_monday(*end))


def test_refuses_a_booking_in_the_past(member: Any, desk: Any) -> None:
    start = next_monday(10, weeks=-1)
    refused("booking.in_the_past", 422, book, member, desk, start, start + timedelta(hours=1))


def test_refuses_beyond_the_horizon(member: Any, desk: Any) -> None:
    start = next_monday(10, weeks=14)
    refused("booking.beyond_horizon", 422, book, member, desk, start, start + timedelta(hours=1))


def test_refuses_a_weekend_booking(member: Any, desk: Any) -> None:
    saturday = next_monday(10) + timedelta(days=5)
    refused(
        "booking.outside_hours", 422, book, member, desk, saturday, saturday + timedelta(hours=1)
    )


def test_hours_are_read_in_the_space_timezone(member: Any, desk: Any) -> None:
    # 09:00 Paris is 07:00 or 08:00 UTC: the same instant written in UTC is inside the hours.
    start = next_monday(9).astimezone(UTC)
    assert book(member, desk, start, start + timedelta(hours=1)).pk


def test_unknown_hours_accept_any_time(make_user: Any) -> None:
    space = SpaceFactory()  # hours unknown
    user = make_user()
    SpaceRoleFactory(space=space, user=user)
    desk = ResourceFactory(space=space)
    sunday_night = next_monday(23) - timedelta(days=1)
    assert book(user, desk, sunday_night, sunday_night + timedelta(hours=2)).pk


def test_refuses_naive_datetimes(member: Any, desk: Any) -> None:
    start = next_monday(10).replace(tzinfo=None)
    refused("booking.naive_datetime", 422, book, member, desk, start, start + timedelta(hours=1))


def test_refuses_people_who_are_not_members(outsider: Any, desk: Any) -> None:
    refused("booking.not_a_member", 403, book, outsider, desk, next_monday(10), next_monday(11))


def test_refuses_an_inactive_resource(member: Any, desk: Any) -> None:
    Resource.objects.filter(pk=desk.pk).update(is_active=False)
    desk.refresh_from_db()
    refused("booking.resource_inactive", 422, book, member, desk, next_monday(10), next_monday(11))


def test_manager_cancels_a_members_booking(member: Any, manager: Any, desk: Any) -> None:
    booking = book(member, desk, next_monday(10), next_monday(11))
    assert services.cancel_booking(actor=manager, booking=booking).status == "cancelled"


def test_others_cannot_cancel(member: Any, outsider: Any, desk: Any) -> None:
    booking = book(member, desk, next_monday(10), next_monday(11))
    with pytest.raises(DomainError) as info:
        services.cancel_booking(actor=outsider, booking=booking)
    assert info.value.code == "booking.not_a_member"
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert not Activity.objects.filter(verb="booking.cancelled").exists()


def test_cannot_cancel_twice_or_after_the_end(member: Any, desk: Any) -> None:
    booking = book(member, desk, next_monday(10), next_monday(11))
    services.cancel_booking(actor=member, booking=booking)
    with pytest.raises(DomainError) as info:
        services.cancel_booking(actor=member, booking=booking)
    assert info.value.code == "booking.not_cancellable"
    past = BookingFactory(
        resource=desk,
        user=member,
        starts_at=datetime(2020, 1, 6, 9, tzinfo=PARIS),
        ends_at=datetime(2020, 1, 6, 10, tzinfo=PARIS),
        blocked_until=datetime(2020, 1, 6, 10, tzinfo=PARIS),
    )
    with pytest.raises(DomainError) as info:
        services.cancel_booking(actor=member, booking=past)
    assert info.value.code == "booking.already_ended"
    past.refresh_from_db()
    assert past.status == "confirmed"
    assert Activity.objects.filter(verb="booking.cancelled").count() == 1


def test_manager_creates_resources_and_others_cannot(manager: Any, member: Any, space: Any) -> None:
    spec = services.ResourceSpec(
        name=" Big room ",
        kind="room",
        capacity=12,
        price_per_hour=Decimal("25.50"),
        currency="eur",
    )
    resource = services.create_resource(actor=manager, space=space, spec=spec)
    assert (resource.name, resource.currency, resource.seats) == ("Big room", "EUR", 1)
    assert Activity.objects.filter(verb="resource.created", target_id=str(resource.pk)).exists()
    with pytest.raises(DomainError) as info:
        services.create_resource(actor=member, space=space, spec=spec)
    assert info.value.code == "resource.not_manager"
    assert Resource.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "  "}, "resource.invalid_name"),
        ({"kind": "sofa"}, "resource.invalid_kind"),
        ({"seats": 2}, "resource.invalid_seats"),
        ({"kind": "desk_pool", "seats": 501}, "resource.invalid_seats"),
        ({"min_minutes": 60, "max_minutes": 30}, "resource.invalid_max_minutes"),
        ({"horizon_days": 0}, "resource.invalid_horizon_days"),
        ({"price_per_day": Decimal("-1")}, "resource.invalid_price"),
        ({"price_per_day": Decimal("1.005")}, "resource.invalid_price"),
        ({"currency": "E1R"}, "resource.invalid_currency"),
    ],
)
def test_refuses_invalid_resources(manager: Any, space: Any, changes: Any, code: str) -> None:
    spec = services.ResourceSpec(**{"name": "Desk", "kind": "desk", **changes})
    with pytest.raises(DomainError) as info:
        services.create_resource(actor=manager, space=space, spec=spec)
    assert (info.value.code, info.value.status) == (code, 422)
    assert not Resource.objects.exists()


def test_booking_is_seen_by_its_member_and_the_managers_only(
    member: Any, manager: Any, outsider: Any, desk: Any, make_user: Any
) -> None:
    booking = book(member, desk, next_monday(10), next_monday(11))
    for user in (member, manager, make_user(staff=True)):
        assert selectors.get_booking_for_user(user=user, booking_id=booking.pk) == booking
    other_manager = make_user()
    SpaceRoleFactory(user=other_manager, role="manager")
    for user in (outsider, other_manager, None):
        with pytest.raises(DomainError) as info:
            selectors.get_booking_for_user(user=user, booking_id=booking.pk)
        assert info.value.code == "booking.not_found"


def test_list_shows_own_bookings_and_those_of_managed_spaces(
    member: Any, manager: Any, outsider: Any, desk: Any
) -> None:
    mine = book(member, desk, next_monday(10), next_monday(11))
    theirs = book(manager, desk, next_monday(11), next_monday(12))
    assert list(selectors.list_bookings_for_user(user=member)) == [mine]
    assert list(selectors.list_bookings_for_user(user=manager)) == [mine, theirs]
    assert list(selectors.list_bookings_for_user(user=outsider)) == []
    assert list(
        selectors.list_bookings_for_user(
            user=manager, from_=next_monday(10, 30), to=next_monday(11)
        )
    ) == [mine]


def test_availability_shows_free_seats_through_the_local_day(member: Any, space: Any) -> None:
    pool = ResourceFactory(space=space, kind=ResourceKind.DESK_POOL, seats=2)
    book(member, pool, next_monday(10), next_monday(12))
    result = selectors.availability(resource=pool, day=next_monday(0).date())
    got = [
        (
            s.starts_at.astimezone(PARIS).hour,
            s.ends_at.astimezone(PARIS).hour,
            s.free_seats,
            s.is_open,
        )
        for s in result.slots
    ]
    assert got == [
        (0, 9, 2, False),
        (9, 10, 2, True),
        (10, 12, 1, True),
        (12, 18, 2, True),
        (18, 0, 2, False),
    ]
    assert result.timezone == "Europe/Paris"
