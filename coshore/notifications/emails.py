"""Notification emails, as background tasks: one notification at once, or a person's daily
digest. Every email carries a signed one-click unsubscribe link for its topics, in the body
and in the `List-Unsubscribe` / `List-Unsubscribe-Post` headers (RFC 2369, RFC 8058)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from coshore.accounts.models import User

from .models import Notification
from .rules import group_by_topic
from .topics import TOPICS


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user: User, topics: list[str]) -> str:
    from .services import unsubscribe_token

    token = unsubscribe_token(user=user, topics=topics)
    return _absolute(reverse("notifications:unsubscribe", args=[token]))


def _send(
    *, to: User, subject: str, template: str, context: dict[str, Any], topics: list[str]
) -> None:
    unsubscribe = unsubscribe_url(to, topics)
    ctx = {
        "user": to,
        "SITE_NAME": settings.SITE_NAME,
        "unsubscribe": unsubscribe,
        "topic_labels": ", ".join(TOPICS[t].label for t in topics if t in TOPICS),
        "preferences": _absolute(reverse("notifications:preferences")),
        "notifications": _absolute(reverse("notifications:list")),
        **context,
    }
    message = EmailMessage(
        subject=" ".join(f"[{settings.SITE_NAME}] {subject}".split())[:250],
        body=render_to_string(template, ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.send()


def _summary(body: str, limit: int = 300) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _link(note: Notification) -> str:
    return _absolute(note.url) if note.url else _absolute(reverse("notifications:list"))


@task()
def send_notification_email(notification_id: int) -> None:
    """Email one notification to its recipient (once: `emailed_at` is set in the same step)."""
    updated = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not updated:
        return
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    to = note.recipient
    if not to.is_active:
        return
    _send(
        to=to,
        subject=note.title,
        template="emails/notifications/one.txt",
        context={"note": note, "link": _link(note)},
        topics=[note.topic],
    )


@task()
def send_digest_email(user_id: int, notification_ids: list[int], total: int) -> None:
    """Email a person's digest: the notifications `services.send_due_digests` claimed for it,
    grouped by topic, each with its link; `total` counts those not listed too."""
    to = User.objects.filter(pk=user_id, is_active=True).first()
    if to is None:
        return
    notes = list(
        Notification.objects.filter(pk__in=notification_ids, recipient_id=user_id).order_by(
            "-created_at", "-id"
        )
    )
    if not notes:
        return
    groups = [
        {
            "topic": TOPICS[key].label if key in TOPICS else key,
            "items": [{"note": n, "link": _link(n), "summary": _summary(n.body)} for n in items],
            "unsubscribe": unsubscribe_url(to, [key]) if key in TOPICS else "",
        }
        for key, items in group_by_topic(notes)
    ]
    topics = sorted({n.topic for n in notes if n.topic in TOPICS})
    subject = (
        f"Your daily digest: {total} new notification{'s' if total != 1 else ''}"
        if total > 1
        else f"Your daily digest: {notes[0].title}"
    )
    _send(
        to=to,
        subject=subject,
        template="emails/notifications/digest.txt",
        context={"groups": groups, "total": total, "more": max(0, total - len(notes))},
        topics=topics,
    )
