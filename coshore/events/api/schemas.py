"""Schemas of the events API and the functions that shape its answers."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StrictStr

from coshore.bookings.models import Resource
from coshore.core.api import ErrorOut

from .. import selectors, services
from ..errors import InvalidEvent
from ..models import Event, Registration
from ..selectors import OccurrenceRef, local_times, occurrence_key

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Generous bounds: the services give the precise limits with their own error codes.
_TITLE_CAP = 2000
_TEXT_CAP = 100_000
_WHEN = "ISO 8601 date-time with offset (all-day events: a date, the end being the last day)"


class EventIn(Schema):
    title: StrictStr = Field(..., max_length=_TITLE_CAP, description="1 to 200 characters")
    space: StrictStr | None = Field(None, max_length=120, description="hosting space's slug")
    network: StrictStr | None = Field(
        None, max_length=80, description="hosting network's slug (instead of a space)"
    )
    cohosts: list[StrictStr] = Field([], max_length=50, description="slugs of co-host spaces")
    starts_at: StrictStr = Field(..., max_length=40, description=_WHEN)
    ends_at: StrictStr = Field(..., max_length=40, description=_WHEN)
    all_day: StrictBool = False
    timezone: StrictStr | None = Field(
        None, max_length=64, description="IANA zone; default: host's"
    )
    capacity: StrictInt | None = Field(None, description="seats; empty: no limit")
    visibility: StrictStr = Field("network", max_length=16, description="space, network, public")
    kind: StrictStr = Field("meetup", max_length=16, description="talk, workshop, hackathon, ...")
    mode: StrictStr = Field("in_person", max_length=16, description="in_person, online, hybrid")
    online_url: StrictStr = Field("", max_length=2000, description="shown to registered people")
    location: StrictStr = Field("", max_length=2000)
    description: StrictStr = Field("", max_length=_TEXT_CAP)
    room: StrictInt | None = Field(None, description="id of a room of a hosting space")
    tags: list[StrictStr] = Field([], max_length=50)
    skills: list[StrictStr] = Field([], max_length=50, description="ESCO skill URIs")
    rrule: StrictStr = Field("", max_length=2000, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY")


class EventPatchIn(Schema):
    """For an event (or a series): any field of EventIn but the host. For one occurrence of a
    series: `starts_at`, `ends_at`, `title`, `description`, `location`, `cancelled`."""

    title: StrictStr | None = Field(None, max_length=_TITLE_CAP)
    cohosts: list[StrictStr] | None = Field(None, max_length=50)
    starts_at: StrictStr | None = Field(None, max_length=40)
    ends_at: StrictStr | None = Field(None, max_length=40)
    all_day: StrictBool | None = None
    timezone: StrictStr | None = Field(None, max_length=64)
    capacity: StrictInt | None = None
    visibility: StrictStr | None = Field(None, max_length=16)
    kind: StrictStr | None = Field(None, max_length=16)
    mode: StrictStr | None = Field(None, max_length=16)
    online_url: StrictStr | None = Field(None, max_length=2000)
    location: StrictStr | None = Field(None, max_length=2000)
    description: StrictStr | None = Field(None, max_length=_TEXT_CAP)
    room: StrictInt | None = None
    tags: list[StrictStr] | None = Field(None, max_length=50)
    skills: list[StrictStr] | None = Field(None, max_length=50)
    rrule: StrictStr | None = Field(None, max_length=2000)
    cancelled: StrictBool | None = Field(None, description="one occurrence of a series only")


class ReasonIn(Schema):
    reason: StrictStr = Field("", max_length=5000)


class HostOut(Schema):
    slug: str
    name: str


class SkillOut(Schema):
    uri: str
    label: str


class RoomOut(Schema):
    id: int
    name: str


class MyRegistrationOut(Schema):
    id: int
    status: str
    position: int | None


class OccurrenceOut(Schema):
    id: str = Field(..., description="occurrence id: <event id> or <event id>-<YYYYMMDDTHHMMSSZ>")
    event_id: int
    uid: str
    title: str
    starts_at: str
    ends_at: str
    all_day: bool
    kind: str
    visibility: str
    mode: str
    status: str
    space: HostOut | None
    network: HostOut | None
    location: str
    capacity: int | None
    registered: int
    waitlisted: int
    cancelled: bool


class EventOut(OccurrenceOut):
    description: str
    timezone: str
    rrule: str
    is_series: bool = Field(..., description="a bare series id: `starts_at` is the first start")
    next_occurrence: str | None
    cohosts: list[HostOut]
    room: RoomOut | None
    tags: list[str]
    skills: list[SkillOut]
    online_url: str | None = Field(..., description="only for registered people and the hosts")
    my_registration: MyRegistrationOut | None
    can_manage: bool


class OccurrenceListOut(Schema):
    items: list[OccurrenceOut]


class RegistrationOut(Schema):
    id: int
    occurrence: str
    status: str = Field(..., description="registered, waitlisted or cancelled")
    position: int | None = Field(..., description="1-based place on the waitlist")


class PersonOut(Schema):
    id: int
    name: str
    email: str


class RegistrationRowOut(RegistrationOut):
    person: PersonOut
    created_at: str
    checked_in_at: str | None


class RegistrationListOut(Schema):
    occurrence: str
    capacity: int | None
    registered: int
    waitlisted: int
    items: list[RegistrationRowOut]


class ProposalListOut(Schema):
    items: list[EventOut]


def _host(obj: Any) -> dict[str, str] | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def occurrence_out(
    event: Event, instance: Any, counts: dict[Any, tuple[int, int]]
) -> dict[str, Any]:
    start, end = local_times(event, instance)
    row = instance.override.ref if instance.override is not None else None
    registered, waitlisted = counts.get((event.pk, instance.recurrence_id), (0, 0))
    return {
        "id": occurrence_key(event, instance.recurrence_id),
        "event_id": event.pk,
        "uid": event.uid,
        "title": getattr(row, "title", "") or event.title,
        "starts_at": start,
        "ends_at": end,
        "all_day": event.all_day,
        "kind": event.kind,
        "visibility": event.visibility,
        "mode": event.mode,
        "status": event.status,
        "space": _host(event.space),
        "network": _host(event.network),
        "location": getattr(row, "location", "") or event.location,
        "capacity": event.capacity,
        "registered": registered,
        "waitlisted": waitlisted,
        "cancelled": bool(getattr(row, "cancelled", False)),
    }


def event_out(ref: OccurrenceRef, user: Any) -> dict[str, Any]:
    event = ref.event
    instance = ref.instance
    is_series = instance is None
    if instance is None:
        instance = selectors.find_occurrence(event, event.starts_at, include_cancelled=True)
    if instance is None:  # a series whose first start is excluded: show the rule's own times
        from ..recurrence import Instance

        instance = Instance(event.starts_at, event.starts_at, event.ends_at, event.all_day)
    counts = selectors.count_registrations([event.pk])
    out = occurrence_out(event, instance, counts)
    mine = (
        None
        if is_series
        else selectors.get_my_registration(
            user=user, event=event, recurrence_id=instance.recurrence_id
        )
    )
    nxt = selectors.next_occurrence(event) if event.rrule else None
    if is_series:
        out["id"] = str(event.pk)
        out["registered"] = out["waitlisted"] = 0
    row = instance.override.ref if instance.override is not None else None
    out.update(
        {
            "description": getattr(row, "description", "") or event.description,
            "timezone": event.timezone,
            "rrule": event.rrule,
            "is_series": is_series,
            "next_occurrence": occurrence_key(event, nxt.recurrence_id) if nxt else None,
            "cohosts": [_host(s) for s in event.cohosts.order_by("name")],
            "room": {"id": event.room.pk, "name": event.room.name} if event.room else None,
            "tags": list(event.tags or []),
            "skills": [
                {"uri": k.uri, "label": k.preferred_label} for k in event.skills.order_by("uri")
            ],
            "online_url": event.online_url
            if event.online_url
            and selectors.may_see_online_url(user=user, event=event, registration=mine)
            else None,
            "my_registration": registration_out(mine) if mine else None,
            "can_manage": selectors.can_manage_event(user, event),
        }
    )
    return out


def registration_out(reg: Registration) -> dict[str, Any]:
    return {
        "id": reg.pk,
        "occurrence": occurrence_key(reg.event, reg.recurrence_id),
        "status": reg.status,
        "position": services.waitlist_position(reg),
    }


def resolve_room(room_id: Any) -> Resource | None:
    if room_id is None:
        return None
    ok = isinstance(room_id, int) and 1 <= room_id <= selectors.MAX_ID
    room = Resource.objects.select_related("space").filter(pk=room_id).first() if ok else None
    if room is None:
        raise InvalidEvent("No such room.", code="event.invalid_room", detail={"field": "room"})
    return room
