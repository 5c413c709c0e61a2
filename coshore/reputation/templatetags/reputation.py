"""`{% profile_reputation person %}`: the reputation block of a profile page. A tag rather than
context from the accounts view, since accounts never imports reputation (import-linter)."""

from __future__ import annotations

from typing import Any

from django import template

from coshore.core.errors import NotFound
from coshore.reputation.selectors import get_reputation_for_profile

register = template.Library()


@register.inclusion_tag("reputation/partials/profile_reputation.html", takes_context=True)
def profile_reputation(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    try:
        rep = get_reputation_for_profile(viewer=viewer, user_id=person.pk)
    except NotFound:
        rep = None
    return {"rep": rep}
