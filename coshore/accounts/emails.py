"""Emails sent to account holders, as background tasks (services enqueue them on commit)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import User
from .tokens import (
    VERIFICATION_MAX_AGE_SECONDS,
    encode_uid,
    make_verification_token,
    password_reset_tokens,
)


def _send(*, user: User, template: str, context: dict[str, object]) -> None:
    ctx = {"user": user, "SITE_NAME": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"emails/accounts/{template}_subject.txt", ctx).split())
    body = render_to_string(f"emails/accounts/{template}.txt", ctx)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@task()
def send_verification_email(user_id: int) -> None:
    """Send a signed, expiring link that confirms the account's current email address."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.is_verified:
        return
    token = make_verification_token(user_id=user.pk, email=user.email)
    link = settings.SITE_URL + reverse("accounts:verify", kwargs={"token": token})
    _send(
        user=user,
        template="verify_email",
        context={"link": link, "valid_days": VERIFICATION_MAX_AGE_SECONDS // 86400},
    )


@task()
def send_password_reset_email(user_id: int) -> None:
    """Send a one-time link to choose a new password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    link = settings.SITE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": encode_uid(user.pk), "token": password_reset_tokens.make_token(user)},
    )
    _send(
        user=user,
        template="password_reset",
        context={"link": link, "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400},
    )
