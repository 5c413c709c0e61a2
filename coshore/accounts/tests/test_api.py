"""The accounts API: statuses and exact bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from coshore.accounts.models import (
    Organisation,
    OrganisationMember,
    Profile,
    User,
)
from coshore.activity.models import Activity
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkRoleFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

from .factories import (
    DEFAULT_PASSWORD,
    OccupationFactory,
    OrganisationFactory,
    OrganisationMemberFactory,
    ProfileFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Api = Callable[..., Any]
STRONG = "Tramontana-1987-sails"


# --- /me ----------------------------------------------------------------------------------


def test_me_shows_account_profile_and_roles(api: Api, person: User) -> None:
    space = SpaceFactory(slug="la-fabrica", name="La Fàbrica")
    SpaceRoleFactory(space=space, user=person, role="member")
    SpaceRoleFactory(space=space, user=person, role="manager")
    network = NetworkFactory(slug="bcn", name="Barcelona alliance")
    NetworkRoleFactory(network=network, user=person)
    organisation = OrganisationFactory(slug="acme", name="Acme")
    OrganisationMemberFactory(organisation=organisation, user=person, role="admin")

    response = api("get", "/me", user=person)

    assert response.status_code == 200
    assert response.json() == {
        "id": person.pk,
        "email": "ada@example.org",
        "display_name": "Ada",
        "email_verified": True,
        "profile": {
            "user_id": person.pk,
            "display_name": "Ada",
            "headline": "",
            "bio": "",
            "skills": [],
            "occupation": None,
            "languages": [],
            "timezone": "",
            "home_space": None,
            "links": [],
            "visibility": "space",
            "scouting_opt_in": False,
        },
        "roles": {
            "staff": False,
            "spaces": [
                {"slug": "la-fabrica", "name": "La Fàbrica", "role": "manager"},
                {"slug": "la-fabrica", "name": "La Fàbrica", "role": "member"},
            ],
            "networks_operated": [{"slug": "bcn", "name": "Barcelona alliance"}],
            "organisations": [{"slug": "acme", "name": "Acme", "role": "admin"}],
        },
    }


def test_me_works_with_the_session_cookie(client: Client, person: User) -> None:
    client.force_login(person)
    assert client.get("/api/v1/me").json()["id"] == person.pk


def test_session_writes_need_csrf(person: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.patch(
        "/api/v1/me/profile", {"headline": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "auth.csrf_failed"
    assert Profile.objects.get(user=person).headline == ""


def test_patch_profile_changes_only_what_is_sent(api: Api, person: User) -> None:
    skill = SkillFactory(uri="http://data.europa.eu/esco/skill/abc", preferred_label="Python")
    occupation = OccupationFactory(
        uri="http://data.europa.eu/esco/occupation/dev", preferred_label="developer"
    )
    space = SpaceFactory(slug="la-fabrica", name="La Fàbrica")
    SpaceRoleFactory(space=space, user=person)

    response = api(
        "patch",
        "/me/profile",
        user=person,
        json={
            "display_name": "Ada L.",
            "skills": [skill.uri],
            "occupation": occupation.uri,
            "languages": ["ca", "en"],
            "timezone": "Europe/Madrid",
            "home_space": "la-fabrica",
            "links": ["https://ada.example.org"],
            "visibility": "public",
            "scouting_opt_in": True,
        },
    )

    assert response.status_code == 200
    profile = response.json()["profile"]
    assert profile == {
        "user_id": person.pk,
        "display_name": "Ada L.",
        "headline": "",
        "bio": "",
        "skills": [{"uri": skill.uri, "label": "Python"}],
        "occupation": {"uri": occupation.uri, "label": "developer"},
        "languages": ["ca", "en"],
        "timezone": "Europe/Madrid",
        "home_space": {"slug": "la-fabrica", "name": "La Fàbrica"},
        "links": ["https://ada.example.org"],
        "visibility": "public",
        "scouting_opt_in": True,
    }
    assert response.json()["display_name"] == "Ada L."

    cleared = api(
        "patch", "/me/profile", user=person, json={"occupation": None, "home_space": None}
    )
    assert cleared.json()["profile"]["occupation"] is None
    assert cleared.json()["profile"]["home_space"] is None
    assert cleared.json()["profile"]["timezone"] == "Europe/Madrid"


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"skills": ["http://data.europa.eu/esco/skill/nope"]}, 422, "profile.unknown_skill"),
        ({"timezone": "Nowhere/Town"}, 422, "profile.invalid_timezone"),
        ({"languages": ["klingon"]}, 422, "profile.invalid_language"),
        ({"bio": "b" * 5001}, 422, "profile.too_long"),
        ({"links": [f"https://e.org/{i}" for i in range(11)]}, 422, "profile.too_many_links"),
        ({"visibility": "everyone"}, 422, "profile.invalid_visibility"),
        ({"home_space": "nowhere"}, 422, "profile.unknown_space"),
        ({"display_name": None}, 422, "validation_error"),
        ({"visibility": None}, 422, "validation_error"),
        ({"skills": "not a list"}, 422, "validation_error"),
        ({"scouting_opt_in": {"a": 1}}, 422, "validation_error"),
        ({"bio": "b" * 20001}, 422, "validation_error"),
        ({"skills": ["x"] * 501}, 422, "validation_error"),
    ],
)
def test_patch_profile_refusals(
    api: Api, person: User, body: dict[str, Any], status: int, code: str
) -> None:
    response = api("patch", "/me/profile", user=person, json=body)
    assert response.status_code == status
    assert response.json()["code"] == code
    profile = Profile.objects.get(user=person)
    assert (profile.bio, profile.visibility, profile.links) == ("", "space", [])


def test_patch_profile_with_malformed_json_is_400(
    client: Client, person: User, bearer: Any
) -> None:
    response = client.patch(
        "/api/v1/me/profile", "{not json", content_type="application/json", **bearer(person)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "request.malformed_json"


# --- /users -------------------------------------------------------------------------------


def test_staff_create_a_verified_account(api: Api, staff: User, client: Client) -> None:
    response = api(
        "post",
        "/users",
        user=staff,
        json={"email": "New@Example.org", "password": STRONG, "display_name": "Newcomer"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "email": "new@example.org",
        "display_name": "Newcomer",
        "is_staff": False,
        "email_verified": True,
    }
    token = client.post(
        "/api/v1/auth/tokens",
        {"email": "new@example.org", "password": STRONG},
        content_type="application/json",
    )
    assert token.status_code == 201


def test_non_staff_cannot_create_accounts(api: Api, person: User) -> None:
    before = User.objects.count()
    response = api(
        "post", "/users", user=person, json={"email": "x@example.org", "password": STRONG}
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "auth.staff_required",
        "message": "Only staff can create accounts.",
        "detail": {},
    }
    assert User.objects.count() == before


def test_anonymous_cannot_create_accounts(client: Client) -> None:
    response = client.post(
        "/api/v1/users",
        {"email": "x@example.org", "password": STRONG},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


def test_create_user_with_a_taken_email_is_409(api: Api, staff: User, person: User) -> None:
    response = api(
        "post", "/users", user=staff, json={"email": "ADA@example.org", "password": STRONG}
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "accounts.email_taken",
        "message": "An account with this email already exists.",
        "detail": {"field": "email"},
    }


@pytest.mark.parametrize(
    "body, code",
    [
        ({"email": "x@example.org", "password": "123"}, "accounts.weak_password"),
        ({"email": "nope", "password": STRONG}, "accounts.invalid_email"),
        ({"email": "x@example.org"}, "validation_error"),
        ({"email": "x" * 1000, "password": STRONG}, "validation_error"),
    ],
)
def test_create_user_refusals(api: Api, staff: User, body: dict[str, Any], code: str) -> None:
    before = User.objects.count()
    response = api("post", "/users", user=staff, json=body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert User.objects.count() == before


# --- /profiles ----------------------------------------------------------------------------


def test_profile_detail_shows_public_fields_only(client: Client) -> None:
    owner = UserFactory(display_name="Joan", email="joan@example.org")
    ProfileFactory(user=owner, visibility="public", headline="Maker", scouting_opt_in=True)

    response = client.get(f"/api/v1/profiles/{owner.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Joan"
    assert body["headline"] == "Maker"
    assert "email" not in body and "visibility" not in body
    assert "joan@example.org" not in response.content.decode()


@pytest.mark.parametrize("user_id", ["0", "-3", "abc", str(2**64), "1e5"])
def test_profile_detail_with_odd_ids_is_4xx(client: Client, user_id: str) -> None:
    response = client.get(f"/api/v1/profiles/{user_id}")
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "detail"}


def test_profiles_list_filters_by_space_skill_and_text(client: Client) -> None:
    space = SpaceFactory(slug="la-fabrica")
    python = SkillFactory(uri="http://data.europa.eu/esco/skill/python")
    a = UserFactory(display_name="Anna Maker")
    b = UserFactory(display_name="Bernat")
    c = UserFactory(display_name="Carla")
    ProfileFactory(user=a, visibility="public", skills=[python])
    ProfileFactory(user=b, visibility="public", headline="Loves makers")
    ProfileFactory(user=c, visibility="public", skills=[python])
    SpaceRoleFactory(space=space, user=a)
    SpaceRoleFactory(space=space, user=b)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/profiles?{query}")
        assert response.status_code == 200, response.json()
        return [p["user_id"] for p in response.json()["items"]]

    assert ids("space=la-fabrica") == [a.pk, b.pk]
    assert ids(f"skill={python.uri}") == [a.pk, c.pk]
    assert ids("q=maker") == [a.pk, b.pk]
    assert ids(f"space=la-fabrica&skill={python.uri}&q=anna") == [a.pk]


@pytest.mark.parametrize(
    "query, code",
    [
        ("space=nowhere", "profile.unknown_space"),
        ("skill=http://example.org/unknown", "profile.unknown_skill"),
        ("limit=0", "validation_error"),
        ("limit=201", "validation_error"),
        ("limit=abc", "validation_error"),
        ("cursor=garbage", "pagination.invalid_cursor"),
        ("q=" + "x" * 201, "validation_error"),
        ("space=" + "s" * 121, "validation_error"),
    ],
)
def test_profiles_list_bad_input_is_4xx(client: Client, query: str, code: str) -> None:
    response = client.get(f"/api/v1/profiles?{query}")
    assert response.status_code in (400, 422)
    assert response.json()["code"] == code


def test_profiles_list_pages_with_a_cursor(client: Client) -> None:
    users = [UserFactory() for _ in range(5)]
    for user in users:
        ProfileFactory(user=user, visibility="public")

    seen: list[int] = []
    url = "/api/v1/profiles?limit=2"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [p["user_id"] for p in body["items"]]
        pages += 1
        url = f"/api/v1/profiles?limit=2&cursor={body['next']}" if body["next"] else ""
    assert seen == [u.pk for u in users]
    assert pages == 3


def test_profiles_list_query_count_does_not_grow_with_rows(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    space = SpaceFactory()
    skills = SkillFactory.create_batch(3)
    occupation = OccupationFactory()
    for _ in range(30):
        user = UserFactory()
        SpaceRoleFactory(space=space, user=user)
        ProfileFactory(
            user=user, visibility="public", skills=skills, occupation=occupation, home_space=space
        )
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/profiles?limit=200")
    assert len(response.json()["items"]) == 30


# --- /organisations -----------------------------------------------------------------------


def test_create_organisation_makes_the_creator_its_admin(api: Api, person: User) -> None:
    response = api(
        "post",
        "/organisations",
        user=person,
        json={
            "name": "Acme Robotics",
            "kind": "firm",
            "website": "https://acme.example.org",
            "city": "Barcelona",
            "country": "es",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "acme-robotics"
    assert body["country"] == "ES"
    assert body["people"] == [
        {
            "user_id": person.pk,
            "display_name": "Ada",
            "role": "admin",
            "joined_at": body["people"][0]["joined_at"],
        }
    ]
    assert Activity.objects.filter(verb="organisation.created", actor=person).count() == 1


@pytest.mark.parametrize(
    "body, code",
    [
        ({"name": "", "kind": "firm"}, "organisation.invalid_name"),
        ({"name": "X", "kind": "cartel"}, "organisation.invalid_kind"),
        ({"name": "X", "kind": "firm", "website": "ftp://x"}, "organisation.invalid_website"),
        ({"name": "X", "kind": "firm", "country": "ESP"}, "organisation.invalid_country"),
        ({"name": "X"}, "validation_error"),
    ],
)
def test_create_organisation_refusals(
    api: Api, person: User, body: dict[str, Any], code: str
) -> None:
    response = api("post", "/organisations", user=person, json=body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not Organisation.objects.exists()


def test_organisation_people_are_shown_to_its_people_and_staff_only(
    api: Api, client: Client, person: User, staff: User
) -> None:
    organisation = OrganisationFactory(slug="acme")
    OrganisationMemberFactory(organisation=organisation, user=person)

    assert client.get("/api/v1/organisations/acme").json()["people"] is None
    assert api("get", "/organisations/acme", user=UserFactory()).json()["people"] is None
    assert len(api("get", "/organisations/acme", user=person).json()["people"]) == 1
    assert len(api("get", "/organisations/acme", user=staff).json()["people"]) == 1
    missing = client.get("/api/v1/organisations/nope")
    assert missing.status_code == 404
    assert missing.json()["code"] == "organisation.not_found"


def test_organisation_admins_add_people_by_email(api: Api, person: User) -> None:
    organisation = OrganisationFactory(slug="acme")
    OrganisationMemberFactory(organisation=organisation, user=person, role="admin")
    newcomer = UserFactory(email="joan@example.org", display_name="Joan")

    response = api(
        "post", "/organisations/acme/members", user=person, json={"email": "JOAN@example.org"}
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["user_id"], body["display_name"], body["role"]) == (newcomer.pk, "Joan", "member")
    again = api(
        "post", "/organisations/acme/members", user=person, json={"email": "joan@example.org"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "organisation.already_member"
    assert OrganisationMember.objects.filter(organisation=organisation).count() == 2


def test_only_organisation_admins_add_people(api: Api, person: User) -> None:
    organisation = OrganisationFactory(slug="acme")
    OrganisationMemberFactory(organisation=organisation, user=person, role="member")
    UserFactory(email="joan@example.org")

    response = api(
        "post", "/organisations/acme/members", user=person, json={"email": "joan@example.org"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "organisation.admin_required"
    assert OrganisationMember.objects.filter(organisation=organisation).count() == 1


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"email": "nobody@example.org"}, 404, "accounts.user_not_found"),
        ({"email": "a@example.org", "role": "owner"}, 422, "organisation.invalid_role"),
        ({}, 422, "validation_error"),
    ],
)
def test_add_organisation_member_refusals(
    api: Api, person: User, body: dict[str, Any], status: int, code: str
) -> None:
    organisation = OrganisationFactory(slug="acme")
    OrganisationMemberFactory(organisation=organisation, user=person, role="admin")
    UserFactory(email="a@example.org")
    response = api("post", "/organisations/acme/members", user=person, json=body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert OrganisationMember.objects.filter(organisation=organisation).count() == 1


def test_add_member_to_unknown_organisation_is_404(api: Api, person: User) -> None:
    response = api("post", "/organisations/nope/members", user=person, json={"email": "a@b.org"})
    assert response.status_code == 404
    assert response.json()["code"] == "organisation.not_found"


def test_password_in_the_factory_logs_in(client: Client, person: User) -> None:
    response = client.post(
        "/api/v1/auth/tokens",
        {"email": person.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_me_repairs_a_missing_profile(api: Api, person: User) -> None:
    Profile.objects.filter(user=person).delete()
    response = api("get", "/me", user=person)
    assert response.status_code == 200
    assert response.json()["profile"]["visibility"] == "space"
