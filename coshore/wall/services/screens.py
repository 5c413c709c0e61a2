"""The space screen: a display in the space that shows its wall without a login."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from coshore.activity.services import record_activity
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space

from ..errors import NotManager
from ..models import WallScreen
from ._shared import _require_user

__all__ = ["disable_screen", "enable_screen"]


def _require_manager(user: Any, space: Space) -> Any:
    person = _require_user(user)
    if not can_manage_space(person, space):
        raise NotManager("Only the space's managers set up its screen.")
    return person


def enable_screen(*, space: Space, user: Any) -> WallScreen:
    """A manager enables (or re-keys) the space's screen: a new secret for its URL, so the
    screen shows the space's `network` and `space` posts too. The old URL stops working."""
    person = _require_manager(user, space)
    with transaction.atomic():
        screen, _ = WallScreen.objects.update_or_create(
            space=space,
            defaults={"secret": secrets.token_urlsafe(24), "enabled_by": person},
        )
        record_activity(actor=person, verb="wall.screen_enabled", target=space, space=space)
    return screen


def disable_screen(*, space: Space, user: Any) -> None:
    """A manager disables the screen's secret: the screen shows `public` posts only."""
    person = _require_manager(user, space)
    with transaction.atomic():
        WallScreen.objects.filter(space=space).delete()
        record_activity(actor=person, verb="wall.screen_disabled", target=space, space=space)
