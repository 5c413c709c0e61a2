"""The rules of events, at the service: who creates and proposes, rooms through bookings,
registrations, the waitlist and its promotions, capacity, occurrences, cancelling, check-in."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings import services as booking_services
from coshore.bookings.models import Booking, BookingStatus
from coshore.core.errors import DomainError
from coshore.events import services
from coshore.events.models import (
    Event,
    EventStatus,
    Occurrence,
    Registration,
    RoomHold,
)
from coshore.events.selectors import find_occurrence, get_occurrence_for_user
from coshore.events.tests.factories import World, evening, event
from coshore.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _code(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return exc.value.code


# --- Creating and proposing -------------------------------------------------------------------


def test_a_manager_publishes_and_a_member_proposes(w: World) -> None:
    published = event(w.manager, w.paris)
    proposed = event(w.member, w.paris, title="Open mic")
    assert published.status == EventStatus.PUBLISHED
    assert proposed.status == EventStatus.PROPOSED
    note = Notification.objects.get(recipient=w.manager, kind="event.proposed")
    assert note.url == f"/events/{proposed.pk}/"
    assert Activity.objects.filter(verb="event.proposed", target_id=str(proposed.pk)).exists()


def test_an_outsider_cannot_create_an_event_in_a_space(w: World) -> None:
    with pytest.raises(DomainError) as exc:
        event(w.outsider, w.paris)
    assert _code(exc) == "event.not_host"
    assert Event.objects.count() == 0


def test_only_operators_create_network_events(w: World) -> None:
    e = event(w.operator, network=w.network, title="Network day")
    assert e.status == EventStatus.PUBLISHED and e.space is None
    with pytest.raises(DomainError) as exc:
        event(w.manager, network=w.network)
    assert _code(exc) == "event.not_host"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": ""}, "event.invalid"),
        ({"title": "x" * 201}, "event.invalid"),
        ({"kind": "party"}, "event.invalid"),
        ({"visibility": "secret"}, "event.invalid"),
        ({"mode": "online"}, "event.invalid"),  # no link
        ({"mode": "online", "online_url": "javascript:alert(1)"}, "event.invalid"),
        ({"capacity": 0}, "event.invalid"),
        ({"capacity": True}, "event.invalid"),
        ({"rrule": "FREQ=SOMETIMES"}, "event.invalid_rrule"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "event.invalid_rrule"),
        ({"rrule": "FREQ=MINUTELY"}, "event.invalid_rrule"),
        ({"rrule": "FREQ=DAILY;BYHOUR=1,2,3"}, "event.invalid_rrule"),
        ({"timezone": "Mars/Olympus"}, "event.invalid"),
        ({"skills": ["http://nope"]}, "event.unknown_skill"),
        ({"tags": ["x" * 41]}, "event.invalid"),
    ],
)
def test_rejects_bad_fields_and_writes_nothing(w: World, fields: dict[str, Any], code: str) -> None:
    with pytest.raises(DomainError) as exc:
        event(w.manager, w.paris, **fields)
    assert _code(exc) == code
    assert Event.objects.count() == 0


def test_rejects_an_end_before_the_start_and_naive_times(w: World) -> None:
    start, end = evening()
    with pytest.raises(DomainError) as exc:
        event(w.manager, w.paris, starts_at=end, ends_at=start)
    assert _code(exc) == "event.ends_before_start"
    with pytest.raises(DomainError) as exc:
        event(w.manager, w.paris, starts_at=start.replace(tzinfo=None))
    assert _code(exc) == "event.naive_datetime"
    assert Event.objects.count() == 0


def test_an_all_day_event_takes_dates_in_its_zone(w: World) -> None:
    start, _ = evening()
    e = event(w.manager, w.paris, all_day=True, starts_at=start.date(), ends_at=start.date())
    assert e.ends_at - e.starts_at == timedelta(days=1)
    assert e.starts_at.astimezone(start.tzinfo).hour == 0


# --- Rooms ------------------------------------------------------------------------------------


def test_an_event_holds_its_room_through_the_booking_service(w: World) -> None:
    e = event(w.manager, w.paris, room=w.room)
    hold = RoomHold.objects.get(event=e)
    assert hold.booking.resource == w.room
    assert hold.booking.status == BookingStatus.CONFIRMED
    assert (hold.booking.starts_at, hold.booking.ends_at) == (e.starts_at, e.ends_at)
    # A member's booking of the same slot now clashes.
    with pytest.raises(DomainError) as exc:
        booking_services.book_resource(
            actor=w.member, resource=w.room, starts_at=e.starts_at, ends_at=e.ends_at
        )
    assert _code(exc) == "booking.slot_taken"


def test_a_room_already_booked_is_refused_and_nothing_is_written(w: World) -> None:
    start, end = evening()
    booking_services.hold_room_for_event(
        actor=w.manager,
        resource=w.room,
        starts_at=start + timedelta(hours=1),
        ends_at=end + timedelta(hours=1),
    )
    bookings = Booking.objects.count()
    with pytest.raises(DomainError) as exc:
        event(w.manager, w.paris, room=w.room, starts_at=start, ends_at=end)
    assert _code(exc) == "event.room_taken"
    assert exc.value.status == 409
    assert Event.objects.count() == 0 and Booking.objects.count() == bookings


def test_a_series_holds_every_occurrence_or_none(w: World) -> None:
    start, end = evening(days=7)
    # The fourth week is taken.
    booking_services.hold_room_for_event(
        actor=w.manager,
        resource=w.room,
        starts_at=start + timedelta(weeks=3),
        ends_at=end + timedelta(weeks=3),
    )
    with pytest.raises(DomainError) as exc:
        event(w.manager, w.paris, room=w.room, rrule="FREQ=WEEKLY;COUNT=6")
    assert _code(exc) == "event.room_taken"
    # The clash names the taken date: a series occurrence id and its start (UTC).
    assert re.fullmatch(r"\d+-\d{8}T\d{6}Z", exc.value.detail["occurrence"])
    assert exc.value.detail["starts_at"] == (start + timedelta(weeks=3)).astimezone(UTC).isoformat()
    assert RoomHold.objects.count() == 0 and Booking.objects.count() == 1
    e = event(w.manager, w.paris, room=w.room, rrule="FREQ=WEEKLY;COUNT=3")
    assert RoomHold.objects.filter(event=e).count() == 3


def test_cancelling_the_event_gives_the_room_back(w: World) -> None:
    e = event(w.manager, w.paris, room=w.room)
    booking = RoomHold.objects.get(event=e).booking
    services.cancel_event(actor=w.manager, event=e)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert not RoomHold.objects.filter(event=e).exists()


def test_a_proposals_room_is_held_on_approval(w: World) -> None:
    e = event(w.member, w.paris, room=w.room)
    assert not RoomHold.objects.exists()
    services.approve_event(actor=w.manager, event=e)
    assert RoomHold.objects.filter(event=e).count() == 1
    assert Notification.objects.filter(recipient=w.member, kind="event.approved").exists()


def test_declining_notifies_the_proposer(w: World) -> None:
    e = event(w.member, w.paris)
    services.decline_event(actor=w.manager, event=e, reason="Clashes with the open day")
    e.refresh_from_db()
    assert e.status == EventStatus.DECLINED
    note = Notification.objects.get(recipient=w.member, kind="event.declined")
    assert "open day" in note.body
    with pytest.raises(DomainError) as exc:
        services.approve_event(actor=w.manager, event=e)
    assert _code(exc) == "event.not_proposed"


def test_a_member_cannot_approve(w: World) -> None:
    e = event(w.member, w.paris)
    with pytest.raises(DomainError) as exc:
        services.approve_event(actor=w.neighbour, event=e)
    assert _code(exc) == "event.not_host"


# --- Registrations and the waitlist -----------------------------------------------------------


def test_register_until_full_then_waitlist_in_order(w: World, make_user: Any) -> None:
    e = event(w.manager, w.paris, capacity=2)
    people = [make_user() for _ in range(4)]
    regs = [services.register(user=p, event=e, recurrence_id=e.starts_at) for p in people]
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert [services.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    assert Activity.objects.filter(verb="event.waitlisted").count() == 2


def test_cancelling_a_seat_promotes_the_first_waitlisted_and_emails_them(
    w: World, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    e = event(w.manager, w.paris, capacity=1)
    first, second, third = make_user("first@example.org"), make_user(), make_user()
    for p in (first, second, third):
        services.register(user=p, event=e, recurrence_id=e.starts_at)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(user=first, event=e, recurrence_id=e.starts_at)
    statuses = dict(Registration.objects.filter(event=e).values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "registered", third.pk: "waitlisted"}
    assert Notification.objects.filter(recipient=second, kind="event.promoted").count() == 1
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "A seat is yours" in mail.outbox[0].subject
    third_reg = Registration.objects.get(user=third, event=e)
    assert services.waitlist_position(third_reg) == 1


def test_registering_twice_is_refused(w: World) -> None:
    e = event(w.manager, w.paris)
    services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    with pytest.raises(DomainError) as exc:
        services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    assert _code(exc) == "registration.exists"
    assert Registration.objects.count() == 1


def test_registering_for_a_cancelled_or_past_event_is_refused(w: World) -> None:
    e = event(w.manager, w.paris)
    services.cancel_event(actor=w.manager, event=e)
    with pytest.raises(DomainError) as exc:
        services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    assert _code(exc) == "registration.closed"
    past = event(w.manager, w.paris)
    Event.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - timedelta(days=30), ends_at=past.ends_at - timedelta(days=30)
    )
    past.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.register(user=w.member, event=past, recurrence_id=past.starts_at)
    assert _code(exc) == "registration.closed"
    assert Registration.objects.count() == 0


def test_a_proposal_takes_no_registrations(w: World) -> None:
    e = event(w.member, w.paris)
    with pytest.raises(DomainError) as exc:
        services.register(user=w.neighbour, event=e, recurrence_id=e.starts_at)
    assert _code(exc) == "registration.closed"


def test_capacity_cannot_go_below_registrations_and_raising_it_promotes(
    w: World, make_user: Any
) -> None:
    e = event(w.manager, w.paris, capacity=2)
    people = [make_user() for _ in range(4)]
    for p in people:
        services.register(user=p, event=e, recurrence_id=e.starts_at)
    with pytest.raises(DomainError) as exc:
        services.update_event(actor=w.manager, event=e, capacity=1)
    assert _code(exc) == "event.capacity_below_registrations"
    assert exc.value.detail["registered"] == 2
    e.refresh_from_db()
    assert e.capacity == 2
    services.update_event(actor=w.manager, event=e, capacity=3)
    regs = list(Registration.objects.filter(event=e).order_by("id"))
    assert [r.status for r in regs] == ["registered"] * 3 + ["waitlisted"]
    assert Notification.objects.filter(recipient=people[2], kind="event.promoted").exists()


def test_moving_a_single_event_moves_its_registrations_and_room(w: World) -> None:
    e = event(w.manager, w.paris, room=w.room)
    services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    later = e.starts_at + timedelta(days=1)
    services.update_event(
        actor=w.manager, event=e, starts_at=later, ends_at=later + timedelta(hours=2)
    )
    reg = Registration.objects.get(event=e)
    assert reg.recurrence_id == later
    hold = RoomHold.objects.get(event=e)
    assert hold.booking.starts_at == later and hold.recurrence_id == later
    assert Booking.objects.filter(status="confirmed").count() == 1
    assert Notification.objects.filter(recipient=w.member, kind="event.changed").exists()


def test_cancelling_the_event_notifies_registered_and_waitlisted(w: World) -> None:
    e = event(w.manager, w.paris, capacity=1)
    services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    services.register(user=w.neighbour, event=e, recurrence_id=e.starts_at)
    services.cancel_event(actor=w.manager, event=e, reason="Speaker ill")
    for person in (w.member, w.neighbour):
        assert Notification.objects.filter(recipient=person, kind="event.cancelled").count() == 1


# --- Series and occurrences -------------------------------------------------------------------


def test_registrations_are_per_occurrence(w: World, make_user: Any) -> None:
    e = event(w.manager, w.paris, capacity=1, rrule="FREQ=WEEKLY;COUNT=4")
    week2 = e.starts_at + timedelta(weeks=1)
    a = services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    b = services.register(user=w.neighbour, event=e, recurrence_id=week2)
    assert (a.status, b.status) == ("registered", "registered")
    ref = get_occurrence_for_user(
        user=w.member, occurrence_id=f"{e.pk}-{week2.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    )
    assert ref.instance is not None and ref.instance.recurrence_id == week2
    with pytest.raises(DomainError):
        services.register(user=w.member, event=e, recurrence_id=week2 + timedelta(hours=1))


def test_editing_one_occurrence_moves_it_and_its_hold(w: World) -> None:
    e = event(w.manager, w.paris, room=w.room, rrule="FREQ=WEEKLY;COUNT=3")
    week2 = e.starts_at + timedelta(weeks=1)
    services.register(user=w.member, event=e, recurrence_id=week2)
    moved = week2 + timedelta(days=1)
    services.edit_occurrence(
        actor=w.manager,
        event=e,
        recurrence_id=week2,
        starts_at=moved,
        ends_at=moved + timedelta(hours=2),
        title="Special edition",
    )
    inst = find_occurrence(e, week2)
    assert inst is not None and inst.start == moved
    hold = RoomHold.objects.get(event=e, recurrence_id=week2)
    assert hold.booking.starts_at == moved
    assert Booking.objects.filter(status="confirmed").count() == 3
    assert Notification.objects.filter(recipient=w.member, kind="event.changed").exists()


def test_cancelling_one_occurrence(w: World) -> None:
    e = event(w.manager, w.paris, room=w.room, rrule="FREQ=WEEKLY;COUNT=3")
    week2 = e.starts_at + timedelta(weeks=1)
    services.register(user=w.member, event=e, recurrence_id=week2)
    services.edit_occurrence(actor=w.manager, event=e, recurrence_id=week2, cancelled=True)
    assert Occurrence.objects.get(event=e).cancelled
    assert not RoomHold.objects.filter(event=e, recurrence_id=week2).exists()
    assert Notification.objects.filter(recipient=w.member, kind="event.cancelled").exists()
    with pytest.raises(DomainError) as exc:
        services.register(user=w.neighbour, event=e, recurrence_id=week2)
    assert _code(exc) == "registration.closed"


def test_a_series_with_registrations_keeps_its_schedule(w: World) -> None:
    e = event(w.manager, w.paris, rrule="FREQ=WEEKLY;COUNT=3")
    services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    with pytest.raises(DomainError) as exc:
        services.update_event(actor=w.manager, event=e, rrule="FREQ=WEEKLY;COUNT=5")
    assert _code(exc) == "event.schedule_locked"
    services.update_event(actor=w.manager, event=e, title="Renamed")  # other fields are fine


# --- Check-in ---------------------------------------------------------------------------------


def test_check_in_once_by_a_manager(w: World) -> None:
    e = event(w.manager, w.paris)
    reg = services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    with pytest.raises(DomainError) as exc:
        services.check_in(actor=w.neighbour, registration=reg)
    assert _code(exc) == "event.not_host"
    services.check_in(actor=w.manager, registration=reg, method="qr")
    act = Activity.objects.get(verb="event.checked_in")
    assert act.metadata == {
        "event": e.pk,
        "occurrence": str(e.pk),
        "user_id": w.member.pk,
        "method": "qr",
    }
    with pytest.raises(DomainError) as exc:
        services.check_in(actor=w.manager, registration=reg)
    assert _code(exc) == "registration.already_checked_in"
    services.undo_check_in(actor=w.manager, registration=reg)
    reg.refresh_from_db()
    assert reg.checked_in_at is None


def test_the_services_keep_the_series_last_end_in_step(w: World) -> None:
    """`last_ends_at` lets window queries skip finished series: creating a series sets it and
    moving its last occurrence later moves it, so the moved occurrence is still listed."""
    from coshore.events.selectors import list_occurrences

    e = event(w.manager, w.paris, rrule="FREQ=WEEKLY;COUNT=2")
    last = e.starts_at + timedelta(weeks=1)
    e.refresh_from_db()
    assert e.last_ends_at == e.ends_at + timedelta(weeks=1)
    later = last + timedelta(days=20)
    services.edit_occurrence(
        actor=w.manager, event=e, recurrence_id=last, starts_at=later,
        ends_at=later + timedelta(hours=2),
    )  # fmt: skip
    e.refresh_from_db()
    assert e.last_ends_at == later + timedelta(hours=2)
    window = list_occurrences(
        viewer=w.manager, start=later - timedelta(days=1), end=later + timedelta(days=1)
    )
    assert [v.recurrence_id for v in window if v.event.pk == e.pk] == [last]


def test_extend_room_holds_takes_later_dates_and_reports_a_clash(w: World) -> None:
    """A weekly series holds its room only within the room's horizon; days later the periodic
    run holds the dates that came within it, one by one: a date someone booked meanwhile
    stays without the room and the manager is told."""
    from coshore.events.services.rooms import extend_room_holds

    w.room.horizon_days = 15
    w.room.save(update_fields=["horizon_days"])
    e = event(w.manager, w.paris, room=w.room, rrule="FREQ=WEEKLY")
    first = RoomHold.objects.filter(event=e).count()
    assert first == 2  # the first date (in a week) and the next, within 15 days
    taken = e.starts_at + timedelta(weeks=3)
    booking_services.hold_room_for_event(
        actor=w.manager, resource=w.room, starts_at=taken, ends_at=e.ends_at + timedelta(weeks=3)
    )
    later = timezone.now() + timedelta(days=14)
    held, clashes = extend_room_holds(now=later)
    assert (held, clashes) == (1, 1)  # the third date held, the fourth taken
    assert RoomHold.objects.filter(event=e).count() == 3
    note = Notification.objects.get(recipient=w.manager, kind="event.room_clash")
    assert w.room.name in note.title
    assert extend_room_holds(now=later) == (0, 1)  # nothing new; told only once
    assert Notification.objects.filter(kind="event.room_clash").count() == 1
