"""Schemas of the feed API and the functions that shape its answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import StrictStr

from coshore.core.api import ErrorOut

from ..models import Comment, FeedPost, Report
from ..services import post_url

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Generous caps: the services give the precise limits with their own error codes.
_BODY_CAP = 100_000


class FeedBodyIn(Schema):
    body: StrictStr = Field(
        ..., max_length=_BODY_CAP, description="Markdown: posts 1-10,000, comments 1-5,000 chars"
    )


class FeedHideIn(Schema):
    reason: StrictStr = Field(..., max_length=5000, description="1 to 500 characters")


class FeedReportIn(Schema):
    reason: StrictStr = Field(
        ..., max_length=32, description="spam, harassment, hate, privacy, off_topic, other"
    )
    note: StrictStr = Field("", max_length=10_000, description="up to 1,000 characters")


class FeedPersonOut(Schema):
    id: int
    name: str


class FeedScopeOut(Schema):
    kind: str = Field(..., description="space or network")
    slug: str
    name: str


class FeedReactionOut(Schema):
    emoji: str = Field(
        ..., description="key: thumbs_up, heart, party, idea, raised_hands, handshake"
    )
    char: str
    count: int
    mine: bool


class FeedCommentOut(Schema):
    id: int
    post: int
    author: FeedPersonOut
    body: str
    html: str = Field(..., description="sanitised HTML of the Markdown body")
    created_at: dt.datetime
    edited_at: dt.datetime | None
    hidden: bool
    hidden_reason: str
    reactions: list[FeedReactionOut]
    my_reactions: list[str]


class FeedCommentListOut(Schema):
    items: list[FeedCommentOut]
    next: str | None = Field(None, description="cursor of the next page")


class FeedPostOut(Schema):
    id: int
    scope: FeedScopeOut
    author: FeedPersonOut
    body: str
    html: str = Field(..., description="sanitised HTML of the Markdown body")
    created_at: dt.datetime
    edited_at: dt.datetime | None
    pinned: bool
    hidden: bool
    hidden_reason: str
    comment_count: int
    reactions: list[FeedReactionOut]
    my_reactions: list[str]
    is_mine: bool
    can_moderate: bool
    url: str


class FeedPageOut(Schema):
    scope: FeedScopeOut
    can_post: bool
    can_moderate: bool
    items: list[FeedPostOut] = Field(
        ..., description="pinned posts first (first page), then newest"
    )
    next: str | None = Field(None, description="cursor of the next page")


class FeedTimelineOut(Schema):
    items: list[FeedPostOut] = Field(
        ..., description="newest first across your feeds; `scope` names each post's feed"
    )
    next: str | None = Field(None, description="cursor of the next page")


class FeedReactionsOut(Schema):
    reactions: list[FeedReactionOut]
    my_reactions: list[str]


class FeedReportOut(Schema):
    id: int
    on: str = Field(..., description="post or comment")
    post: int
    comment: int | None
    reason: str
    note: str
    status: str
    reporter: FeedPersonOut
    created_at: dt.datetime
    handled_at: dt.datetime | None
    target_author: FeedPersonOut
    target_html: str
    target_hidden: bool


class FeedReportListOut(Schema):
    items: list[FeedReportOut]


class FeedMentionableOut(Schema):
    id: int
    name: str
    token: str = Field(..., description="what to write to mention them: @[Name](user:ID)")


class FeedMentionableListOut(Schema):
    items: list[FeedMentionableOut]


# --- Shaping -----------------------------------------------------------------------------------


def person_out(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.name}


def scope_out(post: FeedPost) -> dict[str, Any]:
    owner = post.space or post.network
    assert owner is not None
    return {"kind": "space" if post.space_id else "network", "slug": owner.slug, "name": owner.name}


def _reactions(obj: Any) -> dict[str, Any]:
    counts = getattr(obj, "reaction_counts", [])
    return {
        "reactions": [
            {"emoji": r.emoji, "char": r.char, "count": r.count, "mine": r.mine} for r in counts
        ],
        "my_reactions": [r.emoji for r in counts if r.mine],
    }


def _hidden_reason(obj: FeedPost | Comment) -> str:
    return obj.hidden_reason if obj.is_hidden else ""


def post_out(post: FeedPost, viewer: Any) -> dict[str, Any]:
    return {
        "id": post.pk,
        "scope": scope_out(post),
        "author": person_out(post.author),
        "body": post.body,
        "html": post.html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "pinned": post.is_pinned,
        "hidden": post.is_hidden,
        "hidden_reason": _hidden_reason(post),
        "comment_count": getattr(post, "comment_count", 0),
        "is_mine": post.author_id == getattr(viewer, "pk", None),
        "can_moderate": bool(getattr(post, "can_moderate", False)),
        "url": post_url(post),
        **_reactions(post),
    }


def comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "post": comment.post_id,
        "author": person_out(comment.author),
        "body": comment.body,
        "html": comment.html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "hidden": comment.is_hidden,
        "hidden_reason": _hidden_reason(comment),
        **_reactions(comment),
    }


def report_out(report: Report) -> dict[str, Any]:
    target: FeedPost | Comment = report.comment or report.post  # type: ignore[assignment]
    post_id = report.comment.post_id if report.comment is not None else report.post_id
    return {
        "id": report.pk,
        "on": "comment" if report.comment_id else "post",
        "post": post_id,
        "comment": report.comment_id,
        "reason": report.reason,
        "note": report.note,
        "status": report.status,
        "reporter": person_out(report.reporter),
        "created_at": report.created_at,
        "handled_at": report.handled_at,
        "target_author": person_out(target.author),
        "target_html": target.html,
        "target_hidden": target.is_hidden,
    }
