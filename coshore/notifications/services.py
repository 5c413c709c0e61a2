"""Notify people: every app calls `notify`; the person's preference for the topic decides the
email (at once, in the daily digest, or none). In-app notifications are always kept."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from coshore.accounts.models import User

from .models import Notification, Preference
from .topics import EmailMode, topic_of

__all__ = ["email_mode_for", "notify"]

MAX_TITLE = 200
MAX_BODY = 4000


def email_mode_for(user: User, topic: str) -> EmailMode:
    """The person's choice for the topic, else the topic's default."""
    t = topic_of(topic)
    chosen = Preference.objects.filter(user=user, topic=topic).values_list("email", flat=True)
    mode = next(iter(chosen), None)
    if mode is None or (mode == EmailMode.OFF and not t.can_mute):
        return t.default
    return EmailMode(mode)


def notify(
    *,
    recipient: User,
    topic: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor: Any = None,
    key: str = "",
) -> Notification | None:
    """Record a notification for `recipient` and, by their preference for `topic`, email it
    at once (a background task on commit) or leave it for the daily digest.

    Nothing for an inactive recipient or for the actor themself. With a `key`, the same
    (recipient, key) notifies once: a second call returns None."""
    if recipient is None or not recipient.is_active:
        return None
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    if actor_user is not None and actor_user.pk == recipient.pk:
        return None
    mode = email_mode_for(recipient, topic)
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient,
                actor=actor_user,
                topic=topic,
                kind=kind[:64],
                title=" ".join(title.split())[:MAX_TITLE],
                body=body[:MAX_BODY],
                url=url[:500],
                key=key[:200],
                email_mode=mode,
            )
    except IntegrityError:
        if key and Notification.objects.filter(recipient=recipient, key=key[:200]).exists():
            return None
        raise
    if mode == EmailMode.IMMEDIATE:
        from .emails import send_notification_email

        note_id = note.pk
        transaction.on_commit(lambda: send_notification_email.enqueue(note_id), robust=True)
    return note
