"""Feeds, posts, comments, reactions, reports and the people one may mention."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from coshore.accounts.auth import AUTH_REQUIRED

from .. import selectors, services
from ..models import Comment, FeedPost
from .schemas import (
    ERRORS,
    FeedBodyIn,
    FeedCommentListOut,
    FeedCommentOut,
    FeedMentionableListOut,
    FeedPageOut,
    FeedPostOut,
    FeedReactionsOut,
    FeedReportIn,
    FeedReportOut,
    FeedTimelineOut,
    comment_out,
    post_out,
    report_out,
)

router = Router()


def _feed(
    request: HttpRequest, scope: selectors.Scope, cursor: str | None, limit: int | None
) -> Any:
    page = selectors.list_feed(user=request.user, scope=scope, cursor=cursor, limit=limit)
    return {
        "scope": {"kind": scope.kind, "slug": scope.slug, "name": scope.name},
        "can_post": scope.can_post,
        "can_moderate": scope.can_moderate,
        "items": [post_out(p, request.user) for p in page.items],
        "next": page.next_cursor,
    }


@router.get("/feed/spaces/{slug}/posts", response={200: FeedPageOut, **ERRORS}, auth=AUTH_REQUIRED)
def space_feed(
    request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None
) -> Any:
    """A space's feed (its members, managers, its networks' operators and staff): pinned
    posts first, then newest first; `next` is the cursor of the following page."""
    scope = selectors.get_space_feed_for_user(user=request.user, slug=slug)
    return _feed(request, scope, cursor, limit)


@router.get(
    "/feed/networks/{slug}/posts", response={200: FeedPageOut, **ERRORS}, auth=AUTH_REQUIRED
)
def network_feed(
    request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None
) -> Any:
    """A network's feed (members of its spaces, its operators and staff)."""
    scope = selectors.get_network_feed_for_user(user=request.user, slug=slug)
    return _feed(request, scope, cursor, limit)


