"""Importing a space's existing calendar (an .ics file or URL) as its events.

Rules:
- Only the space's managers (and its networks' operators, staff) import; the command runs
  as the system (no actor).
- Everything happens in one transaction: a file that cannot be read, is too large, or has
  one bad event (an invalid RRULE, no DTSTART) changes nothing.
- Imports into one space run one after the other: the transaction first locks the space's
  row (`SELECT ... FOR NO KEY UPDATE` on PostgreSQL, which leaves inserts of rows referring
  to the space free; SQLite's IMMEDIATE transactions serialise writers anyway), so two first
  imports of the same calendar cannot both create its events: the second sees the first's.
  A unique-key collision that still happens (an event made with the same UID by other means
  at that moment) rolls everything back and is a 409 `calendar.import_in_progress`.
- An event is known by its UID within the space: a re-import updates it, never duplicates
  it. An event whose stored SEQUENCE is higher than the file's (edited here since) is left
  alone and counted as unchanged; so is one whose values did not change.
- Events of the same imported calendar that vanished from the file are deleted, or, when
  people registered for them, cancelled (they stay listed, marked, and registrations keep).
- A UID already used by an event created here (not imported) is skipped, never overwritten.
- Imported events are published, of kind `other` unless their CATEGORIES say otherwise,
  with the visibility chosen for the import (default `public`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, space_zone

from ..errors import CalendarTooLarge, ImportInProgress, InvalidCalendar, NotHost
from ..models import (
    Event,
    EventSource,
    EventStatus,
    EventVisibility,
    ImportedCalendar,
    Occurrence,
    RegistrationStatus,
)
from ..recurrence import last_end
from ..selectors.occurrences import series_of
from .parse import NotACalendar, ParsedCalendar, ParsedEvent, TooLarge, parse_calendar

__all__ = ["ImportResult", "import_calendar"]


@dataclass(frozen=True)
class ImportResult:
    calendar_id: int
    name: str
    created: int
    updated: int
    unchanged: int
    removed: int
    cancelled: int
    skipped: int
    events: int
    series: int
    overrides: int
    exclusions: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = (
    "title",
    "description",
    "location",
    "kind",
    "timezone",
    "starts_at",
    "ends_at",
    "all_day",
    "rrule",
    "exdates",
    "status",
    "sequence",
    "visibility",
)


def _values(parsed: ParsedEvent, visibility: str) -> dict[str, Any]:
    return {
        "title": parsed.title,
        "description": parsed.description,
        "location": parsed.location,
        "kind": parsed.kind,
        "timezone": parsed.timezone,
        "starts_at": parsed.starts_at,
        "ends_at": parsed.ends_at,
        "all_day": parsed.all_day,
        "rrule": parsed.rrule,
        "exdates": parsed.exdates,
        "status": EventStatus.CANCELLED if parsed.cancelled else EventStatus.PUBLISHED,
        "sequence": parsed.sequence,
        "visibility": visibility,
    }


def _override_rows(parsed: ParsedEvent) -> list[tuple[Any, ...]]:
    return [
        (o.recurrence_id, o.starts_at, o.ends_at, o.title, o.description, o.location, o.cancelled)
        for o in parsed.overrides
    ]


def _stored_overrides(event: Event) -> list[tuple[Any, ...]]:
    return [
        (o.recurrence_id, o.starts_at, o.ends_at, o.title, o.description, o.location, o.cancelled)
        for o in event.overrides.order_by("recurrence_id")
    ]


def _write_overrides(event: Event, parsed: ParsedEvent) -> None:
    event.overrides.all().delete()
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                event=event,
                recurrence_id=o.recurrence_id,
                starts_at=o.starts_at,
                ends_at=o.ends_at,
                # Blank keeps the series' value: only what differs is stored.
                title=o.title if o.title != parsed.title else "",
                description=o.description if o.description != parsed.description else "",
                location=o.location if o.location != parsed.location else "",
                cancelled=o.cancelled,
            )
            for o in parsed.overrides
        ]
    )


def _expected_overrides(parsed: ParsedEvent) -> list[tuple[Any, ...]]:
    return [
        (
            o.recurrence_id,
            o.starts_at,
            o.ends_at,
            o.title if o.title != parsed.title else "",
            o.description if o.description != parsed.description else "",
            o.location if o.location != parsed.location else "",
            o.cancelled,
        )
        for o in parsed.overrides
    ]


def _fill_last_end(event: Event) -> None:
    series, overrides = series_of(event, list(event.overrides.all()))
    event.last_ends_at = last_end(series, overrides)
    Event.objects.filter(pk=event.pk).update(last_ends_at=event.last_ends_at)


def _parse(data: bytes, space: Space) -> ParsedCalendar:
    try:
        return parse_calendar(data, default_zone=space_zone(space).key)
    except TooLarge as exc:
        raise CalendarTooLarge(str(exc), detail=exc.detail) from exc
    except NotACalendar as exc:
        raise InvalidCalendar(str(exc), detail=exc.detail) from exc


def import_calendar(
    *,
    actor: Any,
    space: Space,
    data: bytes,
    name: str = "",
    url: str = "",
    visibility: str = EventVisibility.PUBLIC,
    now: datetime | None = None,
) -> ImportResult:
    """Import the iCalendar `data` into `space` (see the module's rules). The imported
    calendar is known by its URL, else by its name (the file's X-WR-CALNAME, else `name`)."""
    if actor is not None and not can_manage_space(actor, space):
        raise NotHost("Only the space's managers import its calendar.")
    if visibility not in EventVisibility.values:
        raise InvalidCalendar(
            "Visibility must be space, network or public.", detail={"field": "visibility"}
        )
    parsed = _parse(data, space)
    now = now or timezone.now()
    label = (parsed.name or name or url or "Imported calendar")[:200]
    try:
        return _import(actor, space, parsed, label, url, visibility, now)
    except IntegrityError as exc:
        raise ImportInProgress(
            "This calendar was changed by another import at the same moment; try again.",
            detail={"space": space.slug},
        ) from exc


def _import(
    actor: Any,
    space: Space,
    parsed: ParsedCalendar,
    label: str,
    url: str,
    visibility: str,
    now: datetime,
) -> ImportResult:
    counts = dict.fromkeys(
        ("created", "updated", "unchanged", "removed", "cancelled", "skipped"), 0
    )
    with transaction.atomic():
        # One import per space at a time (see the module's rules).
        list(Space.objects.select_for_update(no_key=True).filter(pk=space.pk).values_list("pk"))
        calendar = _lock_calendar(space, label, url, actor)
        existing = {
            e.uid: e
            for e in Event.objects.select_for_update().filter(
                space=space, uid__in=[p.uid for p in parsed.events]
            )
        }
        for item in parsed.events:
            values = _values(item, visibility)
            event = existing.get(item.uid)
            if event is None:
                event = Event.objects.create(
                    uid=item.uid,
                    space=space,
                    source=EventSource.ICAL,
                    calendar=calendar,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    cancelled_at=now if item.cancelled else None,
                    **values,
                )
                _write_overrides(event, item)
                _fill_last_end(event)
                counts["created"] += 1
                continue
            if event.source != EventSource.ICAL:
                counts["skipped"] += 1
                continue
            if event.sequence > item.sequence:
                counts["unchanged"] += 1  # edited here since: the file is older
                continue
            same = all(getattr(event, f) == v for f, v in values.items())
            same = same and _stored_overrides(event) == _expected_overrides(item)
            if same and event.calendar_id == calendar.pk:
                counts["unchanged"] += 1
                continue
            for f, v in values.items():
                setattr(event, f, v)
            event.calendar = calendar
            if item.cancelled and event.cancelled_at is None:
                event.cancelled_at = now
            if not item.cancelled:
                event.cancelled_at = None
            event.save()
            _write_overrides(event, item)
            _fill_last_end(event)
            counts["updated"] += 1
        gone = Event.objects.filter(calendar=calendar).exclude(
            uid__in=[p.uid for p in parsed.events]
        )
        for event in gone.select_for_update():
            if event.registrations.exclude(status=RegistrationStatus.CANCELLED).exists():
                if event.status != EventStatus.CANCELLED:
                    event.status = EventStatus.CANCELLED
                    event.cancelled_at = now
                    event.save(update_fields=["status", "cancelled_at", "updated_at"])
                    counts["cancelled"] += 1
            else:
                event.delete()
                counts["removed"] += 1
        result = ImportResult(
            calendar_id=calendar.pk,
            name=calendar.name,
            events=len(parsed.events),
            series=parsed.series,
            overrides=parsed.override_count,
            exclusions=parsed.exclusion_count,
            **counts,
        )
        calendar.last_imported_at = now
        calendar.last_result = result.as_dict()
        if actor is not None and getattr(actor, "pk", None):
            calendar.imported_by = actor
        calendar.save()
        record_activity(
            actor=actor,
            verb="calendar.imported",
            target=calendar,
            space=space,
            metadata={k: v for k, v in result.as_dict().items() if k not in ("name",)},
        )
    return result


def _lock_calendar(space: Space, name: str, url: str, actor: Any) -> ImportedCalendar:
    """The space's imported calendar with this URL (else name), locked: concurrent imports of
    one calendar run one after the other."""
    lookup = {"url": url} if url else {"name": name, "url": ""}
    calendar = ImportedCalendar.objects.select_for_update().filter(space=space, **lookup).first()
    if calendar is None:
        calendar = ImportedCalendar.objects.create(
            space=space,
            name=name,
            url=url,
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
    elif calendar.name != name:
        calendar.name = name
    return calendar
