"""space_standing answers can_manage_space and is_space_member together, for every kind of
person, and agrees with them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.selectors import can_manage_space, is_space_member, space_standing

from .factories import NetworkRoleFactory, NetworkSpaceFactory, SpaceFactory, SpaceRoleFactory

pytestmark = pytest.mark.django_db


def test_standing_matches_the_two_predicates_for_everyone(make_user: Any) -> None:
    space = SpaceFactory()
    elsewhere = SpaceFactory()
    link = NetworkSpaceFactory(space=space)
    people = {
        "member": make_user(),
        "manager": make_user(),
        "operator": make_user(),
        "staff": make_user(staff=True),
        "member elsewhere": make_user(),
        "manager elsewhere": make_user(),
        "nobody": make_user(),
    }
    SpaceRoleFactory(space=space, user=people["member"], role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=space, user=people["manager"], role=SpaceRoleKind.MANAGER)
    NetworkRoleFactory(network=link.network, user=people["operator"])
    SpaceRoleFactory(space=elsewhere, user=people["member elsewhere"], role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=elsewhere, user=people["manager elsewhere"], role=SpaceRoleKind.MANAGER)
    expected = {
        "member": (False, True),
        "manager": (True, True),
        "operator": (True, False),
        "staff": (True, False),
        "member elsewhere": (False, False),
        "manager elsewhere": (False, False),
        "nobody": (False, False),
    }
    for name, user in people.items():
        standing = space_standing(user, space)
        assert (standing.manages, standing.belongs) == expected[name], name
        assert standing.manages == can_manage_space(user, space), name
        assert standing.belongs == is_space_member(user, space), name
    anonymous = space_standing(AnonymousUser(), space)
    assert (anonymous.manages, anonymous.belongs) == (False, False)


def test_standing_is_one_query(make_user: Any, django_assert_num_queries: Any) -> None:
    space = SpaceFactory()
    user = make_user()
    SpaceRoleFactory(space=space, user=user, role=SpaceRoleKind.MEMBER)
    with django_assert_num_queries(1):
        space_standing(user, space)
