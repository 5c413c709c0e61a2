"""The screen mode: a display in a space shows its wall in large cards, refreshed by htmx
polling, without a login. Without a key it shows `public` posts of the space and of its
networks; with the key of the screen its managers enabled, also their `network` posts and the
space's own `space` posts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors
from coshore.spaces.selectors import get_space_for_user

from .. import selectors, services
from .common import page


def _context(request: HttpRequest, slug: str) -> dict[str, object]:
    space = get_space_for_user(user=None, slug=slug)
    key = request.GET.get("key", "")
    trusted = selectors.is_screen_key(space, key)
    cards_url = reverse("wall:screen_cards", args=[space.slug])
    if trusted:
        cards_url += f"?key={key}"
    return {
        "space": space,
        "trusted": trusted,
        "posts": selectors.list_screen_posts(space=space, trusted=trusted),
        "cards_url": cards_url,
        "poll_seconds": max(1, int(settings.WALL_SCREEN_POLL_SECONDS)),
    }


@require_GET
@domain_errors
def screen(request: HttpRequest, slug: str) -> HttpResponse:
    response = render(request, "wall/screen.html", _context(request, slug))
    response["Referrer-Policy"] = "no-referrer"  # the key must not leak through links
    return response


@require_GET
@domain_errors
def screen_cards(request: HttpRequest, slug: str) -> HttpResponse:
    """The cards alone, for the screen's polling."""
    response = render(request, "wall/partials/screen_cards.html", _context(request, slug))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@page
def screen_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager enables (a new key) or disables the screen's key."""
    space = get_space_for_user(user=request.user, slug=slug)
    try:
        if request.POST.get("action") == "disable":
            services.disable_screen(space=space, user=request.user)
            messages.success(request, "The screen shows public posts only now.")
        else:
            services.enable_screen(space=space, user=request.user)
            messages.success(request, "The screen's private link is ready (any older link stops).")
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
    return redirect("wall:space", slug=space.slug)
