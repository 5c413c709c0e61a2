"""A desk for a whole day: what a day pass or an accepted network-pass visit books."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coshore.core.errors import DomainError
from coshore.spaces.models import HoursStatus, Space
from coshore.spaces.rules import decode_weekly
from coshore.spaces.selectors import space_zone

from ..errors import DeskUnavailable
from ..models import Booking, Resource, ResourceKind
from ..rules import desk_day_window
from .booking import book_resource, local_instant

__all__ = ["book_desk_for_day", "desk_hours"]


def desk_hours(space: Space, day: date) -> tuple[int, int] | None:
    """The local minutes of `day` a whole-day desk covers at `space` (see
    `rules.desk_day_window`), or None when the space is closed that day."""
    return desk_day_window(
        decode_weekly(space.weekly_hours),
        day.weekday(),
        hours_known=space.hours_status == HoursStatus.KNOWN,
    )


def _desk_order(resource: Resource) -> tuple[bool, int, int]:
    # Desks booked at once before those awaiting approval; shared pools before single desks,
    # which stay free for those who ask for one.
    return (
        resource.requires_approval,
        0 if resource.kind == ResourceKind.DESK_POOL else 1,
        resource.pk,
    )


def book_desk_for_day(
    *, actor: Any, space: Space, day: date, network_pass: bool = False
) -> Booking:
    """Book `actor` a desk at `space` for the desk hours of `day` (from the next quarter hour
    when `day` is today there), each desk's maximum length permitting: the first active desk
    pool, then single desk, that `book_resource` accepts. Refused with 409
    `booking.space_closed`, `booking.too_late_today`, `booking.no_desk` or
    `booking.no_free_desk` (with the reason each desk gave)."""
    hours = desk_hours(space, day)
    if hours is None:
        raise DeskUnavailable(
            f"{space.name} is closed that day.",
            code="booking.space_closed",
            detail={"space": space.slug, "date": day.isoformat()},
        )
    opens, closes = hours
    local_now = timezone.now().astimezone(space_zone(space))
    if day == local_now.date():
        minute = local_now.hour * 60 + local_now.minute + 1
        opens = max(opens, math.ceil(minute / 15) * 15)
        if closes - opens < 30:
            raise DeskUnavailable(
                f"{space.name} closes too soon to book a desk today.",
                code="booking.too_late_today",
                detail={"space": space.slug, "date": day.isoformat()},
            )
    desks = sorted(
        Resource.objects.filter(
            space=space, is_active=True, kind__in=[ResourceKind.DESK_POOL, ResourceKind.DESK]
        ).select_related("space"),
        key=_desk_order,
    )
    if not desks:
        raise DeskUnavailable(
            f"{space.name} has no desks to book online.",
            code="booking.no_desk",
            detail={"space": space.slug},
        )
    midnight = datetime.combine(day, time())
    reasons: list[str] = []
    for desk in desks:
        ends = min(closes, opens + desk.max_minutes)
        if ends - opens < desk.min_minutes:
            reasons.append("booking.too_short")
            continue
        try:
            with transaction.atomic():
                return book_resource(
                    actor=actor,
                    resource=desk,
                    starts_at=local_instant(space=space, value=midnight + timedelta(minutes=opens)),
                    ends_at=local_instant(space=space, value=midnight + timedelta(minutes=ends)),
                    network_pass=network_pass,
                )
        except DomainError as error:
            reasons.append(error.code)
    raise DeskUnavailable(
        f"No desk of {space.name} is free that day.",
        code="booking.no_free_desk",
        detail={
            "space": space.slug,
            "date": day.isoformat(),
            "desks": len(desks),
            "reasons": reasons[:10],
        },
    )
