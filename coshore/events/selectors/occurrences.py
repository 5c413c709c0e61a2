"""Occurrences a viewer may see in a window: the calendars', the feeds' and the events API's
one read.

The events of a space are those it hosts: its own, those it co-hosts, and those of every
network it belongs to (a network's event is hosted by each of its spaces, and shown there
marked with the network's name). A city's are its spaces'. A network's are its own and those
its spaces own or co-host (not another network's that one of its spaces also belongs to).
The same filters serve the calendar pages, the feeds, `GET /api/v1/events` and the upcoming
page (`listing.py` parses the API's query and calls `list_occurrences`).

`list_occurrences` narrows the events in SQL (visibility gate, host, filters, and only series
that can have an occurrence in the window: a first start before its end, and a single event
ending after its start or a series whose `last_ends_at` is after it or unknown), then expands
each series in Python (`recurrence.expand`) with its overrides, and returns the occurrences in
start order, at most `limit`. Three queries whatever the window (events, overrides, and the
viewer's registrations for "mine").

An occurrence is named "<event id>" for a single event and "<event id>-<YYYYMMDDTHHMMSSZ>"
(its original start in UTC) for an occurrence of a series.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from coshore.core.errors import Invalid
from coshore.spaces.models import Network, NetworkSpace, Space

from ..models import (
    Event,
    EventCohost,
    EventKind,
    EventStatus,
    Occurrence,
    Registration,
    RegistrationStatus,
)
from ..recurrence import Instance, Override, Series, expand
from .events import hosted_by, occurrence_key, visible_events

__all__ = [
    "MAX_OCCURRENCES",
    "MAX_WINDOW",
    "InvalidWindow",
    "OccurrenceView",
    "candidate_events",
    "exdates_of",
    "feed_queryset",
    "list_feed_events",
    "list_occurrences",
    "series_of",
]

MAX_WINDOW = timedelta(days=400)
MAX_OCCURRENCES = 2000
LISTED = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


class InvalidWindow(Invalid):
    code = "calendar.invalid_window"


class InvalidFilter(Invalid):
    code = "calendar.invalid_filter"


@dataclass(frozen=True)
class OccurrenceView:
    """One occurrence as shown: the series' values with its override's applied."""

    id: str
    event: Event
    instance: Instance
    title: str
    description: str
    location: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    all_day: bool
    start_date: date | None  # all day: the first day (in the event's zone)
    end_date: date | None  # all day: the day after the last day (iCalendar's DTEND)
    cancelled: bool  # the whole event is cancelled (still listed, marked)

    @property
    def uid(self) -> str:
        return self.event.uid

    @property
    def recurrence_id(self) -> datetime | None:
        return self.instance.recurrence_id if self.event.rrule else None

    def local_start(self, zone: ZoneInfo) -> datetime:
        return self.starts_at.astimezone(zone)

    def local_end(self, zone: ZoneInfo) -> datetime:
        return self.ends_at.astimezone(zone)


def exdates_of(raw: Iterable[str]) -> tuple[tuple[datetime, ...], tuple[date, ...]]:
    instants: list[datetime] = []
    days: list[date] = []
    for item in raw or ():
        text = str(item)
        try:
            if "T" in text:
                instants.append(datetime.fromisoformat(text.replace("Z", "+00:00")))
            else:
                days.append(date.fromisoformat(text))
        except ValueError:
            continue  # written by the importer only; an unreadable one excludes nothing
    return tuple(instants), tuple(days)


def series_of(event: Event, overrides: Iterable[Occurrence]) -> tuple[Series, list[Override]]:
    """The pure series of an event row and its override rows (`ref` is the row)."""
    instants, days = exdates_of(event.exdates)
    series = Series(
        start=event.starts_at,
        end=event.ends_at,
        tz=event.timezone or "UTC",
        all_day=event.all_day,
        rrule=event.rrule,
        exdates=instants,
        exdays=days,
    )
    found = [
        Override(o.recurrence_id, o.starts_at, o.ends_at, o.cancelled, ref=o) for o in overrides
    ]
    return series, found


def _window(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidWindow("The window's ends need a timezone.", detail={"param": "start"})
    if end <= start:
        raise InvalidWindow("The window must end after it starts.", detail={"param": "end"})
    if end - start > MAX_WINDOW:
        raise InvalidWindow(
            f"The window is at most {MAX_WINDOW.days} days.",
            detail={"param": "end", "max_days": MAX_WINDOW.days},
        )


def _owned_or_cohosted_by(space_ids: Any) -> Q:
    """Events one of `space_ids` owns or co-hosts (a network's own events are not included)."""
    return Q(space_id__in=space_ids) | Q(
        pk__in=EventCohost.objects.filter(space_id__in=space_ids).values("event_id")
    )


def _host_filter(space: Space | None, network: Network | None, city: str | None) -> Q | None:
    """The events of a space (owned, co-hosted, and its networks' own: `hosted_by`), of a
    network (its own, and those its spaces own or co-host) and of a city (its spaces'), as
    one filter (None: no host asked for)."""
    found = Q()
    if space is not None:
        found &= hosted_by([space.pk])
    if network is not None:
        members = NetworkSpace.objects.filter(network=network).values("space_id")
        found &= _owned_or_cohosted_by(members) | Q(space__isnull=True, network=network)
    if city:
        found &= hosted_by(Space.objects.filter(city__iexact=city.strip()).values("pk"))
    return found if found else None


def candidate_events(
    *,
    viewer: Any,
    start: datetime,
    end: datetime,
    space: Space | None = None,
    network: Network | None = None,
    city: str | None = None,
    kind: str | None = None,
    skill: str | None = None,
    mine: bool = False,
) -> QuerySet[Event]:
    """The events `viewer` may see that can have an occurrence overlapping [start, end)."""
    qs = visible_events(viewer).filter(status__in=LISTED)
    moved_in = Exists(
        Occurrence.objects.filter(
            event_id=OuterRef("pk"), starts_at__lt=end, ends_at__gt=start, cancelled=False
        )
    )
    qs = qs.filter(Q(starts_at__lt=end) | (~Q(rrule="") & moved_in))
    qs = qs.filter(
        Q(rrule="", ends_at__gt=start)
        | (~Q(rrule="") & (Q(last_ends_at__isnull=True) | Q(last_ends_at__gt=start)))
    )
    hosts = _host_filter(space, network, city)
    if hosts is not None:
        qs = qs.filter(hosts)
    if kind:
        if kind not in EventKind.values:
            raise InvalidFilter(
                "Unknown kind of event.", detail={"param": "kind", "allowed": EventKind.values}
            )
        qs = qs.filter(kind=kind)
    if skill:
        qs = qs.filter(
            Exists(Event.skills.through.objects.filter(event_id=OuterRef("pk"), skill__uri=skill))
        )
    if mine:
        if not getattr(viewer, "is_authenticated", False):
            return qs.none()
        registered = Registration.objects.filter(user_id=viewer.pk).exclude(
            status=RegistrationStatus.CANCELLED
        )
        qs = qs.filter(Q(created_by_id=viewer.pk) | Q(pk__in=registered.values("event_id")))
    return qs


def list_occurrences(
    *,
    viewer: Any,
    start: datetime,
    end: datetime,
    space: Space | None = None,
    network: Network | None = None,
    city: str | None = None,
    kind: str | None = None,
    skill: str | None = None,
    mine: bool = False,
    limit: int = MAX_OCCURRENCES,
) -> list[OccurrenceView]:
    """The occurrences overlapping [start, end) of the events `viewer` may see (published, and
    cancelled ones marked), filtered by host (a space: its own, co-hosted and its networks'
    events; a network: its own and its spaces'; a city: its spaces'), kind, ESCO skill URI, and
    "mine" (occurrences the viewer registered for, and every occurrence of events they
    created); sorted by start, at most `limit` (the earliest). InvalidWindow (422) for a
    window that is empty, longer than MAX_WINDOW or naive; InvalidFilter (422) for an
    unknown kind."""
    _window(start, end)
    if not 1 <= limit <= MAX_OCCURRENCES:
        raise InvalidFilter(
            f"The limit is between 1 and {MAX_OCCURRENCES}.", detail={"param": "limit"}
        )
    qs = candidate_events(
        viewer=viewer,
        start=start,
        end=end,
        space=space,
        network=network,
        city=city,
        kind=kind,
        skill=skill,
        mine=mine,
    )
    events = list(
        qs.select_related("space", "network").prefetch_related(
            Prefetch("overrides", queryset=Occurrence.objects.order_by("recurrence_id"))
        )
    )
    registered: dict[int, set[datetime]] = {}
    if mine and events:
        for event_id, rid in (
            Registration.objects.filter(
                user_id=viewer.pk,
                event_id__in=[e.pk for e in events if e.created_by_id != viewer.pk],
            )
            .exclude(status=RegistrationStatus.CANCELLED)
            .values_list("event_id", "recurrence_id")
        ):
            registered.setdefault(event_id, set()).add(rid.astimezone(UTC))
    out: list[OccurrenceView] = []
    for event in events:
        series, overrides = series_of(event, event.overrides.all())
        only = registered.get(event.pk) if mine and event.created_by_id != viewer.pk else None
        for instance in expand(series, start.astimezone(UTC), end.astimezone(UTC), overrides):
            if only is not None and instance.recurrence_id not in only:
                continue
            out.append(_view(event, instance))
    out.sort(key=lambda v: (v.starts_at, v.event.pk, v.instance.recurrence_id))
    return out[:limit]


def _view(event: Event, instance: Instance) -> OccurrenceView:
    ref = instance.override.ref if instance.override is not None else None
    row = ref if isinstance(ref, Occurrence) else None
    title = (row.title if row is not None else "") or event.title
    description = (row.description if row is not None else "") or event.description
    location = (row.location if row is not None else "") or event.location
    start_date = end_date = None
    if event.all_day:
        zone = event.timezone or "UTC"
        start_date = instance.start_date(zone)
        end_date = instance.end_date(zone)
    return OccurrenceView(
        id=occurrence_key(event, instance.recurrence_id),
        event=event,
        instance=instance,
        title=title,
        description=description,
        location=location,
        starts_at=instance.start,
        ends_at=instance.end,
        all_day=event.all_day,
        start_date=start_date,
        end_date=end_date,
        cancelled=event.status == EventStatus.CANCELLED,
    )


FEED_PAST = timedelta(days=400)
MAX_FEED_EVENTS = 20_000


def feed_queryset(
    *,
    viewer: Any,
    now: datetime,
    space: Space | None = None,
    network: Network | None = None,
    city: str | None = None,
    event: Event | None = None,
) -> QuerySet[Event]:
    """The events of a calendar feed that `viewer` may see, not ended more than FEED_PAST
    ago, each once, in the feed's order (not yet cut at MAX_FEED_EVENTS)."""
    qs = visible_events(viewer).filter(status__in=LISTED)
    if event is not None:
        qs = qs.filter(pk=event.pk)
    else:
        since = now - FEED_PAST
        qs = qs.filter(
            Q(rrule="", ends_at__gt=since)
            | (~Q(rrule="") & (Q(last_ends_at__isnull=True) | Q(last_ends_at__gt=since)))
        )
    hosts = _host_filter(space, network, city)
    if hosts is not None:
        qs = qs.filter(hosts)
    return qs.order_by("starts_at", "id")


def list_feed_events(
    *,
    viewer: Any,
    now: datetime,
    space: Space | None = None,
    network: Network | None = None,
    city: str | None = None,
    event: Event | None = None,
) -> list[Event]:
    """The whole events (series with their overrides) of a calendar feed that `viewer` may
    see: not ended more than FEED_PAST ago, each once, at most MAX_FEED_EVENTS (the latest
    starting are dropped first)."""
    qs = feed_queryset(
        viewer=viewer, now=now, space=space, network=network, city=city, event=event
    ).prefetch_related(Prefetch("overrides", queryset=Occurrence.objects.order_by("recurrence_id")))
    return list(qs[:MAX_FEED_EVENTS])
