"""Events and occurrences: create or propose, list a window, read, edit, approve, decline,
cancel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from coshore.accounts.auth import AUTH_OPTIONAL, AUTH_REQUIRED
from coshore.spaces.selectors import get_network_for_user, get_space_for_user

from .. import selectors, services
from ..errors import InvalidEvent
from .schemas import (
    ERRORS,
    EventIn,
    EventOut,
    EventPatchIn,
    OccurrenceListOut,
    ProposalListOut,
    ReasonIn,
    event_out,
    occurrence_out,
    resolve_room,
)

router = Router()

_LIST_DOCS = {
    "from": "start of the window (ISO 8601 date or date-time with offset; default now)",
    "to": "end of the window (default: 31 days after `from`; at most 366 days)",
    "space": "space slug: its calendar's events (its own, co-hosted, and those of the networks "
    "it belongs to); unknown: 404",
    "network": "network slug: its own events and those its spaces own or co-host; unknown: 404",
    "city": "city: the events of its spaces (as `space`)",
    "kind": "talk, workshop, hackathon, pitch, meetup, conference, open_day, other",
    "skill": "ESCO skill URI",
    "limit": "1..1000, default 200",
}
_PARAMS = [
    {"in": "query", "name": k, "required": False, "schema": {"type": "string"}, "description": v}
    for k, v in _LIST_DOCS.items()
]
_OCCURRENCE_ONLY = {"starts_at", "ends_at", "title", "description", "location", "cancelled"}


def _ref(request: HttpRequest, occurrence_id: str) -> selectors.OccurrenceRef:
    return selectors.get_occurrence_for_user(user=request.user, occurrence_id=occurrence_id)


def _cohosts(request: HttpRequest, slugs: list[str]) -> list[Any]:
    return [get_space_for_user(user=request.user, slug=slug) for slug in slugs]


@router.post("/events", response={201: EventOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_event(request: HttpRequest, payload: EventIn) -> Any:
    """A manager of the space (or an operator of the network) publishes an event; a member of
    the space proposes one (status `proposed`) for its managers to approve."""
    space = get_space_for_user(user=request.user, slug=payload.space) if payload.space else None
    network = (
        get_network_for_user(user=request.user, slug=payload.network) if payload.network else None
    )
    if space is None and network is None:
        raise InvalidEvent("`space` or `network` is required.", detail={"field": "space"})
    data = payload.dict(exclude={"space", "network", "cohosts", "room"})
    event = services.create_event(
        actor=request.user,
        space=space,
        network=network if space is None else None,
        cohosts=_cohosts(request, payload.cohosts),
        room=resolve_room(payload.room),
        **data,
    )
    return Status(201, event_out(_ref(request, str(event.pk)), request.user))


@router.get(
    "/events",
    response={200: OccurrenceListOut, **ERRORS},
    auth=AUTH_OPTIONAL,
    openapi_extra={"parameters": _PARAMS},
)
def list_events(request: HttpRequest) -> Any:
    """One item per occurrence inside the window that you may see (series expanded), in
    start order: the same occurrences as the calendar pages and feeds (cancelled events
    included, with `status` `cancelled`)."""
    query = selectors.parse_event_query(request.GET)
    items = selectors.list_occurrences_in_window(viewer=request.user, query=query)
    counts = selectors.count_registrations({i.event.pk for i in items})
    return {"items": [occurrence_out(i.event, i.instance, counts) for i in items]}


@router.get("/events/proposals", response={200: ProposalListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_proposals(request: HttpRequest) -> Any:
    """Proposed events waiting for you (as a manager of their hosts), oldest first."""
    events = selectors.list_proposals(user=request.user)[:100]
    return {"items": [event_out(_ref(request, str(e.pk)), request.user) for e in events]}


@router.get("/events/{occurrence_id}", response={200: EventOut, **ERRORS}, auth=AUTH_OPTIONAL)
def get_event(request: HttpRequest, occurrence_id: str) -> Any:
    """An event or one occurrence of a series; a series' bare id gives the series (its first
    start, `next_occurrence`)."""
    return event_out(_ref(request, occurrence_id), request.user)


@router.patch("/events/{occurrence_id}", response={200: EventOut, **ERRORS}, auth=AUTH_REQUIRED)
def update_event(request: HttpRequest, occurrence_id: str, payload: EventPatchIn) -> Any:
    """With an event's or series' id: edit the event (only the fields sent). With an
    occurrence id of a series: move, retitle or cancel that occurrence alone."""
    ref = _ref(request, occurrence_id)
    changes = payload.dict(exclude_unset=True)
    if ref.event.rrule and ref.instance is not None:
        extra = sorted(set(changes) - _OCCURRENCE_ONLY)
        if extra:
            raise InvalidEvent(
                f"`{extra[0]}` belongs to the series: PATCH /events/{ref.event.pk}.",
                detail={"field": extra[0]},
            )
        services.edit_occurrence(
            actor=request.user,
            event=ref.event,
            recurrence_id=ref.instance.recurrence_id,
            **changes,
        )
        return event_out(_ref(request, occurrence_id), request.user)
    if "cancelled" in changes:
        raise InvalidEvent("Cancel an event with POST .../cancel.", detail={"field": "cancelled"})
    for name in ("title", "starts_at", "ends_at", "all_day", "visibility", "kind", "mode"):
        if name in changes and changes[name] is None:
            raise InvalidEvent(f"`{name}` cannot be null.", detail={"field": name})
    if "cohosts" in changes:
        changes["cohosts"] = _cohosts(request, changes["cohosts"] or [])
    if "room" in changes:
        changes["room"] = resolve_room(changes["room"])
    services.update_event(actor=request.user, event=ref.event, **changes)
    return event_out(_ref(request, str(ref.event.pk)), request.user)


@router.post(
    "/events/{occurrence_id}/approve", response={200: EventOut, **ERRORS}, auth=AUTH_REQUIRED
)
def approve_event(request: HttpRequest, occurrence_id: str) -> Any:
    """A manager of the hosts publishes a proposed event."""
    ref = _ref(request, occurrence_id)
    services.approve_event(actor=request.user, event=ref.event)
    return event_out(_ref(request, occurrence_id), request.user)


@router.post(
    "/events/{occurrence_id}/decline", response={200: EventOut, **ERRORS}, auth=AUTH_REQUIRED
)
def decline_event(request: HttpRequest, occurrence_id: str, payload: ReasonIn | None = None) -> Any:
    """A manager of the hosts declines a proposed event (the proposer gets the reason)."""
    ref = _ref(request, occurrence_id)
    services.decline_event(
        actor=request.user, event=ref.event, reason=payload.reason if payload else ""
    )
    return event_out(_ref(request, occurrence_id), request.user)


@router.post(
    "/events/{occurrence_id}/cancel", response={200: EventOut, **ERRORS}, auth=AUTH_REQUIRED
)
def cancel_event(request: HttpRequest, occurrence_id: str, payload: ReasonIn | None = None) -> Any:
    """The hosts' managers cancel the whole event (for one occurrence of a series, PATCH it
    with `cancelled`); registered and waitlisted people are notified."""
    ref = _ref(request, occurrence_id)
    services.cancel_event(
        actor=request.user, event=ref.event, reason=payload.reason if payload else ""
    )
    return event_out(_ref(request, occurrence_id), request.user)
