"""Reads about resources and bookings, already scoped to the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from coshore.core.errors import Invalid
from coshore.spaces.models import HoursStatus, NetworkRole, Space, SpaceRole, SpaceRoleKind
from coshore.spaces.rules import decode_weekly
from coshore.spaces.selectors import can_manage_space, space_zone

from ..errors import BookingNotFound, CannotManageResources, ResourceNotFound
from ..models import ACTIVE_STATUSES, Booking, BookingStatus, Resource, Training
from ..rules import Slot, WeeklyInterval, day_slots

__all__ = [
    "MAX_ID",
    "MAX_LIST",
    "MAX_LIST_DAYS",
    "Availability",
    "availability",
    "bookable_week",
    "get_booking_for_user",
    "get_resource_for_user",
    "is_booking_active",
    "list_bookings_for_user",
    "list_resources",
    "list_trainings",
]

MAX_ID = 2**62
MAX_LIST = 500
MAX_LIST_DAYS = 366


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and 1 <= value <= MAX_ID


def list_resources(*, user: Any, space: Space) -> QuerySet[Resource]:
    """A space's active resources; those who manage it also see the inactive ones."""
    qs = (
        Resource.objects.filter(space=space)
        .select_related("space")
        .prefetch_related("allowed_plans")
        .order_by("name", "id")
    )
    if not can_manage_space(user, space):
        qs = qs.filter(is_active=True)
    return qs


def get_resource_for_user(*, user: Any, resource_id: int) -> Resource:
    """An active resource of an active space is public (its times, never who booked them);
    an inactive one only to those who manage the space. Else not found."""
    resource = (
        Resource.objects.select_related("space").filter(pk=resource_id).first()
        if _valid_id(resource_id)
        else None
    )
    if resource is None or (
        not (resource.is_active and resource.space.is_active)
        and not can_manage_space(user, resource.space)
    ):
        raise ResourceNotFound("No such resource.", detail={"resource": str(resource_id)[:20]})
    return resource


def get_booking_for_user(*, user: Any, booking_id: int) -> Booking:
    """A booking is seen by its member and by those who manage the space; by nobody else."""
    booking = (
        Booking.objects.select_related("resource__space").filter(pk=booking_id).first()
        if _valid_id(booking_id) and _authenticated(user)
        else None
    )
    if booking is None or (
        booking.user_id != user.pk and not can_manage_space(user, booking.resource.space)
    ):
        raise BookingNotFound("No such booking.", detail={"booking": str(booking_id)[:20]})
    return booking


def _managed_space_ids(user: Any) -> Q:
    roles = SpaceRole.objects.filter(user_id=user.pk, role=SpaceRoleKind.MANAGER).values("space_id")
    operated = NetworkRole.objects.filter(user_id=user.pk).values("network__memberships__space_id")
    return Q(resource__space_id__in=roles) | Q(resource__space_id__in=operated)


def list_bookings_for_user(
    *,
    user: Any,
    resource: Resource | None = None,
    from_: datetime | None = None,
    to: datetime | None = None,
) -> QuerySet[Booking]:
    """The caller's own bookings and every booking in the spaces they manage, that overlap
    [from_, to), earliest first, at most 500."""
    if not _authenticated(user):
        return Booking.objects.none()
    if from_ is not None and to is not None:
        if to <= from_:
            raise Invalid("`to` must be after `from`.", code="booking.invalid_range")
        if to - from_ > timedelta(days=MAX_LIST_DAYS):
            raise Invalid(
                f"Ask for at most {MAX_LIST_DAYS} days at a time.",
                code="booking.range_too_long",
                detail={"max_days": MAX_LIST_DAYS},
            )
    qs = Booking.objects.select_related("resource__space")
    if not user.is_staff:
        qs = qs.filter(Q(user_id=user.pk) | _managed_space_ids(user))
    if resource is not None:
        qs = qs.filter(resource=resource)
    if from_ is not None:
        qs = qs.filter(ends_at__gt=from_)
    if to is not None:
        qs = qs.filter(starts_at__lt=to)
    return qs.order_by("starts_at", "id")[:MAX_LIST]


def is_booking_active(*, booking_id: int) -> bool:
    """Whether a booking still holds its seat (requested or confirmed). For services of other
    apps that keep a booking's id, such as an accepted network pass."""
    return _valid_id(booking_id) and (
        Booking.objects.filter(pk=booking_id, status__in=ACTIVE_STATUSES).exists()
    )


def list_trainings(*, user: Any, resource: Resource) -> QuerySet[Training]:
    """Who holds a machine's training: seen by those who manage its space only."""
    if not can_manage_space(user, resource.space):
        raise CannotManageResources(
            "Only the space's managers see trainings.", detail={"space": resource.space.slug}
        )
    return (
        Training.objects.filter(resource=resource)
        .select_related("user")
        .order_by("granted_at", "id")
    )


def bookable_week(resource: Resource) -> tuple[WeeklyInterval, ...] | None:
    """The weekly hours a resource is bookable in: its own schedule when it has one, else
    its space's hours; None when neither is known (bookable at any time)."""
    if resource.schedule:
        return decode_weekly(resource.weekly_schedule)
    if resource.space.hours_status != HoursStatus.KNOWN:
        return None
    return decode_weekly(resource.space.weekly_hours)


@dataclass(frozen=True)
class Availability:
    resource: Resource
    day: date
    timezone: str
    slots: list[Slot]


def availability(*, resource: Resource, day: date) -> Availability:
    """The local day of the space cut into slots, each with its free seats and whether the
    space is open (a space with unknown hours counts as open all day)."""
    space = resource.space
    zone = space_zone(space)
    try:
        midnight = datetime.combine(day, time(), tzinfo=zone)
        # In UTC: aware datetimes sharing one tzinfo compare by wall clock, not by instant.
        day_start = midnight.astimezone(UTC)
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    except OverflowError:
        raise Invalid("`date` is out of range.", code="booking.invalid_date") from None
    week = bookable_week(resource)
    if week is not None:
        spans = [
            (
                (midnight + timedelta(minutes=o)).astimezone(UTC),
                (midnight + timedelta(minutes=c)).astimezone(UTC),
            )
            for d, o, c in week
            if d == day.weekday()
        ]
    else:
        spans = [(day_start, day_end)]
    taken = list(
        Booking.objects.filter(
            resource=resource,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=day_end,
            blocked_until__gt=day_start,
        )
        .exclude(status=BookingStatus.REQUESTED, expires_at__lte=timezone.now())
        .values_list("seat", "starts_at", "blocked_until")
    )
    slots = day_slots(
        day_start=day_start, day_end=day_end, open_spans=spans, taken=taken, seats=resource.seats
    )
    return Availability(resource=resource, day=day, timezone=str(zone), slots=slots)
