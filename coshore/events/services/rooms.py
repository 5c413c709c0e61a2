"""An event's room, held through the booking service for each occurrence (`RoomHold`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from coshore.bookings import services as booking_services
from coshore.bookings.errors import SlotTaken
from coshore.bookings.models import Resource, ResourceKind
from coshore.core.errors import DomainError

from ..errors import InvalidEvent, RoomTaken
from ..models import Event, Occurrence, RoomHold
from ..recurrence import Instance, expand
from ..selectors import event_series, occurrence_key
from ..selectors.events import _override

__all__ = [
    "MAX_HOLDS",
    "ROOM_KINDS",
    "check_room",
    "extend_room_holds",
    "hold_rooms",
    "move_hold",
    "release_holds",
]

ROOM_KINDS = (ResourceKind.ROOM, ResourceKind.EVENT_HALL)
# A series holds its room for at most this many occurrences ahead (within the room's horizon).
MAX_HOLDS = 200


def check_room(room: Resource | None, host_space_ids: set[int]) -> None:
    """A room is an active meeting room or event hall of a hosting space."""
    if room is None:
        return
    if room.space_id not in host_space_ids or room.kind not in ROOM_KINDS or not room.is_active:
        raise InvalidEvent(
            "The room is an active meeting room or event hall of a hosting space.",
            code="event.invalid_room",
            detail={"field": "room", "room": room.pk},
        )


def _to_hold(event: Event, room: Resource, now: datetime) -> list[Instance]:
    """The occurrences not yet ended that start within the room's booking horizon."""
    overrides = [_override(o) for o in Occurrence.objects.filter(event=event)]
    items = expand(event_series(event), now, now + timedelta(days=room.horizon_days), overrides)
    return [i for i in items if i.end > now][:MAX_HOLDS]


def _hold(actor: Any, event: Event, room: Resource, instance: Instance) -> RoomHold:
    try:
        booking = booking_services.hold_room_for_event(
            actor=actor, resource=room, starts_at=instance.start, ends_at=instance.end
        )
    except SlotTaken as exc:
        raise RoomTaken(
            f"{room.name} is already booked at that time.",
            detail={
                "room": room.pk,
                "occurrence": occurrence_key(event, instance.recurrence_id),
                "starts_at": instance.start.isoformat(),
                "ends_at": instance.end.isoformat(),
            },
        ) from exc
    except DomainError as exc:
        raise RoomTaken(
            f"{room.name} cannot be held for this event: {exc.message}",
            detail={"room": room.pk, "reason": exc.code},
        ) from exc
    return RoomHold.objects.create(
        event=event, recurrence_id=instance.recurrence_id, booking=booking
    )


def hold_rooms(*, actor: Any, event: Event) -> int:
    """Hold the event's room for every occurrence within the room's horizon that is not held
    yet, all or none (the first clash raises RoomTaken and the caller's transaction rolls
    back). Returns how many were held."""
    room = event.room
    if room is None:
        return 0
    held = set(
        RoomHold.objects.filter(event=event, booking__status="confirmed").values_list(
            "recurrence_id", flat=True
        )
    )
    count = 0
    with transaction.atomic():
        for instance in _to_hold(event, room, timezone.now()):
            if instance.recurrence_id in held:
                continue
            RoomHold.objects.filter(event=event, recurrence_id=instance.recurrence_id).delete()
            _hold(actor, event, room, instance)
            count += 1
    return count


def release_holds(*, actor: Any, event: Event, recurrence_id: datetime | None = None) -> int:
    """Give back the room of every occurrence (or of one) and forget the holds."""
    holds = RoomHold.objects.filter(event=event).select_related("booking")
    if recurrence_id is not None:
        holds = holds.filter(recurrence_id=recurrence_id)
    count = 0
    for hold in list(holds):
        booking_services.release_room_hold(actor=actor, booking=hold.booking)
        hold.delete()
        count += 1
    return count


def move_hold(*, actor: Any, event: Event, instance: Instance) -> None:
    """An occurrence moved: give back its old slot and hold the new one (409 when taken).
    Without a room, or when the new time lies beyond the room's horizon, nothing is held."""
    release_holds(actor=actor, event=event, recurrence_id=instance.recurrence_id)
    room = event.room
    now = timezone.now()
    if room is None or instance.end <= now:
        return
    if instance.start > now + timedelta(days=room.horizon_days):
        return
    _hold(actor, event, room, instance)


def _holder(event: Event, room: Resource) -> Any:
    """Who holds the room in the bookings calendar: whoever published the event if they still
    manage the room's space, else one of its managers (None when it has none)."""
    from coshore.spaces.selectors import can_manage_space, list_space_managers

    for person in (event.decided_by, event.created_by):
        if person is not None and person.is_active and can_manage_space(person, room.space):
            return person
    return list_space_managers(space=room.space).filter(is_active=True).first()


def extend_room_holds(*, now: datetime | None = None) -> tuple[int, int]:
    """Run periodically (`coshore extend-room-holds`): as a series' later occurrences come
    within its room's booking horizon, hold the room for them. Occurrences are held one by one
    here (a clash no longer undoes the others): an occurrence whose slot someone booked
    meanwhile stays without the room, and the hosts' managers are told once. Returns (held,
    clashes)."""
    from . import _shared as s

    now = now or timezone.now()
    held = clashes = 0
    series = Event.objects.filter(status="published", room__isnull=False).exclude(rrule="")
    for event in series.select_related("room__space", "decided_by", "created_by", "space"):
        room = event.room
        assert room is not None
        have = set(
            RoomHold.objects.filter(event=event, booking__status="confirmed").values_list(
                "recurrence_id", flat=True
            )
        )
        holder = _holder(event, room)
        if holder is None:
            continue
        for instance in _to_hold(event, room, now):
            if instance.recurrence_id in have:
                continue
            try:
                with transaction.atomic():
                    RoomHold.objects.filter(
                        event=event, recurrence_id=instance.recurrence_id
                    ).delete()
                    _hold(holder, event, room, instance)
                held += 1
            except RoomTaken:
                clashes += 1
                key = occurrence_key(event, instance.recurrence_id)
                s.tell(
                    people=[holder],
                    event=event,
                    kind="event.room_clash",
                    title=f"{room.name} is already booked on "
                    f"{instance.start.astimezone(ZoneInfo(event.timezone)):%a %d %b %H:%M} "
                    f"for “{event.title}”",
                    body="Someone booked the room before the series could hold it: move this "
                    "date or choose another room.",
                    url=f"/events/{key}/",
                    actor=None,
                    key=f"event.room_clash:{key}",
                )
    return held, clashes
