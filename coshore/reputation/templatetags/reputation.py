"""`{% profile_reputation person %}`: the reputation block of a profile page. A tag rather than
context from the accounts view, since accounts never imports reputation (import-linter)."""

from __future__ import annotations

from typing import Any

from django import template

from coshore.core.errors import NotFound
from coshore.reputation.selectors import endorsed_skills_by_project, get_reputation_for_profile

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


@register.simple_tag
def gallery_skills(items: list[Any]) -> dict[int, list[tuple[str, int]]]:
    """`{% gallery_skills items as skills %}`: the endorsed skills of the gallery's projects
    (items with a `project`), in one query; read one with `skills|skills_of:project.pk`."""
    return endorsed_skills_by_project([it["project"].pk for it in items])


@register.filter
def skills_of(skills: dict[int, list[tuple[str, int]]], project_id: int) -> list[tuple[str, int]]:
    return skills.get(project_id, [])
