"""Managers set up what their space lets people book, and who is trained on its machines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from coshore.activity.services import record_activity
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space

from ..errors import CannotManageResources, InvalidResource
from ..models import Resource, ResourceKind

__all__ = [
    "MAX_CAPACITY",
    "MAX_HORIZON_DAYS",
    "MAX_MINUTES",
    "MAX_PRICE",
    "MAX_SEATS",
    "ResourceSpec",
    "create_resource",
]

MAX_SEATS = 500
MAX_CAPACITY = 10000
MAX_MINUTES = 31 * 24 * 60
MAX_HORIZON_DAYS = 730
MAX_PRICE = Decimal("99999999.99")


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
    return {
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


def create_resource(*, actor: Any, space: Space, spec: ResourceSpec) -> Resource:
    """Those who manage a space add a bookable resource to it. A desk pool has 1 to 500 seats;
    every other kind has exactly one."""
    if not can_manage_space(actor, space):
        raise CannotManageResources(
            "Only the space's managers add resources.", detail={"space": space.slug}
        )
    fields = _clean_spec(spec)
    with transaction.atomic():
        resource = Resource.objects.create(space=space, **fields)
        record_activity(
            actor=actor,
            verb="resource.created",
            target=resource,
            space=space,
            metadata={"kind": resource.kind, "seats": resource.seats},
        )
    return resource
