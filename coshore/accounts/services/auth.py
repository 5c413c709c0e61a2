"""Password login with its throttle, and personal access tokens."""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coshore.activity.services import record_activity

from ..backends import EmailBackend
from ..errors import (
    EmailUnverified,
    InvalidCredentials,
    InvalidTokenName,
    LoginThrottled,
    StaffRequired,
)
from ..models import AccessToken, AuthFailure, User
from ..tokens import digest_access_token, generate_access_token, looks_like_access_token
from ._shared import MAX_ACTIVE_TOKENS, TOKEN_TOUCH_INTERVAL


def _throttle_window() -> timedelta:
    return timedelta(seconds=settings.AUTH_THROTTLE_WINDOW_SECONDS)


def _check_throttle(key: str) -> None:
    limit = settings.AUTH_THROTTLE_FAILURES
    now = timezone.now()
    window = _throttle_window()
    recent = list(
        AuthFailure.objects.filter(email=key, at__gt=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if limit > 0 and len(recent) >= limit:
        # Attempts resume once the oldest of the last `limit` failures leaves the window.
        retry_after = max(1, math.ceil((recent[-1] + window - now).total_seconds()))
        raise LoginThrottled(
            "Too many failed attempts for this account. Try again later.",
            detail={"retry_after": retry_after},
        )


def _record_failure(key: str) -> None:
    now = timezone.now()
    # Autocommitted on purpose: the failure must survive the error raised after it.
    AuthFailure.objects.create(email=key, at=now)
    AuthFailure.objects.filter(email=key, at__lte=now - _throttle_window()).delete()


def authenticate_with_password(*, email: str, password: str) -> User:
    """The account for these credentials. Failures are counted per email address (known or
    not, so the throttle reveals nothing) in the database, so every process shares them: after
    AUTH_THROTTLE_FAILURES failures within AUTH_THROTTLE_WINDOW_SECONDS, every attempt is
    refused, even with the right password, until the oldest failure leaves the window. A
    success does not reset the count. Unverified accounts cannot log in."""
    key = (email or "").strip().lower()[:254]
    _check_throttle(key)
    user = EmailBackend().authenticate(None, email=key, password=password) if key else None
    if user is None:
        _record_failure(key)
        raise InvalidCredentials("The email or password is not correct.")
    if not user.is_verified:
        raise EmailUnverified(
            "Confirm your email address first: follow the link we sent you.",
            detail={"email": user.email},
        )
    return user


def exchange_password_for_token(
    *, email: str, password: str, name: str = "API token"
) -> IssuedToken:
    """A new personal access token for valid credentials (throttled as in
    `authenticate_with_password`). The plaintext is returned once and never stored."""
    user = authenticate_with_password(email=email, password=password)
    return create_token(user=user, name=name, via="password")


@dataclass(frozen=True)
class IssuedToken:
    """A token just created: the stored row and the plaintext, which exists only here."""

    token: AccessToken
    plaintext: str


def create_token(*, user: User, name: str, via: str = "page") -> IssuedToken:
    """Create a personal access token `csh_…` for `user`. Only its prefix and SHA-256 digest
    are stored; the plaintext is returned here once. A person holds at most 50 active tokens."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise InvalidTokenName(
            "Give the token a name of 1 to 100 characters.", detail={"field": "name"}
        )
    with transaction.atomic():
        # Lock the owner row so concurrent creations cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        active = AccessToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise InvalidTokenName(
                f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.",
                code="token.too_many",
                detail={"max": MAX_ACTIVE_TOKENS},
            )
        new = generate_access_token()
        token = AccessToken.objects.create(
            user=user, name=name, prefix=new.prefix, digest=new.digest
        )
        record_activity(actor=user, verb="token.created", target=token, metadata={"via": via})
    return IssuedToken(token=token, plaintext=new.plaintext)


def revoke_token(*, actor: User, token: AccessToken) -> AccessToken:
    """Revoke a token: it stops working at once. Its owner or staff may revoke it; revoking a
    revoked token changes nothing."""
    if token.user_id != actor.pk and not actor.is_staff:
        raise StaffRequired("Only the token's owner or staff can revoke it.")
    with transaction.atomic():
        updated = AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            record_activity(actor=actor, verb="token.revoked", target=token)
    token.refresh_from_db()
    return token


def authenticate_token(*, token: str) -> User | None:
    """The active account behind a personal access token, or None. The lookup is by digest
    (an index lookup that never compares the secret character by character); revoked tokens
    and deactivated accounts are refused. `last_used_at` is written at most once a minute."""
    if not isinstance(token, str) or not looks_like_access_token(token):
        return None
    digest = digest_access_token(token)
    found = (
        AccessToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None or not hmac.compare_digest(found.digest, digest):
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= TOKEN_TOUCH_INTERVAL:
        AccessToken.objects.filter(pk=found.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_TOUCH_INTERVAL)
        ).update(last_used_at=now)
    return found.user
