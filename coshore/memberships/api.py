"""JSON API for plans, memberships, credits and day passes (thin: parse, call, shape)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut
from coshore.spaces.selectors import get_space_for_user

from . import selectors, services
from .models import CreditEntry, DayPass, Membership, Plan
from .rules import MAX_CREDITS, MAX_ROOM_HOURS

router = Router(tags=["memberships"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PlanIn(Schema):
    name: str = Field(..., max_length=200)
    kind: str = Field(..., max_length=16, description="monthly, day_pass, credit_pack")
    price: Decimal = Field(..., max_digits=12, description="from 0, two decimals")
    currency: str = Field("EUR", max_length=8, description="ISO 4217, e.g. EUR")
    credits_included: int = Field(0, ge=-MAX_CREDITS, le=MAX_CREDITS)
    unlimited_desk: bool = False
    room_hours_included: int = Field(0, ge=-MAX_ROOM_HOURS, le=MAX_ROOM_HOURS)


class PlanOut(Schema):
    id: int
    space: str
    name: str
    kind: str
    price: Decimal
    currency: str
    credits_included: int
    unlimited_desk: bool
    room_hours_included: int
    is_active: bool


class PlanListOut(Schema):
    items: list[PlanOut]


class MembershipIn(Schema):
    email: str = Field(..., max_length=254)
    plan: int = Field(..., ge=1, le=selectors.MAX_ID)


class MembershipOut(Schema):
    id: int
    space: str
    plan: int
    plan_name: str
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    created_at: dt.datetime


class MembershipListOut(Schema):
    items: list[MembershipOut]


class CreditEntryOut(Schema):
    id: int
    delta: int
    reason: str
    booking_id: int | None
    membership: int | None
    created_at: dt.datetime


class CreditsOut(Schema):
    space: str
    balance: int
    entries: list[CreditEntryOut]


class DayPassIn(Schema):
    date: dt.date = Field(..., description="YYYY-MM-DD, the space's local day")


class DayPassOut(Schema):
    id: int
    space: str
    date: dt.date
    plan: int | None
    created_at: dt.datetime


class DayPassListOut(Schema):
    items: list[DayPassOut]


def plan_out(plan: Plan, space_slug: str) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "space": space_slug,
        "name": plan.name,
        "kind": plan.kind,
        "price": plan.price,
        "currency": plan.currency,
        "credits_included": plan.credits_included,
        "unlimited_desk": plan.unlimited_desk,
        "room_hours_included": plan.room_hours_included,
        "is_active": plan.is_active,
    }


def membership_out(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "space": membership.space.slug,
        "plan": membership.plan_id,
        "plan_name": membership.plan.name,
        "status": membership.status,
        "starts_on": membership.starts_on,
        "ends_on": membership.ends_on,
        "created_at": membership.created_at,
    }


def entry_out(entry: CreditEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "delta": entry.delta,
        "reason": entry.reason,
        "booking_id": entry.booking_id,
        "membership": entry.membership_id,
        "created_at": entry.created_at,
    }


def day_pass_out(day_pass: DayPass) -> dict[str, Any]:
    return {
        "id": day_pass.pk,
        "space": day_pass.space.slug,
        "date": day_pass.date,
        "plan": day_pass.plan_id,
        "created_at": day_pass.created_at,
    }


@router.post("/spaces/{slug}/plans", response={201: PlanOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_plan(request: HttpRequest, slug: str, payload: PlanIn) -> Any:
    """Those who manage the space add a plan it sells."""
    space = get_space_for_user(user=request.user, slug=slug)
    plan = services.create_plan(
        actor=request.user, space=space, spec=services.PlanSpec(**payload.dict())
    )
    return Status(201, plan_out(plan, space.slug))


@router.get("/spaces/{slug}/plans", response={200: PlanListOut, **ERRORS})
def list_plans(request: HttpRequest, slug: str) -> Any:
    """The plans a space sells now."""
    space = get_space_for_user(user=request.user, slug=slug)
    return {"items": [plan_out(p, space.slug) for p in selectors.list_active_plans(space=space)]}


@router.post(
    "/spaces/{slug}/memberships", response={201: MembershipOut, **ERRORS}, auth=AUTH_REQUIRED
)
def add_membership(request: HttpRequest, slug: str, payload: MembershipIn) -> Any:
    """A manager gives an existing account (by email) a monthly plan of the space."""
    space = get_space_for_user(user=request.user, slug=slug)
    plan = selectors.get_plan_of_space(space=space, plan_id=payload.plan)
    membership = services.add_membership(
        actor=request.user, space=space, email=payload.email, plan=plan
    )
    return Status(201, membership_out(membership))


@router.get(
    "/me/memberships", response={200: MembershipListOut, **ERRORS}, auth=AUTH_REQUIRED, tags=["me"]
)
def my_memberships(request: HttpRequest) -> Any:
    return {
        "items": [membership_out(m) for m in selectors.list_memberships_of_user(user=request.user)]
    }


@router.get("/me/credits", response={200: CreditsOut, **ERRORS}, auth=AUTH_REQUIRED, tags=["me"])
def my_credits(request: HttpRequest, space: str) -> Any:
    """Your credit balance in a space and the ledger entries that make it."""
    found = get_space_for_user(user=request.user, slug=space)
    entries = list(selectors.list_credit_entries(user=request.user, space=found))
    return {
        "space": found.slug,
        "balance": sum(e.delta for e in entries),
        "entries": [entry_out(e) for e in entries],
    }


@router.post("/spaces/{slug}/day-passes", response={201: DayPassOut, **ERRORS}, auth=AUTH_REQUIRED)
def buy_day_pass(request: HttpRequest, slug: str, payload: DayPassIn) -> Any:
    """Any logged-in person buys a day pass; it is paid at the desk."""
    space = get_space_for_user(user=request.user, slug=slug)
    day_pass = services.buy_day_pass(actor=request.user, space=space, day=payload.date)
    return Status(201, day_pass_out(day_pass))


@router.get(
    "/me/day-passes", response={200: DayPassListOut, **ERRORS}, auth=AUTH_REQUIRED, tags=["me"]
)
def my_day_passes(request: HttpRequest) -> Any:
    return {
        "items": [day_pass_out(d) for d in selectors.list_day_passes_of_user(user=request.user)]
    }
