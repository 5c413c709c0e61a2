"""Direct messages: one-to-one conversations between members who can see each other, each
side's read marker and unread count, and blocks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

USER = settings.AUTH_USER_MODEL
MAX_BODY = 5000


class Conversation(models.Model):
    """The one conversation between two people. The pair is stored ordered (`user_low` has the
    smaller id) so the unique constraint holds for the unordered pair."""

    user_low = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    user_high = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_low", "user_high"], name="uniq_dm_pair"),
            models.CheckConstraint(
                condition=Q(user_low__lt=F("user_high")), name="dm_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.user_low_id}, {self.user_high_id})"

    def has_participant(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in (self.user_low_id, self.user_high_id)

    def other_id(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id


class Participant(models.Model):
    """One side of a conversation: its read marker and unread count (kept by the services, so
    the total is one indexed SUM), and the conversation's latest activity copied for ordering
    "my conversations" on one index."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="dm_participations")
    other = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_read_message_id = models.BigIntegerField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    unread_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="uniq_dm_participant")
        ]
        indexes = [
            models.Index(fields=["user", "last_message_at", "id"], name="dm_part_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    """A plain-text message. Never edited; its text never leaves the conversation (no activity,
    no notification carries it)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MAX_BODY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "id"], name="dm_message_conv")]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.conversation_id}"


class Block(models.Model):
    """`blocker` blocked `blocked`: no new messages either way while it stands."""

    blocker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="dm_blocks")
    blocked = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="uniq_dm_block"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="dm_block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="dm_block_rev")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
