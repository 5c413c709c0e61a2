"""Reads about plans, memberships, credits and day passes, already scoped to the caller."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet, Sum

from coshore.spaces.models import Space

from .errors import PlanNotFound
from .models import CreditEntry, DayPass, Membership, Plan

MAX_ID = 2**63 - 1


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def list_active_plans(*, space: Space) -> QuerySet[Plan]:
    """The plans a space sells now: public to anyone who may see the space."""
    return Plan.objects.filter(space=space, is_active=True).order_by("kind", "price", "name", "id")


def get_plan_of_space(*, space: Space, plan_id: int) -> Plan:
    """A plan of this space; a plan of another space is not found."""
    plan = (
        Plan.objects.filter(pk=plan_id, space=space).first()
        if isinstance(plan_id, int) and 1 <= plan_id <= MAX_ID
        else None
    )
    if plan is None:
        raise PlanNotFound("No such plan in this space.", detail={"plan": plan_id})
    return plan


def list_memberships_of_user(*, user: Any) -> QuerySet[Membership]:
    if not _authenticated(user):
        return Membership.objects.none()
    return Membership.objects.filter(user_id=user.pk).select_related("space", "plan")


def credit_balance(*, user: Any, space: Space) -> int:
    """A person's credits in a space: the sum of their ledger entries there."""
    if not _authenticated(user):
        return 0
    total = CreditEntry.objects.filter(user_id=user.pk, space_id=space.pk).aggregate(
        total=Sum("delta")
    )["total"]
    return int(total or 0)


def list_credit_entries(*, user: Any, space: Space) -> QuerySet[CreditEntry]:
    if not _authenticated(user):
        return CreditEntry.objects.none()
    return CreditEntry.objects.filter(user_id=user.pk, space_id=space.pk).order_by(
        "created_at", "id"
    )


def list_day_passes_of_user(*, user: Any) -> QuerySet[DayPass]:
    if not _authenticated(user):
        return DayPass.objects.none()
    return DayPass.objects.filter(user_id=user.pk).select_related("space").order_by("date", "id")


def has_day_pass(*, user: Any, space: Space, day: date) -> bool:
    """Whether `user` holds a day pass for `space` on `day`."""
    if not _authenticated(user):
        return False
    return DayPass.objects.filter(user_id=user.pk, space_id=space.pk, date=day).exists()


def get_active_membership(*, user: Any, space: Space, day: date) -> Membership | None:
    """The membership `user` holds in `space` on `day` (its plan selected), if any."""
    if not _authenticated(user):
        return None
    return (
        Membership.objects.select_related("plan")
        .filter(user_id=user.pk, space_id=space.pk, status="active", starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .first()
    )


def get_day_pass(*, user: Any, space: Space, day: date) -> DayPass | None:
    if not _authenticated(user):
        return None
    return DayPass.objects.filter(user_id=user.pk, space_id=space.pk, date=day).first()
