"""Registering for an occurrence, the waitlist and its promotions, check-in at the door.

Every change of one event's registrations runs under the lock of the event's row (see
`_shared.lock_event`): the seat count read and the row written belong to one turn, so no
occurrence takes more than its capacity and the waitlist keeps strict arrival order (a
registration's `id`, assigned inside the turn).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from coshore.activity.services import record_activity

from ..errors import (
    AlreadyCheckedIn,
    AlreadyRegistered,
    EventNotFound,
    NotHost,
    NotRegistered,
    RegistrationClosed,
)
from ..models import Event, EventStatus, Registration, RegistrationStatus
from ..selectors import can_manage_event, find_occurrence, is_cancelled, occurrence_key
from . import _shared as s

__all__ = [
    "cancel_registration",
    "check_in",
    "promote_waitlist",
    "register",
    "undo_check_in",
    "waitlist_position",
]

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


def waitlist_position(registration: Registration) -> int | None:
    """1-based place on the occurrence's waitlist; None when not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return Registration.objects.filter(
        event_id=registration.event_id,
        recurrence_id=registration.recurrence_id,
        status=RegistrationStatus.WAITLISTED,
        id__lte=registration.pk,
    ).count()


def _record(actor: Any, verb: str, event: Event, reg: Registration, **metadata: Any) -> None:
    record_activity(
        actor=actor,
        verb=verb,
        target=reg,
        space=event.space,
        network=event.network,
        metadata={
            "event": event.pk,
            "occurrence": occurrence_key(event, reg.recurrence_id),
            "user_id": reg.user_id,
            **metadata,
        },
    )


def register(*, user: Any, event: Event, recurrence_id: datetime) -> Registration:
    """A person takes a seat at one occurrence of a published event, or, when every seat is
    taken, the next place on its waitlist. Not twice (409 `registration.exists`), not for a
    cancelled event or occurrence, nor one that has ended (409 `registration.closed`)."""
    person = s.require_user(user)
    rid = recurrence_id.astimezone(UTC)
    with transaction.atomic():
        current = s.lock_event(event)
        if current.status != EventStatus.PUBLISHED:
            raise RegistrationClosed(
                f"This event is {current.status}: no registrations.",
                detail={"reason": current.status},
            )
        instance = find_occurrence(current, rid, include_cancelled=True)
        if instance is None:
            raise EventNotFound("No such occurrence.")
        if is_cancelled(instance):
            raise RegistrationClosed(
                "This occurrence is cancelled.", detail={"reason": "cancelled"}
            )
        if instance.end <= timezone.now():
            raise RegistrationClosed("This event is over.", detail={"reason": "past"})
        # One read for both questions: am I in already, and how many seats are taken.
        seen = Registration.objects.filter(event=current, recurrence_id=rid).aggregate(
            mine=Count("id", filter=Q(user_id=person.pk, status__in=ACTIVE)),
            taken=Count("id", filter=Q(status=RegistrationStatus.REGISTERED)),
        )
        if seen["mine"]:
            raise AlreadyRegistered(
                "You are already registered (or on the waitlist).",
                detail={"occurrence": occurrence_key(current, rid)},
            )
        full = current.capacity is not None and seen["taken"] >= current.capacity
        reg = Registration.objects.create(
            event=current,
            recurrence_id=rid,
            user=person,
            status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED,
            token=secrets.token_hex(16),
        )
        _record(person, "event.waitlisted" if full else "event.registered", event, reg)
    return reg


def cancel_registration(*, user: Any, event: Event, recurrence_id: datetime) -> Registration:
    """A person gives up their seat or waitlist place at one occurrence. A seat freed this
    way goes to the first person on the waitlist at once (strict arrival order), who is
    notified (`event.promoted`)."""
    person = s.require_user(user)
    rid = recurrence_id.astimezone(UTC)
    with transaction.atomic():
        current = s.lock_event(event)
        reg = (
            Registration.objects.filter(
                event=current, recurrence_id=rid, user_id=person.pk, status__in=ACTIVE
            )
            .order_by("id")
            .first()
        )
        if reg is None:
            raise NotRegistered("You are not registered for this occurrence.")
        was = reg.status
        reg.status = RegistrationStatus.CANCELLED
        reg.cancelled_at = timezone.now()
        reg.save(update_fields=["status", "cancelled_at"])
        _record(person, "event.registration_cancelled", current, reg, was=was)
        if was == RegistrationStatus.REGISTERED and current.status == EventStatus.PUBLISHED:
            promote_waitlist(event=current, recurrence_id=rid, actor=None)
    return reg


