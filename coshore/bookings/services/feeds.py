"""Private calendar feeds: the secret behind a feed URL, made once and reset on demand."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction

from coshore.activity.services import record_activity
from coshore.core.errors import Unauthenticated
from coshore.spaces.selectors import can_manage_space

from ..errors import ResourceNotFound
from ..models import FeedToken, Resource

__all__ = ["get_or_create_feed_token", "new_feed_secret", "reset_feed_token"]


def new_feed_secret() -> str:
    """43 URL-safe characters (256 random bits)."""
    return secrets.token_urlsafe(32)


def _check(actor: Any, resource: Resource | None) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Unauthenticated("Log in to have a calendar feed.")
    if resource is not None and not can_manage_space(actor, resource.space):
        # Not yours and missing look the same (404).
        raise ResourceNotFound("No such resource.", detail={"resource": resource.pk})


def get_or_create_feed_token(
    *, actor: Any, resource: Resource | None = None
) -> tuple[FeedToken, bool]:
    """A person's feed of their own bookings (no resource), or the feed of one resource's
    bookings for those who manage its space. One of each per person: asking again returns the
    same secret. Returns the token and whether it was made now."""
    _check(actor, resource)
    existing = FeedToken.objects.filter(user=actor, resource=resource).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            token = FeedToken.objects.create(
                user=actor, resource=resource, secret=new_feed_secret()
            )
            _record(actor, token, "calendar_feed.created")
    except IntegrityError:
        # A concurrent request made it first (the unique constraints allow one).
        return FeedToken.objects.get(user=actor, resource=resource), False
    return token, True


def reset_feed_token(*, actor: Any, resource: Resource | None = None) -> FeedToken:
    """Give the feed a new secret: the old URL stops working at once. Resetting a feed that
    does not exist yet makes it."""
    _check(actor, resource)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                token = (
                    FeedToken.objects.select_for_update()
                    .filter(user=actor, resource=resource)
                    .first()
                )
                if token is None:
                    token = FeedToken.objects.create(
                        user=actor, resource=resource, secret=new_feed_secret()
                    )
                else:
                    token.secret = new_feed_secret()
                    token.save(update_fields=["secret"])
                token.resource = resource
                _record(actor, token, "calendar_feed.reset")
            return token
        except IntegrityError:
            continue  # a concurrent request made the feed first: reset that one
    raise RuntimeError("could not reset the calendar feed")


def _record(actor: Any, token: FeedToken, verb: str) -> None:
    resource = token.resource
    record_activity(
        actor=actor,
        verb=verb,
        target=token,
        space=resource.space if resource is not None else None,
        # Never the secret: the activity log is read by managers and analytics.
        metadata={"resource": token.resource_id},
    )
