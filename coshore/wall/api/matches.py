"""Matches: of a post (offers and people for a need, needs for an offer), and for the member
asking ("matches for you"); items `{"kind", "id", "score", "reasons"}`, best first."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from coshore.accounts.auth import AUTH_OPTIONAL, AUTH_REQUIRED

from .. import selectors
from ..errors import InvalidQuery
from .schemas import ERRORS

router = Router()


class MatchOut(Schema):
    kind: str = Field(..., description="post or profile")
    id: int = Field(..., description="the post's id, or the person's user id for a profile")
    score: float
    reasons: list[str]


class MatchListOut(Schema):
    items: list[MatchOut]


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= selectors.MAX_MATCHES:
        raise InvalidQuery(
            f"`limit` is from 1 to {selectors.MAX_MATCHES}.", detail={"field": "limit"}
        )


@router.get(
    "/wall/posts/{post_id}/matches", response={200: MatchListOut, **ERRORS}, auth=AUTH_OPTIONAL
)
def list_matches(request: HttpRequest, post_id: int, limit: int = 10) -> Any:
    """Ranked matches of a post you can see, each with its reasons in words: offers and member
    profiles for a need, needs for an offer; only what you may see comes back. `limit` 1-50."""
    _check_limit(limit)
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    items = selectors.get_matches(user=request.user, post=post, limit=limit)
    return {"items": [vars(i) for i in items]}


@router.get("/wall/matches", response={200: MatchListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_my_matches(request: HttpRequest, limit: int = 10) -> Any:
    """Matches for you: live needs you may see that fit your profile (skills, headline, bio,
    timezone, languages, home space), best first, with reasons; never your own. `limit`
    1-50."""
    _check_limit(limit)
    items = selectors.get_matches_for_member(user=request.user, limit=limit)
    return {"items": [vars(i) for i in items]}
