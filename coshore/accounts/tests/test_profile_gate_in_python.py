"""`profile_visible` (the profile gate applied in Python to facts a caller holds) gives exactly
what `list_profiles_visible_to` (the gate in SQL) gives, for every viewer of a random world:
owners of every visibility, active or not, opted in to scouting or not, in zero to two spaces
of several networks, some operating a network; viewers anonymous, staff, members, managers,
operators and organisation people."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from coshore.accounts.models import Profile
from coshore.accounts.selectors import (
    ProfileAudience,
    ProfileFacts,
    list_profiles_visible_to,
    networks_operated_by,
    profile_audience,
    profile_visible,
)
from coshore.spaces.models import NetworkSpace, SpaceRole
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkRoleFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

from .factories import OrganisationMemberFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

VISIBILITIES = ("private", "space", "network", "public")


def _facts(user_ids: list[int]) -> dict[int, ProfileFacts]:
    """Each owner's facts, read the way a caller holding them would have read them."""
    spaces: dict[int, set[int]] = {u: set() for u in user_ids}
    for user_id, space_id in SpaceRole.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "space_id"
    ):
        spaces[user_id].add(space_id)
    networks_of_space: dict[int, set[int]] = {}
    for space_id, network_id in NetworkSpace.objects.values_list("space_id", "network_id"):
        networks_of_space.setdefault(space_id, set()).add(network_id)
    operated = networks_operated_by(user_ids)
    out = {}
    for user_id, visibility, active, scouting in Profile.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "visibility", "user__is_active", "scouting_opt_in"):
        nets = {n for s in spaces[user_id] for n in networks_of_space.get(s, ())}
        out[user_id] = ProfileFacts(
            user_id=user_id,
            visibility=visibility,
            is_active=active,
            scouting_opt_in=scouting,
            space_ids=frozenset(spaces[user_id]),
            network_ids=frozenset(nets | operated.get(user_id, set())),
        )
    return out


def _random_world(seed: int) -> tuple[list[Any], list[int]]:
    rng = random.Random(seed)
    networks = [NetworkFactory() for _ in range(3)]
    spaces = [SpaceFactory() for _ in range(6)]
    for i, space in enumerate(spaces[:5]):  # the sixth space is in no network
        NetworkSpaceFactory(network=networks[i % 3], space=space)
    NetworkSpaceFactory(network=networks[0], space=spaces[4])  # a space in two networks

    def person(*, active: bool = True, staff: bool = False) -> Any:
        user = UserFactory(is_active=active, is_staff=staff)
        for space in rng.sample(spaces, rng.choice((0, 1, 1, 2))):
            SpaceRoleFactory(space=space, user=user, role=rng.choice(("member", "manager")))
        if rng.random() < 0.15:
            NetworkRoleFactory(network=rng.choice(networks), user=user)
        if rng.random() < 0.2:
            OrganisationMemberFactory(user=user)
        return user

    owners = []
    for _ in range(48):
        owner = person(active=rng.random() > 0.15)
        ProfileFactory(
            user=owner,
            visibility=rng.choice(VISIBILITIES),
            scouting_opt_in=rng.random() < 0.3,
        )
        owners.append(owner.pk)
    viewers: list[Any] = [AnonymousUser(), person(staff=True)]
    viewers += [person() for _ in range(20)]
    viewers += [
        Profile.objects.get(user_id=pk).user for pk in rng.sample(owners, 6)
    ]  # owners look at others and at themselves
    return viewers, owners


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_python_gate_equals_the_sql_gate_for_every_viewer(seed: int) -> None:
    viewers, owners = _random_world(seed)
    facts = _facts(owners)
    assert len(facts) == len(owners)
    seen_some = hidden_some = 0
    for viewer in viewers:
        audience = profile_audience(viewer)
        in_python = {u for u in owners if profile_visible(audience, facts[u])}
        in_sql = set(
            list_profiles_visible_to(viewer)
            .filter(user_id__in=owners)
            .values_list("user_id", flat=True)
        )
        assert in_python == in_sql, viewer
        seen_some += bool(in_python)
        hidden_some += len(in_python) < len(owners)
    assert seen_some and hidden_some  # the world is not trivial


def test_the_audience_of_a_viewer() -> None:
    north, south = NetworkFactory(), NetworkFactory()
    a, b = SpaceFactory(), SpaceFactory()
    NetworkSpaceFactory(network=north, space=a)
    viewer = UserFactory()
    SpaceRoleFactory(space=a, user=viewer)
    SpaceRoleFactory(space=b, user=viewer, role="manager")
    NetworkRoleFactory(network=south, user=viewer)
    assert profile_audience(viewer) == ProfileAudience(
        user_id=viewer.pk,
        space_ids=frozenset({a.pk, b.pk}),
        network_ids=frozenset({north.pk, south.pk}),
        in_organisation=False,
    )
    OrganisationMemberFactory(user=viewer)
    assert profile_audience(viewer).in_organisation
    assert profile_audience(AnonymousUser()) == ProfileAudience()
    staff = UserFactory(is_staff=True)
    assert profile_audience(staff) == ProfileAudience(user_id=staff.pk, is_staff=True)


def test_networks_operated_by() -> None:
    north, south = NetworkFactory(), NetworkFactory()
    one, two, none = UserFactory(), UserFactory(), UserFactory()
    NetworkRoleFactory(network=north, user=one)
    NetworkRoleFactory(network=south, user=one)
    NetworkRoleFactory(network=south, user=two)
    assert networks_operated_by([one.pk, two.pk, none.pk]) == {
        one.pk: {north.pk, south.pk},
        two.pk: {south.pk},
    }
    assert networks_operated_by([]) == {}
