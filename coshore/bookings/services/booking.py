"""Booking, cancelling, approving and repeating bookings. Each change records an Activity.

Cover (what entitles a person to a booking and what it costs them) is judged by the pure
`rules.choose_cover`; this module reads what the person holds and writes the result: the
booking, its credit debit or its price due at the desk, in one transaction.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.core.errors import DomainError
from coshore.memberships import selectors as membership_selectors
from coshore.memberships import services as membership_services
from coshore.memberships.errors import InsufficientCredits
from coshore.spaces.models import HoursStatus, Space
from coshore.spaces.rules import decode_weekly
from coshore.spaces.selectors import can_manage_space, space_standing, space_zone

from .. import emails
from ..errors import (
    Busy,
    CannotDecide,
    InvalidBooking,
    NotAMember,
    NotCancellable,
    NotCovered,
    NotEnoughCredits,
    NotRequested,
    SeriesConflict,
    SlotTaken,
)
from ..models import (
    ACTIVE_STATUSES,
    Booking,
    BookingSeries,
    BookingStatus,
    Cover,
    Resource,
    SeriesMode,
    Training,
)
from ..rules import (
    DESK_KINDS,
    ROOM_KINDS,
    Charge,
    DurationLimits,
    Entitlements,
    Pricing,
    choose_cover,
    choose_seat,
    duration_problem,
    refund_due,
    within_weekly_hours,
)
from ..selectors.booking import bookable_week

__all__ = [
    "ATTEMPTS",
    "MAX_SERIES_WEEKS",
    "REQUEST_TTL",
    "SeriesResult",
    "approve_booking",
    "as_utc",
    "book_resource",
    "book_series",
    "cancel_booking",
    "decline_booking",
    "expire_requests",
    "is_inside_hours",
    "local_instant",
]

MAX_SERIES_WEEKS = 26
# A request that its space's managers leave unanswered this long expires (the marketplace norm).
REQUEST_TTL = timedelta(hours=24)
# A booking is retried this many times when a concurrent one takes its seat first, or when the
# database reports a serialization failure or deadlock.
ATTEMPTS = 6

_DURATION_MESSAGES = {
    "booking.ends_before_start": "A booking must end after it starts.",
    "booking.in_the_past": "A booking cannot start in the past.",
    "booking.beyond_horizon": "This resource cannot be booked that far ahead.",
    "booking.too_short": "The booking is shorter than this resource allows.",
    "booking.too_long": "The booking is longer than this resource allows.",
}


def as_utc(name: str, value: datetime) -> datetime:
    """`value` in UTC; a datetime without offset or out of range is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidBooking(
            f"`{name}` needs a UTC offset (ISO 8601, e.g. 2026-05-04T09:00:00+02:00).",
            code="booking.naive_datetime",
            detail={"field": name},
        )
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidBooking(
            f"`{name}` is out of range.", code="booking.invalid_datetime", detail={"field": name}
        ) from None


def local_instant(*, space: Space, value: datetime) -> datetime:
    """The instant a naive wall-clock time means in the space's timezone.

    A time skipped by a clock change (02:30 on the night clocks go forward) does not exist
    and is refused; a repeated one (clocks going back) is read as its first occurrence.
    """
    zone = space_zone(space)
    naive = value.replace(tzinfo=None)
    try:
        aware = naive.replace(tzinfo=zone, fold=0)
        back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):
        raise InvalidBooking(
            "That time is out of range.", code="booking.invalid_datetime", detail={}
        ) from None
    if back != naive:
        raise InvalidBooking(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks skip it.",
            code="booking.nonexistent_local_time",
            detail={"local_time": naive.isoformat(timespec="minutes"), "timezone": str(zone)},
        )
    return aware.astimezone(UTC)


def is_inside_hours(space: Space, starts_at: datetime, ends_at: datetime) -> bool:
    """The whole booking lies inside the space's weekly hours, read in the space's timezone.

    A space whose hours are unknown accepts any time: its managers have not said when it is
    closed, and refusing every booking would make the resource useless.
    """
    if space.hours_status != HoursStatus.KNOWN:
        return True
    zone = space_zone(space)
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    local_end = ends_at.astimezone(zone).replace(tzinfo=None)
    return within_weekly_hours(decode_weekly(space.weekly_hours), local_start, local_end)


