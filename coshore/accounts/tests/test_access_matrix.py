"""Who sees whose profile: the gate as a matrix, through the selector and through the API.

The world: network "north" holds spaces A and B, network "south" holds space C. Every profile
owner is a member of space A. Viewers stand in different places around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from coshore.accounts.errors import ProfileNotFound
from coshore.accounts.models import User
from coshore.accounts.selectors import (
    can_see_profile,
    get_profile_for_user,
    list_profiles_visible_to,
)
from coshore.accounts.services import create_token
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

# What each viewer gets for a profile of each visibility (owner did NOT opt in to scouting).
#                                        private space  network public
MATRIX: dict[str, tuple[str, ...]] = {
    "anonymous":                        ("404", "404", "404", "200"),
    "self":                             ("200", "200", "200", "200"),
    "member of the same space":         ("404", "200", "200", "200"),
    "manager of the same space":        ("404", "200", "200", "200"),
    "member of another space, same network": ("404", "404", "200", "200"),
    "manager of another space, same network": ("404", "404", "200", "200"),
    "member of a space in another network": ("404", "404", "404", "200"),
    "manager of a space in another network": ("404", "404", "404", "200"),
    "operator of the owner's network":  ("404", "404", "200", "200"),
    "operator of another network":      ("404", "404", "404", "200"),
    "staff":                            ("200", "200", "200", "200"),
    "organisation person":              ("404", "404", "404", "200"),
    "account with no roles":            ("404", "404", "404", "200"),
}  # fmt: skip

# The same when the owner opted in to talent scouting: only organisation people gain sight,
# and never of a private profile.
MATRIX_SCOUTING = {
    **MATRIX,
    "organisation person": ("404", "200", "200", "200"),
}


@dataclass
class World:
    viewers: dict[str, User | AnonymousUser]
    owners: dict[tuple[str, bool], User]


def _build_world() -> World:
    north, south = NetworkFactory(slug="north"), NetworkFactory(slug="south")
    space_a, space_b, space_c = (
        SpaceFactory(slug="a"),
        SpaceFactory(slug="b"),
        SpaceFactory(slug="c"),
    )
    NetworkSpaceFactory(network=north, space=space_a)
    NetworkSpaceFactory(network=north, space=space_b)
    NetworkSpaceFactory(network=south, space=space_c)

    def member_of(space: Any, role: str = "member") -> User:
        user = UserFactory()
        SpaceRoleFactory(space=space, user=user, role=role)
        return user

    owners: dict[tuple[str, bool], User] = {}
    for visibility in VISIBILITIES:
        for scouting in (False, True):
            owner = member_of(space_a)
            ProfileFactory(user=owner, visibility=visibility, scouting_opt_in=scouting)
            owners[(visibility, scouting)] = owner

    operator_north, operator_south = UserFactory(), UserFactory()
    NetworkRoleFactory(network=north, user=operator_north)
    NetworkRoleFactory(network=south, user=operator_south)
    org_person = UserFactory()
    OrganisationMemberFactory(user=org_person)

    viewers: dict[str, User | AnonymousUser] = {
        "anonymous": AnonymousUser(),
        "member of the same space": member_of(space_a),
        "manager of the same space": member_of(space_a, "manager"),
        "member of another space, same network": member_of(space_b),
        "manager of another space, same network": member_of(space_b, "manager"),
        "member of a space in another network": member_of(space_c),
        "manager of a space in another network": member_of(space_c, "manager"),
        "operator of the owner's network": operator_north,
        "operator of another network": operator_south,
        "staff": UserFactory(is_staff=True),
        "organisation person": org_person,
        "account with no roles": UserFactory(),
    }
    return World(viewers=viewers, owners=owners)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at its end; each
    test still runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _cases() -> list[Any]:
    cases = []
    for scouting, table in ((False, MATRIX), (True, MATRIX_SCOUTING)):
        for viewer, row in table.items():
            for visibility, expected in zip(VISIBILITIES, row, strict=True):
                cases.append(
                    pytest.param(
                        viewer,
                        visibility,
                        scouting,
                        expected,
                        id=f"{viewer} / {visibility}{' + scouting' if scouting else ''}",
                    )
                )
    return cases


def _viewer(world: World, name: str, visibility: str, scouting: bool) -> User | AnonymousUser:
    if name == "self":
        return world.owners[(visibility, scouting)]
    return world.viewers[name]


@pytest.mark.parametrize("viewer_name, visibility, scouting, expected", _cases())
def test_profile_gate_through_the_selector(
    world: World, viewer_name: str, visibility: str, scouting: bool, expected: str
) -> None:
    owner = world.owners[(visibility, scouting)]
    viewer = _viewer(world, viewer_name, visibility, scouting)

    if expected == "200":
        assert get_profile_for_user(viewer=viewer, user_id=owner.pk).user_id == owner.pk
        assert can_see_profile(viewer, owner.profile)
    else:
        with pytest.raises(ProfileNotFound):
            get_profile_for_user(viewer=viewer, user_id=owner.pk)
        assert not can_see_profile(viewer, owner.profile)


@pytest.mark.parametrize("viewer_name, visibility, scouting, expected", _cases())
def test_profile_gate_through_the_api(
    world: World, viewer_name: str, visibility: str, scouting: bool, expected: str
) -> None:
    owner = world.owners[(visibility, scouting)]
    viewer = _viewer(world, viewer_name, visibility, scouting)
    headers = {}
    if isinstance(viewer, User):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {create_token(user=viewer, name='t').plaintext}"

    response = Client().get(f"/api/v1/profiles/{owner.pk}", **headers)

    assert str(response.status_code) == expected
    if expected == "200":
        assert response.json()["user_id"] == owner.pk
    else:
        assert response.json() == {
            "code": "profile.not_found",
            "message": "No such profile.",
            "detail": {},
        }


def _expected_owner_ids(world: World, viewer_name: str) -> set[int]:
    ids = set()
    for (visibility, scouting), owner in world.owners.items():
        table = MATRIX_SCOUTING if scouting else MATRIX
        if table[viewer_name][VISIBILITIES.index(visibility)] == "200":
            ids.add(owner.pk)
    return ids


@pytest.mark.parametrize("viewer_name", [v for v in MATRIX if v != "self"])
def test_profile_lists_hold_exactly_what_the_gate_allows(world: World, viewer_name: str) -> None:
    viewer = world.viewers[viewer_name]
    owner_ids = {u.pk for u in world.owners.values()}
    expected = _expected_owner_ids(world, viewer_name)

    listed = set(list_profiles_visible_to(viewer).values_list("user_id", flat=True))
    assert listed & owner_ids == expected

    headers = {}
    if isinstance(viewer, User):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {create_token(user=viewer, name='t').plaintext}"
    response = Client().get("/api/v1/profiles?space=a&limit=200", **headers)
    assert response.status_code == 200
    assert {p["user_id"] for p in response.json()["items"]} & owner_ids == expected


def test_selector_is_one_query_whatever_the_viewer(
    world: World, django_assert_num_queries: Any
) -> None:
    for viewer in world.viewers.values():
        with django_assert_num_queries(1):
            list(list_profiles_visible_to(viewer).values_list("pk", flat=True))


def test_deactivated_accounts_are_seen_by_staff_only(world: World) -> None:
    owner = world.owners[("public", False)]
    User.objects.filter(pk=owner.pk).update(is_active=False)

    with pytest.raises(ProfileNotFound):
        get_profile_for_user(viewer=AnonymousUser(), user_id=owner.pk)
    with pytest.raises(ProfileNotFound):
        get_profile_for_user(viewer=world.viewers["member of the same space"], user_id=owner.pk)
    assert get_profile_for_user(viewer=world.viewers["staff"], user_id=owner.pk)


def test_missing_and_hidden_profiles_look_the_same(world: World) -> None:
    hidden = world.owners[("private", False)]
    missing = Client().get("/api/v1/profiles/999999")
    forbidden = Client().get(f"/api/v1/profiles/{hidden.pk}")
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()
