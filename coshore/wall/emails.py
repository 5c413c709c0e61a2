"""Emails of the wall, as background tasks (services enqueue them on commit)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from .models import Introduction, ReplyMessage


@task()
def send_reply_email(message_id: int) -> None:
    """Tell the other side of a thread that a message arrived, with the link to the thread."""
    message = (
        ReplyMessage.objects.filter(pk=message_id)
        .select_related("thread__post__author", "thread__responder", "author")
        .first()
    )
    if message is None:
        return
    thread = message.thread
    to = thread.responder if message.author_id == thread.post.author_id else thread.post.author
    if not to.is_active:
        return
    ctx = {
        "user": to,
        "SITE_NAME": settings.SITE_NAME,
        "message": message,
        "post": thread.post,
        "link": f"{settings.SITE_URL}/wall/threads/{thread.pk}/",
    }
    subject = " ".join(render_to_string("emails/wall/reply_subject.txt", ctx).split())
    body = render_to_string("emails/wall/reply.txt", ctx)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to.email])


@task()
def send_introduction_email(introduction_id: int) -> None:
    """Tell both people who introduced them to whom, and why."""
    intro = (
        Introduction.objects.filter(pk=introduction_id)
        .select_related("first", "second", "introducer", "space", "post")
        .first()
    )
    if intro is None:
        return
    for to, other in ((intro.first, intro.second), (intro.second, intro.first)):
        if not to.is_active:
            continue
        ctx = {
            "user": to,
            "other": other,
            "intro": intro,
            "SITE_NAME": settings.SITE_NAME,
            "link": f"{settings.SITE_URL}/accounts/people/{other.pk}/",
        }
        subject = " ".join(render_to_string("emails/wall/introduction_subject.txt", ctx).split())
        body = render_to_string("emails/wall/introduction.txt", ctx)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to.email])
