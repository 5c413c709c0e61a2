"""iCalendar feeds of a space, a network, a city and one event (public: the viewer's view,
anonymous means public events only), and the "my events" secret feed with its link.

The calendars' feeds are streamed (`StreamingHttpResponse`): three queries whatever the
number of events (`selectors.feeds.feed_rows`), the VEVENTs written by hand
(`ical.export.stream_events`) as the events' rows are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import NotFound
from coshore.core.pages import domain_errors
from coshore.spaces.models import Space
from coshore.spaces.selectors import get_network_for_user, get_space_for_user, space_zone

from ...ical import export, feeds
from ...selectors import get_event_for_user
from ...selectors.feeds import feed_rows
from ...selectors.occurrences import list_occurrences
from .common import absolute_event_urls, city_spaces, first_space_zone, not_found_text

CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_BEFORE = timedelta(days=60)
FEED_AFTER = timedelta(days=340)


def _headers(response: HttpResponseBase, filename: str, private: bool = False) -> None:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache" if private else "public, max-age=300"
    if private:
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"


def _feed(
    request: HttpRequest, name: str, zone: ZoneInfo, filename: str, **scope: Any
) -> StreamingHttpResponse:
    now = timezone.now()
    rows = feed_rows(viewer=request.user, now=now, **scope)
    chunks: Iterator[bytes] = export.stream_events(
        name=name,
        events=rows.events,
        overrides=rows.overrides,
        spans=rows.spans,
        stamp=now,
        url_of=absolute_event_urls(request),
        host=request.get_host().split(":")[0],
        zone=zone.key,
    )
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPE)
    _headers(response, filename)
    return response


@require_GET
def space_ics(request: HttpRequest, slug: str) -> HttpResponseBase:
    try:
        space = get_space_for_user(user=request.user, slug=slug)
    except NotFound:
        return not_found_text()
    return _feed(
        request, f"{space.name} — events", space_zone(space), f"{space.slug}.ics", space=space
    )


@require_GET
def network_ics(request: HttpRequest, slug: str) -> HttpResponseBase:
    try:
        network = get_network_for_user(user=request.user, slug=slug)
    except NotFound:
        return not_found_text()
    spaces = list(Space.objects.filter(network_links__network=network).order_by("name")[:1])
    zone, _ = first_space_zone(spaces)
    return _feed(request, f"{network.name} — events", zone, f"{network.slug}.ics", network=network)


@require_GET
def city_ics(request: HttpRequest, city: str) -> HttpResponseBase:
    try:
        spaces = city_spaces(city)
    except NotFound:
        return not_found_text()
    zone, _ = first_space_zone(spaces)
    name = spaces[0].city
    return _feed(request, f"Events in {name}", zone, "city.ics", city=name)


@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponseBase:
    try:
        event = get_event_for_user(user=request.user, event_id=event_id)
    except NotFound:
        return not_found_text()
    zone = ZoneInfo(event.timezone or "UTC")
    return _feed(request, event.title, zone, f"event-{event.pk}.ics", event=event)


@require_GET
def my_feed(request: HttpRequest, secret: str) -> HttpResponseBase:
    """The person's own occurrences (registered, and of events they created), from two
    months back to eleven ahead, as the person would see them; no login: the secret is
    the key. At most 2,000 occurrences: written whole."""
    try:
        owner = feeds.get_feed_owner(secret=secret)
    except NotFound:
        return not_found_text()
    now = timezone.now()
    occurrences = list_occurrences(
        viewer=owner, start=now - FEED_BEFORE, end=now + FEED_AFTER, mine=True
    )
    body = export.render_occurrences(
        name=f"{settings.SITE_NAME}: my events",
        occurrences=occurrences,
        stamp=now,
        url_of=absolute_event_urls(request),
        host=request.get_host().split(":")[0],
        zone=settings.TIME_ZONE,
    )
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    _headers(response, "my-events.ics", private=True)
    return response


def feed_context(request: HttpRequest, token: Any) -> dict[str, Any]:
    url = request.build_absolute_uri(reverse("calendars:my_feed", args=[token.secret]))
    webcal = url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)
    return {"feed_url": url, "feed_webcal": webcal}


@require_POST
@domain_errors
def my_feed_link(request: HttpRequest) -> HttpResponse:
    """Make (or show again) the secret link of the person's events feed; `reset` renews it."""
    if not getattr(request.user, "is_authenticated", False):
        return redirect_to_login(reverse("calendars:mine"))
    if request.POST.get("reset"):
        feeds.reset_feed_token(actor=request.user)
        messages.success(request, "New calendar link made: the old one no longer works.")
    else:
        feeds.get_or_create_feed_token(actor=request.user)
    return redirect(reverse("calendars:mine") + "#feed")
