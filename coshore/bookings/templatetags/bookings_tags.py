"""Template tags that other apps' pages use to show bookings (through the selectors)."""

from __future__ import annotations

from typing import Any

from django import template

from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space

from .. import selectors

register = template.Library()


@register.inclusion_tag("bookings/partials/book_section.html", takes_context=True)
def book_section(context: dict[str, Any], space: Space) -> dict[str, Any]:
    """The "Book" card of a space's profile: its active resources, each linking into the
    calendar. Hidden when there is nothing to book, except for the space's managers."""
    request = context.get("request")
    user = getattr(request, "user", None)
    resources = [r for r in selectors.list_resources(user=user, space=space) if r.is_active]
    return {
        "space": space,
        "resources": resources,
        "can_manage": can_manage_space(user, space),
    }