_COVER_MESSAGES = {
    "booking.not_a_member": "Only members of the space, or holders of a pass for it, book here.",
    "booking.training_missing": "This machine needs a training you do not hold yet.",
    "booking.plan_not_allowed": "Your plan does not include this resource.",
    "booking.not_covered": "No membership, pass or credit of yours covers this booking.",
    "booking.insufficient_credits": "You do not have enough credits for this booking.",
}
_COVER_ERRORS: dict[str, type[DomainError]] = {
    "booking.not_a_member": NotAMember,
    "booking.training_missing": NotCovered,
    "booking.plan_not_allowed": NotCovered,
    "booking.not_covered": NotCovered,
    "booking.insufficient_credits": NotEnoughCredits,
}


def _refuse_skipped_wall_time(space: Space, name: str, value: datetime) -> None:
    """An offset the space's zone uses, on a wall-clock time its clocks skip, is a client
    that put a non-existent local time (02:30 on the spring-forward night) into ISO form."""
    zone = space_zone(space)
    naive = value.replace(tzinfo=None)
    offset = value.utcoffset()
    try:
        around = {
            zone.utcoffset(naive - timedelta(days=1)),
            zone.utcoffset(naive + timedelta(days=1)),
        }
        local_instant(space=space, value=naive)
    except InvalidBooking as exc:
        if exc.code == "booking.nonexistent_local_time" and offset in around:
            raise InvalidBooking(
                exc.message, code=exc.code, detail={**exc.detail, "field": name}
            ) from None
    except OverflowError:
        return


def _room_minutes_used(actor: Any, space: Space, local_day: date) -> int:
    """Room minutes of a plan used in the local month of `local_day`: bookings that hold
    them, and cancellations too late to give them back."""
    zone = space_zone(space)
    first = local_day.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    month_start = datetime(first.year, first.month, 1, tzinfo=zone).astimezone(UTC)
    month_end = datetime(after.year, after.month, 1, tzinfo=zone).astimezone(UTC)
    used = 0
    rows = Booking.objects.filter(
        user_id=actor.pk,
        resource__space_id=space.pk,
        cover=Cover.ROOM_HOURS,
        starts_at__gte=month_start,
        starts_at__lt=month_end,
        status__in=[*ACTIVE_STATUSES, BookingStatus.CANCELLED],
    ).values_list(
        "status", "room_minutes", "cancelled_at", "starts_at", "resource__free_cancel_hours"
    )
    for status, minutes, cancelled_at, starts_at, free_hours in rows:
        if status != BookingStatus.CANCELLED or not refund_due(
            now=cancelled_at or starts_at, starts_at=starts_at, free_cancel_hours=free_hours
        ):
            used += minutes
    return used


def _allowed_plan_ids(resource: Resource) -> frozenset[int]:
    return frozenset(resource.allowed_plans.values_list("pk", flat=True))


def _entitlements(
    actor: Any,
    resource: Resource,
    start: datetime,
    end: datetime,
    network_pass: bool,
    allowed: frozenset[int],
) -> Entitlements:
    """What `actor` holds in the resource's space for [start, end)."""
    space = resource.space
    standing = space_standing(actor, space)
    if standing.manages:
        return Entitlements(is_manager=True)
    if network_pass:
        return Entitlements(network_pass=True)
    zone = space_zone(space)
    day = start.astimezone(zone).date()
    one_day = (end - timedelta(microseconds=1)).astimezone(zone).date() == day
    membership = membership_selectors.get_active_membership(user=actor, space=space, day=day)
    plan = membership.plan if membership is not None else None
    plan_ids = {plan.pk} if plan is not None else set()
    unlimited = bool(plan is not None and plan.unlimited_desk)
    belongs = membership is not None or standing.belongs
    day_pass = None
    if one_day and (allowed or not belongs or (resource.kind in DESK_KINDS and not unlimited)):
        day_pass = membership_selectors.get_day_pass(user=actor, space=space, day=day)
        if day_pass is not None and day_pass.plan_id is not None:
            plan_ids.add(day_pass.plan_id)
    room_left = None
    if resource.kind in ROOM_KINDS and plan is not None and plan.room_hours_included:
        room_left = plan.room_hours_included * 60 - _room_minutes_used(actor, space, day)
    return Entitlements(
        belongs=belongs,
        plan_ids=frozenset(plan_ids),
        unlimited_desk=unlimited,
        room_minutes_left=room_left,
        credits=(
            membership_selectors.credit_balance(user=actor, space=space)
            if resource.credits_per_hour
            else 0
        ),
        day_pass=day_pass is not None,
        trained=bool(
            resource.requires_training
            and Training.objects.filter(resource=resource, user_id=actor.pk).exists()
        ),
    )


