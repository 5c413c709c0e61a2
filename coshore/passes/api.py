"""JSON API for network passes (thin: parse, call, shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt, StrictStr

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut
from coshore.core.errors import Invalid
from coshore.spaces.selectors import get_network_for_user, get_space_for_user

from . import selectors, services
from .models import Blackout, PassRequest, PassStatus, PassTerms
from .rules import MAX_NOTE_CHARS, MAX_REASON_CHARS, parse_month
from .tokens import MAX_TOKEN_CHARS

router = Router(tags=["passes"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PassIn(Schema):
    host_space: StrictStr = Field(..., min_length=1, max_length=120, description="slug")
    date: StrictStr = Field(..., max_length=10, description="YYYY-MM-DD, the host's local day")
    network: StrictStr | None = Field(
        None, max_length=80, description="slug; needed when the host is in several of yours"
    )
    home_space: StrictStr | None = Field(
        None, max_length=120, description="slug; default: your first space of the network"
    )
    note: StrictStr = Field("", max_length=MAX_NOTE_CHARS)


class PassOut(Schema):
    id: int
    status: str
    date: dt.date
    member: str
    home_space: str
    host_space: str
    network: str
    booking: int | None
    note: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class PassListOut(Schema):
    items: list[PassOut]


class PassTokenOut(Schema):
    token: str
    verify_url: str


class PassVerifyIn(Schema):
    token: StrictStr = Field(..., min_length=1, max_length=MAX_TOKEN_CHARS)


class PassPlaceOut(Schema):
    slug: str
    name: str


class PassVerifyOut(Schema):
    valid: bool
    reason: str | None = Field(None, description="bad_signature, revoked or expired")
    status: str | None
    member: str | None
    home_space: PassPlaceOut | None
    host_space: PassPlaceOut | None
    network: PassPlaceOut | None
    valid_from: dt.date | None
    valid_until: dt.date | None


class PassTermsIn(Schema):
    free_days_per_month: StrictInt = Field(..., description="0-31")
    host_monthly_quota: StrictInt = Field(..., description="0-100000")
    auto_accept: StrictBool = False
    horizon_days: StrictInt = Field(60, description="1-366")
    enabled: StrictBool = True


class PassTermsOut(Schema):
    network: str
    enabled: bool
    free_days_per_month: int
    host_monthly_quota: int
    auto_accept: bool
    horizon_days: int
    updated_at: dt.datetime | None


class PassBlackoutIn(Schema):
    date: StrictStr = Field(..., max_length=10, description="YYYY-MM-DD")
    host_space: StrictStr | None = Field(
        None, max_length=120, description="slug; empty = every space of the network"
    )
    reason: StrictStr = Field("", max_length=MAX_REASON_CHARS)


class PassBlackoutOut(Schema):
    id: int
    date: dt.date
    host_space: str | None
    reason: str


class PassBlackoutListOut(Schema):
    items: list[PassBlackoutOut]


class ReciprocityPairOut(Schema):
    home_space: str
    host_space: str
    visits: int


class ReciprocitySpaceOut(Schema):
    space: str
    name: str
    city: str
    given: int
    received: int
    balance: int
    requests: int
    accepted: int
    declined: int
    pending: int
    honour_rate: float | None


class ReciprocityOut(Schema):
    network: str
    month: str
    total_visits: int
    pairs: list[ReciprocityPairOut]
    spaces: list[ReciprocitySpaceOut]


def pass_out(p: PassRequest) -> dict[str, Any]:
    return {
        "id": p.pk,
        "status": p.status,
        "date": p.date,
        "member": p.user.name,
        "home_space": p.home_space.slug,
        "host_space": p.host_space.slug,
        "network": p.network.slug,
        "booking": p.booking_id,
        "note": p.note,
        "created_at": p.created_at,
        "decided_at": p.decided_at,
    }


def terms_out(network_slug: str, terms: PassTerms | None) -> dict[str, Any]:
    if terms is None:
        terms = PassTerms(enabled=False)
    return {
        "network": network_slug,
        "enabled": terms.enabled,
        "free_days_per_month": terms.free_days_per_month,
        "host_monthly_quota": terms.host_monthly_quota,
        "auto_accept": terms.auto_accept,
        "horizon_days": terms.horizon_days,
        "updated_at": terms.updated_at,
    }


def blackout_out(b: Blackout) -> dict[str, Any]:
    return {
        "id": b.pk,
        "date": b.date,
        "host_space": b.host_space.slug if b.host_space else None,
        "reason": b.reason,
    }


def _date(name: str, raw: str) -> dt.date:
    day = None
    if len(raw) == 10:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            day = None
    if day is None:
        raise Invalid(
            f"`{name}` must be a date, YYYY-MM-DD.",
            code="pass.invalid_date",
            detail={"field": name},
        )
    return day


# --- Requests --------------------------------------------------------------------------------------


@router.post("/passes", response={201: PassOut, **ERRORS}, auth=AUTH_REQUIRED)
def request_pass(request: HttpRequest, payload: PassIn) -> Any:
    """A member asks to work for a day in another space of one of their networks."""
    day = _date("date", payload.date)
    host = get_space_for_user(user=request.user, slug=payload.host_space)
    network = (
        get_network_for_user(user=request.user, slug=payload.network) if payload.network else None
    )
    home = (
        get_space_for_user(user=request.user, slug=payload.home_space)
        if payload.home_space
        else None
    )
    p = services.request_pass(
        actor=request.user,
        host_space=host,
        day=day,
        network=network,
        home_space=home,
        note=payload.note,
    )
    return Status(201, pass_out(p))


@router.get("/passes", response={200: PassListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_my_passes(request: HttpRequest) -> Any:
    """Your passes, latest day first."""
    return {"items": [pass_out(p) for p in selectors.list_passes_of_user(user=request.user)]}


@router.post("/passes/verify", response={200: PassVerifyOut, **ERRORS}, auth=None)
def verify_pass(request: HttpRequest, payload: PassVerifyIn) -> Any:
    """Anyone checks a pass token: whether it is genuine and still valid, and for whom."""
    result = selectors.verify_pass_token(token=payload.token)
    return {
        "valid": result.valid,
        "reason": result.reason,
        "status": result.status,
        "member": result.member,
        "home_space": result.home_space,
        "host_space": result.host_space,
        "network": result.network,
        "valid_from": result.date,
        "valid_until": result.date,
    }


@router.get("/passes/{pass_id}", response={200: PassOut, **ERRORS}, auth=AUTH_REQUIRED)
def get_pass(request: HttpRequest, pass_id: int) -> Any:
    """A pass, for its member, the host's managers and the network's operators."""
    return pass_out(selectors.get_pass_for_user(user=request.user, pass_id=pass_id))


@router.get("/passes/{pass_id}/token", response={200: PassTokenOut, **ERRORS}, auth=AUTH_REQUIRED)
def get_pass_token(request: HttpRequest, pass_id: int) -> Any:
    """The signed token of an accepted pass, for its member to show at the host."""
    p = selectors.get_pass_for_user(user=request.user, pass_id=pass_id)
    token = selectors.pass_token(user=request.user, pass_request=p)
    return {"token": token, "verify_url": request.build_absolute_uri(reverse("passes:verify"))}


@router.post("/passes/{pass_id}/accept", response={200: PassOut, **ERRORS}, auth=AUTH_REQUIRED)
def accept_pass(request: HttpRequest, pass_id: int) -> Any:
    """The host's managers accept a request; a desk is booked for the member."""
    p = selectors.get_pass_for_user(user=request.user, pass_id=pass_id)
    return pass_out(services.accept_pass(actor=request.user, pass_request=p))


