"""Replies to posts: private threads between the poster and each responder."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from coshore.accounts.auth import AUTH_REQUIRED

from .. import selectors, services
from .schemas import (
    ERRORS,
    MessageOut,
    ReplyIn,
    ThreadListOut,
    ThreadOut,
    message_out,
    thread_out,
)

router = Router()


@router.post(
    "/wall/posts/{post_id}/replies", response={201: ThreadOut, **ERRORS}, auth=AUTH_REQUIRED
)
def reply(request: HttpRequest, post_id: int, payload: ReplyIn) -> Any:
    """Answer a post you may see: opens (or continues) your private thread with its poster."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    thread = services.reply_to_post(post=post, user=request.user, body=payload.body)
    return Status(201, thread_out(thread, with_messages=True))


@router.get(
    "/wall/posts/{post_id}/threads", response={200: ThreadListOut, **ERRORS}, auth=AUTH_REQUIRED
)
def list_post_threads(request: HttpRequest, post_id: int) -> Any:
    """The threads on a post: every one for its poster, your own for a responder."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    threads = selectors.list_threads_of_post(post=post, user=request.user)
    for thread in threads:
        thread.post = post
    return {"items": [thread_out(t) for t in threads]}


@router.get("/wall/threads", response={200: ThreadListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_threads(request: HttpRequest) -> Any:
    """Your threads, as poster or as responder, the latest message first."""
    return {"items": [thread_out(t) for t in selectors.list_threads_for_user(request.user)]}


@router.get("/wall/threads/{thread_id}", response={200: ThreadOut, **ERRORS}, auth=AUTH_REQUIRED)
def get_thread(request: HttpRequest, thread_id: int) -> Any:
    """A thread with its messages, for its two sides only."""
    thread = selectors.get_thread_for_user(user=request.user, thread_id=thread_id)
    return thread_out(thread, with_messages=True)


@router.post(
    "/wall/threads/{thread_id}/messages",
    response={201: MessageOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def post_message(request: HttpRequest, thread_id: int, payload: ReplyIn) -> Any:
    """Write to the other side of a thread."""
    thread = selectors.get_thread_for_user(user=request.user, thread_id=thread_id)
    message = services.post_message(thread=thread, user=request.user, body=payload.body)
    return Status(201, message_out(message))
