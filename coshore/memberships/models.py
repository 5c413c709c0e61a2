"""Plans of a space, memberships, the credit ledger, day passes and recorded payments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coshore.spaces.models import Space


class PlanKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly membership"
    DAY_PASS = "day_pass", "Day pass"
    CREDIT_PACK = "credit_pack", "Credit pack"


class Plan(models.Model):
    """What a space sells: a monthly membership, a day pass or a pack of credits."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=PlanKind.choices)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    credits_included = models.PositiveIntegerField(
        default=0, help_text="credits granted (monthly membership, credit pack)"
    )
    unlimited_desk = models.BooleanField(default=False, help_text="monthly: hot desk any day")
    room_hours_included = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["space", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="plan_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELLED = "cancelled", "Cancelled"


class Membership(models.Model):
    """A person holds a plan of a space from `starts_on` (until `ends_on`, when set)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="plan_memberships")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["user", "space"], name="membership_user_space")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "space"],
                condition=Q(status="active"),
                name="uniq_active_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on plan {self.plan_id} ({self.status})"


class CreditReason(models.TextChoices):
    GRANT = "grant", "Granted by a plan"
    PURCHASE = "purchase", "Bought"
    BOOKING = "booking", "Spent on a booking"
    REFUND = "refund", "Refunded"
    ADJUSTMENT = "adjustment", "Adjusted by a manager"


class CreditEntry(models.Model):
    """One line of a person's credit ledger in a space. Append-only: the balance is the sum."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_entries"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="credit_entries")
    delta = models.IntegerField()
    reason = models.CharField(max_length=16, choices=CreditReason.choices)
    booking_id = models.BigIntegerField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "credit entries"
        indexes = [models.Index(fields=["user", "space"], name="credit_entry_user_space")]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="credit_entry_delta_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.delta:+d} ({self.reason})"


class DayPass(models.Model):
    """A visitor may work in the space on `date`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="day_passes"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="day_passes")
    date = models.DateField()
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="day_passes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "space", "date"], name="uniq_day_pass"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.space_id} on {self.date}"


class PaymentStatus(models.TextChoices):
    DUE_AT_DESK = "due_at_desk", "Due at the desk"
    PAID = "paid", "Paid"
    REFUNDED = "refunded", "Refunded"


class Payment(models.Model):
    """An amount owed or paid to a space. Append-only: nothing is ever lost from it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payments"
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=PaymentStatus.choices)
    description = models.CharField(max_length=200)
    booking_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["booking_id"], name="payment_booking")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.status})"
