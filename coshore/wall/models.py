"""The coshoring wall: offers ("I do X") and needs ("we need Y") posted into a space, and the
private reply threads between a poster and each responder."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coshore.core.models import TimeStamped

USER = settings.AUTH_USER_MODEL


class PostKind(models.TextChoices):
    OFFER = "offer", "Offer"
    NEED = "need", "Need"


class PostVisibility(models.TextChoices):
    SPACE = "space", "Members of the space"
    NETWORK = "network", "Members of the space's networks"
    PUBLIC = "public", "Everyone"


class Locality(models.TextChoices):
    ON_SITE = "on_site", "On site"
    REMOTE = "remote", "Remote"
    HYBRID = "hybrid", "Hybrid"


class RateUnit(models.TextChoices):
    HOUR = "hour", "per hour"
    DAY = "day", "per day"
    PROJECT = "project", "per project"


class PostStatus(models.TextChoices):
    OPEN = "open", "Open"
    FULFILLED = "fulfilled", "Fulfilled"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Post(TimeStamped):
    """A wall post. It belongs to one space (its poster is a member there) and is seen by that
    space, by the space's networks or by everyone, as its `visibility` says."""

    kind = models.CharField(max_length=8, choices=PostKind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=10_000)
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="wall_posts")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wall_posts",
        help_text="Posted on behalf of this organisation",
    )
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="wall_posts")
    visibility = models.CharField(
        max_length=8, choices=PostVisibility.choices, default=PostVisibility.NETWORK
    )
    skills = models.ManyToManyField("skills.Skill", through="PostSkill", related_name="+")
    currency = models.CharField(max_length=3, blank=True)
    budget_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    rate_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    rate_unit = models.CharField(max_length=8, choices=RateUnit.choices, blank=True)
    deadline = models.DateField(null=True, blank=True, help_text="Needs: wanted by")
    available_from = models.DateField(null=True, blank=True, help_text="Offers: available from")
    locality = models.CharField(max_length=8, choices=Locality.choices, default=Locality.ON_SITE)
    tz_name = models.CharField(max_length=64, blank=True, help_text="IANA zone of the window")
    tz_earliest = models.PositiveSmallIntegerField(null=True, blank=True)
    tz_latest = models.PositiveSmallIntegerField(null=True, blank=True)
    # ISO 639-1 codes between commas (",en,fr,"), so one `contains` filter works on both
    # databases; read them through `language_list`.
    languages = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=PostStatus.choices, default=PostStatus.OPEN, db_index=True
    )
    expires_at = models.DateTimeField()
    fresh_at = models.DateTimeField(help_text="Posted or last renewed: the wall's order")
    closed_at = models.DateTimeField(null=True, blank=True)
    # Folded title and text, for accent-insensitive search on both databases.
    search_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-fresh_at", "-id"]
        indexes = [
            models.Index(fields=["space", "status", "-fresh_at"], name="wall_post_space_fresh"),
            models.Index(fields=["status", "-fresh_at"], name="wall_post_fresh"),
            models.Index(fields=["author", "-fresh_at"], name="wall_post_author"),
            # The matching index syncs what changed (or expired) since its last look.
            models.Index(fields=["updated_at"], name="wall_post_changed"),
            models.Index(fields=["expires_at"], name="wall_post_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="wall_post_budget_range",
            ),
            models.CheckConstraint(
                condition=(Q(tz_earliest__isnull=True) | Q(tz_earliest__lte=23))
                & (Q(tz_latest__isnull=True) | Q(tz_latest__lte=24)),
                name="wall_post_window_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def is_open(self) -> bool:
        return self.status == PostStatus.OPEN

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        """Open and not expired: shown on the walls."""
        return self.is_open and not self.is_expired


class PostSkill(models.Model):
    """An ESCO skill of a post, in the order given; `suggested` when taken from the text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey("skills.Skill", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    suggested = models.BooleanField(default=False)

    class Meta:
        ordering = ["post_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "skill"], name="uniq_post_skill")]
        indexes = [models.Index(fields=["skill", "post"], name="wall_postskill_skill")]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.skill_id}"


class WallScreen(TimeStamped):
    """A space's wall screen, enabled by its managers: the secret in the screen's URL lets a
    display show the space's `network` and `space` posts without a login."""

    space = models.OneToOneField("spaces.Space", on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=64, unique=True)
    enabled_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Screen of {self.space_id}"


class ReplyThread(TimeStamped):
    """A private conversation about a post between its poster and one responder."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="threads")
    responder = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="wall_threads")
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "responder"], name="uniq_wall_thread")
        ]
        indexes = [models.Index(fields=["responder", "-last_message_at"], name="wall_thread_resp")]

    def __str__(self) -> str:
        return f"Thread {self.pk} on {self.post_id}"


class ReplyMessage(models.Model):
    thread = models.ForeignKey(ReplyThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.thread_id}"


class Introduction(TimeStamped):
    """A community manager of `space` introduces two people (about a post, or not)."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    introducer = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="introductions"
    )
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first=models.F("second")), name="introduction_two_people"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_id} meets {self.second_id} by {self.introducer_id}"


class PostEmbedding(models.Model):
    """A post's MiniLM embedding (title and text), int8-quantised with its scale
    (`matching.codec`); `text_hash` tells a stale one (the post was edited since)."""

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.CASCADE, related_name="embedding"
    )
    vector = models.BinaryField()
    text_hash = models.CharField(max_length=32)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"Embedding of post {self.post_id}"


class ProfileEmbedding(models.Model):
    """A member profile's MiniLM embedding (headline, bio and skill labels), kept by the wall
    (accounts knows nothing of the wall): computed by `coshore embed-wall` and, for a member
    asking for their matches, on demand."""

    user = models.OneToOneField(
        USER, primary_key=True, on_delete=models.CASCADE, related_name="wall_embedding"
    )
    vector = models.BinaryField()
    text_hash = models.CharField(max_length=32)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"Embedding of profile {self.user_id}"
