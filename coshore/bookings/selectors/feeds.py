"""Reads behind calendars: feed tokens and their events, a person's own bookings, and a
space's bookings for its managers. The feeds and the pages share them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from coshore.core.errors import NotFound
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, space_zone

from ..ical import FeedEvent
from ..models import Booking, BookingStatus, Cover, FeedToken, Resource

__all__ = [
    "FEED_FUTURE_DAYS",
    "FEED_PAST_DAYS",
    "MAX_FEED_EVENTS",
    "cover_text",
    "feed_events",
    "get_feed_token",
    "list_feed_tokens_for_user",
    "list_own_bookings",
    "list_space_bookings",
]

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 366
MAX_FEED_EVENTS = 5000
MAX_OWN_BOOKINGS = 500

_SECRET = re.compile(r"[A-Za-z0-9_-]{20,64}")

_ICAL_STATUS = {
    BookingStatus.REQUESTED: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
}
_STATUS_TEXT = {
    BookingStatus.REQUESTED: "Requested: waiting for the space to approve it.",
    BookingStatus.CONFIRMED: "Confirmed.",
    BookingStatus.CANCELLED: "Cancelled.",
    BookingStatus.DECLINED: "Declined by the space.",
    BookingStatus.EXPIRED: "Expired: the request was not answered in time.",
}


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _feed_not_found() -> NotFound:
    return NotFound("No such calendar.", code="feed.not_found")


def get_feed_token(*, secret: str) -> FeedToken:
    """The token behind a feed URL. Its person must still be active and, for a resource's
    feed, still manage the resource's space; anything else is not found."""
    token = (
        FeedToken.objects.select_related("user", "resource__space").filter(secret=secret).first()
        if isinstance(secret, str) and _SECRET.fullmatch(secret)
        else None
    )
    if token is None or not token.user.is_active:
        raise _feed_not_found()
    if token.resource is not None and not can_manage_space(token.user, token.resource.space):
        raise _feed_not_found()
    return token


def list_feed_tokens_for_user(*, user: Any, space: Space | None = None) -> list[FeedToken]:
    """The caller's feeds that work: their own, and those of resources whose space they still
    manage (of `space` only, when given)."""
    if not _authenticated(user):
        return []
    qs = FeedToken.objects.filter(user_id=user.pk).select_related("resource__space")
    if space is not None:
        qs = qs.filter(resource__space=space)
    tokens = list(qs.order_by("resource__space__name", "resource__name", "id"))
    allowed: dict[int, bool] = {}
    out = []
    for token in tokens:
        if token.resource is not None:
            space_id = token.resource.space_id
            if space_id not in allowed:
                allowed[space_id] = can_manage_space(user, token.resource.space)
            if not allowed[space_id]:
                continue
        out.append(token)
    return out


def _window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=FEED_PAST_DAYS), now + timedelta(days=FEED_FUTURE_DAYS)


def feed_events(*, token: FeedToken, url: str = "", now: datetime | None = None) -> list[FeedEvent]:
    """The events of a feed: bookings from 30 days back to a year ahead, cancelled ones too.

    A person's feed holds their own bookings; a resource's feed every booking of it, with who
    booked (display name only), for those who manage its space. Nobody else is ever named.
    """
    now = now or timezone.now()
    start, end = _window(now)
    qs = Booking.objects.filter(starts_at__lt=end, ends_at__gt=start).select_related(
        "resource__space"
    )
    if token.resource is None:
        qs = qs.filter(user_id=token.user_id)
    else:
        qs = qs.filter(resource=token.resource).select_related("user")
    bookings = qs.order_by("starts_at", "id")[:MAX_FEED_EVENTS]
    show_person = token.resource is not None
    return [_event(b, show_person=show_person, url=url, now=now) for b in bookings]


def _event(booking: Booking, *, show_person: bool, url: str, now: datetime) -> FeedEvent:
    resource = booking.resource
    space = resource.space
    status = BookingStatus(booking.status_at(now))
    lines = []
    if show_person:
        lines.append(f"Booked by {booking.user.name}.")
    lines.append(_STATUS_TEXT.get(status, status))
    cover = cover_text(booking)
    if cover:
        lines.append(f"Covered by: {cover}.")
    changed = [t for t in (booking.created_at, booking.decided_at, booking.cancelled_at) if t]
    return FeedEvent(
        uid=f"booking-{booking.pk}@coshore",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        zone=space_zone(space),
        summary=f"{resource.name} — {space.name}",
        location=", ".join(p for p in (space.name, space.address) if p),
        description="\n".join(lines),
        status=_ICAL_STATUS.get(status, "CANCELLED"),
        sequence=_sequence(booking, status),
        created=booking.created_at,
        last_modified=max(changed),
        url=url,
    )


def _sequence(booking: Booking, status: str) -> int:
    """Grows with every change a calendar must show: a decision, then an ending."""
    decided = 1 if booking.decided_at is not None else 0
    ended = 1 if status not in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED) else 0
    return decided + ended


def cover_text(booking: Booking) -> str:
    """What pays for a booking, in words: "Credits (3)", "Room hours of the plan (90 min)"."""
    if not booking.cover:
        return ""
    label = str(Cover(booking.cover).label)
    if booking.cover == Cover.CREDITS and booking.credits:
        return f"{label} ({booking.credits})"
    if booking.cover == Cover.ROOM_HOURS and booking.room_minutes:
        return f"{label} ({booking.room_minutes} min)"
    if booking.cover == Cover.OVERAGE and booking.amount is not None:
        return f"{label} ({booking.amount} {booking.currency})"
    return label


def list_own_bookings(
    *,
    user: Any,
    from_: datetime | None = None,
    to: datetime | None = None,
    newest_first: bool = False,
    limit: int = MAX_OWN_BOOKINGS,
) -> QuerySet[Booking]:
    """The caller's own bookings (every status) ending after `from_` and starting before
    `to`; never anyone else's, even in spaces they manage."""
    if not _authenticated(user):
        return Booking.objects.none()
    qs = Booking.objects.filter(user_id=user.pk).select_related("resource__space", "series")
    if from_ is not None:
        qs = qs.filter(ends_at__gt=from_)
    if to is not None:
        qs = qs.filter(starts_at__lt=to)
    order = ("-starts_at", "-id") if newest_first else ("starts_at", "id")
    return qs.order_by(*order)[: max(0, min(limit, MAX_OWN_BOOKINGS))]


def list_space_bookings(
    *,
    user: Any,
    space: Space,
    from_: datetime | None = None,
    to: datetime | None = None,
    statuses: Iterable[str] | None = None,
    resources: Iterable[Resource] | None = None,
    limit: int = MAX_OWN_BOOKINGS,
) -> QuerySet[Booking]:
    """Every booking of a space (with who booked) for those who manage it; nothing for anyone
    else. Earliest first."""
    if not can_manage_space(user, space):
        return Booking.objects.none()
    qs = Booking.objects.filter(resource__space=space).select_related(
        "resource__space", "user", "series"
    )
    if resources is not None:
        qs = qs.filter(resource__in=list(resources))
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    if from_ is not None:
        qs = qs.filter(ends_at__gt=from_)
    if to is not None:
        qs = qs.filter(starts_at__lt=to)
    return qs.order_by("starts_at", "id")[: max(0, min(limit, MAX_OWN_BOOKINGS))]
