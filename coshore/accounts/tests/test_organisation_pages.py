"""The organisation pages, through Django's test client: list, register, look at one, add
its people."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coshore.accounts.models import Organisation, OrganisationMember, User
from coshore.activity.models import Activity

from .factories import OrganisationFactory, OrganisationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Tramuntana Labs",
    "kind": "firm",
    "website": "https://tramuntana.example",
    "city": "Girona",
    "country": "es",
    "description": "Boats and software.",
}


@pytest.fixture
def acme(person: User) -> Organisation:
    """Acme, with Ada (`person`) as its admin and Bob as a member."""
    organisation = OrganisationFactory(slug="acme", name="Acme", city="Lyon")
    OrganisationMemberFactory(organisation=organisation, user=person, role="admin")
    OrganisationMemberFactory(
        organisation=organisation,
        user=UserFactory(email="bob@example.org", display_name="Bob Builder"),
        role="member",
    )
    return organisation


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_named_urls_resolve() -> None:
    assert reverse("accounts:organisation_list") == "/accounts/organisations/"
    assert reverse("accounts:organisation_create") == "/accounts/organisations/new/"
    assert reverse("accounts:organisation_detail", args=["acme"]) == "/accounts/organisations/acme/"
    assert (
        reverse("accounts:organisation_add_person", args=["acme"])
        == "/accounts/organisations/acme/people/"
    )


# --- List -----------------------------------------------------------------------------------


def test_list_shows_every_organisation_with_kind_and_city(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    OrganisationFactory(name="Zeta Council", kind="public_body", city="Zaragoza")
    OrganisationFactory(name="Alpha Friends", kind="association", city="")
    for n in range(10):
        OrganisationFactory(name=f"Firm {n:02d}")

    with django_assert_max_num_queries(3):
        response = client.get("/accounts/organisations/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Zeta Council" in html and "Public body" in html and "Zaragoza" in html
    assert "Alpha Friends" in html and "Association" in html
    assert html.index("Alpha Friends") < html.index("Firm 00") < html.index("Zeta Council")
    assert 'href="/accounts/organisations/' in html
    assert "New organisation" not in html


def test_list_offers_new_organisation_to_logged_in_people(person: User) -> None:
    response = _logged_in(person).get("/accounts/organisations/")
    assert response.status_code == 200
    assert b'href="/accounts/organisations/new/"' in response.content
    assert b"No organisations yet" in response.content


def test_nav_links_to_organisations(client: Client) -> None:
    response = client.get("/accounts/organisations/")
    assert b'href="/accounts/organisations/" aria-current="page">Organisations</a>' in (
        response.content
    )


# --- Create ---------------------------------------------------------------------------------


def test_anonymous_create_redirects_to_login_and_creates_nothing(client: Client) -> None:
    page = client.get("/accounts/organisations/new/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=/accounts/organisations/new/"

    response = client.post("/accounts/organisations/new/", VALID)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Organisation.objects.exists()
    assert not Activity.objects.filter(verb="organisation.created").exists()


def test_create_form_renders(person: User) -> None:
    response = _logged_in(person).get("/accounts/organisations/new/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("name", "kind", "website", "city", "country", "description"):
        assert f'name="{field}"' in html
    assert '<option value="public_body">Public body</option>' in html


def test_create_registers_the_organisation_with_its_creator_as_admin(person: User) -> None:
    client = _logged_in(person)
    response = client.post("/accounts/organisations/new/", VALID)

    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/organisations/tramuntana-labs/"
    assert (organisation.slug, organisation.name, organisation.kind) == (
        "tramuntana-labs",
        "Tramuntana Labs",
        "firm",
    )
    assert (organisation.website, organisation.city, organisation.country) == (
        "https://tramuntana.example",
        "Girona",
        "ES",
    )
    assert organisation.description == "Boats and software."
    assert list(OrganisationMember.objects.values_list("organisation_id", "user_id", "role")) == [
        (organisation.pk, person.pk, "admin")
    ]
    activity = Activity.objects.get(verb="organisation.created")
    assert activity.actor_id == person.pk
    assert activity.target_id == str(organisation.pk)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Tramuntana Labs is registered. You are its admin." in html
    assert "Add a person by email" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"website": "not a website"}, "website", "http:// or https:// address"),
        ({"website": "ftp://files.example"}, "website", "http:// or https:// address"),
        ({"kind": "cartel"}, "kind", "Select a valid choice."),
        ({"kind": ""}, "kind", "This field is required."),
        ({"country": "E1"}, "country", "ISO 3166-1 alpha-2"),
    ],
)
def test_create_shows_form_errors_and_creates_nothing(
    person: User, changes: dict[str, str], field: str, message: str
) -> None:
    response = _logged_in(person).post("/accounts/organisations/new/", {**VALID, **changes})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert not Organisation.objects.exists()
    assert not OrganisationMember.objects.exists()
    assert not Activity.objects.filter(verb="organisation.created").exists()


# --- Detail ---------------------------------------------------------------------------------


def test_detail_shows_the_public_details_to_everyone(client: Client, acme: Organisation) -> None:
    acme.website = "https://acme.example"
    acme.description = "Anvils since 1949."
    acme.save()

    response = client.get("/accounts/organisations/acme/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Acme" in html
    assert "Anvils since 1949." in html and "https://acme.example" in html and "Lyon" in html
    assert 'id="org-people"' not in html
    assert "Bob Builder" not in html
    assert "Add a person by email" not in html


def test_detail_hides_people_from_outsiders(acme: Organisation) -> None:
    outsider = UserFactory(display_name="Olga Outsider")
    response = _logged_in(outsider).get("/accounts/organisations/acme/")
    assert response.status_code == 200
    assert b'id="org-people"' not in response.content
    assert b"Bob Builder" not in response.content
    assert b"Add a person by email" not in response.content


def test_detail_shows_people_to_a_member_without_the_add_form(acme: Organisation) -> None:
    bob = User.objects.get(email="bob@example.org")
    response = _logged_in(bob).get("/accounts/organisations/acme/")
    html = response.content.decode()
    assert 'id="org-people"' in html
    assert "Ada" in html and "Bob Builder" in html
    assert "Add a person by email" not in html


def test_detail_shows_people_and_the_add_form_to_staff(acme: Organisation, staff: User) -> None:
    response = _logged_in(staff).get("/accounts/organisations/acme/")
    html = response.content.decode()
    assert 'id="org-people"' in html and "Bob Builder" in html
    assert "Add a person by email" in html


def test_detail_of_an_unknown_slug_is_not_found(client: Client) -> None:
    assert client.get("/accounts/organisations/nobody/").status_code == 404
    assert client.post("/accounts/organisations/nobody/people/").status_code == 302  # log in
    staff = UserFactory(is_staff=True)
    response = _logged_in(staff).post(
        "/accounts/organisations/nobody/people/", {"email": staff.email, "role": "member"}
    )
    assert response.status_code == 404


# --- Add a person ---------------------------------------------------------------------------


def test_admin_adds_a_person_by_email(person: User, acme: Organisation) -> None:
    cleo = UserFactory(email="cleo@example.org", display_name="Cleo")
    client = _logged_in(person)

    response = client.post(
        "/accounts/organisations/acme/people/", {"email": " CLEO@example.org ", "role": "member"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/organisations/acme/"
    member = OrganisationMember.objects.get(organisation=acme, user=cleo)
    assert member.role == "member"
    activity = Activity.objects.get(verb="organisation.member_added")
    assert (activity.actor_id, activity.metadata) == (
        person.pk,
        {"user_id": cleo.pk, "role": "member"},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Cleo now belongs to Acme." in page
    assert "Cleo" in page.split('id="org-people"')[1]


def test_admin_adds_an_admin(person: User, acme: Organisation) -> None:
    dan = UserFactory(email="dan@example.org")
    _logged_in(person).post(
        "/accounts/organisations/acme/people/", {"email": "dan@example.org", "role": "admin"}
    )
    assert OrganisationMember.objects.get(organisation=acme, user=dan).role == "admin"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ghost@example.org", "No account with this email."),
        ("bob@example.org", "This person already belongs to the organisation."),
        ("not-an-email", "Enter a valid email address."),
        ("", "This field is required."),
    ],
)
def test_adding_a_person_shows_form_errors_and_changes_nothing(
    person: User, acme: Organisation, email: str, message: str
) -> None:
    before = list(OrganisationMember.objects.values_list("user_id", "role").order_by("user_id"))

    response = _logged_in(person).post(
        "/accounts/organisations/acme/people/", {"email": email, "role": "member"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert message in html
    assert 'id="org-people"' in html
    after = list(OrganisationMember.objects.values_list("user_id", "role").order_by("user_id"))
    assert after == before
    assert not Activity.objects.filter(verb="organisation.member_added").exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_non_admins_cannot_add_people(acme: Organisation, who: str) -> None:
    user = User.objects.get(email="bob@example.org") if who == "member" else UserFactory()
    target = UserFactory(email="eve@example.org")

    response = _logged_in(user).post(
        "/accounts/organisations/acme/people/", {"email": target.email, "role": "admin"}
    )

    assert response.status_code == 403
    assert OrganisationMember.objects.filter(organisation=acme).count() == 2
    assert not OrganisationMember.objects.filter(user=target).exists()
    assert not Activity.objects.filter(verb="organisation.member_added").exists()


def test_anonymous_cannot_add_people(client: Client, acme: Organisation) -> None:
    UserFactory(email="eve@example.org")
    response = client.post(
        "/accounts/organisations/acme/people/", {"email": "eve@example.org", "role": "member"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert OrganisationMember.objects.filter(organisation=acme).count() == 2


def test_add_person_page_refuses_get(person: User, acme: Organisation) -> None:
    assert _logged_in(person).get("/accounts/organisations/acme/people/").status_code == 405
