"""Sign-up, email verification, password reset and staff-created accounts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.utils import timezone

from coshore.accounts import services
from coshore.accounts.errors import (
    EmailTaken,
    EmailUnverified,
    InvalidCredentials,
    InvalidDisplayName,
    InvalidEmail,
    InvalidResetLink,
    InvalidVerificationLink,
    StaffRequired,
    VerificationLinkExpired,
    WeakPassword,
)
from coshore.accounts.models import Profile, User
from coshore.accounts.tokens import make_verification_token
from coshore.activity.models import Activity

from .factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Tramontana-1987-sails"


def _link_path(body: str) -> str:
    match = re.search(r"http://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def _sign_up(capture: Any, **kwargs: Any) -> User:
    with capture(execute=True):
        return services.sign_up(
            **{"email": "Mar@Example.org", "password": STRONG, "display_name": "Mar", **kwargs}
        )


def test_sign_up_creates_an_unverified_account_with_a_profile_and_sends_a_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = _sign_up(django_capture_on_commit_callbacks, display_name="  Mar   Puig ")

    user.refresh_from_db()
    assert user.email == "mar@example.org"
    assert user.display_name == "Mar Puig"
    assert user.email_verified_at is None
    assert user.check_password(STRONG)
    assert Profile.objects.filter(user=user, visibility="space").exists()
    assert list(Activity.objects.values_list("verb", "actor_id")) == [
        ("account.signed_up", user.pk)
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mar@example.org"]
    assert message.subject == "Confirm your email address for Coshore"
    assert "/accounts/verify/" in message.body


def test_sign_up_rejects_an_email_taken_in_another_case(
    django_capture_on_commit_callbacks: Any,
) -> None:
    UserFactory(email="mar@example.org")
    before = User.objects.count()

    with pytest.raises(EmailTaken) as exc:
        _sign_up(django_capture_on_commit_callbacks, email="MAR@example.ORG")

    assert exc.value.code == "accounts.email_taken"
    assert exc.value.status == 409
    assert User.objects.count() == before
    assert mail.outbox == []
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "password, fragment",
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("83920175463", "entirely numeric"),
        ("mar@example.org", "too similar"),
    ],
)
def test_sign_up_rejects_passwords_the_validators_refuse(
    django_capture_on_commit_callbacks: Any, password: str, fragment: str
) -> None:
    with pytest.raises(WeakPassword) as exc:
        _sign_up(django_capture_on_commit_callbacks, password=password)

    assert exc.value.code == "accounts.weak_password"
    assert any(fragment in e for e in exc.value.detail["errors"]), exc.value.detail
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b", "x" * 250 + "@example.org"])
def test_sign_up_rejects_invalid_emails(
    django_capture_on_commit_callbacks: Any, email: str
) -> None:
    with pytest.raises(InvalidEmail):
        _sign_up(django_capture_on_commit_callbacks, email=email)
    assert not User.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_sign_up_requires_a_display_name_of_at_most_120_characters(
    django_capture_on_commit_callbacks: Any, name: str
) -> None:
    with pytest.raises(InvalidDisplayName):
        _sign_up(django_capture_on_commit_callbacks, display_name=name)
    assert not User.objects.exists()


def test_unverified_account_cannot_log_in_until_the_link_is_followed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = _sign_up(django_capture_on_commit_callbacks)
    with pytest.raises(EmailUnverified) as exc:
        services.authenticate_with_password(email="mar@example.org", password=STRONG)
    assert exc.value.code == "auth.email_unverified"

    token = _link_path(mail.outbox[0].body).rstrip("/").rsplit("/", 1)[1]
    verified = services.verify_email(token=token)

    assert verified.pk == user.pk
    assert services.authenticate_with_password(email="MAR@example.org", password=STRONG) == user


def test_verify_email_is_idempotent() -> None:
    user = UserFactory(email_verified_at=None)
    token = make_verification_token(user_id=user.pk, email=user.email)

    first = services.verify_email(token=token)
    stamp = first.email_verified_at
    second = services.verify_email(token=token)

    assert stamp is not None
    assert second.email_verified_at == stamp
    assert Activity.objects.filter(verb="account.email_verified").count() == 1


def test_verify_email_rejects_a_tampered_token() -> None:
    user = UserFactory(email_verified_at=None)
    token = make_verification_token(user_id=user.pk, email=user.email)

    with pytest.raises(InvalidVerificationLink) as exc:
        services.verify_email(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    assert exc.value.code == "accounts.invalid_verification_link"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verify_email_rejects_an_expired_link(monkeypatch: Any) -> None:
    user = UserFactory(email_verified_at=None)
    token = make_verification_token(user_id=user.pk, email=user.email)
    later = timezone.now().timestamp() + 3 * 24 * 3600 + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)

    with pytest.raises(VerificationLinkExpired) as exc:
        services.verify_email(token=token)

    assert exc.value.code == "accounts.verification_link_expired"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_verify_email_rejects_a_link_sent_to_a_previous_address() -> None:
    user = UserFactory(email="old@example.org", email_verified_at=None)
    token = make_verification_token(user_id=user.pk, email=user.email)
    User.objects.filter(pk=user.pk).update(email="new@example.org")

    with pytest.raises(InvalidVerificationLink):
        services.verify_email(token=token)
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_resend_verification_sends_only_to_unverified_accounts_and_reveals_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    UserFactory(email="done@example.org")
    UserFactory(email="pending@example.org", email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_verification_email(email="done@example.org") is None
        assert services.resend_verification_email(email="nobody@example.org") is None
        assert services.resend_verification_email(email="garbage") is None
        assert services.resend_verification_email(email="PENDING@example.org") is None

    assert [m.to for m in mail.outbox] == [["pending@example.org"]]


def test_password_reset_by_email_changes_the_password_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_password_reset(email=" ADA@example.org ") is None

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Coshore password"
    _, uidb64, token = _link_path(mail.outbox[0].body).strip("/").rsplit("/", 2)

    services.reset_password(uidb64=uidb64, token=token, new_password=STRONG)

    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert Activity.objects.filter(verb="account.password_reset", actor=user).count() == 1
    with pytest.raises(InvalidResetLink) as exc:
        services.reset_password(uidb64=uidb64, token=token, new_password="Another-long-pass-42")
    assert exc.value.code == "accounts.invalid_reset_link"
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_password_reset(email="nobody@example.org") is None
        assert services.request_password_reset(email="not an email") is None
    assert mail.outbox == []
    assert not Activity.objects.exists()


def test_reset_password_rejects_a_weak_password_and_keeps_the_old_one() -> None:
    user = UserFactory()
    from coshore.accounts.tokens import encode_uid, password_reset_tokens

    uidb64, token = encode_uid(user.pk), password_reset_tokens.make_token(user)
    with pytest.raises(WeakPassword):
        services.reset_password(uidb64=uidb64, token=token, new_password="123")
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    "uidb64, token", [("MQ", "bad-token"), ("!!!", "x"), ("OTk5OTk5", "abc"), ("A" * 100, "t")]
)
def test_reset_password_rejects_bad_links(uidb64: str, token: str) -> None:
    UserFactory()
    with pytest.raises(InvalidResetLink):
        services.reset_password(uidb64=uidb64, token=token, new_password=STRONG)


def test_reset_password_verifies_the_email_it_proved() -> None:
    user = UserFactory(email_verified_at=None)
    from coshore.accounts.tokens import encode_uid, password_reset_tokens

    services.reset_password(
        uidb64=encode_uid(user.pk),
        token=password_reset_tokens.make_token(user),
        new_password=STRONG,
    )
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_staff_create_verified_accounts() -> None:
    staff = UserFactory(is_staff=True)

    user = services.create_user(
        actor=staff, email="New@Example.org", password=STRONG, display_name="Newcomer"
    )

    assert user.email == "new@example.org"
    assert user.is_verified
    assert not user.is_staff
    assert Profile.objects.filter(user=user).exists()
    activity = Activity.objects.get(verb="account.created")
    assert (activity.actor_id, activity.target_id) == (staff.pk, str(user.pk))
    assert services.authenticate_with_password(email="new@example.org", password=STRONG) == user


def test_non_staff_cannot_create_accounts() -> None:
    member = UserFactory()
    before = User.objects.count()
    with pytest.raises(StaffRequired) as exc:
        services.create_user(actor=member, email="x@example.org", password=STRONG)
    assert exc.value.code == "auth.staff_required"
    assert User.objects.count() == before
    assert not Activity.objects.exists()


def test_create_user_refuses_a_taken_email() -> None:
    UserFactory(email="taken@example.org")
    with pytest.raises(EmailTaken):
        services.create_user(actor=None, email="Taken@example.org", password=STRONG)
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_create_user_can_skip_password_validators_for_demo_accounts() -> None:
    user = services.create_user(
        actor=None, email="demo@example.org", password="demo", enforce_password_validators=False
    )
    assert user.check_password("demo")
    assert user.display_name == "demo"


def test_deactivated_accounts_cannot_log_in() -> None:
    UserFactory(email="gone@example.org", is_active=False)
    with pytest.raises(InvalidCredentials):
        services.authenticate_with_password(email="gone@example.org", password=DEFAULT_PASSWORD)


def test_database_refuses_two_accounts_differing_only_in_case() -> None:
    from django.db import IntegrityError, transaction

    UserFactory(email="case@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="CASE@example.org")


def test_verification_link_expires_after_three_days(monkeypatch: Any) -> None:
    user = UserFactory(email_verified_at=None)
    token = make_verification_token(user_id=user.pk, email=user.email)
    almost = timezone.now() + timedelta(days=3) - timedelta(minutes=1)
    monkeypatch.setattr(signing.time, "time", lambda: almost.timestamp())
    assert services.verify_email(token=token).is_verified
