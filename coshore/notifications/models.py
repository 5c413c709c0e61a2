"""Notifications and each person's email preference per topic."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .topics import EmailMode


class Notification(models.Model):
    """One thing a person should know about. `kind` is dotted (`wall.match`,
    `event.promoted`); `topic` decides the email (see topics.py). `key`, when given, makes the
    notification unique for its recipient, so a task that runs twice notifies once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.CharField(max_length=32)
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=4000)
    url = models.CharField(max_length=500, blank=True, help_text="Site path, e.g. /wall/7/")
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # How the email side was settled when it was created: immediate, digest or off.
    email_mode = models.CharField(max_length=16, choices=EmailMode.choices)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_time"),
            models.Index(
                fields=["recipient", "read_at"],
                name="notif_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["email_mode", "created_at"],
                name="notif_digest_due",
                condition=models.Q(email_mode="digest", emailed_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notif_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Preference(models.Model):
    """A person's email choice for one topic; without a row the topic's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    topic = models.CharField(max_length=32)
    email = models.CharField(max_length=16, choices=EmailMode.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="notif_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic}: {self.email}"


class DigestRun(models.Model):
    """When a person's last digest went out (one row per person), so a digest is sent at
    most once a day even when the command runs more often."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} digest {self.sent_at:%Y-%m-%d %H:%M}"
