"""Personal access tokens: hashed at rest, shown once, revocable; and the Bearer auth."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from coshore.accounts import services
from coshore.accounts.errors import InvalidTokenName, StaffRequired
from coshore.accounts.models import AccessToken, User
from coshore.activity.models import Activity

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_only_its_digest_is_stored(person: User) -> None:
    issued = services.create_token(user=person, name="laptop")

    assert issued.plaintext.startswith("csh_")
    assert len(issued.plaintext) == 4 + 43
    row = AccessToken.objects.get()
    assert row.digest == hashlib.sha256(issued.plaintext.encode()).hexdigest()
    assert row.prefix == issued.plaintext[:12]
    stored = [str(v) for v in AccessToken.objects.values_list(flat=False).get()]
    assert all(issued.plaintext not in value for value in stored)
    assert Activity.objects.get(verb="token.created").metadata == {"via": "page"}


def test_tokens_are_unique(person: User) -> None:
    plaintexts = {services.create_token(user=person, name=f"t{i}").plaintext for i in range(20)}
    assert len(plaintexts) == 20


def test_authenticate_token_finds_the_owner(person: User) -> None:
    issued = services.create_token(user=person, name="ci")
    assert services.authenticate_token(token=issued.plaintext) == person


@pytest.mark.parametrize(
    "token",
    ["", "csh_", "csh_nope", "ghp_abcdef", "csh_" + "a" * 500, "Bearer csh_x", "\x00"],
)
def test_authenticate_token_refuses_garbage(person: User, token: str) -> None:
    services.create_token(user=person, name="ci")
    assert services.authenticate_token(token=token) is None


def test_revoked_token_stops_working_and_stays_revoked(person: User) -> None:
    issued = services.create_token(user=person, name="ci")
    services.revoke_token(actor=person, token=issued.token)
    assert services.authenticate_token(token=issued.plaintext) is None
    first_revoked_at = AccessToken.objects.get().revoked_at

    services.revoke_token(actor=person, token=issued.token)

    assert AccessToken.objects.get().revoked_at == first_revoked_at
    assert Activity.objects.filter(verb="token.revoked").count() == 1


def test_tokens_of_deactivated_accounts_do_not_work(person: User) -> None:
    issued = services.create_token(user=person, name="ci")
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert services.authenticate_token(token=issued.plaintext) is None


def test_only_owner_or_staff_revoke(person: User, staff: User) -> None:
    issued = services.create_token(user=person, name="ci")
    stranger = UserFactory()
    with pytest.raises(StaffRequired):
        services.revoke_token(actor=stranger, token=issued.token)
    assert AccessToken.objects.get().revoked_at is None
    services.revoke_token(actor=staff, token=issued.token)
    assert AccessToken.objects.get().revoked_at is not None


def test_last_used_is_written_at_most_once_a_minute(person: User, monkeypatch: Any) -> None:
    issued = services.create_token(user=person, name="ci")
    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])

    services.authenticate_token(token=issued.plaintext)
    assert AccessToken.objects.get().last_used_at == start

    clock["now"] = start + timedelta(seconds=59)
    services.authenticate_token(token=issued.plaintext)
    assert AccessToken.objects.get().last_used_at == start

    clock["now"] = start + timedelta(seconds=61)
    services.authenticate_token(token=issued.plaintext)
    assert AccessToken.objects.get().last_used_at == start + timedelta(seconds=61)


@pytest.mark.parametrize("name", ["", "   ", "n" * 101])
def test_token_needs_a_name(person: User, name: str) -> None:
    with pytest.raises(InvalidTokenName) as exc:
        services.create_token(user=person, name=name)
    assert exc.value.code == "token.invalid_name"
    assert not AccessToken.objects.exists()


def test_a_person_holds_at_most_fifty_active_tokens(person: User) -> None:
    for i in range(50):
        services.create_token(user=person, name=f"t{i}")
    with pytest.raises(InvalidTokenName) as exc:
        services.create_token(user=person, name="one too many")
    assert exc.value.code == "token.too_many"
    assert AccessToken.objects.count() == 50

    services.revoke_token(actor=person, token=AccessToken.objects.first())  # type: ignore[arg-type]
    services.create_token(user=person, name="after revoking")
    assert AccessToken.objects.filter(revoked_at__isnull=True).count() == 50


# --- through the API -----------------------------------------------------------------------


def test_bearer_token_authenticates_api_calls(client: Any, person: User) -> None:
    issued = services.create_token(user=person, name="ci")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.plaintext}")
    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.org"


def test_revoked_token_is_a_401_invalid_token(client: Any, person: User) -> None:
    issued = services.create_token(user=person, name="ci")
    services.revoke_token(actor=person, token=issued.token)

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.plaintext}")

    assert response.status_code == 401
    assert response.json() == {
        "code": "auth.invalid_token",
        "message": "The access token is invalid or revoked.",
        "detail": {},
    }


def test_unknown_token_is_401_even_on_public_endpoints(client: Any, person: User) -> None:
    response = client.get(f"/api/v1/profiles/{person.pk}", HTTP_AUTHORIZATION="Bearer csh_nope")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.invalid_token"


def test_no_credentials_is_401_auth_required(client: Any) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"


def test_list_tokens_never_shows_secrets(api: Callable[..., Any], person: User) -> None:
    issued = services.create_token(user=person, name="laptop")
    services.revoke_token(actor=person, token=services.create_token(user=person, name="old").token)

    response = api("get", "/me/tokens", user=person)

    assert response.status_code == 200
    body = response.json()
    # the fixture's own token ("test") plus "laptop"; the revoked one is gone
    assert [t["name"] for t in body] == ["test", "laptop"]
    assert set(body[1]) == {"id", "name", "prefix", "created_at", "last_used_at"}
    assert body[1]["prefix"] == issued.plaintext[:12]
    assert issued.plaintext not in response.content.decode()


def test_create_token_through_the_api_shows_it_once(api: Callable[..., Any], person: User) -> None:
    response = api("post", "/me/tokens", user=person, json={"name": "deploy"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "id", "name", "prefix"}
    assert body["name"] == "deploy"
    assert services.authenticate_token(token=body["token"]) == person


def test_delete_own_token_then_it_is_gone(client: Any, person: User) -> None:
    issued = services.create_token(user=person, name="ci")
    other = services.create_token(user=person, name="other")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {other.plaintext}"}

    response = client.delete(f"/api/v1/me/tokens/{issued.token.pk}", **auth)
    assert response.status_code == 204
    assert services.authenticate_token(token=issued.plaintext) is None

    again = client.delete(f"/api/v1/me/tokens/{issued.token.pk}", **auth)
    assert again.status_code == 404
    assert again.json()["code"] == "token.not_found"


def test_delete_someone_elses_token_is_404_and_changes_nothing(
    api: Callable[..., Any], person: User
) -> None:
    victim = UserFactory()
    issued = services.create_token(user=victim, name="theirs")

    response = api("delete", f"/me/tokens/{issued.token.pk}", user=person)

    assert response.status_code == 404
    assert response.json()["code"] == "token.not_found"
    assert services.authenticate_token(token=issued.plaintext) == victim


@pytest.mark.parametrize("token_id", ["0", "-1", "abc", str(2**70), "99999"])
def test_delete_with_odd_ids_is_4xx(api: Callable[..., Any], person: User, token_id: str) -> None:
    response = api("delete", f"/me/tokens/{token_id}", user=person)
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "detail"}
