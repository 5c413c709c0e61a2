"""`{% messages_link %}`: the nav's Messages link with the unread count (one SUM query, only
when a logged-in person's page is rendered); `{% message_actions person %}`: the profile's
"Message" and "Block" buttons, since accounts never imports messaging."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import count_unread, messaging_state

register = template.Library()


@register.inclusion_tag("messaging/partials/nav.html", takes_context=True)
def messages_link(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": count_unread(user=user), "request": request}


@register.inclusion_tag("messaging/partials/profile_actions.html", takes_context=True)
def message_actions(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    state = messaging_state(viewer=getattr(request, "user", None), person=person)
    return {
        "state": state,
        "person": person,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
