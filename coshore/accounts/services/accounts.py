"""Opening accounts, verifying email addresses, resetting passwords."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from coshore.activity.services import record_activity

from .. import emails
from ..errors import (
    EmailTaken,
    InvalidEmail,
    InvalidResetLink,
    InvalidVerificationLink,
    StaffRequired,
    VerificationLinkExpired,
    WeakPassword,
)
from ..models import User
from ..tokens import decode_uid, password_reset_tokens, read_verification_token
from ._shared import _clean_display_name, _enqueue_on_commit


def _normalise_email(email: str) -> str:
    value = (email or "").strip().lower()
    if len(value) > 254:
        raise InvalidEmail("This email address is too long.", detail={"field": "email"})
    try:
        validate_email(value)
    except ValidationError as exc:
        raise InvalidEmail("Enter a valid email address.", detail={"field": "email"}) from exc
    return value


def _check_password(password: str, *, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise WeakPassword(
            " ".join(exc.messages),
            detail={"field": "password", "errors": list(exc.messages)},
        ) from exc


def _ensure_email_free(email: str) -> None:
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken("An account with this email already exists.", detail={"field": "email"})


def _create_account(
    *, email: str, password: str, display_name: str, is_staff: bool, verified: bool
) -> User:
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email,
                password=password,
                display_name=display_name,
                is_staff=is_staff,
                email_verified_at=timezone.now() if verified else None,
            )
    except IntegrityError as exc:  # a concurrent sign-up with the same address won the race
        raise EmailTaken(
            "An account with this email already exists.", detail={"field": "email"}
        ) from exc


def sign_up(*, email: str, password: str, display_name: str) -> User:
    """Open an account. The email is unique regardless of case; the password must pass the
    configured validators. The account cannot log in until the email is verified through the
    signed link sent by email."""
    email = _normalise_email(email)
    display_name = _clean_display_name(display_name)
    _check_password(password, user=User(email=email, display_name=display_name))
    with transaction.atomic():
        _ensure_email_free(email)
        user = _create_account(
            email=email,
            password=password,
            display_name=display_name,
            is_staff=False,
            verified=False,
        )
        record_activity(actor=user, verb="account.signed_up", target=user)
        _enqueue_on_commit(emails.send_verification_email, user.pk)
    return user


def resend_verification_email(*, email: str) -> None:
    """Send a new verification link if an unverified active account has this email. Says
    nothing about whether it does."""
    try:
        email = _normalise_email(email)
    except InvalidEmail:
        return
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or user.is_verified:
        return
    with transaction.atomic():
        record_activity(actor=user, verb="account.verification_resent", target=user)
        _enqueue_on_commit(emails.send_verification_email, user.pk)


def verify_email(*, token: str) -> User:
    """Mark the account's email as verified from a signed link. The link expires after three
    days and only confirms the address it was sent to. Verifying twice is harmless."""
    try:
        user_id, email = read_verification_token(token)
    except signing.SignatureExpired as exc:
        raise VerificationLinkExpired(
            "This verification link has expired. Ask for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise InvalidVerificationLink("This verification link is not valid.") from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or user.email.lower() != email.lower():
            raise InvalidVerificationLink("This verification link is not valid.")
        if user.is_verified:
            return user
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record_activity(actor=user, verb="account.email_verified", target=user)
    return user


def request_password_reset(*, email: str) -> None:
    """Email a one-time reset link if an active account has this address. The caller learns
    nothing about whether it does: the answer is the same either way."""
    try:
        email = _normalise_email(email)
    except InvalidEmail:
        return
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        record_activity(actor=user, verb="account.password_reset_requested", target=user)
        _enqueue_on_commit(emails.send_password_reset_email, user.pk)


def check_password_reset_link(*, uidb64: str, token: str) -> User:
    """The account a reset link belongs to, if the link is still valid."""
    user_id = decode_uid(uidb64)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or len(token) > 100 or not password_reset_tokens.check_token(user, token):
        raise InvalidResetLink("This password reset link is not valid or has already been used.")
    return user


def reset_password(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a valid reset link. The link dies once used. Receiving the link
    proves the mailbox, so an unverified email becomes verified."""
    user = check_password_reset_link(uidb64=uidb64, token=token)
    _check_password(new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        fields = ["password"]
        if not user.is_verified:
            user.email_verified_at = timezone.now()
            fields.append("email_verified_at")
        user.save(update_fields=fields)
        record_activity(actor=user, verb="account.password_reset", target=user)
    return user


def create_user(
    *,
    actor: User | None,
    email: str,
    password: str,
    display_name: str = "",
    is_staff: bool = False,
    enforce_password_validators: bool = True,
) -> User:
    """Create an account that is verified from the start. Only staff (or the operator's console,
    `actor=None`) may do this; the email must be free regardless of case."""
    if actor is not None and not (actor.is_authenticated and actor.is_staff):
        raise StaffRequired("Only staff can create accounts.")
    email = _normalise_email(email)
    display_name = _clean_display_name(display_name or email.split("@", 1)[0])
    if enforce_password_validators:
        _check_password(password, user=User(email=email, display_name=display_name))
    with transaction.atomic():
        _ensure_email_free(email)
        user = _create_account(
            email=email,
            password=password,
            display_name=display_name,
            is_staff=is_staff,
            verified=True,
        )
        record_activity(
            actor=actor, verb="account.created", target=user, metadata={"is_staff": is_staff}
        )
    return user
