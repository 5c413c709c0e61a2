"""What entitles a person to a booking and what it costs them: plans, credits, day passes,
room hours, overage prices, trainings, allowed plans; refunds on cancellation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings import services
from coshore.bookings.models import Booking, BookingStatus, Cover, ResourceKind, Training
from coshore.core.errors import DomainError
from coshore.memberships import selectors as membership_selectors
from coshore.memberships import services as membership_services
from coshore.memberships.models import CreditEntry, DayPass, Payment, PaymentStatus, PlanKind
from coshore.memberships.tests.factories import PlanFactory

from .conftest import PARIS, next_monday
from .factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def book(user: Any, resource: Any, start: Any = None, end: Any = None) -> Booking:
    return services.book_resource(
        actor=user,
        resource=resource,
        starts_at=start or next_monday(10),
        ends_at=end or next_monday(12),
    )


def refused(code: str, user: Any, resource: Any, start: Any = None, end: Any = None) -> None:
    before = (Booking.objects.count(), CreditEntry.objects.count(), Payment.objects.count())
    with pytest.raises(DomainError) as info:
        book(user, resource, start, end)
    assert info.value.code == code
    assert (Booking.objects.count(), CreditEntry.objects.count(), Payment.objects.count()) == (
        before
    )


@pytest.fixture
def room(space: Any) -> Any:
    return ResourceFactory(
        space=space,
        name="Salle Lovelace",
        kind=ResourceKind.ROOM,
        capacity=8,
        credits_per_hour=2,
        price_per_hour=Decimal("30.00"),
        price_per_day=Decimal("150.00"),
    )


def member_with_plan(space: Any, manager: Any, make_user: Any, **plan: Any) -> Any:
    user = make_user("resident@example.org")
    chosen = PlanFactory(space=space, **plan)
    membership_services.add_membership(actor=manager, space=space, email=user.email, plan=chosen)
    return user


def test_a_manager_books_without_charge(manager: Any, room: Any) -> None:
    booking = book(manager, room)
    assert (booking.cover, booking.credits, booking.amount) == (Cover.MANAGER, 0, None)
    assert CreditEntry.objects.count() == 0


def test_a_member_without_a_plan_books_a_free_desk_as_a_member(member: Any, desk: Any) -> None:
    assert book(member, desk).cover == Cover.MEMBERSHIP


def test_credits_pay_per_started_hour_and_come_back_when_cancelled_in_time(
    space: Any, manager: Any, make_user: Any, room: Any
) -> None:
    resident = member_with_plan(space, manager, make_user, credits_included=10)
    booking = book(resident, room, next_monday(10), next_monday(11, 30))  # 2 started hours
    assert (booking.cover, booking.credits) == (Cover.CREDITS, 4)
    assert membership_selectors.credit_balance(user=resident, space=space) == 6
    services.cancel_booking(actor=resident, booking=booking)
    assert membership_selectors.credit_balance(user=resident, space=space) == 10
    reasons = list(
        CreditEntry.objects.filter(user=resident).values_list("reason", "delta", "booking_id")
    )
    assert reasons == [("grant", 10, None), ("booking", -4, booking.pk), ("refund", 4, booking.pk)]
    event = Activity.objects.get(verb="booking.cancelled")
    assert event.metadata["refunded"] is True


def test_a_late_cancellation_keeps_the_credits(
    space: Any, manager: Any, make_user: Any, room: Any
) -> None:
    room.free_cancel_hours = 24 * 30
    room.save()
    resident = member_with_plan(space, manager, make_user, credits_included=10)
    booking = book(resident, room)
    services.cancel_booking(actor=resident, booking=booking)
    assert membership_selectors.credit_balance(user=resident, space=space) == 6
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert Activity.objects.get(verb="booking.cancelled").metadata["in_time"] is False


def test_without_enough_credits_a_member_pays_the_price_at_the_desk(
    space: Any, manager: Any, make_user: Any, room: Any
) -> None:
    resident = member_with_plan(space, manager, make_user, credits_included=3)
    booking = book(resident, room, next_monday(10), next_monday(12))  # needs 4 credits
    assert (booking.cover, booking.amount, booking.currency) == (
        Cover.OVERAGE,
        Decimal("60.00"),
        "EUR",
    )
    payment = Payment.objects.get(booking_id=booking.pk)
    assert (payment.amount, payment.status, payment.user_id) == (
        Decimal("60.00"),
        PaymentStatus.DUE_AT_DESK,
        resident.pk,
    )
    assert membership_selectors.credit_balance(user=resident, space=space) == 3
    services.cancel_booking(actor=resident, booking=booking)
    lines = list(Payment.objects.filter(booking_id=booking.pk).values_list("status", "amount"))
    assert lines == [("due_at_desk", Decimal("60.00")), ("refunded", Decimal("60.00"))]


def test_the_day_price_caps_a_long_booking(
    space: Any, manager: Any, make_user: Any, room: Any
) -> None:
    room.credits_per_hour = 0
    room.save()
    resident = member_with_plan(space, manager, make_user, credits_included=0)
    booking = book(resident, room, next_monday(9), next_monday(17))  # 8 h x 30 = 240 > 150
    assert booking.amount == Decimal("150.00")


def test_an_unpriced_credit_resource_refuses_a_member_without_credits(
    space: Any, manager: Any, make_user: Any, room: Any
) -> None:
    room.price_per_hour = None
    room.price_per_day = None
    room.save()
    resident = member_with_plan(space, manager, make_user, credits_included=1)
    refused("booking.insufficient_credits", resident, room)


def test_room_hours_of_a_plan_cover_rooms_until_used_up_in_the_month(
    space: Any, manager: Any, make_user: Any, room: Any
) -> None:
    resident = member_with_plan(
        space, manager, make_user, credits_included=4, room_hours_included=3
    )
    first = book(resident, room, next_monday(10), next_monday(12))
    assert (first.cover, first.room_minutes, first.credits) == (Cover.ROOM_HOURS, 120, 0)
    second = book(resident, room, next_monday(13), next_monday(15))  # 1 h left: credits
    assert (second.cover, second.credits) == (Cover.CREDITS, 4)
    # Cancelled in time, the room hours are free again.
    services.cancel_booking(actor=resident, booking=first)
    third = book(resident, room, next_monday(15), next_monday(17))
    assert third.cover == Cover.ROOM_HOURS


def test_an_unlimited_desk_plan_covers_desks_but_not_rooms(
    space: Any, manager: Any, make_user: Any, desk: Any, room: Any
) -> None:
    desk.credits_per_hour = 1
    desk.save()
    resident = member_with_plan(space, manager, make_user, credits_included=0, unlimited_desk=True)
    assert book(resident, desk).cover == Cover.UNLIMITED_DESK
    assert book(resident, room).cover == Cover.OVERAGE


def test_a_visitor_books_a_desk_with_a_day_pass_for_that_day_only(
    space: Any, make_user: Any, desk: Any, room: Any
) -> None:
    visitor = make_user("visitor@example.org")
    refused("booking.not_a_member", visitor, desk)
    DayPass.objects.create(user=visitor, space=space, date=next_monday(10).date())
    booking = book(visitor, desk)
    assert booking.cover == Cover.DAY_PASS
    refused("booking.not_covered", visitor, room)
    tuesday = next_monday(10) + timedelta(days=1)
    refused("booking.not_a_member", visitor, desk, tuesday, tuesday + timedelta(hours=2))


def test_a_credit_pack_lets_a_visitor_book_what_credits_pay_for(
    space: Any, make_user: Any, room: Any
) -> None:
    visitor = make_user("visitor@example.org")
    pack = PlanFactory(
        space=space, kind=PlanKind.CREDIT_PACK, credits_included=3, price=Decimal("20")
    )
    membership_services.buy_credit_pack(actor=visitor, space=space, plan=pack)
    booking = book(visitor, room, next_monday(10), next_monday(11))
    assert (booking.cover, booking.credits) == (Cover.CREDITS, 2)
    refused("booking.insufficient_credits", visitor, room, next_monday(14), next_monday(15))


def test_a_machine_needs_its_training(
    space: Any, manager: Any, member: Any, make_user: Any
) -> None:
    laser = ResourceFactory(
        space=space, name="Laser cutter", kind=ResourceKind.MACHINE, requires_training=True
    )
    refused("booking.training_missing", member, laser)
    services.grant_training(actor=manager, resource=laser, email=member.email)
    services.grant_training(actor=manager, resource=laser, email="MEMBER@example.org")  # again
    assert Training.objects.filter(resource=laser).count() == 1
    assert book(member, laser).cover == Cover.MEMBERSHIP
    services.revoke_training(actor=manager, resource=laser, email=member.email)
    refused("booking.training_missing", member, laser, next_monday(14), next_monday(15))
    assert list(
        Activity.objects.filter(verb__startswith="training.").order_by("id").values_list("verb")
    ) == [
        ("training.granted",),
        ("training.revoked",),
    ]


def test_only_managers_record_trainings(space: Any, member: Any) -> None:
    laser = ResourceFactory(space=space, kind=ResourceKind.MACHINE, requires_training=True)
    with pytest.raises(DomainError) as info:
        services.grant_training(actor=member, resource=laser, email=member.email)
    assert info.value.code == "resource.not_manager"
    assert not Training.objects.exists()


def test_a_resource_restricted_to_plans_refuses_other_members(
    space: Any, manager: Any, member: Any, make_user: Any, desk: Any
) -> None:
    resident = member_with_plan(space, manager, make_user, credits_included=0)
    other_plan = PlanFactory(space=space, name="Fixed desk")
    desk.allowed_plans.set([other_plan])
    refused("booking.plan_not_allowed", resident, desk)
    refused("booking.plan_not_allowed", member, desk)
    desk.allowed_plans.add(resident.memberships.get().plan)
    assert book(resident, desk).cover == Cover.MEMBERSHIP


def test_a_resource_with_its_own_schedule_is_bookable_only_then(
    space: Any, manager: Any, member: Any
) -> None:
    lab = services.create_resource(
        actor=manager,
        space=space,
        spec=services.ResourceSpec(name="Wet lab", kind="room", schedule="Mo 10:00-12:00"),
    )
    assert lab.weekly_schedule == "0:600-720"
    assert book(member, lab).status == BookingStatus.CONFIRMED
    refused("booking.outside_hours", member, lab, next_monday(13), next_monday(14))


def test_a_schedule_that_is_not_weekly_hours_is_refused(space: Any, manager: Any) -> None:
    with pytest.raises(DomainError) as info:
        services.create_resource(
            actor=manager,
            space=space,
            spec=services.ResourceSpec(name="Lab", kind="room", schedule="whenever we like"),
        )
    assert info.value.code == "resource.invalid_schedule"


def test_requests_are_approved_or_declined_by_managers(
    space: Any, manager: Any, make_user: Any, room: Any
) -> None:
    room.requires_approval = True
    room.save()
    resident = member_with_plan(space, manager, make_user, credits_included=10)
    request = book(resident, room)
    assert request.status == BookingStatus.REQUESTED
    assert request.expires_at is not None
    assert request.expires_at - timezone.now() <= services.REQUEST_TTL
    with pytest.raises(DomainError) as info:
        services.approve_booking(actor=resident, booking=request)
    assert info.value.code == "booking.not_manager"
    services.approve_booking(actor=manager, booking=request)
    stored = Booking.objects.get(pk=request.pk)
    assert (stored.status, stored.decided_by_id, stored.expires_at) == (
        BookingStatus.CONFIRMED,
        manager.pk,
        None,
    )
    second = book(resident, room, next_monday(14), next_monday(15))
    services.decline_booking(actor=manager, booking=second)
    assert Booking.objects.get(pk=second.pk).status == BookingStatus.DECLINED
    # The declined request's credits came back; the approved booking's did not.
    assert membership_selectors.credit_balance(user=resident, space=space) == 6
    with pytest.raises(DomainError) as info:
        services.approve_booking(actor=manager, booking=second)
    assert info.value.code == "booking.not_requested"


def test_unanswered_requests_expire_after_24_hours_and_free_their_seat(
    space: Any, manager: Any, make_user: Any, room: Any, member: Any
) -> None:
    room.requires_approval = True
    room.save()
    resident = member_with_plan(space, manager, make_user, credits_included=10)
    request = book(resident, room)
    assert membership_selectors.credit_balance(user=resident, space=space) == 6
    assert services.expire_requests() == 0
    later = timezone.now() + timedelta(hours=24, seconds=1)
    assert request.status_at(later) == BookingStatus.EXPIRED
    assert services.expire_requests(now=later) == 1
    assert Booking.objects.get(pk=request.pk).status == BookingStatus.EXPIRED
    assert membership_selectors.credit_balance(user=resident, space=space) == 10
    with pytest.raises(DomainError) as info:
        services.approve_booking(actor=manager, booking=request)
    assert info.value.code == "booking.request_expired"
    assert book(member, room).status == BookingStatus.REQUESTED  # the seat is free again


def test_a_due_request_expires_before_a_new_booking_looks_for_a_seat(
    space: Any, member: Any, make_user: Any, room: Any
) -> None:
    room.requires_approval = True
    room.save()
    stale = BookingFactory(
        resource=room,
        user=make_user("early@example.org"),
        starts_at=next_monday(10),
        ends_at=next_monday(12),
        status=BookingStatus.REQUESTED,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    assert book(member, room).status == BookingStatus.REQUESTED
    assert Booking.objects.get(pk=stale.pk).status == BookingStatus.EXPIRED


def test_managers_bookings_of_an_approval_resource_are_confirmed(manager: Any, room: Any) -> None:
    room.requires_approval = True
    room.save()
    assert book(manager, room).status == BookingStatus.CONFIRMED


def test_a_wall_clock_time_the_clocks_skip_is_refused(space: Any, member: Any, desk: Any) -> None:
    from datetime import datetime

    desk.horizon_days = 730
    desk.save()
    space.hours_status = "unknown"
    space.save()
    now = timezone.now().astimezone(PARIS)
    year = now.year + 1
    # The last Sunday of March: Europe/Paris jumps from 02:00 to 03:00.
    day = max(d for d in range(25, 32) if datetime(year, 3, d).weekday() == 6)
    from datetime import timezone as tz

    skipped = datetime(year, 3, day, 2, 30, tzinfo=tz(timedelta(hours=1)))
    refused("booking.nonexistent_local_time", member, desk, skipped, skipped + timedelta(hours=2))
    with pytest.raises(DomainError) as info:
        services.local_instant(space=space, value=datetime(year, 3, day, 2, 30))
    assert info.value.code == "booking.nonexistent_local_time"
    # The same instant written with the offset in force then is a real time: 03:30 CEST.
    real = datetime(year, 3, day, 3, 30, tzinfo=tz(timedelta(hours=2)))
    assert book(member, desk, real, real + timedelta(hours=2)).starts_at == skipped


def test_the_expiry_command_expires_due_requests(space: Any, make_user: Any, room: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    stale = BookingFactory(
        resource=room,
        user=make_user("early@example.org"),
        status=BookingStatus.REQUESTED,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    fresh = BookingFactory(
        resource=room,
        user=make_user("late@example.org"),
        starts_at=timezone.now() + timedelta(days=3),
        status=BookingStatus.REQUESTED,
        expires_at=timezone.now() + timedelta(hours=3),
    )
    out = StringIO()
    call_command("expire_booking_requests", stdout=out)
    assert out.getvalue().strip() == "expired 1 booking request(s)"
    assert Booking.objects.get(pk=stale.pk).status == BookingStatus.EXPIRED
    assert Booking.objects.get(pk=fresh.pk).status == BookingStatus.REQUESTED
