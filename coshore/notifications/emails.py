"""Notification emails, as background tasks: one notification at once, or a person's daily
digest."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import Notification


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
    ctx = {
        "user": to,
        "note": note,
        "SITE_NAME": settings.SITE_NAME,
        "link": f"{settings.SITE_URL}{note.url}" if note.url else settings.SITE_URL,
        "preferences": f"{settings.SITE_URL}/notifications/preferences/",
    }
    body = render_to_string("emails/notifications/one.txt", ctx)
    send_mail(f"[{settings.SITE_NAME}] {note.title}", body, settings.DEFAULT_FROM_EMAIL, [to.email])
