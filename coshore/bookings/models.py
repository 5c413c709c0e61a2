"""Bookable resources of a space and the bookings made on them."""

from __future__ import annotations

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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="booking_resource_start"),
            models.Index(fields=["user", "starts_at"], name="booking_user_start"),
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
