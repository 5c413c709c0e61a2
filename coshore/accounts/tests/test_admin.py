"""The admin pages for accounts load, search and filter for staff."""

from __future__ import annotations

import pytest
from django.test import Client

from coshore.accounts.models import AccessToken, Profile, User
from coshore.accounts.services import create_token

from .factories import OrganisationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db: object) -> Client:
    admin = User.objects.create_superuser(email="root@example.org", password="x")
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/?q=ada",
        "/admin/accounts/user/?verified=no&is_staff__exact=1",
        "/admin/accounts/user/add/",
        "/admin/accounts/profile/",
        "/admin/accounts/profile/?visibility__exact=public&scouting_opt_in__exact=1",
        "/admin/accounts/organisation/",
        "/admin/accounts/organisation/add/",
        "/admin/accounts/accesstoken/",
        "/admin/accounts/accesstoken/?revoked_at__isempty=1",
        "/admin/accounts/authfailure/",
    ],
)
def test_admin_lists_load(admin_client: Client, url: str) -> None:
    UserFactory(email="ada@example.org")
    OrganisationMemberFactory()
    assert admin_client.get(url).status_code == 200


def test_admin_change_pages_load(admin_client: Client) -> None:
    user = UserFactory()
    member = OrganisationMemberFactory(user=user)
    issued = create_token(user=user, name="ci")
    for url in [
        f"/admin/accounts/user/{user.pk}/change/",
        f"/admin/accounts/profile/{user.profile.pk}/change/",
        f"/admin/accounts/organisation/{member.organisation.pk}/change/",
        f"/admin/accounts/accesstoken/{issued.token.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_admin_adds_a_user_with_a_profile(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New@Example.org",
            "display_name": "New",
            "usable_password": "true",
            "password1": "Tramontana-1987-sails",
            "password2": "Tramontana-1987-sails",
        },
    )
    assert response.status_code == 302, response.content
    user = User.objects.get(email="new@example.org")
    assert Profile.objects.filter(user=user).exists()


def test_admin_cannot_add_tokens_but_can_revoke_them(admin_client: Client) -> None:
    issued = create_token(user=UserFactory(), name="ci")
    assert admin_client.get("/admin/accounts/accesstoken/add/").status_code == 403
    response = admin_client.post(
        "/admin/accounts/accesstoken/",
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )
    assert response.status_code == 302
    assert AccessToken.objects.get().revoked_at is not None
