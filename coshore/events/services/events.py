"""Creating, proposing, approving, editing and cancelling events and single occurrences."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.bookings.models import Resource
from coshore.skills.models import Skill
from coshore.spaces.models import Network, NetworkSpace, Space
from coshore.spaces.selectors import (
    can_manage_space,
    can_operate_network,
    is_space_member,
    list_network_operators,
    list_space_managers,
)

from ..errors import (
    CapacityBelowRegistrations,
    EventClosed,
    InvalidEvent,
    InvalidRecurrence,
    NotHost,
    NotProposed,
    ScheduleLocked,
)
from ..models import (
    Event,
    EventCohost,
    EventKind,
    EventMode,
    EventStatus,
    EventVisibility,
    Occurrence,
    Registration,
    RegistrationStatus,
    RoomHold,
)
from ..recurrence import InvalidRule, parse_rrule
from ..selectors import can_manage_event, find_occurrence, occurrence_key
from . import _shared as s
from .registrations import promote_waitlist
from .rooms import check_room, hold_rooms, move_hold, release_holds


def refresh_last_end(event: Event) -> None:
    """Store when the series' last occurrence ends (`last_ends_at`, which lets window queries
    skip finished series) after its schedule or one of its occurrences changed."""
    from ..recurrence import last_end
    from ..selectors.occurrences import series_of

    try:
        end = last_end(*series_of(event, Occurrence.objects.filter(event=event)))
    except InvalidRule:
        end = None  # unknown: always read, never hidden
    Event.objects.filter(pk=event.pk).update(last_ends_at=end)
    event.last_ends_at = end


__all__ = [
    "EDITABLE",
    "approve_event",
    "cancel_event",
    "create_event",
    "decline_event",
    "edit_occurrence",
    "update_event",
]

EDITABLE = (
    "title",
    "description",
    "kind",
    "visibility",
    "mode",
    "online_url",
    "location",
    "room",
    "capacity",
    "tags",
    "skills",
    "timezone",
    "starts_at",
    "ends_at",
    "all_day",
    "rrule",
    "cohosts",
)
SCHEDULE = ("timezone", "starts_at", "ends_at", "all_day", "rrule")
ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


# --- Validation --------------------------------------------------------------------------------


def _rrule(value: Any, *, start: datetime, tz: str, all_day: bool) -> str:
    rule = s.text(value, field="rrule", max_len=500)
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:].strip()
    if not rule:
        return ""
    parts = {p.split("=", 1)[0].upper(): p for p in rule.split(";") if p}
    freq = parts.get("FREQ", "").split("=", 1)[-1].upper()
    if freq not in ALLOWED_FREQ:
        raise InvalidRecurrence(
            "An event repeats daily, weekly, monthly or yearly (FREQ=...).",
            detail={"field": "rrule", "allowed": list(ALLOWED_FREQ)},
        )
    if {"BYHOUR", "BYMINUTE", "BYSECOND"} & set(parts):
        raise InvalidRecurrence(
            "An event repeats at most once a day: no BYHOUR, BYMINUTE or BYSECOND.",
            detail={"field": "rrule"},
        )
    try:
        parse_rrule(rule, start=start, tz=tz, all_day=all_day)
    except InvalidRule as exc:
        raise InvalidRecurrence(str(exc)[:300], detail={"field": "rrule"}) from None
    return rule


def _skills(value: Any) -> list[Skill]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(u, str) for u in value):
        raise InvalidEvent("`skills` is a list of ESCO skill URIs.", detail={"field": "skills"})
    uris = list(dict.fromkeys(u.strip() for u in value if u.strip()))
    if len(uris) > s.MAX_SKILLS or any(len(u) > 255 for u in uris):
        raise InvalidEvent(f"At most {s.MAX_SKILLS} known ESCO skills.", detail={"field": "skills"})
    found = {k.uri: k for k in Skill.objects.filter(uri__in=uris)}
    unknown = [u for u in uris if u not in found]
    if unknown:
        raise InvalidEvent(
            "Unknown ESCO skill: " + ", ".join(unknown[:3]),
            code="event.unknown_skill",
            detail={"field": "skills", "unknown": unknown[:10]},
        )
    return [found[u] for u in uris]


def _default_zone(space: Space | None, network: Network | None) -> str:
    if space is not None:
        return space.timezone or "UTC"
    first = (
        Space.objects.filter(network_links__network=network).order_by("id").first()
        if network is not None
        else None
    )
    return first.timezone if first is not None and first.timezone else "UTC"


def _clean(
    values: dict[str, Any], *, space: Space | None, network: Network | None
) -> dict[str, Any]:
    """Every field of an event as it will be saved (validated together)."""
    out: dict[str, Any] = {}
    out["title"] = s.text(values.get("title"), field="title", max_len=s.MAX_TITLE, required=True)
    out["description"] = s.text(values.get("description"), field="description", max_len=s.MAX_TEXT)
    out["kind"] = s.choice(values.get("kind"), field="kind", choices=EventKind.values)
    out["visibility"] = s.choice(
        values.get("visibility"), field="visibility", choices=EventVisibility.values
    )
    out["mode"] = s.choice(values.get("mode"), field="mode", choices=EventMode.values)
    out["online_url"] = s.url(values.get("online_url"), required=out["mode"] != EventMode.IN_PERSON)
    out["location"] = s.text(values.get("location"), field="location", max_len=s.MAX_LOCATION)
    out["capacity"] = s.capacity(values.get("capacity"))
    out["tags"] = s.tags(values.get("tags"))
    all_day = values.get("all_day") or False
    if not isinstance(all_day, bool):
        raise InvalidEvent("`all_day` is true or false.", detail={"field": "all_day"})
    out["all_day"] = all_day
    tz = s.zone(values.get("timezone") or _default_zone(space, network))
    out["timezone"] = tz
    start = values.get("starts_at")
    end = values.get("ends_at")
    if start is None or end is None:
        raise InvalidEvent(
            "`starts_at` and `ends_at` are required.",
            detail={"field": "starts_at" if start is None else "ends_at"},
        )
    out["starts_at"] = s.when(start, field="starts_at", all_day=all_day, tz=tz)
    out["ends_at"] = s.when(end, field="ends_at", all_day=all_day, tz=tz, end=True)
    s.times(out["starts_at"], out["ends_at"])
    out["rrule"] = _rrule(values.get("rrule"), start=out["starts_at"], tz=tz, all_day=all_day)
    room = values.get("room")
    if room is not None and not isinstance(room, Resource):
        raise InvalidEvent("`room` is a room of a hosting space.", detail={"field": "room"})
    out["room"] = room
    cohosts = values.get("cohosts") or []
    if not isinstance(cohosts, list | tuple) or not all(isinstance(c, Space) for c in cohosts):
        raise InvalidEvent("`cohosts` are spaces.", detail={"field": "cohosts"})
    out["cohosts"] = [c for c in dict.fromkeys(cohosts) if space is None or c.pk != space.pk]
    if len(out["cohosts"]) > 20:
        raise InvalidEvent("At most 20 co-hosts.", detail={"field": "cohosts"})
    if network is not None and out["cohosts"]:
        raise InvalidEvent(
            "A network's event has no co-hosts: every space of the network hosts it.",
            detail={"field": "cohosts"},
        )
    host_ids = {c.pk for c in out["cohosts"]}
    if space is not None:
        host_ids.add(space.pk)
    else:
        host_ids |= set(
            NetworkSpace.objects.filter(network=network).values_list("space_id", flat=True)
        )
    check_room(room, host_ids)
    if "skills" in values:
        out["skills"] = _skills(values.get("skills"))
    return out


def _check_cohosts(actor: Any, cohosts: list[Space], before: set[int]) -> None:
    for c in cohosts:
        if c.pk not in before and not can_manage_space(actor, c):
            raise NotHost(
                f"You can add {c.name} as a co-host only if you manage it.",
                detail={"field": "cohosts", "space": c.slug},
            )


def _set_cohosts(event: Event, cohosts: list[Space]) -> None:
    EventCohost.objects.filter(event=event).exclude(space__in=cohosts).delete()
    have = set(EventCohost.objects.filter(event=event).values_list("space_id", flat=True))
    EventCohost.objects.bulk_create(
        [EventCohost(event=event, space=c) for c in cohosts if c.pk not in have]
    )


def _managers_of(event: Event) -> list[Any]:
    if event.space is not None:
        return list(list_space_managers(space=event.space))
    assert event.network is not None
    return list(list_network_operators(network=event.network))


def _activity(actor: Any, verb: str, event: Event, **metadata: Any) -> None:
    record_activity(
        actor=actor,
        verb=verb,
        target=event,
        space=event.space,
        network=event.network,
        metadata={"event": event.pk, **metadata},
    )


# --- Create ------------------------------------------------------------------------------------


def create_event(
    *, actor: Any, space: Space | None = None, network: Network | None = None, **fields: Any
) -> Event:
    """A space's managers (or its networks' operators) publish an event hosted by the space,
    optionally co-hosted by other spaces they manage; a network's operators publish one hosted
    by the network (every space of the network hosts it). A member of the space proposes one
    instead: it waits, `proposed`, for a manager, and the managers are notified.

    Title 1-200 characters; kind, visibility and mode from their lists; an online or hybrid
    event has its http(s) link; times carry an offset (an all-day event takes dates), it ends
    after it starts and lasts at most 31 days; a capacity of 1-100,000 seats or none; an RRULE
    repeats it daily, weekly, monthly or yearly; tags and known ESCO skills. The optional room
    (a meeting room or event hall of a hosting space) is held through the booking service for
    every occurrence within its horizon, all or none: a clash is a 409 `event.room_taken` and
    nothing is written. A proposal's room is held when it is approved."""
    user = s.require_user(actor)
    if (space is None) == (network is None):
        raise InvalidEvent(
            "An event is hosted by a space or by a network.", detail={"field": "space"}
        )
    if space is not None:
        manages = can_manage_space(user, space)
        if not manages and not is_space_member(user, space):
            raise NotHost(
                "Only members of the space propose events, and its managers publish them.",
                detail={"space": space.slug},
            )
    else:
        assert network is not None
        manages = can_operate_network(user, network)
        if not manages:
            raise NotHost(
                "Only the network's operators create its events.", detail={"network": network.slug}
            )
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidEvent(f"Unknown field {sorted(unknown)[0]!r}.")
    fields.setdefault("kind", EventKind.MEETUP)
    fields.setdefault("visibility", EventVisibility.NETWORK)
    fields.setdefault("mode", EventMode.IN_PERSON)
    fields.setdefault("skills", [])
    clean = _clean(fields, space=space, network=network)
    _check_cohosts(user, clean["cohosts"], set())
    # The room is held by the one who publishes: they must manage its space.
    if clean["room"] is not None and manages and not can_manage_space(user, clean["room"].space):
        raise NotHost("You can take only a room of a space you manage.", detail={"field": "room"})
    status = EventStatus.PUBLISHED if manages else EventStatus.PROPOSED
    with transaction.atomic():
        skills = clean.pop("skills")
        cohosts = clean.pop("cohosts")
        event = Event.objects.create(
            uid=f"{uuid.uuid4()}@coshore",
            space=space,
            network=network,
            status=status,
            created_by=user,
            decided_by=user if manages else None,
            decided_at=timezone.now() if manages else None,
            **clean,
        )
        event.skills.set(skills)
        _set_cohosts(event, cohosts)
        refresh_last_end(event)
        if manages:
            hold_rooms(actor=user, event=event)
        _activity(
            user,
            "event.created" if manages else "event.proposed",
            event,
            kind=event.kind,
            recurring=bool(event.rrule),
        )
        if not manages:
            s.tell(
                people=_managers_of(event),
                event=event,
                kind="event.proposed",
                title=f"Event proposed: {event.title}",
                body=f"{user.name} proposes “{event.title}”. Approve or decline it.",
                url=s.event_url(event),
                actor=user,
                key=f"event.proposed:{event.pk}",
            )
    return event


