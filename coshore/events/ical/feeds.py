"""A person's "my events" calendar feed: the secret behind its URL, made once, reset on
demand (the old URL stops at once). Calendar apps cannot log in, so the secret is the key."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction

from coshore.activity.services import record_activity
from coshore.core.errors import NotFound, Unauthenticated

from ..models import EventFeedToken

__all__ = ["get_feed_owner", "get_or_create_feed_token", "reset_feed_token"]


def _check(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Unauthenticated("Log in to have a calendar feed.")


def get_or_create_feed_token(*, actor: Any) -> tuple[EventFeedToken, bool]:
    """The person's feed secret (the same one when asked again) and whether it was made now."""
    _check(actor)
    existing = EventFeedToken.objects.filter(user=actor).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            token = EventFeedToken.objects.create(user=actor, secret=secrets.token_urlsafe(32))
            record_activity(actor=actor, verb="events_feed.created", target=token)
    except IntegrityError:
        return EventFeedToken.objects.get(user=actor), False
    return token, True


def reset_feed_token(*, actor: Any) -> EventFeedToken:
    """A new secret for the person's feed (made if missing); the old URL stops working."""
    _check(actor)
    with transaction.atomic():
        token = EventFeedToken.objects.select_for_update().filter(user=actor).first()
        if token is None:
            token = EventFeedToken.objects.create(user=actor, secret=secrets.token_urlsafe(32))
        else:
            token.secret = secrets.token_urlsafe(32)
            token.save(update_fields=["secret"])
        record_activity(actor=actor, verb="events_feed.reset", target=token)
    return token


def get_feed_owner(*, secret: str) -> Any:
    """The active person whose feed this secret opens; NotFound otherwise."""
    if not secret or len(secret) > 64:
        raise NotFound("No such feed.")
    token = EventFeedToken.objects.select_related("user").filter(secret=secret).first()
    if token is None or not token.user.is_active:
        raise NotFound("No such feed.")
    return token.user
