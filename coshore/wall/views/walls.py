"""The walls: public (everything the visitor may see), per space and per network, with the
filters of the API; the results swap in through htmx and every link works as a full page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors
from coshore.skills.selectors import list_skills_by_uri
from coshore.spaces.models import Network, Space
from coshore.spaces.selectors import can_manage_space, get_network_for_user, get_space_for_user

from .. import selectors
from ..models import Locality, PostKind
from .common import SKILLS_API_URL, is_htmx


def _render_wall(
    request: HttpRequest,
    *,
    title: str,
    eyebrow: str,
    here: str,
    space: Space | None = None,
    network: Network | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    error: DomainError | None = None
    try:
        query = selectors.parse_post_query(request.GET)
        result = selectors.search_posts(
            viewer=request.user,
            query=query,
            space=space,
            network_id=network.pk if network else None,
        )
        posts, next_cursor = result.items, result.next_cursor
    except DomainError as exc:
        error, posts, next_cursor = exc, [], None
    params = request.GET.copy()
    params.pop("cursor", None)
    more_url = None
    if next_cursor:
        params["cursor"] = next_cursor
        more_url = f"{here}?{params.urlencode()}"
    context = {
        "title": title,
        "eyebrow": eyebrow,
        "here": here,
        "space": space,
        "network": network,
        "posts": posts,
        "more_url": more_url,
        "error": error,
        "f": request.GET,
        "skill_chips": list_skills_by_uri([request.GET["skill"]])
        if request.GET.get("skill")
        else [],
        "skills_api_url": SKILLS_API_URL,
        "kinds": PostKind.choices,
        "localities": Locality.choices,
        "appending": bool(request.GET.get("cursor")),
        **(extra or {}),
    }
    status = error.status if error else 200
    if is_htmx(request):
        return render(request, "wall/partials/results.html", context, status=status)
    return render(request, "wall/wall.html", context, status=status)


@require_GET
@domain_errors
def public_wall(request: HttpRequest) -> HttpResponse:
    """Every live post the visitor may see: public ones for everyone, and for members those
    of their spaces and networks."""
    return _render_wall(
        request, title="The wall", eyebrow="Offers and needs", here=reverse("wall:public")
    )


@require_GET
@domain_errors
def space_wall(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_user(user=request.user, slug=slug)
    manages = can_manage_space(request.user, space)
    screen = selectors.get_screen(space) if manages else None
    return _render_wall(
        request,
        title=f"Wall of {space.name}",
        eyebrow=space.city or "Space",
        here=reverse("wall:space", args=[space.slug]),
        space=space,
        extra={"manages": manages, "screen": screen},
    )


@require_GET
@domain_errors
def network_wall(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_user(user=request.user, slug=slug)
    return _render_wall(
        request,
        title=f"Wall of {network.name}",
        eyebrow="Network",
        here=reverse("wall:network", args=[network.slug]),
        network=network,
    )
