"""What the wall tells people through the notification system (topic `wall.replies`): in-app
always, by email at once or in the digest as each person chose. Services call these inside
their transaction, so a notification exists exactly when its reply or introduction does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from coshore.notifications.services import notify

from .models import Introduction, ReplyMessage


def _line(template: str, ctx: Mapping[str, Any]) -> str:
    return " ".join(render_to_string(template, ctx).split())


def notify_reply(message: ReplyMessage) -> None:
    """Tell the other side of a thread that a message arrived, with the link to the thread."""
    thread = message.thread
    to = thread.responder if message.author_id == thread.post.author_id else thread.post.author
    ctx = {"user": to, "message": message, "post": thread.post}
    notify(
        recipient=to,
        topic="wall.replies",
        kind="wall.reply",
        title=_line("emails/wall/reply_subject.txt", ctx),
        body=render_to_string("emails/wall/reply.txt", ctx),
        url=reverse("wall:thread", args=[thread.pk]),
        actor=message.author,
        key=f"wall.reply:{message.pk}",
    )


def notify_introduction(intro: Introduction) -> None:
    """Tell both people who introduced them to whom, and why, with the other's profile."""
    for to, other in ((intro.first, intro.second), (intro.second, intro.first)):
        ctx = {"user": to, "other": other, "intro": intro}
        notify(
            recipient=to,
            topic="wall.replies",
            kind="wall.introduction",
            title=_line("emails/wall/introduction_subject.txt", ctx),
            body=render_to_string("emails/wall/introduction.txt", ctx),
            url=reverse("accounts:person", args=[other.pk]),
            actor=intro.introducer,
            key=f"wall.introduction:{intro.pk}",
        )
