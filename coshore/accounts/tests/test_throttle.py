"""Password attempts are throttled per account, in the database (shared by every process)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from coshore.accounts import services
from coshore.accounts.errors import InvalidCredentials, LoginThrottled
from coshore.accounts.models import AccessToken, AuthFailure

from .factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/tokens"


def _exchange(client: Any, email: str, password: str, **extra: Any) -> Any:
    return client.post(
        URL, {"email": email, "password": password, **extra}, content_type="application/json"
    )


def test_exchange_returns_a_working_token(client: Any) -> None:
    user = UserFactory(email="ada@example.org")

    response = _exchange(client, "ADA@example.org", DEFAULT_PASSWORD, name="script")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "id", "name", "prefix"}
    assert body["name"] == "script"
    assert body["prefix"] == body["token"][:12]
    assert services.authenticate_token(token=body["token"]) == user
    assert AccessToken.objects.get().name == "script"


def test_exchange_default_token_name(client: Any) -> None:
    UserFactory(email="ada@example.org")
    assert _exchange(client, "ada@example.org", DEFAULT_PASSWORD).json()["name"] == "API token"


@pytest.mark.parametrize(
    "email, password",
    [("ada@example.org", "wrong-password"), ("nobody@example.org", DEFAULT_PASSWORD), ("", "")],
)
def test_bad_credentials_are_401_and_issue_nothing(client: Any, email: str, password: str) -> None:
    UserFactory(email="ada@example.org")

    response = _exchange(client, email, password)

    assert response.status_code == 401
    assert response.json() == {
        "code": "auth.invalid_credentials",
        "message": "The email or password is not correct.",
        "detail": {},
    }
    assert not AccessToken.objects.exists()


def test_unverified_accounts_get_no_token(client: Any) -> None:
    UserFactory(email="new@example.org", email_verified_at=None)
    response = _exchange(client, "new@example.org", DEFAULT_PASSWORD)
    assert response.status_code == 403
    assert response.json()["code"] == "auth.email_unverified"
    assert not AccessToken.objects.exists()


def test_ten_failures_lock_the_account_even_for_the_right_password(client: Any) -> None:
    UserFactory(email="ada@example.org")
    UserFactory(email="bob@example.org")

    for _ in range(10):
        assert _exchange(client, "ada@example.org", "nope").status_code == 401
    response = _exchange(client, "Ada@Example.org", DEFAULT_PASSWORD)

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "auth.throttled"
    assert set(body["detail"]) == {"retry_after"}
    assert 890 <= body["detail"]["retry_after"] <= 900
    assert response["Retry-After"] == str(body["detail"]["retry_after"])
    assert not AccessToken.objects.exists()
    # Another account is not affected.
    assert _exchange(client, "bob@example.org", DEFAULT_PASSWORD).status_code == 201


def test_nine_failures_still_let_the_right_password_in(client: Any) -> None:
    UserFactory(email="ada@example.org")
    for _ in range(9):
        _exchange(client, "ada@example.org", "nope")
    assert _exchange(client, "ada@example.org", DEFAULT_PASSWORD).status_code == 201


def test_throttled_attempts_are_not_counted_and_the_lock_lifts_with_the_window() -> None:
    UserFactory(email="ada@example.org")
    for _ in range(10):
        with pytest.raises(InvalidCredentials):
            services.authenticate_with_password(email="ada@example.org", password="nope")
    for _ in range(5):
        with pytest.raises(LoginThrottled):
            services.authenticate_with_password(email="ada@example.org", password="nope")
    assert AuthFailure.objects.filter(email="ada@example.org").count() == 10

    # The oldest failure leaves the 15-minute window: one more attempt is allowed.
    oldest = AuthFailure.objects.order_by("at").first()
    assert oldest is not None
    AuthFailure.objects.filter(pk=oldest.pk).update(at=timezone.now() - timedelta(minutes=16))
    user = services.authenticate_with_password(email="ada@example.org", password=DEFAULT_PASSWORD)
    assert user.email == "ada@example.org"


def test_retry_after_counts_down_to_when_the_oldest_counted_failure_expires() -> None:
    UserFactory(email="ada@example.org")
    now = timezone.now()
    AuthFailure.objects.bulk_create(
        AuthFailure(email="ada@example.org", at=now - timedelta(minutes=10)) for _ in range(10)
    )
    with pytest.raises(LoginThrottled) as exc:
        services.authenticate_with_password(email="ada@example.org", password=DEFAULT_PASSWORD)
    assert 299 <= exc.value.detail["retry_after"] <= 300


def test_unknown_emails_are_throttled_like_real_ones(client: Any) -> None:
    for _ in range(10):
        assert _exchange(client, "ghost@example.org", "x").status_code == 401
    assert _exchange(client, "ghost@example.org", "x").status_code == 429


def test_limits_come_from_settings(client: Any, settings: Any) -> None:
    settings.AUTH_THROTTLE_FAILURES = 3
    settings.AUTH_THROTTLE_WINDOW_SECONDS = 60
    UserFactory(email="ada@example.org")
    for _ in range(3):
        _exchange(client, "ada@example.org", "nope")
    response = _exchange(client, "ada@example.org", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert 55 <= response.json()["detail"]["retry_after"] <= 60


def test_failures_outside_the_window_are_pruned() -> None:
    AuthFailure.objects.create(email="ada@example.org", at=timezone.now() - timedelta(hours=2))
    with pytest.raises(InvalidCredentials):
        services.authenticate_with_password(email="ada@example.org", password="nope")
    assert AuthFailure.objects.filter(email="ada@example.org").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@example.org"},
        {"password": "x"},
        {"email": 5, "password": []},
        {"email": "a" * 300, "password": "x"},
        {"email": "a@example.org", "password": "x" * 5000},
        {"email": "a@example.org", "password": "x", "name": "n" * 101},
    ],
)
def test_malformed_exchange_requests_are_422(client: Any, body: dict[str, Any]) -> None:
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not AuthFailure.objects.exists()


def test_exchange_needs_no_csrf_and_ignores_session(client: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    UserFactory(email="ada@example.org")
    assert _exchange(strict, "ada@example.org", DEFAULT_PASSWORD).status_code == 201
