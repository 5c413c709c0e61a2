"""HTML pages of the directory: search with a map, space profiles, networks. Thin: they parse
input, call the selectors and services, and shape the output. A DomainError becomes a form
error or a friendly error page with its 4xx status, never a 500."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors, error_page

from . import selectors, services
from .forms import NetworkSpaceForm, SpaceEditForm, SpaceSearchForm
from .hours import format_weekly_hours
from .models import Network, Space, TagKind
from .rules import AMENITIES

WEEKDAY_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _login_redirect(request: HttpRequest) -> HttpResponse:
    try:
        return redirect_to_login(request.get_full_path())
    except NoReverseMatch:  # before the accounts pages exist
        return error_page(request, DomainError("Log in to do this.", status=401))


# --- Shaping --------------------------------------------------------------------------------


def _open_now(space: Space | selectors.SpaceSummary, now: datetime) -> bool | None:
    try:
        return selectors.is_open_at(space, now)
    except (KeyError, ValueError):  # an unknown timezone name reads as unknown hours
        return None


def space_card(space: Space | selectors.SpaceSummary, now: datetime) -> dict[str, Any]:
    """What a list item and a map marker show about a space (JSON-safe)."""
    distance = getattr(space, "distance_km", None)
    amenities = space.amenities
    return {
        "slug": space.slug,
        "name": space.name,
        "lat": space.lat,
        "lon": space.lon,
        "address": space.address,
        "city": space.city,
        "amenities": [AMENITIES.get(a, a) for a in amenities],
        "open_now": _open_now(space, now),
        "distance_km": round(distance, 2) if distance is not None else None,
        "url": reverse("spaces:detail", args=[space.slug]),
    }


def _search(request: HttpRequest) -> tuple[SpaceSearchForm, dict[str, Any], int]:
    """Run the search in `request.GET`; returns the form, the results context and a status."""
    form = SpaceSearchForm(request.GET)
    context: dict[str, Any] = {"cards": [], "next_cursor": None, "has_point": False}
    if not form.is_valid():
        return form, context, 400
    params = form.query_params()
    if form.errors:  # e.g. an unreadable "open at" time
        return form, context, 400
    try:
        query = selectors.parse_space_query(params)
        result = selectors.search_spaces(viewer=request.user, query=query)
    except DomainError as error:
        form.add_domain_error(error)
        return form, context, error.status if 400 <= error.status < 500 else 400
    now = timezone.now()
    context.update(
        cards=[space_card(s, now) for s in result.items],
        next_cursor=result.next_cursor,
        has_point=query.has_point,
        radius_km=query.radius_km,
        is_more=bool(query.cursor),
        filtered=bool(query.q or query.city or query.amenities or query.specialty or query.open_at),
        open_at=query.open_at,
        open_at_label=_when(query.open_at),
    )
    return form, context, 200


def _when(instant: datetime | None) -> str:
    """An instant as the searcher gave it: "Tue 24 Nov 2026, 23:30" (in its own offset)."""
    if instant is None:
        return ""
    return f"{instant:%a} {instant.day} {instant:%b %Y, %H:%M}"


def _more_url(request: HttpRequest, cursor: str | None) -> str:
    if not cursor:
        return ""
    params = request.GET.copy()
    params["cursor"] = cursor
    return reverse("spaces:results") + "?" + params.urlencode()


# --- Directory ------------------------------------------------------------------------------


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The search page: filters, a map and the result list (the first page is server-rendered,
    so the page works before, and without, JavaScript)."""
    form, results, status = _search(request)
    results["more_url"] = _more_url(request, results["next_cursor"])
    context = {
        "form": form,
        "results": results,
        "results_url": reverse("spaces:results"),
    }
    return render(request, "spaces/search.html", context, status=status)


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """The result list alone, for htmx: the map asks for it after every pan or zoom."""
    form, results, status = _search(request)
    results["more_url"] = _more_url(request, results["next_cursor"])
    # a next page ("Show more") replaces the button at the end of the list
    more = results.get("is_more")
    template = "spaces/partials/results_more.html" if more else "spaces/partials/results.html"
    return render(request, template, {"results": results, "form": form}, status=status)


