"""The event gate: who sees which event, as one filter on Event.

Hosts of an event: its owning space and its co-hosting spaces, or its owning network (then the
network's spaces host it). `public`: everyone. `network`: members and managers of any space of
a network a host belongs to (or of the owning network), and those networks' operators.
`network` includes the hosting spaces' own members (a space may belong to no network).
`space`: members and managers of the hosting spaces, the operators of their networks (for a
network's event, the network's members). Only published and cancelled events are listed to
the audience; a proposed or declined event is seen by whoever proposed it and by the hosts'
managers. Staff see everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from coshore.spaces.models import NetworkRole, NetworkSpace, SpaceRole, SpaceRoleKind
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user

from ..errors import EventNotFound
from ..models import Event, EventCohost, EventStatus, EventVisibility, Occurrence
from ..recurrence import Instance, Override, Series, expand

__all__ = [
    "MAX_ID",
    "OccurrenceRef",
    "can_manage_event",
    "event_series",
    "find_occurrence",
    "get_event_for_user",
    "get_occurrence_for_user",
    "hosted_by",
    "is_cancelled",
    "managed_events_q",
    "next_occurrence",
    "occurrence_key",
    "parse_occurrence_id",
    "visible_events",
]

MAX_ID = 2**31 - 1
SHOWN = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def hosted_by(space_ids: Any) -> Q:
    """Events one of whose hosting spaces is in `space_ids` (a subquery or a list): owned or
    co-hosted by one of them, or owned by a network one of them belongs to. The gate's
    audience and the events of a space (calendars, feeds, API) both read hosting this way."""
    return (
        Q(space_id__in=space_ids)
        | Q(pk__in=EventCohost.objects.filter(space_id__in=space_ids).values("event_id"))
        | Q(
            space__isnull=True,
            network_id__in=NetworkSpace.objects.filter(space_id__in=space_ids).values("network_id"),
        )
    )


def managed_events_q(user: Any) -> Q | None:
    """Events `user` manages: a manager of a hosting space, an operator of the owning network
    or of a network of the owning space; None means all (staff)."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if user.is_staff:
        return None
    managed_spaces = SpaceRole.objects.filter(user_id=user.pk, role=SpaceRoleKind.MANAGER).values(
        "space_id"
    )
    operated = NetworkRole.objects.filter(user_id=user.pk).values("network_id")
    operated_spaces = NetworkSpace.objects.filter(network_id__in=operated).values("space_id")
    return (
        Q(space_id__in=managed_spaces)
        | Q(pk__in=EventCohost.objects.filter(space_id__in=managed_spaces).values("event_id"))
        | Q(space__isnull=True, network_id__in=operated)
        | Q(space_id__in=operated_spaces)
    )


def _audience(user: Any) -> Q | None:
    if not _authenticated(user):
        return Q(visibility=EventVisibility.PUBLIC, status__in=SHOWN)
    if user.is_staff:
        return None
    my_spaces = space_ids_of_user(user)
    my_networks = network_ids_of_user(user)
    operated = NetworkRole.objects.filter(user_id=user.pk).values("network_id")
    in_my_networks = Exists(
        NetworkSpace.objects.filter(
            Q(space_id=OuterRef("space_id"))
            | Q(
                space_id__in=EventCohost.objects.filter(event_id=OuterRef("pk")).values("space_id")
            ),
            network_id__in=my_networks,
        )
    ) | Q(space__isnull=True, network_id__in=my_networks)
    space_audience = hosted_by(my_spaces) | hosted_by(
        NetworkSpace.objects.filter(network_id__in=operated).values("space_id")
    )
    audience = (
        Q(visibility=EventVisibility.PUBLIC)
        # A network event is for the hosting spaces' own people too (a space in no network).
        | (Q(visibility=EventVisibility.NETWORK) & (in_my_networks | space_audience))
        | (Q(visibility=EventVisibility.SPACE) & space_audience)
        | Q(space__isnull=True, network_id__in=operated)
    )
    managed = managed_events_q(user)
    gate = (audience & Q(status__in=SHOWN)) | Q(created_by_id=user.pk)
    return gate | managed if managed is not None else gate


def visible_events(user: Any) -> QuerySet[Event]:
    """Every event `user` may see (any status they may see)."""
    gate = _audience(user)
    qs = Event.objects.all() if gate is None else Event.objects.filter(gate)
    return qs.distinct() if gate is not None else qs


def can_manage_event(user: Any, event: Event) -> bool:
    gate = managed_events_q(user)
    return gate is None or Event.objects.filter(gate, pk=event.pk).exists()


def get_event_for_user(*, user: Any, event_id: Any) -> Event:
    """The event if `user` may see it; EventNotFound (404) otherwise, unknown or hidden alike."""
    if isinstance(event_id, str) and event_id.isdigit() and len(event_id) <= 10:
        event_id = int(event_id)
    if not (
        isinstance(event_id, int) and not isinstance(event_id, bool) and 1 <= event_id <= MAX_ID
    ):
        raise EventNotFound("No such event.")
    event = Event.objects.select_related("space", "network", "room").filter(pk=event_id).first()
    if event is None:
        raise EventNotFound("No such event.")
    # A public event is everyone's to see: no need for the whole gate (a hot path).
    if event.visibility == EventVisibility.PUBLIC and event.status in SHOWN:
        return event
    if not visible_events(user).filter(pk=event_id).exists():
        raise EventNotFound("No such event.")
    return event


