"""JSON API for check-ins and presence (thin: parse, call, shape)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Router, Schema, Status

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut
from coshore.spaces.selectors import get_space_for_user

from .. import selectors, services
from ..models import CheckIn

router = Router()

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CheckInIn(Schema):
    method: str = Field(
        "button", max_length=16, description="button, or qr when scanned from the space's code"
    )
    code: str | None = Field(
        None, max_length=200, description="the signed code of the space's QR code, if scanned"
    )


class CheckOutIn(Schema):
    user: int | None = Field(
        None, ge=1, le=selectors.MAX_ID, description="whom to check out (managers); default you"
    )


# Both bodies may be left out (an empty POST checks you in with the button, or out).
_CHECK_IN_BODY = Body(None)
_CHECK_OUT_BODY = Body(None)


class CheckInOut(Schema):
    id: int
    space: str
    user: int
    method: str
    checked_in_at: datetime
    checked_out_at: datetime | None


class PresenceItemOut(Schema):
    user: int
    display_name: str
    checked_in_at: datetime
    method: str


class PresenceOut(Schema):
    count: int
    items: list[PresenceItemOut]


def check_in_out(check_in: CheckIn, space_slug: str) -> dict[str, Any]:
    return {
        "id": check_in.pk,
        "space": space_slug,
        "user": check_in.user_id,
        "method": check_in.method,
        "checked_in_at": check_in.checked_in_at,
        "checked_out_at": check_in.checked_out_at,
    }


@router.post("/spaces/{slug}/check-in", response={201: CheckInOut, **ERRORS}, auth=AUTH_REQUIRED)
def check_in(request: HttpRequest, slug: str, payload: CheckInIn | None = _CHECK_IN_BODY) -> Any:
    """Check in at the space: members, managers, and people with a day pass or a booking there
    today. The method is recorded as `qr` only with the space's valid signed code. Checking in
    while already in is a 409 (`checkin.already_in`)."""
    space = get_space_for_user(user=request.user, slug=slug)
    method, code = (payload.method, payload.code) if payload is not None else ("button", None)
    created = services.check_in(actor=request.user, space=space, method=method, code=code)
    return Status(201, check_in_out(created, space.slug))


@router.post("/spaces/{slug}/check-out", response={200: CheckInOut, **ERRORS}, auth=AUTH_REQUIRED)
def check_out(request: HttpRequest, slug: str, payload: CheckOutIn | None = _CHECK_OUT_BODY) -> Any:
    """Check out of the space (the body may be empty). The space's managers may name someone
    else with `user`."""
    space = get_space_for_user(user=request.user, slug=slug)
    person = payload.user if payload is not None else None
    closed = services.check_out(actor=request.user, space=space, user_id=person)
    return check_in_out(closed, space.slug)


@router.get("/spaces/{slug}/presence", response={200: PresenceOut, **ERRORS}, auth=AUTH_REQUIRED)
def presence(request: HttpRequest, slug: str) -> Any:
    """Who is in the space now. Its managers get each person; members and today's visitors
    get the count with no names; anyone else is refused."""
    space = get_space_for_user(user=request.user, slug=slug)
    result = selectors.get_presence(user=request.user, space=space)
    return {
        "count": result.count,
        "items": [
            {
                "user": e.user_id,
                "display_name": e.display_name,
                "checked_in_at": e.checked_in_at,
                "method": e.method,
            }
            for e in result.entries
        ],
    }
