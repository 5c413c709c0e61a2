"""Network passes: the terms a network sets, its blackout dates, and members' pass requests.

A pass lets a member of one space of a network work for a day in another space of that
network (the host). An accepted pass holds a desk booking in the host space (`booking_id`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from coshore.spaces.models import Network, Space


def new_signing_key() -> str:
    """A fresh per-network secret for pass tokens (never shown, never exported)."""
    return secrets.token_urlsafe(32)


class PassTerms(models.Model):
    """What a network's operators set for passes; one row per network. Without it (or with
    `enabled` off) the network offers no passes."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="pass_terms")
    enabled = models.BooleanField(default=True)
    free_days_per_month = models.PositiveSmallIntegerField(
        default=3, help_text="days a member may visit other spaces of the network each month"
    )
    host_monthly_quota = models.PositiveIntegerField(
        default=20, help_text="visits each host space receives at most each month"
    )
    auto_accept = models.BooleanField(
        default=False, help_text="accept requests within the quotas without asking the host"
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=60, help_text="how many days ahead a member may ask for a pass"
    )
    signing_key = models.CharField(max_length=64, default=new_signing_key, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "pass terms"

    def __str__(self) -> str:
        return f"pass terms of {self.network_id}"


class Blackout(models.Model):
    """A date on which the network's passes are not valid: everywhere, or at one host only."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="pass_blackouts")
    date = models.DateField()
    host_space = models.ForeignKey(
        Space,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="only this host; empty = every space of the network",
    )
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["network", "date"], name="blackout_network_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "date"],
                condition=Q(host_space__isnull=True),
                name="uniq_network_blackout",
            ),
            models.UniqueConstraint(
                fields=["network", "date", "host_space"],
                condition=Q(host_space__isnull=False),
                name="uniq_host_blackout",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} closed to passes on {self.date}"


class PassStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


# Requests in these states count against the quotas and block a second request for the same
# host and day.
ACTIVE_PASS_STATUSES = (PassStatus.REQUESTED, PassStatus.ACCEPTED)


class PassRequest(models.Model):
    """A member of `home_space` asks to work in `host_space` (same network) on `date`, the
    host's local day. Accepted, it holds a desk booking there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pass_requests"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="pass_requests")
    home_space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="passes_out")
    host_space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="passes_in")
    date = models.DateField()
    status = models.CharField(
        max_length=16, choices=PassStatus.choices, default=PassStatus.REQUESTED
    )
    note = models.CharField(max_length=500, blank=True)
    booking_id = models.BigIntegerField(
        null=True, blank=True, help_text="the desk booking made when it was accepted"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            # the reciprocity ledger and the host quota: one network or host, one month
            models.Index(fields=["network", "date"], name="pass_network_date"),
            models.Index(fields=["host_space", "date"], name="pass_host_date"),
            # the member's free days in a network, one month
            models.Index(fields=["user", "network", "date"], name="pass_user_network_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "host_space", "date"],
                condition=Q(status__in=["requested", "accepted"]),
                name="uniq_active_pass",
            ),
            models.CheckConstraint(
                condition=~Q(home_space=F("host_space")), name="pass_host_is_not_home"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.home_space_id} → {self.host_space_id} on {self.date}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PASS_STATUSES