# --- Update ------------------------------------------------------------------------------------


def _values_of(event: Event) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in EDITABLE if name not in ("skills", "cohosts")}
    values["cohosts"] = list(Space.objects.filter(cohosted_events=event))
    if event.all_day:
        # Stored as midnights; `when` reads dates and the exclusive end again.
        values["starts_at"] = event.starts_at.astimezone(_zone(event)).date()
        values["ends_at"] = (event.ends_at.astimezone(_zone(event)) - timedelta(days=1)).date()
    return values


def _zone(event: Event) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(event.timezone)


def _can_edit(user: Any, event: Event) -> bool:
    if can_manage_event(user, event):
        return True
    return event.status == EventStatus.PROPOSED and event.created_by_id == user.pk


def update_event(*, actor: Any, event: Event, **changes: Any) -> Event:
    """The hosts' managers edit an event (the proposer too while it is proposed); only the
    fields given change, by the rules of `create_event`.

    Capacity never goes below the people registered for an occurrence not yet ended (422
    `event.capacity_below_registrations`); raising it promotes waitlisted people in arrival
    order. A single event moves with its registrations and its room; a series keeps its
    schedule once it has registrations or edited occurrences (409 `event.schedule_locked`:
    edit occurrences instead). A new room is held all or none (409 `event.room_taken`)."""
    user = s.require_user(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidEvent(f"Unknown field {sorted(unknown)[0]!r}.")
    if not _can_edit(user, event):
        raise NotHost("Only the hosts' managers edit this event.")
    with transaction.atomic():
        current = s.lock_event(event)
        if current.status in (EventStatus.CANCELLED, EventStatus.DECLINED):
            raise EventClosed(f"This event is {current.status}.", detail={"status": current.status})
        values = _values_of(current)
        if current.all_day and changes.get("all_day") is False:
            values["starts_at"] = current.starts_at
            values["ends_at"] = current.ends_at
        values.update(changes)
        space, network = current.space, current.network
        clean = _clean(values, space=space, network=network)
        before_cohosts = set(
            EventCohost.objects.filter(event=current).values_list("space_id", flat=True)
        )
        _check_cohosts(user, clean["cohosts"], before_cohosts)
        schedule_changed = any(clean[f] != getattr(current, f) for f in SCHEDULE)
        active = Registration.objects.filter(event=current, status__in=ACTIVE)
        if (
            schedule_changed
            and current.rrule
            and (active.exists() or Occurrence.objects.filter(event=current).exists())
        ):
            raise ScheduleLocked(
                "This series has registrations or edited occurrences: edit occurrences "
                "one by one instead.",
                detail={"fields": [f for f in SCHEDULE if f in changes]},
            )
        if schedule_changed and not current.rrule and clean["rrule"] and active.exists():
            raise ScheduleLocked(
                "An event with registrations cannot become a series.", detail={"field": "rrule"}
            )
        old_capacity = current.capacity
        new_capacity = clean["capacity"]
        if new_capacity is not None and (old_capacity is None or new_capacity < old_capacity):
            _check_capacity(current, new_capacity)
        room_changed = (clean["room"].pk if clean["room"] else None) != current.room_id
        if (
            room_changed
            and clean["room"] is not None
            and not can_manage_space(user, clean["room"].space)
        ):
            raise NotHost(
                "You can take only a room of a space you manage.", detail={"field": "room"}
            )
        old_start = current.starts_at
        skills = clean.pop("skills", None)
        cohosts = clean.pop("cohosts")
        changed = sorted(k for k, v in clean.items() if getattr(current, k) != v)
        for k, v in clean.items():
            setattr(current, k, v)
        current.sequence += 1
        current.save()
        refresh_last_end(current)
        if skills is not None:
            current.skills.set(skills)
        _set_cohosts(current, cohosts)
        moved = schedule_changed and not current.rrule and current.starts_at != old_start
        if moved:
            Registration.objects.filter(event=current, recurrence_id=old_start).update(
                recurrence_id=current.starts_at
            )
            RoomHold.objects.filter(event=current, recurrence_id=old_start).update(
                recurrence_id=current.starts_at
            )
        if current.status == EventStatus.PUBLISHED:
            if room_changed or schedule_changed:
                release_holds(actor=user, event=current)
            hold_rooms(actor=user, event=current)
        if new_capacity is None or (old_capacity is not None and new_capacity > old_capacity):
            for rid in set(
                Registration.objects.filter(
                    event=current, status=RegistrationStatus.WAITLISTED
                ).values_list("recurrence_id", flat=True)
            ):
                promote_waitlist(event=current, recurrence_id=rid, actor=user)
        _activity(user, "event.updated", current, fields=changed[:20])
        if schedule_changed or "location" in changed:
            _tell_registered(
                current,
                None,
                user,
                kind="event.changed",
                title=f"Changed: {current.title}",
                body="The time or the place of an event you registered for changed.",
            )
    return current


def _check_capacity(event: Event, capacity: int) -> None:
    now = timezone.now()
    crowded = (
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
        .values("recurrence_id")
        .annotate(n=Count("id"))
        .filter(n__gt=capacity)
    )
    for row in crowded:
        instance = find_occurrence(event, row["recurrence_id"])
        if instance is not None and instance.end > now:
            raise CapacityBelowRegistrations(
                f"{row['n']} people are registered; the capacity cannot go below that.",
                detail={
                    "field": "capacity",
                    "registered": row["n"],
                    "capacity": capacity,
                    "occurrence": occurrence_key(event, row["recurrence_id"]),
                },
            )


def _tell_registered(
    event: Event, recurrence_id: datetime | None, actor: Any, *, kind: str, title: str, body: str
) -> None:
    regs = Registration.objects.filter(event=event, status__in=ACTIVE).select_related("user")
    if recurrence_id is not None:
        regs = regs.filter(recurrence_id=recurrence_id)
    else:
        regs = regs.filter(recurrence_id__gte=timezone.now() - timedelta(days=1))
    stamp = f"{event.pk}:{recurrence_id.isoformat() if recurrence_id else ''}:{event.sequence}"
    s.tell(
        people=[r.user for r in regs],
        event=event,
        kind=kind,
        title=title,
        body=body,
        url=s.event_url(event, recurrence_id),
        actor=actor,
        key=f"{kind}:{stamp}",
    )


# --- One occurrence ----------------------------------------------------------------------------


def edit_occurrence(
    *, actor: Any, event: Event, recurrence_id: datetime, **changes: Any
) -> Occurrence:
    """The hosts' managers edit one occurrence of a series: move it (`starts_at`,
    `ends_at`), retitle it, change its description or place, or cancel it (`cancelled`).
    A moved occurrence keeps its registrations and moves its room hold (409
    `event.room_taken` when the room is booked then); a cancelled one gives back its room and
    its registered and waitlisted people are notified."""
    user = s.require_user(actor)
    allowed = {"starts_at", "ends_at", "title", "description", "location", "cancelled"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidEvent(f"Unknown field {sorted(unknown)[0]!r}.")
    if not can_manage_event(user, event):
        raise NotHost("Only the hosts' managers edit this event.")
    if not event.rrule:
        raise InvalidEvent(
            "Edit a single event itself, not an occurrence.", code="event.not_a_series"
        )
    with transaction.atomic():
        current = s.lock_event(event)
        if current.status in (EventStatus.CANCELLED, EventStatus.DECLINED):
            raise EventClosed(f"This event is {current.status}.", detail={"status": current.status})
        rid = recurrence_id.astimezone(UTC)
        instance = find_occurrence(current, rid, include_cancelled=True)
        if instance is None:
            from ..errors import EventNotFound

            raise EventNotFound("No such occurrence.")
        row = Occurrence.objects.filter(event=current, recurrence_id=rid).first() or Occurrence(
            event=current, recurrence_id=rid, starts_at=instance.start, ends_at=instance.end
        )
        was_cancelled = row.cancelled
        tz = current.timezone
        if "starts_at" in changes and changes["starts_at"] is not None:
            row.starts_at = s.when(
                changes["starts_at"], field="starts_at", all_day=current.all_day, tz=tz
            )
        if "ends_at" in changes and changes["ends_at"] is not None:
            row.ends_at = s.when(
                changes["ends_at"], field="ends_at", all_day=current.all_day, tz=tz, end=True
            )
        s.times(row.starts_at, row.ends_at)
        for name, limit in (
            ("title", s.MAX_TITLE),
            ("description", s.MAX_TEXT),
            ("location", s.MAX_LOCATION),
        ):
            if name in changes:
                setattr(row, name, s.text(changes[name], field=name, max_len=limit))
        if "cancelled" in changes:
            if not isinstance(changes["cancelled"], bool):
                raise InvalidEvent("`cancelled` is true or false.", detail={"field": "cancelled"})
            row.cancelled = changes["cancelled"]
        moved = (row.starts_at, row.ends_at) != (instance.start, instance.end)
        row.save()
        current.sequence += 1
        current.save(update_fields=["sequence", "updated_at"])
        refresh_last_end(current)
        key = occurrence_key(current, rid)
        if row.cancelled and not was_cancelled:
            release_holds(actor=user, event=current, recurrence_id=rid)
            _tell_registered(
                current,
                rid,
                user,
                kind="event.cancelled",
                title=f"Cancelled: {row.title or current.title}",
                body="An occurrence of an event you registered for is cancelled.",
            )
        elif (
            not row.cancelled
            and current.status == EventStatus.PUBLISHED
            and (moved or was_cancelled)
        ):
            moved_to = find_occurrence(current, rid)
            if moved_to is not None:
                move_hold(actor=user, event=current, instance=moved_to)
            if moved:
                _tell_registered(
                    current,
                    rid,
                    user,
                    kind="event.changed",
                    title=f"Moved: {row.title or current.title}",
                    body="An event you registered for moved.",
                )
        _activity(
            user,
            "event.occurrence_edited",
            current,
            occurrence=key,
            fields=sorted(changes)[:10],
            cancelled=row.cancelled,
        )
    return row


# --- Decisions ---------------------------------------------------------------------------------


def approve_event(*, actor: Any, event: Event) -> Event:
    """A manager of the hosts publishes a proposed event; its room is held then (409
    `event.room_taken` leaves it proposed) and the proposer is notified."""
    return _decide(actor=actor, event=event, approve=True, reason="")


def decline_event(*, actor: Any, event: Event, reason: str = "") -> Event:
    """A manager of the hosts declines a proposed event (with an optional reason, up to 1,000
    characters, sent to the proposer)."""
    return _decide(actor=actor, event=event, approve=False, reason=reason)


def _decide(*, actor: Any, event: Event, approve: bool, reason: str) -> Event:
    user = s.require_user(actor)
    reason = s.text(reason, field="reason", max_len=1000)
    if not can_manage_event(user, event):
        raise NotHost("Only the hosts' managers decide on proposals.")
    with transaction.atomic():
        current = s.lock_event(event)
        if current.status != EventStatus.PROPOSED:
            raise NotProposed(
                f"This event is {current.status}, not proposed.", detail={"status": current.status}
            )
        current.status = EventStatus.PUBLISHED if approve else EventStatus.DECLINED
        current.decided_by = user
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        if approve:
            if current.room is not None and not can_manage_space(user, current.room.space):
                raise NotHost(
                    "You can take only a room of a space you manage.", detail={"field": "room"}
                )
            hold_rooms(actor=user, event=current)
        _activity(user, "event.approved" if approve else "event.declined", current)
        if current.created_by is not None:
            s.tell(
                people=[current.created_by],
                event=current,
                kind="event.approved" if approve else "event.declined",
                title=(f"Approved: {current.title}" if approve else f"Declined: {current.title}"),
                body=(
                    "Your event is published."
                    if approve
                    else "Your proposed event was declined." + (f"\n\n{reason}" if reason else "")
                ),
                url=s.event_url(current),
                actor=user,
                key=f"event.decided:{current.pk}",
            )
    return current


def cancel_event(*, actor: Any, event: Event, reason: str = "") -> Event:
    """The hosts' managers cancel a whole event (every occurrence): its rooms are given back
    and everyone registered or waitlisted for an occurrence not yet past is notified. The
    proposer withdraws their own proposal the same way."""
    user = s.require_user(actor)
    reason = s.text(reason, field="reason", max_len=1000)
    if not _can_edit(user, event):
        raise NotHost("Only the hosts' managers cancel this event.")
    with transaction.atomic():
        current = s.lock_event(event)
        if current.status in (EventStatus.CANCELLED, EventStatus.DECLINED):
            raise EventClosed(
                f"This event is already {current.status}.", detail={"status": current.status}
            )
        current.status = EventStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.sequence += 1
        current.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
        release_holds(actor=user, event=current)
        _tell_registered(
            current,
            None,
            user,
            kind="event.cancelled",
            title=f"Cancelled: {current.title}",
            body="An event you registered for is cancelled." + (f"\n\n{reason}" if reason else ""),
        )
        _activity(user, "event.cancelled", current)
    return current
