"""Reads about check-ins: who may check in, one's own check-in, and who is in now.

A person may check in at a space when they are a member or a manager of it, hold a day pass
for the space's local today, or hold a confirmed booking there that overlaps that day (e.g. a
network-pass visitor). Presence is counted over the open check-ins made on the local today:
an open check-in left over from an earlier day is stale and not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from coshore.core.errors import Unauthenticated
from coshore.memberships.selectors import has_day_pass
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, is_space_member, space_zone

from ..errors import CannotCheckIn
from ..models import Booking, BookingStatus, CheckIn

__all__ = [
    "Presence",
    "PresenceEntry",
    "can_check_in",
    "get_current_check_in",
    "get_presence",
    "local_day_bounds",
]


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def local_day_bounds(space: Space, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the space's local `day` starts and the next one starts."""
    zone = space_zone(space)
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def _local_today(space: Space, now: datetime) -> date:
    return now.astimezone(space_zone(space)).date()


def can_check_in(user: Any, space: Space, *, now: datetime | None = None) -> bool:
    """Members and managers of the space, holders of a day pass for its local today, and
    holders of a confirmed booking there overlapping that day. Only managers check in at an
    inactive space."""
    if not _authenticated(user):
        return False
    if can_manage_space(user, space):
        return True
    if not space.is_active:
        return False
    if is_space_member(user, space):
        return True
    today = _local_today(space, now or timezone.now())
    if has_day_pass(user=user, space=space, day=today):
        return True
    start, end = local_day_bounds(space, today)
    return Booking.objects.filter(
        user_id=user.pk,
        resource__space_id=space.pk,
        status=BookingStatus.CONFIRMED,
        starts_at__lt=end,
        ends_at__gt=start,
    ).exists()


def get_current_check_in(*, user: Any, space: Space) -> CheckIn | None:
    """The caller's open check-in at the space made on its local today, if any."""
    if not _authenticated(user):
        return None
    start, _ = local_day_bounds(space, _local_today(space, timezone.now()))
    return CheckIn.objects.filter(
        user_id=user.pk, space_id=space.pk, checked_out_at__isnull=True, checked_in_at__gte=start
    ).first()


@dataclass(frozen=True)
class PresenceEntry:
    user_id: int
    display_name: str
    checked_in_at: datetime
    method: str


@dataclass(frozen=True)
class Presence:
    """How many people are in the space now; `entries` name them for its managers only."""

    count: int
    entries: list[PresenceEntry]
    names_shown: bool


def get_presence(*, user: Any, space: Space) -> Presence:
    """Who is in the space now: the open check-ins made on its local today.

    Its managers see each person (name, since when, how); the others who may check in there
    see only the count, so that nobody learns a member's whereabouts through it. Everyone else
    is refused.
    """
    if not _authenticated(user):
        raise Unauthenticated("Log in first.")
    start, _ = local_day_bounds(space, _local_today(space, timezone.now()))
    open_now = CheckIn.objects.filter(
        space_id=space.pk, checked_out_at__isnull=True, checked_in_at__gte=start
    )
    if can_manage_space(user, space):
        rows = open_now.select_related("user").order_by("checked_in_at", "id")
        entries = [
            PresenceEntry(
                user_id=c.user_id,
                display_name=c.user.name,
                checked_in_at=c.checked_in_at,
                method=c.method,
            )
            for c in rows
        ]
        return Presence(count=len(entries), entries=entries, names_shown=True)
    if not can_check_in(user, space):
        raise CannotCheckIn(
            "Only the people of this space see who is in.",
            code="checkin.presence_forbidden",
            detail={"space": space.slug},
        )
    return Presence(count=open_now.count(), entries=[], names_shown=False)
