"""Demo resources, plans, memberships and bookings for the spaces the demo people use.

Called by `coshore load-demo` after the spaces, networks and people exist. Idempotent: it
creates what is missing and books only when a demo member has no upcoming booking yet.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from coshore.core.errors import DomainError
from coshore.memberships import services as membership_services
from coshore.memberships.models import Membership, MembershipStatus, Plan, PlanKind
from coshore.spaces.models import NetworkSpace, Space, SpaceRole, SpaceRoleKind
from coshore.spaces.selectors import space_zone

from . import services
from .models import Booking, Resource, ResourceKind, Training

RESOURCES: list[dict[str, Any]] = [
    {
        "name": "Open space",
        "kind": ResourceKind.DESK_POOL,
        "seats": 12,
        "capacity": 12,
        "price_per_day": Decimal("25.00"),
        "max_minutes": 720,
        "description": "Hot desks by the windows, first come first served.",
    },
    {
        "name": "Focus desk",
        "kind": ResourceKind.DESK,
        "price_per_hour": Decimal("4.00"),
        "price_per_day": Decimal("25.00"),
        "max_minutes": 720,
        "description": "A quiet desk with a large screen.",
    },
    {
        "name": "Salle Ada Lovelace",
        "kind": ResourceKind.ROOM,
        "capacity": 8,
        "credits_per_hour": 2,
        "price_per_hour": Decimal("30.00"),
        "price_per_day": Decimal("180.00"),
        "buffer_minutes": 15,
        "description": "Meeting room for 8, screen and whiteboard.",
    },
    {
        "name": "Salle Grace Hopper",
        "kind": ResourceKind.EVENT_HALL,
        "capacity": 60,
        "credits_per_hour": 6,
        "price_per_hour": Decimal("90.00"),
        "requires_approval": True,
        "max_minutes": 720,
        "buffer_minutes": 30,
        "free_cancel_hours": 72,
        "description": "Event hall for talks and workshops; the team confirms each request.",
    },
]
MACHINE: dict[str, Any] = {
    "name": "Laser cutter",
    "kind": ResourceKind.MACHINE,
    "credits_per_hour": 3,
    "requires_training": True,
    "max_minutes": 180,
    "schedule": "Mo-Fr 10:00-18:00",
    "description": "Trotec laser cutter, 60 x 30 cm. A training with the team is required.",
}
PLANS: list[dict[str, Any]] = [
    {
        "name": "Resident",
        "kind": PlanKind.MONTHLY,
        "price": Decimal("290.00"),
        "credits_included": 10,
        "unlimited_desk": True,
        "room_hours_included": 4,
    },
    {"name": "Flex", "kind": PlanKind.MONTHLY, "price": Decimal("120.00"), "credits_included": 20},
    {"name": "Day pass", "kind": PlanKind.DAY_PASS, "price": Decimal("25.00")},
    {
        "name": "10 credits",
        "kind": PlanKind.CREDIT_PACK,
        "price": Decimal("45.00"),
        "credits_included": 10,
    },
]


def demo_spaces() -> list[Space]:
    """Spaces where demo people are, plus every space of the visa network (pass hosts)."""
    ids = set(
        SpaceRole.objects.filter(user__email__endswith="@coshore.demo").values_list(
            "space_id", flat=True
        )
    )
    ids |= set(
        NetworkSpace.objects.filter(network__slug="coshore-visa-france").values_list(
            "space_id", flat=True
        )
    )
    return list(Space.objects.filter(pk__in=ids).order_by("pk"))


def load_bookings_demo() -> dict[str, int]:
    counts = {"resources": 0, "plans": 0, "memberships": 0, "bookings": 0}
    for space in demo_spaces():
        specs = [*RESOURCES, MACHINE] if space.source_ref == "osm:node/508597067" else RESOURCES
        for spec in specs:
            _, created = Resource.objects.get_or_create(
                space=space, name=spec["name"], defaults=spec
            )
            counts["resources"] += created
        for spec in PLANS:
            _, created = Plan.objects.get_or_create(space=space, name=spec["name"], defaults=spec)
            counts["plans"] += created
        manager = (
            SpaceRole.objects.filter(space=space, role=SpaceRoleKind.MANAGER)
            .select_related("user")
            .first()
        )
        if manager is None:
            continue
        resident = Plan.objects.get(space=space, name="Resident")
        members = (
            SpaceRole.objects.filter(
                space=space, role=SpaceRoleKind.MEMBER, user__email__endswith="@coshore.demo"
            )
            .exclude(user=manager.user)
            .select_related("user")
        )
        for role in members:
            if not Membership.objects.filter(
                user=role.user, space=space, status=MembershipStatus.ACTIVE
            ).exists():
                membership_services.add_membership(
                    actor=manager.user, space=space, email=role.user.email, plan=resident
                )
                counts["memberships"] += 1
            counts["bookings"] += _demo_bookings(space, role.user, manager.user)
    return counts


def _demo_bookings(space: Space, user: Any, manager: Any) -> int:
    """A few upcoming bookings for a member who has none: desks this week, a room next week."""
    now = timezone.now()
    if Booking.objects.filter(user=user, ends_at__gt=now).exists():
        return 0
    machine = Resource.objects.filter(space=space, kind=ResourceKind.MACHINE).first()
    if machine is not None and not Training.objects.filter(resource=machine, user=user).exists():
        services.grant_training(actor=manager, resource=machine, email=user.email)
    zone = space_zone(space)
    today = now.astimezone(zone).date()
    plan = [
        ("Open space", 1, time(9), time(17)),
        ("Open space", 2, time(9), time(13)),
        ("Salle Ada Lovelace", 7, time(10), time(11, 30)),
        ("Laser cutter", 3, time(14), time(16)),
    ]
    made = 0
    for name, days, start, end in plan:
        resource = Resource.objects.filter(Q(space=space) & Q(name=name)).first()
        if resource is None:
            continue
        day = today + timedelta(days=days)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        try:
            services.book_resource(
                actor=user,
                resource=resource,
                starts_at=datetime.combine(day, start, tzinfo=zone),
                ends_at=datetime.combine(day, end, tzinfo=zone),
            )
            made += 1
        except DomainError:
            continue  # closed that day, or taken: the demo does without
    return made
