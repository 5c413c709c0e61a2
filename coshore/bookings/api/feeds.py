"""JSON API: private calendar feeds (thin: parse, call, shape)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut

from .. import selectors, services
from ..models import FeedToken, Resource

router = Router()

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FeedIn(Schema):
    resource: int | None = Field(
        None,
        ge=1,
        le=selectors.MAX_ID,
        description="a resource of a space you manage; null for your own bookings",
    )


class FeedOut(Schema):
    kind: str = Field(..., description="bookings (your own) or resource")
    resource: int | None
    url: str = Field(..., description="secret iCalendar (RFC 5545) URL; anyone with it reads")


class FeedListOut(Schema):
    items: list[FeedOut]


def feed_out(request: HttpRequest, token: FeedToken) -> dict[str, Any]:
    path = reverse("bookings:feed", kwargs={"secret": token.secret})
    return {
        "kind": "bookings" if token.resource_id is None else "resource",
        "resource": token.resource_id,
        "url": request.build_absolute_uri(path),
    }


def _resource(request: HttpRequest, payload: FeedIn) -> Resource | None:
    if payload.resource is None:
        return None
    return selectors.get_resource_for_user(user=request.user, resource_id=payload.resource)


@router.get("/me/calendar-feeds", response={200: FeedListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_calendar_feeds(request: HttpRequest) -> Any:
    """Your calendar feeds: your own bookings, and resources of spaces you manage."""
    tokens = selectors.list_feed_tokens_for_user(user=request.user)
    return {"items": [feed_out(request, t) for t in tokens]}


@router.post(
    "/me/calendar-feeds", response={200: FeedOut, 201: FeedOut, **ERRORS}, auth=AUTH_REQUIRED
)
def create_calendar_feed(request: HttpRequest, payload: FeedIn) -> Any:
    """The secret URL of a feed: 201 when made now, 200 when you already had it. A resource
    feed is for those who manage its space (404 otherwise)."""
    token, created = services.get_or_create_feed_token(
        actor=request.user, resource=_resource(request, payload)
    )
    return Status(201 if created else 200, feed_out(request, token))


@router.post("/me/calendar-feeds/reset", response={200: FeedOut, **ERRORS}, auth=AUTH_REQUIRED)
def reset_calendar_feed(request: HttpRequest, payload: FeedIn) -> Any:
    """A new secret URL for a feed; the old one stops working at once."""
    token = services.reset_feed_token(actor=request.user, resource=_resource(request, payload))
    return feed_out(request, token)
