"""Selectors: the access gates as a matrix, and where a member may go."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from coshore.core.errors import DomainError
from coshore.passes import selectors, services
from coshore.spaces.tests.factories import NetworkFactory, NetworkSpaceFactory, SpaceFactory

from .factories import PassTermsFactory

pytestmark = pytest.mark.django_db

SEES = {
    "anonymous": False,
    "member": True,
    "stranger": False,
    "host_manager": True,
    "home_manager": False,
    "other_manager": False,
    "operator": True,
    "staff": True,
}


def person(who: str, request: pytest.FixtureRequest, make_user: Any) -> Any:
    if who == "anonymous":
        return AnonymousUser()
    if who == "staff":
        return make_user(staff=True)
    return request.getfixturevalue(who)


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_who_sees_a_pass(
    who: str,
    sees: bool,
    member: Any,
    host: Any,
    terms: Any,
    visit_day: Any,
    request: pytest.FixtureRequest,
    make_user: Any,
) -> None:
    p = services.request_pass(actor=member, host_space=host, day=visit_day)
    user = person(who, request, make_user)
    if sees:
        assert selectors.get_pass_for_user(user=user, pass_id=p.pk) == p
    else:
        with pytest.raises(DomainError) as info:
            selectors.get_pass_for_user(user=user, pass_id=p.pk)
        assert (info.value.code, info.value.status) == ("pass.not_found", 404)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("member", False),
        ("host_manager", False),
        ("stranger", False),
        ("operator", True),
        ("staff", True),
    ],
)
def test_who_sees_the_reciprocity_ledger(
    who: str, sees: bool, network: Any, request: pytest.FixtureRequest, make_user: Any
) -> None:
    user = person(who, request, make_user)
    from datetime import date

    if sees:
        assert selectors.reciprocity(user=user, network=network, month=date(2026, 12, 1)).month == (
            date(2026, 12, 1)
        )
    else:
        with pytest.raises(DomainError) as info:
            selectors.reciprocity(user=user, network=network, month=date(2026, 12, 1))
        assert info.value.status == 404


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("member", True),
        ("host_manager", True),
        ("stranger", False),
        ("other_manager", False),
        ("operator", True),
        ("staff", True),
    ],
)
def test_who_reads_the_terms(
    who: str, sees: bool, terms: Any, network: Any, request: pytest.FixtureRequest, make_user: Any
) -> None:
    user = person(who, request, make_user)
    if sees:
        assert selectors.get_pass_terms_for_user(user=user, network=network) == terms
    else:
        with pytest.raises(DomainError) as info:
            selectors.get_pass_terms_for_user(user=user, network=network)
        assert info.value.status == 404


def test_targets_are_the_other_spaces_of_networks_offering_passes(
    member: Any, home: Any, host: Any, network: Any, terms: Any
) -> None:
    quiet = NetworkFactory(slug="quiet", name="Quiet network")  # no pass terms
    NetworkSpaceFactory(network=quiet, space=home)
    NetworkSpaceFactory(network=quiet, space=SpaceFactory(slug="quiet-space"))
    paused = NetworkFactory(slug="paused", name="Paused")
    PassTermsFactory(network=paused, enabled=False)
    NetworkSpaceFactory(network=paused, space=home)
    NetworkSpaceFactory(network=paused, space=SpaceFactory(slug="paused-space"))
    closed = SpaceFactory(slug="closed-down", is_active=False)
    NetworkSpaceFactory(network=network, space=closed)
    targets = selectors.list_pass_targets(user=member)
    assert [(t.network_slug, t.slug, t.city) for t in targets] == [("visa", "lyon-hub", "Lyon")]
    assert selectors.list_pass_targets(user=AnonymousUser()) == []


def test_incoming_requests_are_for_those_who_manage_the_host(
    member: Any, host: Any, terms: Any, visit_day: Any, host_manager: Any, home_manager: Any
) -> None:
    p = services.request_pass(actor=member, host_space=host, day=visit_day)
    assert selectors.list_incoming_passes(user=host_manager, space=host) == [p]
    with pytest.raises(DomainError) as info:
        selectors.list_incoming_passes(user=home_manager, space=host)
    assert (info.value.code, info.value.status) == ("space.not_found", 404)
