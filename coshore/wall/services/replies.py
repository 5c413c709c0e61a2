"""Replies: a private thread between a post's poster and each responder."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coshore.activity.services import record_activity

from .. import emails, selectors
from ..errors import InvalidReply, OwnPost, PostClosed, PostNotFound, ThreadNotFound
from ..models import Post, ReplyMessage, ReplyThread
from ._shared import MAX_BODY, _require_user, _text

__all__ = ["post_message", "reply_to_post"]


def _add_message(thread: ReplyThread, author: Any, body: str, *, first: bool) -> ReplyMessage:
    message = ReplyMessage.objects.create(thread=thread, author=author, body=body)
    ReplyThread.objects.filter(pk=thread.pk).update(
        last_message_at=message.created_at, updated_at=timezone.now()
    )
    thread.last_message_at = message.created_at
    record_activity(
        actor=author,
        verb="wall.replied",
        target=thread,
        space=thread.post.space,
        metadata={
            "post": thread.post_id,
            "kind": thread.post.kind,
            "to": selectors.other_side(thread, author).pk,
            "first": first,
        },
    )
    emails.notify_reply(message)
    return message


def reply_to_post(*, post: Post, user: Any, body: str) -> ReplyThread:
    """Someone who can see an open post answers it: a private thread between them and the
    poster opens (or their existing one continues). The poster is told by email. A post you
    cannot see is not found; your own post takes no reply."""
    person = _require_user(user)
    body = _text(body, field="body", max_len=MAX_BODY, required=True, error=InvalidReply)
    if not selectors.can_see_post(person, post):
        raise PostNotFound("No such post.")
    if post.author_id == person.pk:
        raise OwnPost("This is your own post: answer the replies in their threads.")
    try:
        with transaction.atomic():
            thread = (
                ReplyThread.objects.select_for_update()
                .select_related("post", "post__author", "post__space", "responder")
                .filter(post_id=post.pk, responder_id=person.pk)
                .first()
            )
            first = thread is None
            if thread is None:
                current = Post.objects.filter(pk=post.pk).first()
                if current is None or not current.is_live:
                    raise PostClosed("This post is closed or expired: it takes no new replies.")
                thread = ReplyThread.objects.create(post=post, responder=person)
                thread = ReplyThread.objects.select_related(
                    "post", "post__author", "post__space", "responder"
                ).get(pk=thread.pk)
            _add_message(thread, person, body, first=first)
    except IntegrityError:
        # Two first replies raced: the other one opened the thread; add to it.
        return reply_to_post(post=post, user=person, body=body)
    return thread


def post_message(*, thread: ReplyThread, user: Any, body: str) -> ReplyMessage:
    """One side of a thread writes to the other, who is told by email."""
    person = _require_user(user)
    body = _text(body, field="body", max_len=MAX_BODY, required=True, error=InvalidReply)
    if person.pk not in (thread.responder_id, thread.post.author_id):
        raise ThreadNotFound("No such thread.")
    with transaction.atomic():
        return _add_message(thread, person, body, first=False)
