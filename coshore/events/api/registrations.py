"""Registrations: register, cancel, the hosts' list, check-in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from coshore.accounts.auth import AUTH_REQUIRED

from .. import selectors, services
from ..errors import OccurrenceRequired
from ..models import RegistrationStatus
from .schemas import ERRORS, RegistrationListOut, RegistrationOut, registration_out

router = Router()


def _occurrence(request: HttpRequest, occurrence_id: str) -> selectors.OccurrenceRef:
    """The occurrence named; a series' bare id is refused with its next occurrence's id."""
    ref = selectors.get_occurrence_for_user(user=request.user, occurrence_id=occurrence_id)
    if ref.instance is None:
        nxt = selectors.next_occurrence(ref.event)
        raise OccurrenceRequired(
            "This is a series: register for one of its occurrences.",
            detail={
                "next_occurrence": selectors.occurrence_key(ref.event, nxt.recurrence_id)
                if nxt
                else None
            },
        )
    return ref


@router.post(
    "/events/{occurrence_id}/registrations",
    response={201: RegistrationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def register(request: HttpRequest, occurrence_id: str) -> Any:
    """Take a seat, or the next place on the waitlist when the occurrence is full."""
    ref = _occurrence(request, occurrence_id)
    assert ref.instance is not None
    reg = services.register(
        user=request.user, event=ref.event, recurrence_id=ref.instance.recurrence_id
    )
    return Status(201, registration_out(reg))


@router.post(
    "/events/{occurrence_id}/registrations/cancel",
    response={200: RegistrationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def cancel_registration(request: HttpRequest, occurrence_id: str) -> Any:
    """Give up your seat (the first waitlisted person gets it) or your waitlist place."""
    ref = _occurrence(request, occurrence_id)
    assert ref.instance is not None
    reg = services.cancel_registration(
        user=request.user, event=ref.event, recurrence_id=ref.instance.recurrence_id
    )
    return registration_out(reg)


@router.get(
    "/events/{occurrence_id}/registrations",
    response={200: RegistrationListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_registrations(request: HttpRequest, occurrence_id: str, q: str = "") -> Any:
    """The occurrence's registrations, for the hosts' managers: registered then waitlisted,
    in arrival order."""
    ref = _occurrence(request, occurrence_id)
    assert ref.instance is not None
    rows = list(
        selectors.list_registrations(
            user=request.user, event=ref.event, recurrence_id=ref.instance.recurrence_id, q=q
        )
    )
    items = []
    place = 0
    for reg in rows:
        place += reg.status == RegistrationStatus.WAITLISTED
        items.append(
            {
                "id": reg.pk,
                "occurrence": ref.key,
                "status": reg.status,
                "position": place if reg.status == RegistrationStatus.WAITLISTED else None,
                "person": {"id": reg.user.pk, "name": reg.user.name, "email": reg.user.email},
                "created_at": reg.created_at.isoformat(),
                "checked_in_at": reg.checked_in_at.isoformat() if reg.checked_in_at else None,
            }
        )
    counts = selectors.count_registrations([ref.event.pk]).get(
        (ref.event.pk, ref.instance.recurrence_id), (0, 0)
    )
    return {
        "occurrence": ref.key,
        "capacity": ref.event.capacity,
        "registered": counts[0],
        "waitlisted": counts[1],
        "items": items,
    }


@router.post(
    "/events/{occurrence_id}/registrations/{registration_id}/check-in",
    response={200: RegistrationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def check_in(request: HttpRequest, occurrence_id: str, registration_id: int) -> Any:
    """A manager of the hosts checks a registered person in at the door."""
    ref = _occurrence(request, occurrence_id)
    reg = selectors.get_registration_for_host(user=request.user, registration_id=registration_id)
    if (
        reg.event_id != ref.event.pk
        or ref.instance is None
        or (reg.recurrence_id != ref.instance.recurrence_id)
    ):
        from ..errors import NotRegistered

        raise NotRegistered("No such registration.")
    reg = services.check_in(actor=request.user, registration=reg, method="api")
    return registration_out(reg)
