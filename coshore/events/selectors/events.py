"""The event gate: who sees which event, as one filter on Event.

Hosts of an event: its owning space and its co-hosting spaces, or its owning network (then the
network's spaces host it). `public`: everyone. `network`: members and managers of any space of
a network a host belongs to (or of the owning network), and those networks' operators.
`space`: members and managers of the hosting spaces, the operators of their networks (for a
network's event, the network's members). Only published and cancelled events are listed to
the audience; a proposed or declined event is seen by whoever proposed it and by the hosts'
managers. Staff see everything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from coshore.spaces.models import NetworkRole, NetworkSpace, SpaceRole, SpaceRoleKind
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user

from ..errors import EventNotFound
from ..models import Event, EventCohost, EventStatus, EventVisibility

__all__ = [
    "MAX_ID",
    "can_manage_event",
    "get_event_for_user",
    "managed_events_q",
    "visible_events",
]

MAX_ID = 2**31 - 1
SHOWN = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _hosted_by(space_ids: Any) -> Q:
    """Events one of whose hosting spaces is in `space_ids` (a subquery)."""
    return (
        Q(space_id__in=space_ids)
        | Q(pk__in=EventCohost.objects.filter(space_id__in=space_ids).values("event_id"))
        | Q(
            space__isnull=True,
            network_id__in=NetworkSpace.objects.filter(space_id__in=space_ids).values("network_id"),
        )
    )


def managed_events_q(user: Any) -> Q | None:
    """Events `user` manages: a manager of a hosting space, an operator of the owning network
    or of a network of the owning space; None means all (staff)."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if user.is_staff:
        return None
    managed_spaces = SpaceRole.objects.filter(user_id=user.pk, role=SpaceRoleKind.MANAGER).values(
        "space_id"
    )
    operated = NetworkRole.objects.filter(user_id=user.pk).values("network_id")
    operated_spaces = NetworkSpace.objects.filter(network_id__in=operated).values("space_id")
    return (
        Q(space_id__in=managed_spaces)
        | Q(pk__in=EventCohost.objects.filter(space_id__in=managed_spaces).values("event_id"))
        | Q(space__isnull=True, network_id__in=operated)
        | Q(space_id__in=operated_spaces)
    )


def _audience(user: Any) -> Q | None:
    if not _authenticated(user):
        return Q(visibility=EventVisibility.PUBLIC, status__in=SHOWN)
    if user.is_staff:
        return None
    my_spaces = space_ids_of_user(user)
    my_networks = network_ids_of_user(user)
    operated = NetworkRole.objects.filter(user_id=user.pk).values("network_id")
    in_my_networks = Exists(
        NetworkSpace.objects.filter(
            Q(space_id=OuterRef("space_id"))
            | Q(
                space_id__in=EventCohost.objects.filter(event_id=OuterRef("pk")).values("space_id")
            ),
            network_id__in=my_networks,
        )
    ) | Q(space__isnull=True, network_id__in=my_networks)
    space_audience = _hosted_by(my_spaces) | _hosted_by(
        NetworkSpace.objects.filter(network_id__in=operated).values("space_id")
    )
    audience = (
        Q(visibility=EventVisibility.PUBLIC)
        | (Q(visibility=EventVisibility.NETWORK) & in_my_networks)
        | (Q(visibility=EventVisibility.SPACE) & space_audience)
        | Q(space__isnull=True, network_id__in=operated)
    )
    managed = managed_events_q(user)
    gate = (audience & Q(status__in=SHOWN)) | Q(created_by_id=user.pk)
    return gate | managed if managed is not None else gate


def visible_events(user: Any) -> QuerySet[Event]:
    """Every event `user` may see (any status they may see)."""
    gate = _audience(user)
    qs = Event.objects.all() if gate is None else Event.objects.filter(gate)
    return qs.distinct() if gate is not None else qs


def can_manage_event(user: Any, event: Event) -> bool:
    gate = managed_events_q(user)
    return gate is None or Event.objects.filter(gate, pk=event.pk).exists()


def get_event_for_user(*, user: Any, event_id: Any) -> Event:
    """The event if `user` may see it; EventNotFound (404) otherwise, unknown or hidden alike."""
    if isinstance(event_id, str) and event_id.isdigit() and len(event_id) <= 10:
        event_id = int(event_id)
    if not (
        isinstance(event_id, int) and not isinstance(event_id, bool) and 1 <= event_id <= MAX_ID
    ):
        raise EventNotFound("No such event.")
    try:
        return visible_events(user).select_related("space", "network", "room").get(pk=event_id)
    except Event.DoesNotExist:
        raise EventNotFound("No such event.") from None
