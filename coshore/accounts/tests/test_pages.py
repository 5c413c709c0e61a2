"""The account pages, through Django's test client (browser journeys live elsewhere)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coshore.accounts import services
from coshore.accounts.models import AccessToken, Profile, User
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .factories import (
    DEFAULT_PASSWORD,
    OccupationFactory,
    ProfileFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
STRONG = "Tramontana-1987-sails"


def _link_path(body: str) -> str:
    match = re.search(r"http://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def test_named_urls_resolve() -> None:
    assert reverse("accounts:signup") == "/accounts/signup/"
    assert reverse("accounts:login") == "/accounts/login/"
    assert reverse("accounts:logout") == "/accounts/logout/"
    assert reverse("accounts:profile_edit") == "/accounts/profile/"
    assert reverse("accounts:tokens") == "/accounts/tokens/"
    assert reverse("accounts:person", args=[7]) == "/accounts/people/7/"
    assert reverse("accounts:password_reset") == "/accounts/password-reset/"


def test_sign_up_verify_log_in_journey(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert b'<form class="form"' in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"display_name": "Mar", "email": "mar@example.org", "password": STRONG},
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/check-email/"
    check = client.get(response["Location"])
    assert b"mar@example.org" in check.content

    # Not yet verified: logging in is refused with a way to get the link again.
    refused = client.post("/accounts/login/", {"email": "mar@example.org", "password": STRONG})
    assert refused.status_code == 200
    assert b"Confirm your email address first" in refused.content
    assert b"Send the confirmation link again" in refused.content

    verify_path = _link_path(mail.outbox[0].body)
    verified = client.get(verify_path)
    assert verified.status_code == 200
    assert b"Your email is confirmed" in verified.content

    logged_in = client.post(
        "/accounts/login/",
        {"email": "MAR@example.org", "password": STRONG, "next": "/accounts/profile/"},
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200


def test_sign_up_shows_service_errors_next_to_fields(client: Client) -> None:
    UserFactory(email="taken@example.org")
    response = client.post(
        "/accounts/signup/",
        {"display_name": "Mar", "email": "TAKEN@example.org", "password": STRONG},
    )
    assert response.status_code == 200
    assert b"An account with this email already exists." in response.content
    weak = client.post(
        "/accounts/signup/", {"display_name": "Mar", "email": "m@example.org", "password": "123"}
    )
    assert b'class="error"' in weak.content
    assert not User.objects.filter(email="m@example.org").exists()


def test_bad_verification_link_page_is_400(client: Client) -> None:
    response = client.get("/accounts/verify/not-a-token/")
    assert response.status_code == 400
    assert b"This verification link is not valid." in response.content


def test_resend_verification_page_says_the_same_for_everyone(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="pending@example.org", email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        a = client.post("/accounts/verify/resend/", {"email": "pending@example.org"}, follow=True)
        b = client.post("/accounts/verify/resend/", {"email": "nobody@example.org"}, follow=True)
    assert b"a new confirmation link is on its way" in a.content
    assert b"a new confirmation link is on its way" in b.content
    assert [m.to for m in mail.outbox] == [["pending@example.org"]]


def test_login_with_wrong_password_shows_an_error(client: Client, person: User) -> None:
    response = client.post("/accounts/login/", {"email": person.email, "password": "nope"})
    assert response.status_code == 200
    assert b"The email or password is not correct." in response.content
    assert "_auth_user_id" not in client.session


def test_login_page_is_throttled_like_the_api(client: Client, person: User) -> None:
    for _ in range(10):
        client.post("/accounts/login/", {"email": person.email, "password": "nope"})
    response = client.post(
        "/accounts/login/", {"email": person.email, "password": DEFAULT_PASSWORD}
    )
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_login_ignores_offsite_next(client: Client, person: User) -> None:
    response = client.post(
        "/accounts/login/",
        {"email": person.email, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")


def test_logout_needs_post(client: Client, person: User) -> None:
    client.force_login(person)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_pages(
    client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    assert client.get("/accounts/password-reset/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": person.email})
    assert response["Location"] == "/accounts/password-reset/sent/"
    path = _link_path(mail.outbox[0].body)

    form = client.get(path)
    assert form.status_code == 200
    weak = client.post(path, {"new_password": "123"})
    assert b'class="error"' in weak.content
    done = client.post(path, {"new_password": STRONG})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    person.refresh_from_db()
    assert person.check_password(STRONG)
    assert client.get(path).status_code == 400  # used once


def test_password_reset_for_unknown_email_redirects_the_same(client: Client) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_profile_edit_requires_login(client: Client) -> None:
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_profile_edit_saves_every_field(client: Client, person: User) -> None:
    skill = SkillFactory(preferred_label="Laser cutting")
    occupation = OccupationFactory(preferred_label="Industrial designer")
    space = SpaceFactory(slug="la-fabrica", name="La Fàbrica")
    SpaceRoleFactory(space=space, user=person)
    client.force_login(person)

    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="visibility"' in content and 'type="radio"' in content
    assert 'value="la-fabrica"' in content
    assert 'value="Europe/Madrid"' in content
    assert 'id="skill-search"' in content

    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "Ada L.",
            "headline": "Designer",
            "bio": "Hello",
            "skills": [skill.uri],
            "occupation": "industrial DESIGNER",
            "languages": ["en", "ca"],
            "timezone": "Europe/Madrid",
            "home_space": "la-fabrica",
            "links": "https://ada.example.org\n\nhttps://blog.example.org",
            "visibility": "network",
            "scouting_opt_in": "on",
        },
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=person)
    person.refresh_from_db()
    assert person.display_name == "Ada L."
    assert (profile.headline, profile.bio, profile.visibility) == ("Designer", "Hello", "network")
    assert list(profile.skills.all()) == [skill]
    assert profile.occupation == occupation
    assert profile.languages == ["en", "ca"]
    assert profile.timezone == "Europe/Madrid"
    assert profile.home_space == space
    assert profile.links == ["https://ada.example.org", "https://blog.example.org"]
    assert profile.scouting_opt_in is True
    saved = client.get("/accounts/profile/").content.decode()
    assert "Your profile is saved." in saved
    assert "Laser cutting" in saved


def test_profile_edit_shows_errors_and_keeps_chips(client: Client, person: User) -> None:
    skill = SkillFactory(preferred_label="Welding")
    client.force_login(person)
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "Ada",
            "skills": [skill.uri],
            "occupation": "astronaut of the seas",
            "visibility": "public",
            "links": "javascript:alert(1)",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This occupation is not in the ESCO taxonomy." in content
    assert "Welding" in content
    assert Profile.objects.get(user=person).visibility == "space"

    bad_link = client.post(
        "/accounts/profile/",
        {"display_name": "Ada", "visibility": "public", "links": "javascript:alert(1)"},
    )
    assert "Links must be http:// or https:// addresses." in bad_link.content.decode()
    assert Profile.objects.get(user=person).links == []


def test_tokens_page_shows_a_new_token_once_and_revokes(client: Client, person: User) -> None:
    client.force_login(person)
    assert client.get("/accounts/tokens/").status_code == 200

    posted = client.post("/accounts/tokens/", {"name": "laptop"})
    assert posted.status_code == 302
    assert posted["Location"] == "/accounts/tokens/"
    created = client.get("/accounts/tokens/")
    assert created["Cache-Control"] == "no-store"
    plaintext = re.search(r'id="new-token-value">(csh_[^<]+)<', created.content.decode())
    assert plaintext
    assert services.authenticate_token(token=plaintext.group(1)) == person

    listing = client.get("/accounts/tokens/").content.decode()
    assert "laptop" in listing
    assert plaintext.group(1) not in listing

    token = AccessToken.objects.get()
    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    assert services.authenticate_token(token=plaintext.group(1)) is None


def test_revoking_someone_elses_token_from_the_page_is_404(client: Client, person: User) -> None:
    other_token = services.create_token(user=UserFactory(), name="theirs")
    client.force_login(person)
    assert client.post(f"/accounts/tokens/{other_token.token.pk}/revoke/").status_code == 404
    assert services.authenticate_token(token=other_token.plaintext) is not None


def test_person_page_goes_through_the_gate(client: Client, person: User) -> None:
    public = UserFactory(display_name="Joan")
    ProfileFactory(
        user=public, visibility="public", headline="Maker", links=["https://j.example.org"]
    )
    private = UserFactory()
    ProfileFactory(user=private, visibility="private")

    page = client.get(f"/accounts/people/{public.pk}/")
    assert page.status_code == 200
    assert b"Joan" in page.content and b"Maker" in page.content
    assert b'rel="nofollow ugc noopener noreferrer"' in page.content
    assert client.get(f"/accounts/people/{private.pk}/").status_code == 404
    assert client.get("/accounts/people/99999999999999999999999/").status_code == 404

    client.force_login(private)
    own = client.get(f"/accounts/people/{private.pk}/")
    assert own.status_code == 200
    assert b"This is your profile as others see it" in own.content


def test_profile_edit_repairs_a_missing_profile(client: Client, person: User) -> None:
    Profile.objects.filter(user=person).delete()
    client.force_login(person)
    assert client.get("/accounts/profile/").status_code == 200
