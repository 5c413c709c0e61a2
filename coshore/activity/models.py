"""The append-only activity log: the audit trail, the feed and the raw material of analytics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Activity(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    verb = models.CharField(max_length=64, help_text="dotted, e.g. space.updated")
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network = models.ForeignKey(
        "spaces.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["space", "occurred_at"], name="activity_space_time"),
            models.Index(fields=["network", "occurred_at"], name="activity_network_time"),
            models.Index(fields=["actor", "occurred_at"], name="activity_actor_time"),
            models.Index(fields=["verb", "occurred_at"], name="activity_verb_time"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}:{self.target_id}"