@router.post("/passes/{pass_id}/decline", response={200: PassOut, **ERRORS}, auth=AUTH_REQUIRED)
def decline_pass(request: HttpRequest, pass_id: int) -> Any:
    """The host's managers decline a request (or withdraw an accepted pass)."""
    p = selectors.get_pass_for_user(user=request.user, pass_id=pass_id)
    return pass_out(services.decline_pass(actor=request.user, pass_request=p))


@router.post("/passes/{pass_id}/cancel", response={200: PassOut, **ERRORS}, auth=AUTH_REQUIRED)
def cancel_pass(request: HttpRequest, pass_id: int) -> Any:
    """Its member cancels a pass."""
    p = selectors.get_pass_for_user(user=request.user, pass_id=pass_id)
    return pass_out(services.cancel_pass(actor=request.user, pass_request=p))


@router.get("/spaces/{slug}/passes", response={200: PassListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_incoming_passes(request: HttpRequest, slug: str, status: str | None = None) -> Any:
    """Pass requests to a space, for those who manage it: pending first."""
    if status is not None and status not in PassStatus.values:
        raise Invalid(
            f"`status` is one of {', '.join(PassStatus.values)}.",
            code="pass.invalid_status",
            detail={"status": status[:20]},
        )
    space = get_space_for_user(user=request.user, slug=slug)
    items = selectors.list_incoming_passes(user=request.user, space=space, status=status)
    return {"items": [pass_out(p) for p in items]}


# --- Terms, blackout dates, reciprocity ------------------------------------------------------------


@router.get(
    "/networks/{slug}/pass-terms", response={200: PassTermsOut, **ERRORS}, auth=AUTH_REQUIRED
)
def get_pass_terms(request: HttpRequest, slug: str) -> Any:
    """The network's pass terms, for its members and operators (`enabled` false when unset)."""
    network = get_network_for_user(user=request.user, slug=slug)
    return terms_out(
        network.slug, selectors.get_pass_terms_for_user(user=request.user, network=network)
    )


@router.put(
    "/networks/{slug}/pass-terms", response={200: PassTermsOut, **ERRORS}, auth=AUTH_REQUIRED
)
def put_pass_terms(request: HttpRequest, slug: str, payload: PassTermsIn) -> Any:
    """The network's operators set its pass terms."""
    network = get_network_for_user(user=request.user, slug=slug)
    terms = services.set_pass_terms(
        actor=request.user, network=network, spec=services.TermsSpec(**payload.dict())
    )
    return terms_out(network.slug, terms)


@router.get(
    "/networks/{slug}/blackouts", response={200: PassBlackoutListOut, **ERRORS}, auth=AUTH_REQUIRED
)
def list_blackouts(request: HttpRequest, slug: str) -> Any:
    """The network's blackout dates from today on, for its members and operators."""
    network = get_network_for_user(user=request.user, slug=slug)
    since = timezone.now().date() - dt.timedelta(days=1)
    items = selectors.list_blackouts(user=request.user, network=network, since=since)
    return {"items": [blackout_out(b) for b in items]}


@router.post(
    "/networks/{slug}/blackouts", response={201: PassBlackoutOut, **ERRORS}, auth=AUTH_REQUIRED
)
def add_blackout(request: HttpRequest, slug: str, payload: PassBlackoutIn) -> Any:
    """The network's operators close a date to passes, everywhere or at one space."""
    network = get_network_for_user(user=request.user, slug=slug)
    day = _date("date", payload.date)
    host = (
        get_space_for_user(user=request.user, slug=payload.host_space)
        if payload.host_space
        else None
    )
    blackout = services.add_blackout(
        actor=request.user, network=network, day=day, host_space=host, reason=payload.reason
    )
    return Status(201, blackout_out(blackout))


@router.delete(
    "/networks/{slug}/blackouts/{blackout_id}", response={204: None, **ERRORS}, auth=AUTH_REQUIRED
)
def remove_blackout(request: HttpRequest, slug: str, blackout_id: int) -> Any:
    """The network's operators reopen a date."""
    network = get_network_for_user(user=request.user, slug=slug)
    blackout = selectors.get_blackout_of_network(network=network, blackout_id=blackout_id)
    services.remove_blackout(actor=request.user, blackout=blackout)
    return Status(204, None)


@router.get(
    "/networks/{slug}/reciprocity", response={200: ReciprocityOut, **ERRORS}, auth=AUTH_REQUIRED
)
def get_reciprocity(request: HttpRequest, slug: str, month: str | None = None) -> Any:
    """Visits given and received per pair of spaces and per space in one month (`YYYY-MM`,
    default this month in UTC), with each host's honour rate; for the network's operators."""
    network = get_network_for_user(user=request.user, slug=slug)
    if month is None:
        first = timezone.now().date().replace(day=1)
    else:
        parsed = parse_month(month)
        if parsed is None:
            raise Invalid(
                "`month` must be YYYY-MM.", code="pass.invalid_month", detail={"month": month[:20]}
            )
        first = parsed
    result = selectors.reciprocity(user=request.user, network=network, month=first)
    slug_of = {pk: s.slug for pk, s in result.spaces.items()}
    return {
        "network": network.slug,
        "month": first.strftime("%Y-%m"),
        "total_visits": result.ledger.total_visits,
        "pairs": [
            {"home_space": slug_of[home], "host_space": slug_of[host], "visits": n}
            for (home, host), n in sorted(result.ledger.pairs.items())
        ],
        "spaces": [
            {
                "space": slug_of[row.space_id],
                "name": result.spaces[row.space_id].name,
                "city": result.spaces[row.space_id].city,
                "given": row.given,
                "received": row.received,
                "balance": row.balance,
                "requests": row.requests,
                "accepted": row.accepted,
                "declined": row.declined,
                "pending": row.pending,
                "honour_rate": row.honour_rate,
            }
            for row in result.ledger.spaces
        ],
    }
