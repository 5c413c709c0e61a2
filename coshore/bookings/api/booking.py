"""JSON API for resources and bookings (thin: parse, call, shape)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut
from coshore.core.errors import Invalid
from coshore.spaces.selectors import get_space_for_user, space_zone

from .. import selectors, services
from ..models import Booking, Cover, Resource, Training

router = Router()

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_ID = selectors.MAX_ID


class ResourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., max_length=16, description="desk, desk_pool, room, event_hall, machine")
    seats: int = Field(1, ge=1, le=services.MAX_SEATS)
    capacity: int = Field(1, ge=1, le=services.MAX_CAPACITY)
    price_per_hour: Decimal | None = Field(None, ge=0, le=services.MAX_PRICE, decimal_places=2)
    price_per_day: Decimal | None = Field(None, ge=0, le=services.MAX_PRICE, decimal_places=2)
    currency: str = Field("EUR", min_length=3, max_length=3)
    min_minutes: int = Field(30, ge=1, le=services.MAX_MINUTES)
    max_minutes: int = Field(600, ge=1, le=services.MAX_MINUTES)
    horizon_days: int = Field(90, ge=1, le=services.MAX_HORIZON_DAYS)
    buffer_minutes: int = Field(0, ge=0, le=24 * 60)
    requires_approval: bool = False
    description: str = Field("", max_length=1000)
    credits_per_hour: int = Field(0, ge=0, le=services.MAX_CREDITS_PER_HOUR)
    free_cancel_hours: int = Field(24, ge=0, le=24 * 30)
    schedule: str = Field(
        "", max_length=500, description="own bookable hours, e.g. `Mo-Fr 09:00-18:00`"
    )
    requires_training: bool = Field(False, description="machines only")
    allowed_plans: list[int] = Field(
        default_factory=list, max_length=50, description="plan ids; empty: any cover"
    )


class ResourcePatch(Schema):
    model_config = ConfigDict(extra="forbid")  # a field that cannot change is an error

    name: str | None = Field(None, min_length=1, max_length=200)
    seats: int | None = Field(None, ge=1, le=services.MAX_SEATS)
    capacity: int | None = Field(None, ge=1, le=services.MAX_CAPACITY)
    price_per_hour: Decimal | None = Field(None, ge=0, le=services.MAX_PRICE, decimal_places=2)
    price_per_day: Decimal | None = Field(None, ge=0, le=services.MAX_PRICE, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    min_minutes: int | None = Field(None, ge=1, le=services.MAX_MINUTES)
    max_minutes: int | None = Field(None, ge=1, le=services.MAX_MINUTES)
    horizon_days: int | None = Field(None, ge=1, le=services.MAX_HORIZON_DAYS)
    buffer_minutes: int | None = Field(None, ge=0, le=24 * 60)
    requires_approval: bool | None = None
    description: str | None = Field(None, max_length=1000)
    credits_per_hour: int | None = Field(None, ge=0, le=services.MAX_CREDITS_PER_HOUR)
    free_cancel_hours: int | None = Field(None, ge=0, le=24 * 30)
    schedule: str | None = Field(None, max_length=500)
    requires_training: bool | None = None
    allowed_plans: list[int] | None = Field(None, max_length=50)
    is_active: bool | None = None


class ResourceOut(Schema):
    id: int
    space: str
    name: str
    kind: str
    seats: int
    capacity: int
    price_per_hour: Decimal | None
    price_per_day: Decimal | None
    currency: str
    min_minutes: int
    max_minutes: int
    horizon_days: int
    buffer_minutes: int
    requires_approval: bool
    description: str
    credits_per_hour: int
    free_cancel_hours: int
    schedule: str
    requires_training: bool
    allowed_plans: list[int]
    is_active: bool


class ResourceListOut(Schema):
    items: list[ResourceOut]


class BookingIn(Schema):
    resource: int = Field(..., ge=1, le=MAX_ID)
    starts_at: datetime = Field(..., description="ISO 8601 with a UTC offset")
    ends_at: datetime = Field(..., description="ISO 8601 with a UTC offset")


class SeriesIn(BookingIn):
    weeks: int = Field(..., ge=1, le=services.MAX_SERIES_WEEKS)
    mode: str = Field(..., max_length=16, description="all_or_nothing or skip_conflicts")


class BookingOut(Schema):
    id: int
    resource: int
    space: str
    seat: int
    starts_at: datetime
    ends_at: datetime
    status: str
    cover: str = Field(..., description="what entitles it: " + ", ".join(Cover.values))
    credits: int = Field(..., description="credits it spent")
    amount: Decimal | None = Field(None, description="price due at the desk (overage)")
    currency: str
    series: int | None
    expires_at: datetime | None = Field(None, description="a pending request expires then")
    created_at: datetime


class SkippedOut(Schema):
    date: dt.date
    code: str


class SeriesOut(Schema):
    id: int
    resource: int
    weeks: int
    mode: str
    booked: list[BookingOut]
    skipped: list[SkippedOut]


class TrainingIn(Schema):
    email: str = Field(..., max_length=254)


class TrainingOut(Schema):
    resource: int
    user: int
    email: str
    display_name: str
    granted_at: datetime


class TrainingListOut(Schema):
    items: list[TrainingOut]


class BookingListOut(Schema):
    items: list[BookingOut]


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    free_seats: int
    open: bool


class AvailabilityOut(Schema):
    resource: int
    date: dt.date
    timezone: str
    seats: int
    slots: list[SlotOut]


def resource_out(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "space": resource.space.slug,
        "name": resource.name,
        "kind": resource.kind,
        "seats": resource.seats,
        "capacity": resource.capacity,
        "price_per_hour": resource.price_per_hour,
        "price_per_day": resource.price_per_day,
        "currency": resource.currency,
        "min_minutes": resource.min_minutes,
        "max_minutes": resource.max_minutes,
        "horizon_days": resource.horizon_days,
        "buffer_minutes": resource.buffer_minutes,
        "requires_approval": resource.requires_approval,
        "description": resource.description,
        "credits_per_hour": resource.credits_per_hour,
        "free_cancel_hours": resource.free_cancel_hours,
        "schedule": resource.schedule,
        "requires_training": resource.requires_training,
        "allowed_plans": sorted(p.pk for p in resource.allowed_plans.all()),
        "is_active": resource.is_active,
    }


NULLABLE = {"price_per_hour", "price_per_day"}


def training_out(training: Training) -> dict[str, Any]:
    user = training.user
    return {
        "resource": training.resource_id,
        "user": user.pk,
        "email": user.email,
        "display_name": user.display_name or user.email.split("@")[0],
        "granted_at": training.granted_at,
    }


def booking_out(booking: Booking, space_slug: str) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "resource": booking.resource_id,
        "space": space_slug,
        "seat": booking.seat,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "status": booking.status_at(timezone.now()),
        "cover": booking.cover,
        "credits": booking.credits,
        "amount": booking.amount,
        "currency": booking.currency,
        "series": booking.series_id,
        "expires_at": booking.expires_at,
        "created_at": booking.created_at,
    }


def _parse_instant(name: str, raw: str | None) -> datetime | None:
    if raw is None or raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw) if len(raw) <= 64 else None
    except ValueError:
        value = None
    if value is None:
        raise Invalid(
            f"`{name}` must be an ISO 8601 datetime with offset.",
            code="booking.invalid_datetime",
            detail={"param": name},
        )
    return services.as_utc(name, value)


@router.post("/spaces/{slug}/resources", response={201: ResourceOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_resource(request: HttpRequest, slug: str, payload: ResourceIn) -> Any:
    """Those who manage the space add a bookable resource."""
    space = get_space_for_user(user=request.user, slug=slug)
    data = payload.dict()
    data["allowed_plans"] = tuple(data["allowed_plans"])
    resource = services.create_resource(
        actor=request.user, space=space, spec=services.ResourceSpec(**data)
    )
    return Status(201, resource_out(resource))


@router.patch("/resources/{resource_id}", response={200: ResourceOut, **ERRORS}, auth=AUTH_REQUIRED)
def update_resource(request: HttpRequest, resource_id: int, payload: ResourcePatch) -> Any:
    """Those who manage the space change a resource (only the fields sent)."""
    resource = selectors.get_resource_for_user(user=request.user, resource_id=resource_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("allowed_plans") is not None:
        changes["allowed_plans"] = tuple(changes["allowed_plans"])
    nulls = sorted(k for k, v in changes.items() if v is None and k not in NULLABLE)
    if nulls:
        raise Invalid(
            "These fields cannot be null: " + ", ".join(nulls),
            code="resource.null_field",
            detail={"fields": nulls},
        )
    resource = services.update_resource(actor=request.user, resource=resource, changes=changes)
    return resource_out(resource)


@router.get(
    "/resources/{resource_id}/trainings",
    response={200: TrainingListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_trainings(request: HttpRequest, resource_id: int) -> Any:
    """Who holds the training a machine requires (its space's managers only)."""
    resource = selectors.get_resource_for_user(user=request.user, resource_id=resource_id)
    trainings = selectors.list_trainings(user=request.user, resource=resource)
    return {"items": [training_out(t) for t in trainings]}


@router.post(
    "/resources/{resource_id}/trainings", response={201: TrainingOut, **ERRORS}, auth=AUTH_REQUIRED
)
def grant_training(request: HttpRequest, resource_id: int, payload: TrainingIn) -> Any:
    """A manager records that a person holds the machine's training."""
    resource = selectors.get_resource_for_user(user=request.user, resource_id=resource_id)
    training = services.grant_training(actor=request.user, resource=resource, email=payload.email)
    return Status(201, training_out(training))


@router.post(
    "/resources/{resource_id}/trainings/revoke",
    response={200: TrainingListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def revoke_training(request: HttpRequest, resource_id: int, payload: TrainingIn) -> Any:
    """A manager withdraws a person's training; returns who still holds it."""
    resource = selectors.get_resource_for_user(user=request.user, resource_id=resource_id)
    services.revoke_training(actor=request.user, resource=resource, email=payload.email)
    trainings = selectors.list_trainings(user=request.user, resource=resource)
    return {"items": [training_out(t) for t in trainings]}


@router.get("/spaces/{slug}/resources", response={200: ResourceListOut, **ERRORS})
def list_resources(request: HttpRequest, slug: str) -> Any:
    """A space's bookable resources."""
    space = get_space_for_user(user=request.user, slug=slug)
    return {
        "items": [resource_out(r) for r in selectors.list_resources(user=request.user, space=space)]
    }


@router.get("/resources/{resource_id}/availability", response={200: AvailabilityOut, **ERRORS})
def get_availability(request: HttpRequest, resource_id: int, date: str) -> Any:
    """Free seats through one local day of the space (`date` is YYYY-MM-DD)."""
    resource = selectors.get_resource_for_user(user=request.user, resource_id=resource_id)
    try:
        day = dt.date.fromisoformat(date) if len(date) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise Invalid(
            "`date` must be YYYY-MM-DD.", code="booking.invalid_date", detail={"param": "date"}
        )
    result = selectors.availability(resource=resource, day=day)
    return {
        "resource": resource.pk,
        "date": result.day,
        "timezone": result.timezone,
        "seats": resource.seats,
        "slots": [
            {
                "starts_at": s.starts_at.astimezone(space_zone(resource.space)),
                "ends_at": s.ends_at.astimezone(space_zone(resource.space)),
                "free_seats": s.free_seats,
                "open": s.is_open,
            }
            for s in result.slots
        ],
    }


@router.post("/bookings", response={201: BookingOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    """A member of the space books a seat of a resource."""
    resource = selectors.get_resource_for_user(user=request.user, resource_id=payload.resource)
    booking = services.book_resource(
        actor=request.user,
        resource=resource,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, booking_out(booking, resource.space.slug))


@router.post("/bookings/recurring", response={201: SeriesOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_series(request: HttpRequest, payload: SeriesIn) -> Any:
    """Book the same local time every week for `weeks` weeks (at most 26), all or nothing or
    skipping the weeks that conflict."""
    resource = selectors.get_resource_for_user(user=request.user, resource_id=payload.resource)
    result = services.book_series(
        actor=request.user,
        resource=resource,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        weeks=payload.weeks,
        mode=payload.mode,
    )
    slug = resource.space.slug
    return Status(
        201,
        {
            "id": result.series.pk,
            "resource": resource.pk,
            "weeks": result.series.weeks,
            "mode": result.series.mode,
            "booked": [booking_out(b, slug) for b in result.booked],
            "skipped": [{"date": d, "code": code} for d, code in result.skipped],
        },
    )


@router.get("/bookings", response={200: BookingListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_bookings(
    request: HttpRequest,
    resource: int | None = None,
    from_: str | None = Query(None, alias="from"),
    to: str | None = None,
) -> Any:
    """Your bookings and those in the spaces you manage, overlapping [from, to)."""
    res = (
        selectors.get_resource_for_user(user=request.user, resource_id=resource)
        if resource is not None
        else None
    )
    bookings = selectors.list_bookings_for_user(
        user=request.user,
        resource=res,
        from_=_parse_instant("from", from_),
        to=_parse_instant("to", to),
    )
    return {"items": [booking_out(b, b.resource.space.slug) for b in bookings]}


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, auth=AUTH_REQUIRED)
def get_booking(request: HttpRequest, booking_id: int) -> Any:
    booking = selectors.get_booking_for_user(user=request.user, booking_id=booking_id)
    return booking_out(booking, booking.resource.space.slug)


@router.post(
    "/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS}, auth=AUTH_REQUIRED
)
def cancel_booking(request: HttpRequest, booking_id: int) -> Any:
    """Its member or the space's managers cancel a booking."""
    booking = selectors.get_booking_for_user(user=request.user, booking_id=booking_id)
    services.cancel_booking(actor=request.user, booking=booking)
    return booking_out(booking, booking.resource.space.slug)


@router.post(
    "/bookings/{booking_id}/approve", response={200: BookingOut, **ERRORS}, auth=AUTH_REQUIRED
)
def approve_booking(request: HttpRequest, booking_id: int) -> Any:
    """A manager of the space confirms a pending request."""
    booking = selectors.get_booking_for_user(user=request.user, booking_id=booking_id)
    services.approve_booking(actor=request.user, booking=booking)
    return booking_out(booking, booking.resource.space.slug)


@router.post(
    "/bookings/{booking_id}/decline", response={200: BookingOut, **ERRORS}, auth=AUTH_REQUIRED
)
def decline_booking(request: HttpRequest, booking_id: int) -> Any:
    """A manager of the space declines a pending request."""
    booking = selectors.get_booking_for_user(user=request.user, booking_id=booking_id)
    services.decline_booking(actor=request.user, booking=booking)
    return booking_out(booking, booking.resource.space.slug)
