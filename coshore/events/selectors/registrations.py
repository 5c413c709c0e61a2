"""Reads of registrations: counts per occurrence, a person's own registration, the hosts'
door list, proposals waiting for a manager."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from ..errors import NotHost, NotRegistered
from ..models import Event, EventStatus, Registration, RegistrationStatus
from .events import can_manage_event, managed_events_q

__all__ = [
    "count_registrations",
    "get_my_registration",
    "get_registration_for_host",
    "list_proposals",
    "list_registrations",
    "may_see_online_url",
]

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


def count_registrations(
    event_ids: Iterable[int],
) -> dict[tuple[int, datetime], tuple[int, int]]:
    """(registered, waitlisted) per (event id, occurrence), in one query."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = (
        Registration.objects.filter(event_id__in=ids, status__in=ACTIVE)
        .values("event_id", "recurrence_id")
        .annotate(
            registered=Count("id", filter=Q(status=RegistrationStatus.REGISTERED)),
            waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
    )
    return {(r["event_id"], r["recurrence_id"]): (r["registered"], r["waitlisted"]) for r in rows}


def get_my_registration(*, user: Any, event: Event, recurrence_id: datetime) -> Registration | None:
    """The caller's active registration (seat or waitlist) for the occurrence, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(
            event=event, recurrence_id=recurrence_id, user_id=user.pk, status__in=ACTIVE
        )
        .order_by("id")
        .first()
    )


def may_see_online_url(*, user: Any, event: Event, registration: Registration | None) -> bool:
    """The online link is for people with a seat (not the waitlist) and the hosts."""
    if registration is not None and registration.status == RegistrationStatus.REGISTERED:
        return True
    return can_manage_event(user, event)


def list_registrations(
    *, user: Any, event: Event, recurrence_id: datetime, q: str = "", everyone: bool = False
) -> QuerySet[Registration]:
    """The occurrence's registrations for the hosts' managers (NotHost otherwise): registered
    then waitlisted, each in arrival order; `q` filters by name or email; cancelled ones only
    with `everyone`."""
    if not can_manage_event(user, event):
        raise NotHost("Only the hosts' managers see the registrations.")
    qs = Registration.objects.filter(event=event, recurrence_id=recurrence_id).select_related(
        "user"
    )
    if not everyone:
        qs = qs.filter(status__in=ACTIVE)
    words = (q or "")[:100].split() if isinstance(q, str) else []
    for word in words[:5]:
        qs = qs.filter(Q(user__display_name__icontains=word) | Q(user__email__icontains=word))
    rank = Case(
        When(status=RegistrationStatus.REGISTERED, then=Value(0)),
        When(status=RegistrationStatus.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.order_by(rank, "id")


def get_registration_for_host(
    *, user: Any, registration_id: Any = None, token: Any = None
) -> Registration:
    """A registration (by id or by its QR token) for a manager of its event's hosts;
    NotRegistered (404) for anything else, missing or not theirs alike."""
    qs = Registration.objects.select_related("event", "event__space", "user")
    reg = None
    if isinstance(registration_id, int) and 1 <= registration_id < 2**63:
        reg = qs.filter(pk=registration_id).first()
    elif isinstance(token, str) and 0 < len(token) <= 32:
        reg = qs.filter(token=token).first()
    if reg is None or not can_manage_event(user, reg.event):
        raise NotRegistered("No such registration.")
    return reg


def list_proposals(*, user: Any) -> QuerySet[Event]:
    """Proposed events the caller may approve or decline, oldest first."""
    gate = managed_events_q(user)
    qs = Event.objects.filter(status=EventStatus.PROPOSED)
    if gate is not None:
        qs = qs.filter(gate)
    return qs.select_related("space", "network", "created_by", "room").order_by("created_at", "id")
