"""Bookable resources of a space and the bookings made on them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from coshore.spaces.models import Space


class ResourceKind(models.TextChoices):
    DESK = "desk", "Desk"
    DESK_POOL = "desk_pool", "Desk pool"
    ROOM = "room", "Meeting room"
    EVENT_HALL = "event_hall", "Event hall"
    MACHINE = "machine", "Machine"


class Resource(models.Model):
    """Something of a space that people book by the hour: a desk, a pool of desks, a room."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ResourceKind.choices)
    seats = models.PositiveIntegerField(default=1, help_text="pool size; 1 for other kinds")
    capacity = models.PositiveIntegerField(default=1, help_text="people it holds")
    price_per_hour = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_per_day = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    min_minutes = models.PositiveIntegerField(default=30)
    max_minutes = models.PositiveIntegerField(default=600)
    horizon_days = models.PositiveIntegerField(default=90, help_text="how far ahead one books")
    buffer_minutes = models.PositiveIntegerField(
        default=0, help_text="kept free after each booking"
    )
    requires_approval = models.BooleanField(default=False)
    description = models.CharField(max_length=1000, blank=True)
    credits_per_hour = models.PositiveIntegerField(
        default=0, help_text="credits a booking spends per started hour; 0 = none"
    )
    free_cancel_hours = models.PositiveIntegerField(
        default=24, help_text="cancelling at least this long before the start refunds in full"
    )
    schedule = models.CharField(
        max_length=500, blank=True, help_text="own bookable hours (OSM opening_hours syntax)"
    )
    weekly_schedule = models.CharField(
        max_length=2000, blank=True, help_text="compact weekly copy of `schedule`"
    )
    requires_training = models.BooleanField(default=False)
    allowed_plans = models.ManyToManyField(
        "memberships.Plan",
        blank=True,
        related_name="resources",
        help_text="only holders of these plans book it; empty = anyone covered",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["space", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="resource_seats_positive"),
            models.CheckConstraint(
                condition=Q(min_minutes__gte=1) & Q(max_minutes__gte=F("min_minutes")),
                name="resource_duration_bounds_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    """A person holds the training a machine requires; recorded by a manager of its space."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="trainings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "granted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="uniq_training"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} trained on {self.resource_id}"


class SeriesMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "All or nothing"
    SKIP_CONFLICTS = "skip_conflicts", "Skip conflicts"


class BookingSeries(models.Model):
    """Weekly recurring bookings made in one go: same local time, same weekday."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="series")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_series"
    )
    weeks = models.PositiveIntegerField()
    mode = models.CharField(max_length=16, choices=SeriesMode.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "booking series"

    def __str__(self) -> str:
        return f"{self.weeks} weeks of {self.resource_id} ({self.mode})"


class Cover(models.TextChoices):
    """What pays for, or entitles, a booking."""

    MANAGER = "manager", "Booked by a manager"
    MEMBERSHIP = "membership", "Included for members"
    UNLIMITED_DESK = "unlimited_desk", "Unlimited hot desk"
    ROOM_HOURS = "room_hours", "Room hours of the plan"
    CREDITS = "credits", "Credits"
    DAY_PASS = "day_pass", "Day pass"
    NETWORK_PASS = "network_pass", "Network pass"
    OVERAGE = "overage", "Priced, due at the desk"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


# Bookings in these states hold their seat; on PostgreSQL an exclusion constraint
# (migration 0002, ADR 0004) forbids two of them overlapping on one seat.
ACTIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class Booking(models.Model):
    """One seat of a resource held by one person from `starts_at` to `ends_at`.

    `blocked_until` is `ends_at` plus the resource's buffer: the seat stays taken until then.
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    seat = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField()
    status = models.CharField(max_length=16, choices=BookingStatus.choices)
    cover = models.CharField(max_length=16, choices=Cover.choices, blank=True)
    credits = models.PositiveIntegerField(default=0, help_text="credits it spent")
    room_minutes = models.PositiveIntegerField(default=0, help_text="plan room minutes it used")
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="overage price"
    )
    currency = models.CharField(max_length=3, blank=True)
    series = models.ForeignKey(
        BookingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="a request not answered by then expires"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="booking_resource_start"),
            models.Index(fields=["user", "starts_at"], name="booking_user_start"),
            models.Index(fields=["status", "expires_at"], name="booking_status_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")), name="booking_blocked_after_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}#{self.seat} {self.starts_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def status_at(self, now: datetime) -> str:
        """The status as people should see it: a request past its expiry is `expired` even
        before the expiry job has written that down."""
        if (
            self.status == BookingStatus.REQUESTED
            and self.expires_at is not None
            and self.expires_at <= now
        ):
            return BookingStatus.EXPIRED
        return self.status


class CheckInMethod(models.TextChoices):
    BUTTON = "button", "Button"
    QR = "qr", "QR code"
    MANAGER = "manager", "By a manager"


class CheckIn(models.Model):
    """A person is in a space from `checked_in_at` until `checked_out_at` (open while null)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_ins"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="check_ins")
    method = models.CharField(max_length=16, choices=CheckInMethod.choices)
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["space", "checked_out_at"], name="checkin_space_open"),
            models.Index(fields=["user", "checked_in_at"], name="checkin_user_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "space"],
                condition=Q(checked_out_at__isnull=True),
                name="uniq_open_checkin",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=F("checked_in_at")),
                name="checkin_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id} at {self.checked_in_at:%Y-%m-%d %H:%M}"


class FeedToken(models.Model):
    """The secret of a private calendar feed URL: a person's bookings (no resource) or the
    bookings of one resource (for its space's managers). Resetting makes a new secret."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(resource__isnull=True), name="uniq_member_feed"
            ),
            models.UniqueConstraint(
                fields=["user", "resource"],
                condition=Q(resource__isnull=False),
                name="uniq_resource_feed",
            ),
        ]

    def __str__(self) -> str:
        return f"feed of {self.user_id} ({self.resource_id or 'own bookings'})"
