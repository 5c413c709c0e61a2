"""Introductions: a community manager connects two people (the brokerage the observatory
measures later)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coshore.accounts.models import User
from coshore.accounts.selectors import list_profiles_visible_to
from coshore.activity.services import record_activity
from coshore.spaces.models import NetworkSpace, Space, SpaceRole
from coshore.spaces.selectors import can_manage_space

from .. import emails
from ..errors import IntroductionConflict, InvalidIntroduction, NotManager
from ..models import Introduction, Post
from ._shared import _require_user, _text

__all__ = ["REPEAT_DAYS", "introduce"]

REPEAT_DAYS = 30


def _person(email: str, field: str, introducer: User, space: Space) -> User:
    """An active person whose profile the introducer may see and who belongs to the space or
    to a space of one of its networks; one error for "unknown" and "out of reach"."""
    networks = NetworkSpace.objects.filter(space=space).values("network_id")
    reach = SpaceRole.objects.filter(
        Q(space=space) | Q(space__network_links__network_id__in=networks)
    ).values("user_id")
    person = (
        User.objects.filter(email__iexact=(email or "").strip()[:254], is_active=True)
        .filter(pk__in=reach)
        .filter(pk__in=list_profiles_visible_to(introducer).values("user_id"))
        .first()
    )
    if person is None:
        raise InvalidIntroduction(
            "Nobody with this email belongs to this space or its networks (or you cannot see "
            "their profile).",
            detail={"field": field},
        )
    return person


def introduce(
    *,
    introducer: Any,
    space: Space,
    first_email: str,
    second_email: str,
    post: Post | None = None,
    note: str = "",
) -> Introduction:
    """A manager of `space` introduces two different people of the space or its networks whose
    profiles they may see, optionally about a post. Both are emailed; the same pair is
    introduced at most once in REPEAT_DAYS days. Recorded as an Activity (never the note)."""
    person = _require_user(introducer)
    if not can_manage_space(person, space):
        raise NotManager("Only the space's managers introduce people here.")
    note = _text(note, field="note", max_len=1000, required=False, error=InvalidIntroduction)
    first = _person(first_email, "first", person, space)
    second = _person(second_email, "second", person, space)
    if first.pk == second.pk:
        raise InvalidIntroduction("Introduce two different people.", detail={"field": "second"})
    since = timezone.now() - timedelta(days=REPEAT_DAYS)
    pair = Q(first=first, second=second) | Q(first=second, second=first)
    with transaction.atomic():
        if Introduction.objects.filter(pair, created_at__gte=since).exists():
            raise IntroductionConflict(
                f"These two were introduced less than {REPEAT_DAYS} days ago."
            )
        intro = Introduction.objects.create(
            space=space, introducer=person, first=first, second=second, post=post, note=note
        )
        record_activity(
            actor=person,
            verb="introduction.made",
            target=intro,
            space=space,
            metadata={"first": first.pk, "second": second.pk, "post": post.pk if post else None},
        )
        emails.notify_introduction(intro)
    return intro
