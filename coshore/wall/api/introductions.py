"""Introductions by community managers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt, StrictStr

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.spaces.selectors import get_space_for_user

from .. import selectors, services
from .schemas import ERRORS

router = Router()


class IntroductionIn(Schema):
    space: StrictStr = Field(..., min_length=1, max_length=120, description="slug")
    first: StrictStr = Field(..., max_length=254, description="email")
    second: StrictStr = Field(..., max_length=254, description="email")
    post: StrictInt | None = Field(None, description="the post the introduction is about")
    note: StrictStr = Field("", max_length=1000)


class IntroductionOut(Schema):
    id: int
    space: str
    introducer: str
    first: str
    second: str
    post: int | None
    created_at: dt.datetime


@router.post("/wall/introductions", response={201: IntroductionOut, **ERRORS}, auth=AUTH_REQUIRED)
def introduce(request: HttpRequest, payload: IntroductionIn) -> Any:
    """A manager of the space introduces two people of the space or its networks (both are
    emailed); the same pair once in 30 days."""
    space = get_space_for_user(user=request.user, slug=payload.space)
    post = (
        selectors.get_post_for_user(user=request.user, post_id=payload.post)
        if payload.post is not None
        else None
    )
    intro = services.introduce(
        introducer=request.user,
        space=space,
        first_email=payload.first,
        second_email=payload.second,
        post=post,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": intro.pk,
            "space": space.slug,
            "introducer": intro.introducer.email,
            "first": intro.first.email,
            "second": intro.second.email,
            "post": intro.post_id,
            "created_at": intro.created_at,
        },
    )