def _judge(
    *, actor: Any, resource: Resource, starts_at: datetime, ends_at: datetime, network_pass: bool
) -> tuple[datetime, datetime, Charge]:
    """Every rule a booking must pass before it looks for a seat; returns the UTC times and
    how the booking is covered."""
    start = as_utc("starts_at", starts_at)
    end = as_utc("ends_at", ends_at)
    space = resource.space
    if not resource.is_active:
        raise InvalidBooking(
            "This resource cannot be booked.",
            code="booking.resource_inactive",
            detail={"resource": resource.pk},
        )
    if not getattr(actor, "is_authenticated", False):
        raise NotAMember("Log in to book.", detail={"space": space.slug})
    _refuse_skipped_wall_time(space, "starts_at", starts_at)
    _refuse_skipped_wall_time(space, "ends_at", ends_at)
    problem = duration_problem(
        starts_at=start,
        ends_at=end,
        now=timezone.now(),
        limits=DurationLimits(resource.min_minutes, resource.max_minutes, resource.horizon_days),
    )
    if problem is not None:
        raise InvalidBooking(
            _DURATION_MESSAGES[problem],
            code=problem,
            detail={
                "min_minutes": resource.min_minutes,
                "max_minutes": resource.max_minutes,
                "horizon_days": resource.horizon_days,
            },
        )
    if not is_bookable_time(resource, start, end):
        raise InvalidBooking(
            "The resource is not bookable for the whole time (opening hours or its schedule).",
            code="booking.outside_hours",
            detail={"timezone": space.timezone},
        )
    allowed = _allowed_plan_ids(resource)
    pricing = Pricing(
        kind=resource.kind,
        minutes=int((end - start).total_seconds() // 60),
        credits_per_hour=resource.credits_per_hour,
        price_per_hour=resource.price_per_hour,
        price_per_day=resource.price_per_day,
        requires_training=resource.requires_training,
        allowed_plan_ids=allowed,
    )
    verdict = choose_cover(
        pricing, _entitlements(actor, resource, start, end, network_pass, allowed)
    )
    if isinstance(verdict, str):
        raise _COVER_ERRORS[verdict](
            _COVER_MESSAGES[verdict],
            code=verdict,
            detail={"space": space.slug, "resource": resource.pk},
        )
    return start, end, verdict


def book_resource(
    *,
    actor: Any,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    network_pass: bool = False,
) -> Booking:
    """A person books one seat of an active resource, if something covers it.

    The times carry a UTC offset and are not a wall-clock time the space's clocks skip; the
    booking ends after it starts, does not start in the past, ends within the resource's
    horizon, lasts between its minimum and maximum, and lies inside the resource's schedule
    (or the space's hours). Cover is judged by `rules.choose_cover`; `network_pass` is set
    only by the passes service for a visit it granted. The lowest free seat is taken,
    keeping `buffer_minutes` free after every booking; with none free the slot is taken
    (409). Credits are debited, or an overage price recorded as due at the desk, in the same
    transaction. The booking is confirmed, or requested when the resource requires approval;
    a request expires if not answered within 24 hours (or by its start).
    """
    start, end, charge = _judge(
        actor=actor,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        network_pass=network_pass,
    )
    return _book(actor=actor, resource=resource, start=start, end=end, charge=charge, series=None)


def _book(
    *,
    actor: Any,
    resource: Resource,
    start: datetime,
    end: datetime,
    charge: Charge,
    series: BookingSeries | None,
) -> Booking:
    space = resource.space
    if resource.requires_approval:
        expire_requests(resource=resource)
    blocked_until = end + timedelta(minutes=resource.buffer_minutes)
    now = timezone.now()
    # A manager's own booking needs no approval, nor does a visit the host already accepted.
    requested = resource.requires_approval and charge.cover not in (
        Cover.MANAGER,
        Cover.NETWORK_PASS,
    )
    fields = {
        "status": BookingStatus.REQUESTED if requested else BookingStatus.CONFIRMED,
        "expires_at": min(now + REQUEST_TTL, start) if requested else None,
        "cover": charge.cover,
        "credits": charge.credits,
        "room_minutes": charge.room_minutes,
        "amount": charge.amount,
        "currency": resource.currency if charge.amount is not None else "",
        "series": series,
    }
    # Inside an outer transaction (a weekly series) a database error cannot be retried here:
    # the outer transaction is retried as a whole instead.
    retry_errors = not transaction.get_connection().in_atomic_block
    avoid: set[int] = set()
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                _lock_resource(resource)
                booking = _insert_booking(
                    actor=actor,
                    resource=resource,
                    start=start,
                    end=end,
                    blocked_until=blocked_until,
                    fields=fields,
                    avoid=avoid,
                )
                _charge(booking, charge, space)
                record_activity(
                    actor=actor,
                    verb="booking.requested" if requested else "booking.created",
                    target=booking,
                    space=space,
                    metadata={
                        "resource": resource.pk,
                        "status": booking.status,
                        "cover": charge.cover,
                    },
                )
            return booking
        except _SeatLost as lost:
            # PostgreSQL's exclusion constraint saw a concurrent booking commit on this seat
            # between our read and our insert: read again, preferring another seat.
            avoid.add(lost.seat)
        except OperationalError as exc:
            if not retry_errors or not _is_retryable(exc):
                raise
            if attempt == ATTEMPTS - 1:
                raise Busy(
                    "Too many bookings of this resource at this instant; try again.",
                    detail={"resource": resource.pk},
                ) from exc
            time.sleep(random.uniform(0.005, 0.02) * (2**attempt))
    raise _slot_taken(resource, start, end)


def _lock_resource(resource: Resource) -> None:
    """On PostgreSQL, bookings of one resource take turns: two concurrent inserts of the same
    seat would otherwise wait on each other inside the exclusion check and deadlock. SQLite's
    IMMEDIATE transaction already holds the database's write lock."""
    if connection.vendor == "postgresql":
        list(Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk"))


def _charge(booking: Booking, charge: Charge, space: Space) -> None:
    if charge.credits:
        try:
            membership_services.debit_credits(
                user=booking.user, space=space, amount=charge.credits, booking_id=booking.pk
            )
        except InsufficientCredits as exc:
            # Another booking spent them between the check and this debit.
            raise NotEnoughCredits(
                _COVER_MESSAGES["booking.insufficient_credits"], detail=exc.detail
            ) from None
    if charge.amount is not None:
        membership_services.charge_booking(
            user=booking.user,
            space=space,
            amount=charge.amount,
            currency=booking.currency,
            booking_id=booking.pk,
            description=f"{booking.resource.name}, {booking.starts_at:%Y-%m-%d %H:%M} UTC",
        )


def _give_back(booking: Booking) -> bool:
    """Return what a booking spent: its credits and any price due. True when something was."""
    space = booking.resource.space
    returned = False
    if booking.credits:
        membership_services.refund_credits(
            user=booking.user, space=space, amount=booking.credits, booking_id=booking.pk
        )
        returned = True
    if booking.amount is not None:
        returned = (
            bool(
                membership_services.refund_booking_payments(
                    user=booking.user, space=space, booking_id=booking.pk
                )
            )
            or returned
        )
    return returned


def is_bookable_time(resource: Resource, start: datetime, end: datetime) -> bool:
    """The whole of [start, end) lies inside the resource's bookable week, read in the
    space's timezone (any time when no hours are known)."""
    week = bookable_week(resource)
    if week is None:
        return True
    zone = space_zone(resource.space)
    return within_weekly_hours(
        week, start.astimezone(zone).replace(tzinfo=None), end.astimezone(zone).replace(tzinfo=None)
    )


def _is_retryable(exc: OperationalError) -> bool:
    sqlstate = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
    return sqlstate in {"40001", "40P01"} or "locked" in str(exc)


class _SeatLost(Exception):
    def __init__(self, seat: int) -> None:
        self.seat = seat


def _slot_taken(resource: Resource, start: datetime, end: datetime) -> SlotTaken:
    return SlotTaken(
        "No seat of this resource is free at that time.",
        detail={
            "resource": resource.pk,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
        },
    )


def _insert_booking(
    *,
    actor: Any,
    resource: Resource,
    start: datetime,
    end: datetime,
    blocked_until: datetime,
    fields: dict[str, Any],
    avoid: set[int],
) -> Booking:
    taken = list(
        Booking.objects.filter(
            resource=resource,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=blocked_until,
            blocked_until__gt=start,
        ).values_list("seat", "starts_at", "blocked_until")
    )
    seat = choose_seat(
        seats=resource.seats, taken=taken, start=start, end=blocked_until, avoid=avoid
    )
    if seat is None:
        seat = choose_seat(seats=resource.seats, taken=taken, start=start, end=blocked_until)
    if seat is None:
        raise _slot_taken(resource, start, end)
    # No savepoint of its own: on a lost race the exclusion violation propagates out of the
    # caller's transaction, which rolls the whole attempt back before it is retried.
    try:
        return Booking.objects.create(
            resource=resource,
            user=actor,
            seat=seat,
            starts_at=start,
            ends_at=end,
            blocked_until=blocked_until,
            **fields,
        )
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise _SeatLost(seat) from exc
        raise


def cancel_booking(*, actor: Any, booking: Booking) -> Booking:
    """Its member, or those who manage the space, cancel a booking that is requested or
    confirmed and has not ended yet. The seat is free again at once. A request, or a booking
    cancelled at least the resource's `free_cancel_hours` before its start, gets back what it
    spent (credits, price due); a later cancellation keeps the charge."""
    space = booking.resource.space
    if booking.user_id != getattr(actor, "pk", None) and not can_manage_space(actor, space):
        raise NotAMember("Only its member or the space's managers cancel a booking.")
    now = timezone.now()
    with transaction.atomic():
        current = (
            Booking.objects.select_related("resource__space", "user")
            .select_for_update(of=("self",))
            .get(pk=booking.pk)
        )
        if current.status not in ACTIVE_STATUSES:
            raise NotCancellable(
                f"This booking is {current.status}.", detail={"status": current.status}
            )
        if current.ends_at <= now:
            raise NotCancellable(
                "This booking has already ended.",
                code="booking.already_ended",
                detail={"status": current.status},
            )
        in_time = current.status == BookingStatus.REQUESTED or refund_due(
            now=now,
            starts_at=current.starts_at,
            free_cancel_hours=current.resource.free_cancel_hours,
        )
        current.status = BookingStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        refunded = _give_back(current) if in_time else False
        record_activity(
            actor=actor,
            verb="booking.cancelled",
            target=current,
            space=space,
            metadata={"resource": current.resource_id, "refunded": refunded, "in_time": in_time},
        )
        if current.user_id != getattr(actor, "pk", None):
            emails.notify_booking_change(
                booking=current, actor=actor, change="cancelled", refunded=refunded
            )
    booking.status = current.status
    booking.cancelled_at = current.cancelled_at
    return booking


def _decide(*, actor: Any, booking: Booking, approve: bool) -> Booking:
    space = booking.resource.space
    if not can_manage_space(actor, space):
        raise CannotDecide("Only the space's managers answer booking requests.")
    expire_requests(resource=booking.resource)
    now = timezone.now()
    with transaction.atomic():
        current = (
            Booking.objects.select_related("resource__space", "user")
            .select_for_update(of=("self",))
            .get(pk=booking.pk)
        )
        if current.status != BookingStatus.REQUESTED:
            code = "booking.request_expired" if current.status == BookingStatus.EXPIRED else None
            raise NotRequested(
                f"This booking is {current.status}, not a pending request.",
                code=code,
                detail={"status": current.status},
            )
        current.status = BookingStatus.CONFIRMED if approve else BookingStatus.DECLINED
        current.decided_by = actor
        current.decided_at = now
        current.expires_at = None
        current.save(update_fields=["status", "decided_by", "decided_at", "expires_at"])
        if not approve:
            _give_back(current)
        record_activity(
            actor=actor,
            verb="booking.approved" if approve else "booking.declined",
            target=current,
            space=space,
            metadata={"resource": current.resource_id, "user_id": current.user_id},
        )
        emails.notify_booking_change(
            booking=current, actor=actor, change="approved" if approve else "declined"
        )
    for field in ("status", "decided_by", "decided_at", "expires_at"):
        setattr(booking, field, getattr(current, field))
    return booking


def approve_booking(*, actor: Any, booking: Booking) -> Booking:
    """A manager of the space confirms a pending request that has not expired."""
    return _decide(actor=actor, booking=booking, approve=True)


def decline_booking(*, actor: Any, booking: Booking) -> Booking:
    """A manager of the space declines a pending request; the seat is free again and what the
    request spent is given back."""
    return _decide(actor=actor, booking=booking, approve=False)


def expire_requests(*, resource: Resource | None = None, now: datetime | None = None) -> int:
    """Requests left unanswered past their expiry become `expired`: the seat is free again and
    what they spent is given back. Returns how many expired."""
    now = now or timezone.now()
    due = Booking.objects.filter(status=BookingStatus.REQUESTED, expires_at__lte=now)
    if resource is not None:
        due = due.filter(resource=resource)
    count = 0
    for pk in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            current = (
                Booking.objects.select_related("resource__space", "user")
                .select_for_update(of=("self",))
                .filter(pk=pk, status=BookingStatus.REQUESTED, expires_at__lte=now)
                .first()
            )
            if current is None:
                continue
            current.status = BookingStatus.EXPIRED
            current.save(update_fields=["status"])
            _give_back(current)
            record_activity(
                actor=None,
                verb="booking.expired",
                target=current,
                space=current.resource.space,
                metadata={"resource": current.resource_id, "user_id": current.user_id},
            )
            emails.notify_booking_change(booking=current, actor=None, change="expired")
            count += 1
    return count


@dataclass(frozen=True)
class SeriesResult:
    series: BookingSeries
    booked: list[Booking]
    skipped: list[tuple[date, str]]


def book_series(
    *,
    actor: Any,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    weeks: int,
    mode: str,
) -> SeriesResult:
    """A person books the same local time on the same weekday for `weeks` weeks (1 to 26).

    Each week is booked by the rules of `book_resource`, at the same wall-clock time in the
    space's timezone (so across a clock change the UTC time moves). `all_or_nothing` books
    every week or none (409 `booking.series_conflict` listing the weeks that failed and why);
    `skip_conflicts` books the weeks that can be and reports the others, failing only when
    none can.
    """
    if not isinstance(weeks, int) or not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise InvalidBooking(
            f"`weeks` must be between 1 and {MAX_SERIES_WEEKS}.",
            code="booking.invalid_weeks",
            detail={"field": "weeks", "min": 1, "max": MAX_SERIES_WEEKS},
        )
    if mode not in SeriesMode.values:
        raise InvalidBooking(
            f"`mode` must be one of {', '.join(SeriesMode.values)}.",
            code="booking.invalid_mode",
            detail={"field": "mode", "allowed": list(SeriesMode.values)},
        )
    space = resource.space
    zone = space_zone(space)
    first_start = as_utc("starts_at", starts_at).astimezone(zone).replace(tzinfo=None)
    first_end = as_utc("ends_at", ends_at).astimezone(zone).replace(tzinfo=None)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _book_weeks(actor, resource, first_start, first_end, weeks, mode)
        except OperationalError as exc:
            if not _is_retryable(exc) or attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _book_weeks(
    actor: Any,
    resource: Resource,
    first_start: datetime,
    first_end: datetime,
    weeks: int,
    mode: str,
) -> SeriesResult:
    space = resource.space
    series = BookingSeries.objects.create(resource=resource, user=actor, weeks=weeks, mode=mode)
    booked: list[Booking] = []
    skipped: list[tuple[date, str]] = []
    for week in range(weeks):
        local_start = first_start + timedelta(weeks=week)
        try:
            with transaction.atomic():
                start, end, charge = _judge(
                    actor=actor,
                    resource=resource,
                    starts_at=local_instant(space=space, value=local_start),
                    ends_at=local_instant(space=space, value=first_end + timedelta(weeks=week)),
                    network_pass=False,
                )
                booked.append(
                    _book(
                        actor=actor,
                        resource=resource,
                        start=start,
                        end=end,
                        charge=charge,
                        series=series,
                    )
                )
        except DomainError as exc:
            skipped.append((local_start.date(), exc.code))
    if not booked or (skipped and mode == SeriesMode.ALL_OR_NOTHING):
        raise SeriesConflict(
            "No week of the series could be booked."
            if not booked
            else "Some weeks of the series cannot be booked, so none was.",
            detail={
                "mode": mode,
                "failed": [{"date": d.isoformat(), "code": code} for d, code in skipped],
            },
        )
    record_activity(
        actor=actor,
        verb="booking.series_created",
        target=series,
        space=space,
        metadata={"resource": resource.pk, "booked": len(booked), "skipped": len(skipped)},
    )
    return SeriesResult(series=series, booked=booked, skipped=skipped)
