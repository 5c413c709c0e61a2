"""HTML pages: the private calendar feeds (the .ics behind a secret link) and their links."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import NotFound
from coshore.core.pages import domain_errors
from coshore.spaces.selectors import space_zone

from .. import ical, selectors, services
from ..models import FeedToken, Resource
from .calendar_common import (
    WEEK,
    bad_param,
    calendar_url,
    is_htmx,
    is_logged_in,
    safe_next,
)

# --- Calendar feeds ---------------------------------------------------------------------------


def feed_card(
    request: HttpRequest, token: FeedToken | None, *, resource: Resource | None = None
) -> dict[str, Any]:
    url = ""
    if token is not None:
        url = request.build_absolute_uri(reverse("bookings:feed", kwargs={"secret": token.secret}))
    return {
        "token": token,
        "resource": resource,
        "url": url,
        "webcal": url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        "id": f"feed-{resource.pk}" if resource is not None else "feed-mine",
    }


def _feed_resource(request: HttpRequest) -> Resource | None:
    raw = request.POST.get("resource") or ""
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise bad_param("The resource must be a number.", "calendar.invalid_resource", "resource")
    return selectors.get_resource_for_user(user=request.user, resource_id=int(raw))


def _feed_action(request: HttpRequest, reset: bool) -> HttpResponse:
    if not is_logged_in(request):
        return redirect_to_login(reverse("bookings:mine"))
    resource = _feed_resource(request)
    if reset:
        token = services.reset_feed_token(actor=request.user, resource=resource)
    else:
        token, _ = services.get_or_create_feed_token(actor=request.user, resource=resource)
    default = reverse("bookings:mine")
    if not is_htmx(request):
        messages.success(
            request,
            "New calendar link made: the old one no longer works."
            if reset
            else "Your calendar link is ready.",
        )
        return redirect(safe_next(request, default))
    context = {
        "feed": feed_card(request, token, resource=resource),
        "just_reset": reset,
        "next": safe_next(request, default),
    }
    return render(request, "bookings/partials/feed_card.html", context)


@require_POST
@domain_errors
def feed_create(request: HttpRequest) -> HttpResponse:
    """Make (or show again) the secret link of a calendar feed."""
    return _feed_action(request, reset=False)


@require_POST
@domain_errors
def feed_reset(request: HttpRequest) -> HttpResponse:
    """Replace the secret link of a calendar feed; the old link stops working."""
    return _feed_action(request, reset=True)


@require_GET
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The iCalendar file behind a secret link (no login: the secret is the key)."""
    try:
        token = selectors.get_feed_token(secret=secret)
    except NotFound:
        return HttpResponseNotFound("Not found.\n", content_type="text/plain; charset=utf-8")
    now = timezone.now()
    if token.resource is None:
        name = f"{settings.SITE_NAME}: my bookings"
        page = reverse("bookings:mine")
        zones = [ZoneInfo("UTC")]
    else:
        resource = token.resource
        name = f"{resource.name} — {resource.space.name}"
        page = calendar_url(resource.space, view=WEEK, resource=resource.pk)
        zones = [space_zone(resource.space)]
    events = selectors.feed_events(token=token, url=request.build_absolute_uri(page), now=now)
    body = ical.render_calendar(name=name, events=events, stamp=now, zones=zones)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bookings.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
