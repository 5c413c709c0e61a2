"""Reads about spaces and networks, already scoped to the caller."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Network, NetworkRole, NetworkSpace, Space, SpaceRole, SpaceRoleKind


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def space_ids_of_user(user: Any) -> QuerySet[SpaceRole, int]:
    """Ids of the spaces where `user` is a member or a manager (a subquery, not evaluated)."""
    if not _authenticated(user):
        return SpaceRole.objects.none().values_list("space_id", flat=True)
    return SpaceRole.objects.filter(user_id=user.pk).values_list("space_id", flat=True)


def network_ids_of_user(user: Any) -> QuerySet[NetworkSpace, int]:
    """Ids of the networks `user` belongs to: through a space of theirs, or as an operator."""
    if not _authenticated(user):
        return NetworkSpace.objects.none().values_list("network_id", flat=True)
    through_spaces = NetworkSpace.objects.filter(space_id__in=space_ids_of_user(user)).values_list(
        "network_id", flat=True
    )
    operated = NetworkRole.objects.filter(user_id=user.pk).values_list("network_id", flat=True)
    return through_spaces.union(operated)  # type: ignore[return-value]


def is_space_manager(user: Any, space: Space) -> bool:
    if not _authenticated(user):
        return False
    return SpaceRole.objects.filter(
        user_id=user.pk, space_id=space.pk, role=SpaceRoleKind.MANAGER
    ).exists()


def is_space_member(user: Any, space: Space) -> bool:
    """Member or manager of the space."""
    if not _authenticated(user):
        return False
    return SpaceRole.objects.filter(user_id=user.pk, space_id=space.pk).exists()


def is_network_operator(user: Any, network: Network) -> bool:
    if not _authenticated(user):
        return False
    return NetworkRole.objects.filter(user_id=user.pk, network_id=network.pk).exists()


def can_manage_space(user: Any, space: Space) -> bool:
    """Staff, the space's managers, and the operators of a network the space belongs to."""
    if not _authenticated(user):
        return False
    if user.is_staff:
        return True
    if is_space_manager(user, space):
        return True
    return NetworkRole.objects.filter(
        user_id=user.pk, network__memberships__space_id=space.pk
    ).exists()


def can_operate_network(user: Any, network: Network) -> bool:
    return _authenticated(user) and (user.is_staff or is_network_operator(user, network))
