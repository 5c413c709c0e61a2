"""Moderation: pin and hide posts, hide comments, the report queue."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from coshore.accounts.auth import AUTH_REQUIRED

from .. import selectors, services
from .schemas import (
    ERRORS,
    FeedCommentOut,
    FeedHideIn,
    FeedPostOut,
    FeedReportListOut,
    FeedReportOut,
    comment_out,
    post_out,
    report_out,
)

router = Router()


def _post(request: HttpRequest, post_id: int) -> Any:
    return post_out(selectors.get_post_view(user=request.user, post_id=post_id), request.user)


@router.post("/feed/posts/{post_id}/pin", response={200: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED)
def pin(request: HttpRequest, post_id: int) -> Any:
    """Moderators pin a post to the top of its feed (at most 5 per feed)."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.pin_post(post=post, user=request.user)
    return _post(request, post_id)


@router.delete(
    "/feed/posts/{post_id}/pin", response={200: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED
)
def unpin(request: HttpRequest, post_id: int) -> Any:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.unpin_post(post=post, user=request.user)
    return _post(request, post_id)


@router.post(
    "/feed/posts/{post_id}/hide", response={200: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED
)
def hide(request: HttpRequest, post_id: int, payload: FeedHideIn) -> Any:
    """Moderators hide a post with a reason: only its author and the moderators still see it."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.hide_post(post=post, user=request.user, reason=payload.reason)
    return _post(request, post_id)


@router.delete(
    "/feed/posts/{post_id}/hide", response={200: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED
)
def unhide(request: HttpRequest, post_id: int) -> Any:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.unhide_post(post=post, user=request.user)
    return _post(request, post_id)


def _comment(request: HttpRequest, comment_id: int) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    comment.reaction_counts = selectors.reaction_counts_of(request.user, comment=comment)  # type: ignore[attr-defined]
    return comment_out(comment)


@router.post(
    "/feed/comments/{comment_id}/hide", response={200: FeedCommentOut, **ERRORS}, auth=AUTH_REQUIRED
)
def hide_comment(request: HttpRequest, comment_id: int, payload: FeedHideIn) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.hide_comment(comment=comment, user=request.user, reason=payload.reason)
    return _comment(request, comment_id)


@router.delete(
    "/feed/comments/{comment_id}/hide", response={200: FeedCommentOut, **ERRORS}, auth=AUTH_REQUIRED
)
def unhide_comment(request: HttpRequest, comment_id: int) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.unhide_comment(comment=comment, user=request.user)
    return _comment(request, comment_id)


@router.get("/feed/reports", response={200: FeedReportListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_reports(request: HttpRequest, space: str | None = None, network: str | None = None) -> Any:
    """Open reports in the feeds you moderate (one feed with `space` or `network`)."""
    scope = None
    if space is not None:
        scope = selectors.get_space_feed_for_user(user=request.user, slug=space)
    elif network is not None:
        scope = selectors.get_network_feed_for_user(user=request.user, slug=network)
    reports = selectors.list_open_reports(user=request.user, scope=scope)
    return {"items": [report_out(r) for r in reports]}


@router.post(
    "/feed/reports/{report_id}/resolve", response={200: FeedReportOut, **ERRORS}, auth=AUTH_REQUIRED
)
def resolve(request: HttpRequest, report_id: int) -> Any:
    """Uphold a report: the post or comment is hidden and its open reports resolved."""
    found = selectors.get_report_for_moderator(user=request.user, report_id=report_id)
    return report_out(services.resolve_report(report=found, user=request.user))


@router.post(
    "/feed/reports/{report_id}/dismiss", response={200: FeedReportOut, **ERRORS}, auth=AUTH_REQUIRED
)
def dismiss(request: HttpRequest, report_id: int) -> Any:
    """Dismiss a report: its target stays, its open reports are dismissed."""
    found = selectors.get_report_for_moderator(user=request.user, report_id=report_id)
    return report_out(services.dismiss_report(report=found, user=request.user))
