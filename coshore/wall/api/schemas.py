"""Schemas of the wall API and the functions that shape its answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import StrictInt, StrictStr

from coshore.core.api import ErrorOut

from .. import selectors
from ..models import Post, ReplyMessage, ReplyThread

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
DecimalIn = StrictStr | StrictInt
# Generous bounds: the services give the precise limits with their own error codes.
_TITLE_CAP = 2000
_TEXT_CAP = 100_000


class WallPostIn(Schema):
    kind: StrictStr = Field(..., max_length=16, description="offer or need")
    title: StrictStr = Field(..., max_length=_TITLE_CAP, description="1 to 200 characters")
    text: StrictStr = Field(..., max_length=_TEXT_CAP, description="1 to 10,000 characters")
    space: StrictStr = Field(..., max_length=120, description="slug of a space you belong to")
    visibility: StrictStr = Field("network", max_length=16, description="space, network, public")
    organisation: StrictStr | None = Field(
        None, max_length=80, description="slug of an organisation you post for"
    )
    skills: list[StrictStr] | None = Field(
        None, max_length=50, description="ESCO skill URIs; none: suggested from the text"
    )
    currency: StrictStr = Field("", max_length=8, description="ISO 4217, e.g. EUR")
    budget_min: DecimalIn | None = Field(None, description='needs: decimal string, e.g. "800"')
    budget_max: DecimalIn | None = Field(None, description="needs")
    rate_amount: DecimalIn | None = Field(None, description="offers")
    rate_unit: StrictStr = Field("", max_length=16, description="offers: hour, day or project")
    deadline: dt.date | None = Field(None, description="needs")
    available_from: dt.date | None = Field(None, description="offers")
    locality: StrictStr = Field("on_site", max_length=16, description="on_site, remote, hybrid")
    tz_name: StrictStr = Field("", max_length=64, description="IANA zone of the working window")
    tz_earliest: StrictInt | None = Field(None, description="local hour 0-23")
    tz_latest: StrictInt | None = Field(None, description="local hour 1-24")
    languages: list[StrictStr] = Field([], max_length=20, description="ISO 639-1 codes")
    expires_at: dt.datetime | None = Field(None, description="default: in 30 days")


class PostPatchIn(Schema):
    title: StrictStr | None = Field(None, max_length=_TITLE_CAP)
    text: StrictStr | None = Field(None, max_length=_TEXT_CAP)
    space: StrictStr | None = Field(None, max_length=120)
    visibility: StrictStr | None = Field(None, max_length=16)
    organisation: StrictStr | None = Field(None, max_length=80, description="null clears")
    skills: list[StrictStr] | None = Field(None, max_length=50)
    currency: StrictStr | None = Field(None, max_length=8)
    budget_min: DecimalIn | None = None
    budget_max: DecimalIn | None = None
    rate_amount: DecimalIn | None = None
    rate_unit: StrictStr | None = Field(None, max_length=16)
    deadline: dt.date | None = None
    available_from: dt.date | None = None
    locality: StrictStr | None = Field(None, max_length=16)
    tz_name: StrictStr | None = Field(None, max_length=64)
    tz_earliest: StrictInt | None = None
    tz_latest: StrictInt | None = None
    languages: list[StrictStr] | None = Field(None, max_length=20)
    expires_at: dt.datetime | None = None


class CloseIn(Schema):
    outcome: StrictStr = Field(..., max_length=16, description="fulfilled or withdrawn")


class RenewIn(Schema):
    expires_at: dt.datetime | None = Field(None, description="default: in 30 days")


class WallPersonOut(Schema):
    id: int
    name: str


class WallSpaceRefOut(Schema):
    slug: str
    name: str
    city: str


class OrganisationRefOut(Schema):
    slug: str
    name: str


class WallSkillOut(Schema):
    uri: str
    label: str
    suggested: bool


class WindowOut(Schema):
    timezone: str
    earliest: int
    latest: int


class WallPostOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    author: WallPersonOut
    organisation: OrganisationRefOut | None
    space: WallSpaceRefOut
    visibility: str
    skills: list[str] = Field(..., description="ESCO skill URIs, in order")
    skill_details: list[WallSkillOut]
    currency: str
    budget_min: str | None
    budget_max: str | None
    rate_amount: str | None
    rate_unit: str
    deadline: dt.date | None
    available_from: dt.date | None
    locality: str
    window: WindowOut | None
    languages: list[str]
    status: str
    is_live: bool
    is_mine: bool
    expires_at: dt.datetime
    fresh_at: dt.datetime
    created_at: dt.datetime
    closed_at: dt.datetime | None
    url: str


class WallPostListOut(Schema):
    items: list[WallPostOut]
    next: str | None = Field(None, description="cursor of the next page")


class ReplyIn(Schema):
    body: StrictStr = Field(..., max_length=50_000, description="1 to 5,000 characters")


class MessageOut(Schema):
    id: int
    author: WallPersonOut
    body: str
    created_at: dt.datetime


class ThreadOut(Schema):
    id: int
    post: int
    post_title: str
    poster: WallPersonOut
    responder: WallPersonOut
    last_message_at: dt.datetime
    messages: list[MessageOut] | None = Field(None, description="in the thread's own answer")


class ThreadListOut(Schema):
    items: list[ThreadOut]


class SuggestIn(Schema):
    text: StrictStr = Field(..., max_length=_TEXT_CAP)


class SuggestionOut(Schema):
    uri: str
    label: str


class SuggestionListOut(Schema):
    items: list[SuggestionOut]


# --- Shaping -----------------------------------------------------------------------------------


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def person_out(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.name}


def post_out(post: Post, viewer: Any) -> dict[str, Any]:
    links = list(post.skill_links.all())
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": post.title,
        "text": post.text,
        "author": person_out(post.author),
        "organisation": (
            {"slug": post.organisation.slug, "name": post.organisation.name}
            if post.organisation
            else None
        ),
        "space": {"slug": post.space.slug, "name": post.space.name, "city": post.space.city},
        "visibility": post.visibility,
        "skills": [link.skill.uri for link in links],
        "skill_details": [
            {
                "uri": link.skill.uri,
                "label": link.skill.preferred_label,
                "suggested": link.suggested,
            }
            for link in links
        ],
        "currency": post.currency,
        "budget_min": _money(post.budget_min),
        "budget_max": _money(post.budget_max),
        "rate_amount": _money(post.rate_amount),
        "rate_unit": post.rate_unit,
        "deadline": post.deadline,
        "available_from": post.available_from,
        "locality": post.locality,
        "window": (
            {"timezone": post.tz_name, "earliest": post.tz_earliest, "latest": post.tz_latest}
            if post.tz_name and post.tz_earliest is not None and post.tz_latest is not None
            else None
        ),
        "languages": post.language_list,
        "status": post.status,
        "is_live": post.is_live,
        "is_mine": selectors.is_poster(viewer, post),
        "expires_at": post.expires_at,
        "fresh_at": post.fresh_at,
        "created_at": post.created_at,
        "closed_at": post.closed_at,
        "url": reverse("wall:post", args=[post.pk]),
    }


def message_out(message: ReplyMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author": person_out(message.author),
        "body": message.body,
        "created_at": message.created_at,
    }


def thread_out(thread: ReplyThread, *, with_messages: bool = False) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "post": thread.post_id,
        "post_title": thread.post.title,
        "poster": person_out(thread.post.author),
        "responder": person_out(thread.responder),
        "last_message_at": thread.last_message_at,
        "messages": (
            [message_out(m) for m in selectors.list_messages(thread)] if with_messages else None
        ),
    }