@require_GET
@domain_errors
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's full profile."""
    space = selectors.get_space_for_user(user=request.user, slug=slug)
    now = timezone.now()
    try:
        local_now = now.astimezone(ZoneInfo(space.timezone))
    except (KeyError, ValueError):
        local_now = None
    hours = list(space.hours.all())
    tags = list(space.tags.all())
    week = (
        [
            {"day": WEEKDAY_LONG[i], "short": short, "text": text, "closed": text == "closed"}
            for i, (short, text) in enumerate(format_weekly_hours(hours))
        ]
        if space.hours_status == "known"
        else []
    )
    osm_url = ""
    if space.source == "osm" and space.source_ref and space.source_ref.startswith("osm:"):
        osm_url = "https://www.openstreetmap.org/" + space.source_ref.removeprefix("osm:")
    standing = selectors.space_standing(request.user, space)
    context = {
        "space": space,
        "card_list": [space_card(space, now)],
        "week": week,
        "today": local_now.weekday() if local_now else None,
        "local_now": local_now,
        "open_now": _open_now(space, now),
        "amenities": [AMENITIES.get(t.value, t.value) for t in tags if t.kind == TagKind.AMENITY],
        "specialties": [t.value for t in tags if t.kind == TagKind.SPECIALTY],
        "networks": list(space.networks.all()),
        "can_manage": standing.manages,
        # The space's feed is read by its members and those who manage it.
        "reads_feed": standing.belongs or standing.manages,
        "osm_url": osm_url,
        "website_label": re.sub(r"^https?://(www\.)?", "", space.website).rstrip("/"),
    }
    return render(request, "spaces/space_detail.html", context)


@require_http_methods(["GET", "POST"])
@domain_errors
def space_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Its managers edit a space's profile."""
    space = selectors.get_space_for_user(user=request.user, slug=slug)
    if not request.user.is_authenticated:
        return _login_redirect(request)
    if not selectors.can_manage_space(request.user, space):
        return error_page(
            request,
            DomainError("Only the space's managers edit it.", code="space.not_manager", status=403),
        )
    status = 200
    if request.method == "POST":
        form = SpaceEditForm.for_space(space, data=request.POST)
        if form.is_valid():
            try:
                services.update_space(actor=request.user, space=space, changes=form.changes())
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                form.add_domain_error(error)
                status = error.status
            else:
                messages.success(request, "Saved. The profile is up to date.")
                return redirect("spaces:detail", slug=space.slug)
        else:
            status = 400
    else:
        form = SpaceEditForm.for_space(space)
    return render(request, "spaces/space_edit.html", {"space": space, "form": form}, status=status)


# --- Networks -------------------------------------------------------------------------------


@require_GET
def network_list(request: HttpRequest) -> HttpResponse:
    networks = list(selectors.list_networks(user=request.user))
    return render(request, "spaces/network_list.html", {"networks": networks})


def _network_page(
    request: HttpRequest, network: Network, form: NetworkSpaceForm | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    spaces = selectors.list_network_spaces(network=network)
    can_operate = selectors.can_operate_network(request.user, network)
    context = {
        "network": network,
        "cards": [space_card(s, now) for s in spaces],
        "can_operate": can_operate,
        # The network's feed is read by members of its spaces, its operators and staff.
        "reads_feed": can_operate
        or (
            request.user.is_authenticated
            and network.pk in set(selectors.network_ids_of_user(request.user))
        ),
        "form": form or (NetworkSpaceForm() if can_operate else None),
        "cities": sorted({s.city for s in spaces if s.city}),
    }
    return render(request, "spaces/network_detail.html", context, status=status)


@require_GET
@domain_errors
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_user(user=request.user, slug=slug)
    return _network_page(request, network)


def _not_operator(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        DomainError(
            "Only the network's operators change which spaces belong to it.",
            code="network.not_operator",
            status=403,
        ),
    )


@require_POST
@domain_errors
def network_add_space(request: HttpRequest, slug: str) -> HttpResponse:
    """Operators add a space to their network."""
    network = selectors.get_network_for_user(user=request.user, slug=slug)
    if not request.user.is_authenticated:
        return _login_redirect(request)
    if not selectors.can_operate_network(request.user, network):
        return _not_operator(request)
    form = NetworkSpaceForm(request.POST)
    if not form.is_valid():
        return _network_page(request, network, form, status=400)
    try:
        space = selectors.get_space_for_user(user=request.user, slug=form.cleaned_data["space"])
        services.add_space_to_network(actor=request.user, network=network, space=space)
    except DomainError as error:
        if error.status == 403:
            raise
        form.add_domain_error(error)
        return _network_page(request, network, form, status=error.status)
    messages.success(request, f"{space.name} now belongs to {network.name}.")
    return redirect("spaces:network_detail", slug=network.slug)


@require_POST
@domain_errors
def network_remove_space(request: HttpRequest, slug: str, space_slug: str) -> HttpResponse:
    """Operators remove a space from their network."""
    network = selectors.get_network_for_user(user=request.user, slug=slug)
    if not request.user.is_authenticated:
        return _login_redirect(request)
    if not selectors.can_operate_network(request.user, network):
        return _not_operator(request)
    space = selectors.get_space_for_user(user=request.user, slug=space_slug)
    services.remove_space_from_network(actor=request.user, network=network, space=space)
    messages.success(request, f"{space.name} was removed from {network.name}.")
    return redirect("spaces:network_detail", slug=network.slug)
