"""Organisations scout talent among members who opted in, by skill, space and city."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.accounts import selectors
from coshore.accounts.models import Profile
from coshore.accounts.tests.factories import (
    OrganisationFactory,
    OrganisationMemberFactory,
    SkillFactory,
)
from coshore.core.errors import DomainError
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_user: Any) -> dict[str, Any]:
    paris = SpaceFactory(slug="ruche", name="La Ruche", city="Paris")
    lyon = SpaceFactory(slug="cordee", name="La Cordée", city="Lyon")
    python = SkillFactory(
        uri="http://data.europa.eu/esco/skill/py-talent", preferred_label="Python"
    )
    firm = OrganisationFactory(slug="acme", name="Acme")
    scout = make_user("scout@acme.example")
    OrganisationMemberFactory(organisation=firm, user=scout)
    people = {}
    for name, space, opt_in, visibility in [
        ("ines", paris, True, "space"),
        ("jules", lyon, True, "network"),
        ("karim", paris, False, "public"),
        ("lina", paris, True, "private"),
    ]:
        person = make_user(f"{name}@example.org", name=name.title())
        SpaceRoleFactory(space=space, user=person, role=SpaceRoleKind.MEMBER)
        Profile.objects.filter(user=person).update(scouting_opt_in=opt_in, visibility=visibility)
        Profile.objects.get(user=person).skills.add(python)
        people[name] = person
    return {"firm": firm, "scout": scout, "python": python, **people}


def test_only_opted_in_visible_members_are_found(scene: dict[str, Any]) -> None:
    found = selectors.search_talent(viewer=scene["scout"], organisation=scene["firm"])
    assert [p.user.email for p in found] == ["ines@example.org", "jules@example.org"]
    in_paris = selectors.search_talent(
        viewer=scene["scout"],
        organisation=scene["firm"],
        city="paris",
        skill_uri=scene["python"].uri,
    )
    assert [p.user.email for p in in_paris] == ["ines@example.org"]
    in_lyon = selectors.search_talent(
        viewer=scene["scout"], organisation=scene["firm"], space_slug="cordee"
    )
    assert [p.user.email for p in in_lyon] == ["jules@example.org"]


def test_people_outside_the_organisation_cannot_scout(
    scene: dict[str, Any], make_user: Any
) -> None:
    with pytest.raises(DomainError) as exc:
        selectors.search_talent(viewer=make_user(), organisation=scene["firm"])
    assert (exc.value.status, exc.value.code) == (403, "organisation.not_a_member")


def test_talent_api(
    scene: dict[str, Any], client_for: Any, make_user: Any, api_client: Any
) -> None:
    url = "/api/v1/organisations/acme/talent"
    r = client_for(scene["scout"]).get(url, {"city": "Paris"})
    assert r.status_code == 200
    assert [item["user_id"] for item in r.json()["items"]] == [scene["ines"].pk]
    denied = client_for(make_user()).get(url)
    assert (denied.status_code, denied.json()["code"]) == (403, "organisation.not_a_member")
    assert api_client.get(url).status_code == 401
    bad = client_for(scene["scout"]).get(url, {"skill": "http://nope"})
    assert (bad.status_code, bad.json()["code"]) == (422, "profile.unknown_skill")
    assert client_for(scene["scout"]).get("/api/v1/organisations/nope/talent").status_code == 404


def test_the_organisation_page_lists_talent_for_its_people(
    scene: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    html = (
        client_for(scene["scout"])
        .get("/accounts/organisations/acme/", {"city": "Lyon"})
        .content.decode()
    )
    assert "Scout talent" in html and "Jules" in html and "Ines" not in html
    other = client_for(make_user()).get("/accounts/organisations/acme/").content.decode()
    assert "Scout talent" not in other
