"""The feed: a private social network per space and per network. Members post updates
(Markdown, stored with its sanitised HTML), comment, react and mention people; moderators pin,
hide and work a queue of reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

USER = settings.AUTH_USER_MODEL


class FeedPost(models.Model):
    """An update posted into one feed: a space's (`space`) or a network's (`network`), never
    both. `html` is `body` rendered and sanitised when written (`markup.render`)."""

    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="feed_posts")
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    network = models.ForeignKey(
        "spaces.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    html = models.TextField()
    pinned_at = models.DateTimeField(null=True, blank=True)
    pinned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["space", "-created_at", "-id"], name="feed_post_space"),
            models.Index(fields=["network", "-created_at", "-id"], name="feed_post_network"),
            models.Index(fields=["author", "-created_at"], name="feed_post_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(space__isnull=False) & Q(network__isnull=True))
                | (Q(space__isnull=True) & Q(network__isnull=False)),
                name="feed_post_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"Feed post {self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None


class Comment(models.Model):
    post = models.ForeignKey(FeedPost, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="feed_comments")
    body = models.TextField(max_length=5000)
    html = models.TextField()
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at", "id"], name="feed_comment_post")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.post_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Emoji(models.TextChoices):
    """The fixed set of reactions; the key travels in URLs and the API."""

    THUMBS_UP = "thumbs_up", "👍"
    HEART = "heart", "❤️"
    PARTY = "party", "🎉"
    IDEA = "idea", "💡"
    CLAP = "raised_hands", "🙌"
    HANDSHAKE = "handshake", "🤝"


# What a screen reader says for each emoji.
EMOJI_NAMES = {
    Emoji.THUMBS_UP: "Thumbs up",
    Emoji.HEART: "Love",
    Emoji.PARTY: "Celebrate",
    Emoji.IDEA: "Insightful",
    Emoji.CLAP: "Hooray",
    Emoji.HANDSHAKE: "Count me in",
}


class Reaction(models.Model):
    """One person's emoji on a post or a comment (exactly one of them); at most one per
    person, target and emoji."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        FeedPost, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    emoji = models.CharField(max_length=16, choices=Emoji.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="feed_reaction_one_target",
            ),
            models.UniqueConstraint(
                fields=["post", "user", "emoji"],
                condition=Q(post__isnull=False),
                name="uniq_feed_reaction_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "user", "emoji"],
                condition=Q(comment__isnull=False),
                name="uniq_feed_reaction_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.user_id}"


class Mention(models.Model):
    """A person a post or a comment mentions, resolved when it is written or edited among the
    people who may see it (the notification's key keeps an edit from telling them twice)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="feed_mentions")
    post = models.ForeignKey(
        FeedPost, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="feed_mention_one_target",
            ),
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(post__isnull=False),
                name="uniq_feed_mention_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(comment__isnull=False),
                name="uniq_feed_mention_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"Mention of {self.user_id}"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    HARASSMENT = "harassment", "Harassment or bullying"
    HATE = "hate", "Hateful or abusive"
    PRIVACY = "privacy", "Shares someone's private information"
    OFF_TOPIC = "off_topic", "Off topic for this feed"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved (hidden)"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    """A person asks the moderators to look at a post or a comment (exactly one). One open
    report per reporter and target."""

    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        FeedPost, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    note = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True
    )
    handled_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="feed_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(post__isnull=False, status="open"),
                name="uniq_feed_open_report_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(comment__isnull=False, status="open"),
                name="uniq_feed_open_report_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.status})"
