"""What the calendar pages, feeds and import page share: 422 parameters, event links, the
spaces of a city and the zone of a network or a city."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponseNotFound
from django.urls import NoReverseMatch, reverse

from coshore.core.errors import Invalid, NotFound
from coshore.spaces.models import Space
from coshore.spaces.selectors import space_zone

from ...models import Event


def bad_param(message: str, code: str, param: str) -> Invalid:
    return Invalid(message, code=code, status=422, detail={"param": param})


def event_path(pk: int) -> str:
    """The event's page (the events app's), or its path if that page is not there yet."""
    try:
        return reverse("events:detail", args=[pk])
    except NoReverseMatch:
        return f"/events/{pk}/"


def event_url(event: Event) -> str:
    return event_path(event.pk)


_MARKER = 918273645


def absolute_event_urls(request: HttpRequest) -> Callable[[int], str]:
    """Absolute URL of an event page by id, reversed once (a feed writes thousands)."""
    head, _, tail = request.build_absolute_uri(event_path(_MARKER)).rpartition(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def first_space_zone(spaces: Any) -> tuple[ZoneInfo, list[str]]:
    zones = sorted({s.timezone for s in spaces if s.timezone})
    first = spaces[0] if spaces else None
    return (space_zone(first) if first is not None else ZoneInfo("UTC")), zones


def city_spaces(city: str) -> list[Space]:
    name = city.strip()[:120]
    spaces = list(Space.objects.filter(city__iexact=name, is_active=True).order_by("name"))
    if not name or not spaces:
        raise NotFound("No spaces in that city.", code="calendar.unknown_city")
    return spaces


def not_found_text() -> HttpResponseNotFound:
    return HttpResponseNotFound("Not found.\n", content_type="text/plain; charset=utf-8")