def promote_waitlist(*, event: Event, recurrence_id: datetime, actor: Any) -> list[Registration]:
    """Fill the occurrence's free seats from its waitlist, first come first served, and tell
    each person promoted. Runs inside the caller's turn on the event's lock."""
    assert transaction.get_connection().in_atomic_block
    instance = find_occurrence(event, recurrence_id)
    if instance is None or instance.end <= timezone.now():
        return []
    seats = Registration.objects.filter(event=event, recurrence_id=recurrence_id)
    waiting = seats.filter(status=RegistrationStatus.WAITLISTED).order_by("id")
    if event.capacity is None:
        promoted = list(waiting.select_related("user"))
    else:
        free = event.capacity - seats.filter(status=RegistrationStatus.REGISTERED).count()
        promoted = list(waiting.select_related("user")[: max(free, 0)])
    now = timezone.now()
    row = instance.override.ref if instance.override is not None else None
    title = getattr(row, "title", "") or event.title
    for reg in promoted:
        reg.status = RegistrationStatus.REGISTERED
        reg.promoted_at = now
        reg.save(update_fields=["status", "promoted_at"])
        _record(actor, "event.promoted", event, reg)
        local = instance.start.astimezone(_zone(event))
        s.tell(
            people=[reg.user],
            event=event,
            kind="event.promoted",
            title=f"A seat is yours: {title}",
            body=(
                f"A seat freed up and you were first on the waitlist: you are registered for "
                f"“{title}” on {local:%A %d %B %Y at %H:%M} ({event.timezone})."
            ),
            url=s.event_url(event, recurrence_id),
            actor=actor,
            key=f"event.promoted:{reg.pk}",
        )
    return promoted


def _zone(event: Event) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(event.timezone)


def check_in(*, actor: Any, registration: Registration, method: str = "list") -> Registration:
    """The hosts' managers check a registered person in at the door (from the list or their
    QR code); once (409 `registration.already_checked_in`). Recorded as `event.checked_in`:
    who attended which occurrence, the raw material of co-attendance ties."""
    user = s.require_user(actor)
    event = registration.event
    if not can_manage_event(user, event):
        raise NotHost("Only the hosts' managers check people in.")
    with transaction.atomic():
        current = s.lock_event(event)
        reg = Registration.objects.select_related("user").get(pk=registration.pk)
        if reg.status != RegistrationStatus.REGISTERED:
            raise NotRegistered(
                f"This registration is {reg.status}.", detail={"status": reg.status}
            )
        if reg.checked_in_at is not None:
            raise AlreadyCheckedIn(
                f"{reg.user.name} was checked in at {reg.checked_in_at:%H:%M} UTC.",
                detail={"checked_in_at": reg.checked_in_at.isoformat()},
            )
        reg.checked_in_at = timezone.now()
        reg.checked_in_by = user
        reg.save(update_fields=["checked_in_at", "checked_in_by"])
        _record(user, "event.checked_in", current, reg, method=method[:8])
    return reg


def undo_check_in(*, actor: Any, registration: Registration) -> Registration:
    """A manager unticks a person checked in by mistake (recorded as `event.check_in_undone`)."""
    user = s.require_user(actor)
    event = registration.event
    if not can_manage_event(user, event):
        raise NotHost("Only the hosts' managers check people in.")
    with transaction.atomic():
        current = s.lock_event(event)
        reg = Registration.objects.get(pk=registration.pk)
        if reg.checked_in_at is None:
            return reg
        reg.checked_in_at = None
        reg.checked_in_by = None
        reg.save(update_fields=["checked_in_at", "checked_in_by"])
        _record(user, "event.check_in_undone", current, reg)
    return reg
