"""`{% notification_bell %}`: the nav's bell with the unread count (one COUNT query, only
when a logged-in person's page is rendered)."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import count_unread

register = template.Library()


@register.inclusion_tag("notifications/partials/bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": count_unread(user=user), "request": request}