@router.get("/feed/timeline", response={200: FeedTimelineOut, **ERRORS}, auth=AUTH_REQUIRED)
def timeline(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> Any:
    """One timeline of every feed you read by standing (your spaces', your networks', and
    for an operator the spaces of the network), newest first; a pinned post keeps its place
    in time. Hidden posts only for their author and the feed's moderators. `next` is the
    cursor of the following page; a bad `cursor` or `limit` (1-100) is a 422."""
    page = selectors.list_timeline(user=request.user, cursor=cursor, limit=limit)
    return {"items": [post_out(p, request.user) for p in page.items], "next": page.next_cursor}


def _post_view(request: HttpRequest, post: FeedPost) -> Any:
    return post_out(selectors.get_post_view(user=request.user, post_id=post.pk), request.user)


@router.post("/feed/spaces/{slug}/posts", response={201: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_space_post(request: HttpRequest, slug: str, payload: FeedBodyIn) -> Any:
    """Post into a space's feed (members and managers of the space). Markdown; mention
    people with `@[Name](user:ID)` or `@handle`."""
    scope = selectors.get_space_feed_for_user(user=request.user, slug=slug)
    post = services.create_post(author=request.user, space=scope.space, body=payload.body)
    return Status(201, _post_view(request, post))


@router.post(
    "/feed/networks/{slug}/posts", response={201: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED
)
def create_network_post(request: HttpRequest, slug: str, payload: FeedBodyIn) -> Any:
    """Post into a network's feed (members of its spaces and its operators)."""
    scope = selectors.get_network_feed_for_user(user=request.user, slug=slug)
    post = services.create_post(author=request.user, network=scope.network, body=payload.body)
    return Status(201, _post_view(request, post))


@router.get("/feed/posts/{post_id}", response={200: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED)
def get_post(request: HttpRequest, post_id: int) -> Any:
    """A post you may read; anything else is a 404 `feed.post_not_found`."""
    return post_out(selectors.get_post_view(user=request.user, post_id=post_id), request.user)


@router.patch("/feed/posts/{post_id}", response={200: FeedPostOut, **ERRORS}, auth=AUTH_REQUIRED)
def edit_post(request: HttpRequest, post_id: int, payload: FeedBodyIn) -> Any:
    """The author edits the text (people already told of a mention are not told again)."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.update_post(post=post, user=request.user, body=payload.body)
    return _post_view(request, post)


@router.delete("/feed/posts/{post_id}", response={204: None, **ERRORS}, auth=AUTH_REQUIRED)
def delete_post(request: HttpRequest, post_id: int) -> Any:
    """The author deletes the post with its comments and reactions."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.delete_post(post=post, user=request.user)
    return Status(204, None)


# --- Comments ----------------------------------------------------------------------------------


@router.get(
    "/feed/posts/{post_id}/comments",
    response={200: FeedCommentListOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_comments(
    request: HttpRequest, post_id: int, cursor: str | None = None, limit: int | None = None
) -> Any:
    """The comments of a post, oldest first."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    page = selectors.list_comments(user=request.user, post=post, cursor=cursor, limit=limit)
    return {"items": [comment_out(c) for c in page.items], "next": page.next_cursor}


def _comment_view(request: HttpRequest, comment: Comment) -> Any:
    comment.reaction_counts = selectors.reaction_counts_of(request.user, comment=comment)  # type: ignore[attr-defined]
    return comment_out(comment)


@router.post(
    "/feed/posts/{post_id}/comments", response={201: FeedCommentOut, **ERRORS}, auth=AUTH_REQUIRED
)
def add_comment(request: HttpRequest, post_id: int, payload: FeedBodyIn) -> Any:
    """Comment on a post you may read; its author is notified."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    comment = services.add_comment(post=post, user=request.user, body=payload.body)
    return Status(201, _comment_view(request, comment))


@router.patch(
    "/feed/comments/{comment_id}", response={200: FeedCommentOut, **ERRORS}, auth=AUTH_REQUIRED
)
def edit_comment(request: HttpRequest, comment_id: int, payload: FeedBodyIn) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.update_comment(comment=comment, user=request.user, body=payload.body)
    return _comment_view(request, comment)


@router.delete("/feed/comments/{comment_id}", response={204: None, **ERRORS}, auth=AUTH_REQUIRED)
def delete_comment(request: HttpRequest, comment_id: int) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.delete_comment(comment=comment, user=request.user)
    return Status(204, None)


# --- Reactions ---------------------------------------------------------------------------------


def _reactions(request: HttpRequest, **target: Any) -> Any:
    counts = selectors.reaction_counts_of(request.user, **target)
    return {
        "reactions": [
            {"emoji": r.emoji, "char": r.char, "count": r.count, "mine": r.mine} for r in counts
        ],
        "my_reactions": [r.emoji for r in counts if r.mine],
    }


@router.put(
    "/feed/posts/{post_id}/reactions/{emoji}",
    response={200: FeedReactionsOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def react_to_post(request: HttpRequest, post_id: int, emoji: str) -> Any:
    """Add your emoji (thumbs_up, heart, party, idea, raised_hands, handshake); idempotent."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.react(user=request.user, emoji=emoji, post=post)
    return _reactions(request, post=post)


@router.delete(
    "/feed/posts/{post_id}/reactions/{emoji}",
    response={200: FeedReactionsOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def unreact_to_post(request: HttpRequest, post_id: int, emoji: str) -> Any:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.unreact(user=request.user, emoji=emoji, post=post)
    return _reactions(request, post=post)


@router.put(
    "/feed/comments/{comment_id}/reactions/{emoji}",
    response={200: FeedReactionsOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def react_to_comment(request: HttpRequest, comment_id: int, emoji: str) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.react(user=request.user, emoji=emoji, comment=comment)
    return _reactions(request, comment=comment)


@router.delete(
    "/feed/comments/{comment_id}/reactions/{emoji}",
    response={200: FeedReactionsOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def unreact_to_comment(request: HttpRequest, comment_id: int, emoji: str) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.unreact(user=request.user, emoji=emoji, comment=comment)
    return _reactions(request, comment=comment)


# --- Reports -----------------------------------------------------------------------------------


@router.post(
    "/feed/posts/{post_id}/reports", response={201: FeedReportOut, **ERRORS}, auth=AUTH_REQUIRED
)
def report_post(request: HttpRequest, post_id: int, payload: FeedReportIn) -> Any:
    """Ask the feed's moderators to look at a post (one open report per person and post)."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    made = services.report(user=request.user, post=post, reason=payload.reason, note=payload.note)
    return Status(201, report_out(made))


@router.post(
    "/feed/comments/{comment_id}/reports",
    response={201: FeedReportOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def report_comment(request: HttpRequest, comment_id: int, payload: FeedReportIn) -> Any:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    made = services.report(
        user=request.user, comment=comment, reason=payload.reason, note=payload.note
    )
    return Status(201, report_out(made))


# --- Mentions ----------------------------------------------------------------------------------


@router.get(
    "/feed/mentionable", response={200: FeedMentionableListOut, **ERRORS}, auth=AUTH_REQUIRED
)
def mentionable(
    request: HttpRequest, q: str = "", space: str | None = None, network: str | None = None
) -> Any:
    """People of a feed (`space` or `network` slug) whose name or email begins with `q`,
    whose profile you may see: the mention autocomplete."""
    if space is not None:
        scope = selectors.get_space_feed_for_user(user=request.user, slug=space)
    else:
        scope = selectors.get_network_feed_for_user(user=request.user, slug=network)
    people = selectors.list_mentionable(user=request.user, scope=scope, q=q[:100])
    return {
        "items": [
            {"id": p.pk, "name": p.name, "token": f"@[{_token_name(p.name)}](user:{p.pk})"}
            for p in people
        ]
    }


def _token_name(name: str) -> str:
    return "".join(ch for ch in name if ch not in "[]\n")[:120] or "someone"
