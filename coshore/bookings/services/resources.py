"""Managers set up what their space lets people book, and who is trained on its machines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.core.errors import Conflict
from coshore.memberships.models import Plan
from coshore.spaces.hours import parse_opening_hours
from coshore.spaces.models import Space
from coshore.spaces.rules import encode_weekly
from coshore.spaces.selectors import can_manage_space

from ..errors import AccountNotFound, CannotManageResources, InvalidResource, TrainingNotFound
from ..models import ACTIVE_STATUSES, Booking, Resource, ResourceKind, Training

__all__ = [
    "MAX_CAPACITY",
    "MAX_CREDITS_PER_HOUR",
    "MAX_HORIZON_DAYS",
    "MAX_MINUTES",
    "MAX_PRICE",
    "MAX_SEATS",
    "ResourceSpec",
    "create_resource",
    "grant_training",
    "revoke_training",
    "update_resource",
]

MAX_SEATS = 500
MAX_CAPACITY = 10000
MAX_MINUTES = 31 * 24 * 60
MAX_HORIZON_DAYS = 730
MAX_PRICE = Decimal("99999999.99")
MAX_CREDITS_PER_HOUR = 10_000


@dataclass(frozen=True)
class ResourceSpec:
    """What a manager sets on a new resource."""

    name: str
    kind: str
    seats: int = 1
    capacity: int = 1
    price_per_hour: Decimal | None = None
    price_per_day: Decimal | None = None
    currency: str = "EUR"
    min_minutes: int = 30
    max_minutes: int = 600
    horizon_days: int = 90
    buffer_minutes: int = 0
    requires_approval: bool = False
    description: str = ""
    credits_per_hour: int = 0
    free_cancel_hours: int = 24
    schedule: str = ""
    requires_training: bool = False
    allowed_plans: tuple[int, ...] = ()


def _check_int(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidResource(
            f"`{name}` must be between {low} and {high}.",
            code=f"resource.invalid_{name}",
            detail={"field": name, "min": low, "max": high},
        )


def _clean_spec(spec: ResourceSpec) -> dict[str, Any]:
    name = spec.name.strip()
    if not name or len(name) > 200:
        raise InvalidResource(
            "A resource needs a name of at most 200 characters.",
            code="resource.invalid_name",
            detail={"field": "name"},
        )
    if spec.kind not in ResourceKind.values:
        raise InvalidResource(
            f"`kind` must be one of {', '.join(ResourceKind.values)}.",
            code="resource.invalid_kind",
            detail={"field": "kind", "allowed": list(ResourceKind.values)},
        )
    _check_int("seats", spec.seats, 1, MAX_SEATS if spec.kind == ResourceKind.DESK_POOL else 1)
    _check_int("capacity", spec.capacity, 1, MAX_CAPACITY)
    _check_int("min_minutes", spec.min_minutes, 1, MAX_MINUTES)
    _check_int("max_minutes", spec.max_minutes, spec.min_minutes, MAX_MINUTES)
    _check_int("horizon_days", spec.horizon_days, 1, MAX_HORIZON_DAYS)
    _check_int("buffer_minutes", spec.buffer_minutes, 0, 24 * 60)
    for field in ("price_per_hour", "price_per_day"):
        price = getattr(spec, field)
        if price is not None and (
            not price.is_finite()
            or not Decimal(0) <= price <= MAX_PRICE
            or price != round(price, 2)
        ):
            raise InvalidResource(
                f"`{field}` must be an amount from 0 with at most two decimals.",
                code="resource.invalid_price",
                detail={"field": field},
            )
    currency = spec.currency.strip().upper()
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise InvalidResource(
            "`currency` must be an ISO 4217 code such as EUR.",
            code="resource.invalid_currency",
            detail={"field": "currency"},
        )
    description = spec.description.strip()
    if len(description) > 1000:
        raise InvalidResource(
            "`description` holds at most 1000 characters.",
            code="resource.invalid_description",
            detail={"field": "description", "max": 1000},
        )
    _check_int("credits_per_hour", spec.credits_per_hour, 0, MAX_CREDITS_PER_HOUR)
    _check_int("free_cancel_hours", spec.free_cancel_hours, 0, 24 * 30)
    if spec.requires_training and spec.kind != ResourceKind.MACHINE:
        raise InvalidResource(
            "Only a machine requires a training.",
            code="resource.invalid_requires_training",
            detail={"field": "requires_training"},
        )
    schedule = spec.schedule.strip()
    weekly = ""
    if schedule:
        parsed = parse_opening_hours(schedule)
        if not parsed.is_known or not parsed.intervals:
            raise InvalidResource(
                "`schedule` must be weekly hours in OpenStreetMap opening_hours syntax, "
                "e.g. Mo-Fr 09:00-18:00.",
                code="resource.invalid_schedule",
                detail={"field": "schedule", "reason": parsed.note[:200]},
            )
        weekly = encode_weekly(parsed.intervals)
    return {
        "description": description,
        "credits_per_hour": spec.credits_per_hour,
        "free_cancel_hours": spec.free_cancel_hours,
        "schedule": schedule,
        "weekly_schedule": weekly,
        "requires_training": spec.requires_training,
        "name": name,
        "kind": spec.kind,
        "seats": spec.seats,
        "capacity": spec.capacity,
        "price_per_hour": spec.price_per_hour,
        "price_per_day": spec.price_per_day,
        "currency": currency,
        "min_minutes": spec.min_minutes,
        "max_minutes": spec.max_minutes,
        "horizon_days": spec.horizon_days,
        "buffer_minutes": spec.buffer_minutes,
        "requires_approval": spec.requires_approval,
    }


def _plans_of_space(space: Space, ids: Iterable[int]) -> list[Plan]:
    wanted = sorted(set(ids))
    if len(wanted) > 50:
        raise InvalidResource(
            "At most 50 plans may be allowed.",
            code="resource.invalid_allowed_plans",
            detail={"field": "allowed_plans", "max": 50},
        )
    plans = list(Plan.objects.filter(space=space, pk__in=[i for i in wanted if 1 <= i < 2**62]))
    missing = sorted(set(wanted) - {p.pk for p in plans})
    if missing:
        raise InvalidResource(
            "Allowed plans must be plans of this space.",
            code="resource.unknown_plan",
            detail={"field": "allowed_plans", "unknown": missing[:20]},
        )
    return plans


def create_resource(*, actor: Any, space: Space, spec: ResourceSpec) -> Resource:
    """Those who manage a space add a bookable resource to it. A desk pool has 1 to 500 seats;
    every other kind has exactly one."""
    if not can_manage_space(actor, space):
        raise CannotManageResources(
            "Only the space's managers add resources.", detail={"space": space.slug}
        )
    fields = _clean_spec(spec)
    plans = _plans_of_space(space, spec.allowed_plans)
    with transaction.atomic():
        resource = Resource.objects.create(space=space, **fields)
        resource.allowed_plans.set(plans)
        record_activity(
            actor=actor,
            verb="resource.created",
            target=resource,
            space=space,
            metadata={"kind": resource.kind, "seats": resource.seats},
        )
    return resource


def update_resource(*, actor: Any, resource: Resource, changes: dict[str, Any]) -> Resource:
    """Those who manage the space change a resource: any field of its spec, and `is_active`
    (an inactive resource takes no new bookings; existing ones stay). A pool keeps at least
    as many seats as its bookings use: shrinking below a seat in use is refused."""
    space = resource.space
    if not can_manage_space(actor, space):
        raise CannotManageResources(
            "Only the space's managers change resources.", detail={"space": space.slug}
        )
    unknown = set(changes) - {*ResourceSpec.__dataclass_fields__, "is_active"} - {"kind"}
    if unknown or ("kind" in changes and changes["kind"] != resource.kind):
        raise InvalidResource(
            "These fields cannot be changed: " + ", ".join(sorted(unknown or {"kind"})),
            code="resource.read_only_field",
            detail={"fields": sorted(unknown or {"kind"})},
        )
    current = {
        name: getattr(resource, name)
        for name in ResourceSpec.__dataclass_fields__
        if name != "allowed_plans"
    }
    current["allowed_plans"] = tuple(resource.allowed_plans.values_list("pk", flat=True))
    merged = {**current, **{k: v for k, v in changes.items() if k != "is_active"}}
    fields = _clean_spec(ResourceSpec(**merged))
    plans = _plans_of_space(space, merged["allowed_plans"])
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if fields["seats"] < locked.seats:
            in_use = (
                Booking.objects.filter(
                    resource=locked,
                    status__in=ACTIVE_STATUSES,
                    blocked_until__gt=timezone.now(),
                    seat__gte=fields["seats"],
                )
                .values_list("seat", flat=True)
                .first()
            )
            if in_use is not None:
                raise Conflict(
                    "Upcoming bookings hold a seat beyond the new number of seats.",
                    code="resource.seats_in_use",
                    detail={"seat": in_use + 1},
                )
        for name, value in fields.items():
            setattr(locked, name, value)
        if "is_active" in changes:
            locked.is_active = bool(changes["is_active"])
        locked.save()
        locked.allowed_plans.set(plans)
        record_activity(
            actor=actor,
            verb="resource.updated",
            target=locked,
            space=space,
            metadata={"fields": sorted(changes)[:20]},
        )
    return locked


def _trainer_check(actor: Any, resource: Resource) -> None:
    if not can_manage_space(actor, resource.space):
        raise CannotManageResources(
            "Only the space's managers record trainings.", detail={"space": resource.space.slug}
        )
    if not resource.requires_training:
        raise InvalidResource(
            "This resource requires no training.",
            code="resource.no_training_required",
            detail={"resource": resource.pk},
        )


def _account(email: str) -> Any:
    email = (email or "").strip()[:254]
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if user is None:
        raise AccountNotFound("No account with this email.", detail={"email": email})
    return user


def grant_training(*, actor: Any, resource: Resource, email: str) -> Training:
    """A manager of the space records that a person holds the training a machine requires.
    Recording it again changes nothing."""
    _trainer_check(actor, resource)
    user = _account(email)
    with transaction.atomic():
        training, created = Training.objects.get_or_create(
            resource=resource, user=user, defaults={"granted_by": actor}
        )
        if created:
            record_activity(
                actor=actor,
                verb="training.granted",
                target=training,
                space=resource.space,
                metadata={"resource": resource.pk, "user_id": user.pk},
            )
    return training


def revoke_training(*, actor: Any, resource: Resource, email: str) -> None:
    """A manager of the space withdraws a person's training: their existing bookings stay,
    new ones are refused."""
    _trainer_check(actor, resource)
    user = _account(email)
    with transaction.atomic():
        deleted, _ = Training.objects.filter(resource=resource, user=user).delete()
        if not deleted:
            raise TrainingNotFound(
                "This person holds no training for this machine.", detail={"email": email}
            )
        record_activity(
            actor=actor,
            verb="training.revoked",
            target=resource,
            space=resource.space,
            metadata={"resource": resource.pk, "user_id": user.pk},
        )