# --- Occurrences ------------------------------------------------------------------------------
# An occurrence is named "<event id>" (a single event) or "<event id>-<YYYYMMDDTHHMMSSZ>" (an
# occurrence of a series: its original start in UTC), see ADR 10.

_OCCURRENCE_ID = re.compile(r"^([1-9][0-9]{0,9})(?:-([0-9]{8}T[0-9]{6}Z))?$")


def occurrence_key(event: Event, recurrence_id: datetime | None = None) -> str:
    """The public id of an occurrence: the event's id alone for a single event."""
    if not event.rrule or recurrence_id is None:
        return str(event.pk)
    return f"{event.pk}-{recurrence_id.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def parse_occurrence_id(raw: Any) -> tuple[int, datetime | None]:
    """(event id, original start or None) from an occurrence id; EventNotFound when it is not
    one (a malformed id is as unknown as a missing one)."""
    text = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
    match = _OCCURRENCE_ID.match(text) if isinstance(text, str) and len(text) <= 30 else None
    if match is None or int(match.group(1)) > MAX_ID:
        raise EventNotFound("No such event.")
    stamp = match.group(2)
    if stamp is None:
        return int(match.group(1)), None
    try:
        rid = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise EventNotFound("No such event.") from None
    return int(match.group(1)), rid


def event_series(event: Event) -> Series:
    """The pure series of an event row, without its overrides (occurrences.series_of reads
    the stored exclusions, dates included)."""
    from .occurrences import series_of

    return series_of(event, ())[0]


def _override(row: Occurrence) -> Override:
    return Override(row.recurrence_id, row.starts_at, row.ends_at, row.cancelled, row)


def find_occurrence(
    event: Event, recurrence_id: datetime, *, include_cancelled: bool = False
) -> Instance | None:
    """The occurrence of `event` whose original start is `recurrence_id` (moved or not);
    None when the series has no such occurrence, or it was cancelled (unless
    `include_cancelled`: then its override says `cancelled`)."""
    rid = recurrence_id.astimezone(UTC)
    if not event.rrule:
        if rid != event.starts_at.astimezone(UTC):
            return None
        return Instance(rid, rid, event.ends_at.astimezone(UTC), event.all_day)
    row = Occurrence.objects.filter(event=event, recurrence_id=rid).first()
    found = [
        i
        for i in expand(event_series(event), rid, rid + timedelta(seconds=1))
        if i.recurrence_id == rid
    ]
    if not found:
        return None
    if row is not None:
        if row.cancelled and not include_cancelled:
            return None
        return Instance(
            rid,
            row.starts_at.astimezone(UTC),
            row.ends_at.astimezone(UTC),
            event.all_day,
            _override(row),
        )
    return found[0]


def next_occurrence(event: Event, *, after: datetime | None = None) -> Instance | None:
    """The first occurrence of `event` not yet ended at `after` (now), within two years."""
    now = after or timezone.now()
    overrides = [_override(o) for o in Occurrence.objects.filter(event=event)]
    horizon = now + timedelta(days=731)
    if not event.rrule:
        found = find_occurrence(event, event.starts_at)
        return found if found is not None and found.end > now else None
    step = timedelta(days=92)
    lo = now
    while lo < horizon:
        items = expand(event_series(event), lo, lo + step, overrides)
        if items:
            return items[0]
        lo += step
    return None


def is_cancelled(instance: Instance | None) -> bool:
    return bool(instance is not None and instance.override and instance.override.cancelled)


@dataclass(frozen=True)
class OccurrenceRef:
    """An occurrence a caller reached by id: its event, and for a series the occurrence (None
    when the id named the series itself)."""

    event: Event
    instance: Instance | None

    @property
    def key(self) -> str:
        return occurrence_key(self.event, self.instance.recurrence_id if self.instance else None)


def get_occurrence_for_user(*, user: Any, occurrence_id: Any) -> OccurrenceRef:
    """The event and occurrence named by `occurrence_id` if `user` may see the event;
    EventNotFound otherwise. A single event's id names its one occurrence; a series' bare id
    names the series (instance None); an occurrence id of a single event, or of an occurrence
    the series does not have, is not found (a cancelled occurrence is found, marked)."""
    event_id, rid = parse_occurrence_id(occurrence_id)
    event = get_event_for_user(user=user, event_id=event_id)
    if not event.rrule:
        if rid is not None:
            raise EventNotFound("No such event.")
        return OccurrenceRef(event, find_occurrence(event, event.starts_at))
    if rid is None:
        return OccurrenceRef(event, None)
    instance = find_occurrence(event, rid, include_cancelled=True)
    if instance is None:
        raise EventNotFound("No such occurrence.", detail={"id": str(occurrence_id)[:30]})
    return OccurrenceRef(event, instance)
