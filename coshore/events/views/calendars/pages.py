"""Calendar pages (month, week, list) of a space, a network, a city and "my events".

Times are shown in the calendar's zone: the space's; for a network or a city the first
space's (by name), or the one picked with `?tz=`. Bad query strings are 422 pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from coshore.core.pages import domain_errors
from coshore.spaces.models import Space
from coshore.spaces.selectors import (
    can_manage_space,
    get_network_for_user,
    get_space_for_user,
    space_zone,
)

from ...ical.parse import iana_zone
from ...models import EventFeedToken, EventKind
from ...selectors.occurrences import MAX_OCCURRENCES, list_occurrences
from .common import bad_param, city_spaces, event_url, first_space_zone
from .feeds import feed_context
from .grid import Chip, chips_by_day, label_of, midnight, week_grid

MONTH, WEEK, LIST = "month", "week", "list"
VIEWS = (MONTH, WEEK, LIST)
PAGE_SIZE = 25
LIST_DAYS = 400
CHIPS_PER_DAY = 3


@dataclass
class Scope:
    """What a calendar page shows: whose events, in which zone, and its links."""

    kind: str  # space | network | city | mine
    title: str
    zone: ZoneInfo
    url: str
    ics_url: str
    filters: dict[str, Any]
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    import_url: str = ""
    zones: list[str] = field(default_factory=list)
    feed: dict[str, str] = field(default_factory=dict)


def _zone_param(request: HttpRequest, default: ZoneInfo) -> ZoneInfo:
    raw = request.GET.get("tz", "")
    if not raw:
        return default
    name = iana_zone(raw[:64])
    if name is None:
        raise bad_param("Unknown timezone.", "calendar.invalid_timezone", "tz")
    return ZoneInfo(name)


def _view_param(request: HttpRequest, default: str) -> str:
    view = request.GET.get("view", "") or default
    if view not in VIEWS:
        raise bad_param("The view is month, week or list.", "calendar.invalid_view", "view")
    return view


def _date_param(request: HttpRequest, today: date) -> date:
    raw = request.GET.get("date", "")
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw[:10]) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:
        raise bad_param("Give the date as YYYY-MM-DD.", "calendar.invalid_date", "date")
    return day


def _page_param(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    max_page = MAX_OCCURRENCES // PAGE_SIZE - 1
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= max_page):
        raise bad_param(f"The page is between 1 and {max_page}.", "calendar.invalid_page", "page")
    return int(raw)


def _query(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(clean)}" if clean else ""


def _nav(scope: Scope, view: str, day: date, extra: dict[str, Any]) -> dict[str, str]:
    if view == MONTH:
        first = day.replace(day=1)
        prev_day = (first - timedelta(days=1)).replace(day=1)
        next_day = (first + timedelta(days=32)).replace(day=1)
    elif view == WEEK:
        prev_day, next_day = day - timedelta(days=7), day + timedelta(days=7)
    else:
        prev_day, next_day = day - timedelta(days=30), day + timedelta(days=30)

    def url(**params: Any) -> str:
        return scope.url + _query(**{**extra, **params})

    return {
        "prev_url": url(view=view, date=prev_day.isoformat()),
        "next_url": url(view=view, date=next_day.isoformat()),
        "today_url": url(view=view),
        "month_url": url(view=MONTH, date=day.isoformat()),
        "week_url": url(view=WEEK, date=day.isoformat()),
        "list_url": url(view=LIST, date=day.isoformat()),
    }


def _calendar_page(request: HttpRequest, scope: Scope) -> HttpResponse:
    zone = scope.zone
    today = timezone.now().astimezone(zone).date()
    view = _view_param(request, MONTH)
    day = _date_param(request, today)
    kind = request.GET.get("kind", "")[:32]
    skill = request.GET.get("skill", "")[:255]
    extra = {"kind": kind, "skill": skill, "tz": request.GET.get("tz", "")[:64]}
    context: dict[str, Any] = {
        "scope": scope,
        "view": view,
        "day": day,
        "today": today,
        "zone": zone.key,
        "kinds": EventKind.choices,
        "kind": kind,
        "skill": skill,
        "tz": extra["tz"],
        **_nav(scope, view, day, extra),
    }
    filters = dict(scope.filters, kind=kind or None, skill=skill or None)
    if view == MONTH:
        first = day.replace(day=1)
        grid_start = first - timedelta(days=first.weekday())
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        grid_end = last + timedelta(days=7 - last.weekday())
        days = [grid_start + timedelta(days=i) for i in range((grid_end - grid_start).days)]
        occurrences = list_occurrences(
            viewer=request.user,
            start=midnight(grid_start, zone),
            end=midnight(grid_end, zone),
            **filters,
        )
        by_day = chips_by_day(occurrences, zone, days)
        context["weeks"] = [
            [
                {
                    "day": d,
                    "chips": by_day.get(d, [])[:CHIPS_PER_DAY],
                    "more": max(0, len(by_day.get(d, [])) - CHIPS_PER_DAY),
                    "count": len(by_day.get(d, [])),
                    "in_month": d.month == first.month,
                    "week_url": scope.url + _query(**extra, view=WEEK, date=d.isoformat()),
                }
                for d in days[i : i + 7]
            ]
            for i in range(0, len(days), 7)
        ]
        context["agenda"] = [
            (d, by_day[d]) for d in days if d.month == first.month and by_day.get(d)
        ]
        context["month"] = first
    elif view == WEEK:
        monday = day - timedelta(days=day.weekday())
        days = [monday + timedelta(days=i) for i in range(7)]
        occurrences = list_occurrences(
            viewer=request.user,
            start=midnight(monday, zone),
            end=midnight(monday + timedelta(days=7), zone),
            **filters,
        )
        context["grid"] = week_grid(occurrences, zone, days)
        by_day = chips_by_day(occurrences, zone, days)
        context["agenda"] = [(d, by_day.get(d, [])) for d in days]
        context["days"] = days
        context["count"] = len(occurrences)
    else:
        page = _page_param(request)
        start = midnight(day, zone)
        occurrences = list_occurrences(
            viewer=request.user,
            start=start,
            end=start + timedelta(days=LIST_DAYS),
            limit=page * PAGE_SIZE + 1,
            **filters,
        )
        shown = occurrences[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        groups: dict[date, list[Chip]] = defaultdict(list)
        for occ in shown:
            label, _ = label_of(occ, zone, occ.local_start(zone).date())
            chip = Chip(occ, event_url(occ.event), label)
            if not occ.all_day:
                end = occ.local_end(zone)
                same_day = end.date() == occ.local_start(zone).date()
                chip.end_label = f"{end:%H:%M}" if same_day else f"{end:%-d %b %H:%M}"
            groups[occ.local_start(zone).date()].append(chip)
        context["groups"] = list(groups.items())
        context["page"] = page
        if len(occurrences) > page * PAGE_SIZE:
            context["later_url"] = scope.url + _query(
                **extra, view=LIST, date=day.isoformat(), page=page + 1
            )
        if page > 1:
            context["earlier_url"] = scope.url + _query(
                **extra, view=LIST, date=day.isoformat(), page=page - 1
            )
    ics = request.build_absolute_uri(scope.ics_url) if scope.ics_url else ""
    context["ics_url"] = ics
    context["webcal_url"] = ics.replace("https://", "webcal://", 1).replace(
        "http://", "webcal://", 1
    )
    template = "events/calendar.html"
    if getattr(request, "htmx", False) and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        template = "events/partials/calendar_body.html"
    return render(request, template, context)


# --- Calendar pages -------------------------------------------------------------------------


@require_GET
@domain_errors
def space_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_user(user=request.user, slug=slug)
    scope = Scope(
        kind="space",
        title=f"Events at {space.name}",
        zone=_zone_param(request, space_zone(space)),
        url=reverse("calendars:space", args=[space.slug]),
        ics_url=reverse("calendars:space_ics", args=[space.slug]),
        filters={"space": space},
        crumbs=[
            (reverse("spaces:search"), "Find spaces"),
            (reverse("spaces:detail", args=[space.slug]), space.name),
        ],
        import_url=reverse("calendars:import", args=[space.slug])
        if can_manage_space(request.user, space)
        else "",
    )
    return _calendar_page(request, scope)


@require_GET
@domain_errors
def network_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_user(user=request.user, slug=slug)
    spaces = list(
        Space.objects.filter(network_links__network=network, is_active=True).order_by("name")
    )
    zone, zones = first_space_zone(spaces)
    scope = Scope(
        kind="network",
        title=f"Events of {network.name}",
        zone=_zone_param(request, zone),
        url=reverse("calendars:network", args=[network.slug]),
        ics_url=reverse("calendars:network_ics", args=[network.slug]),
        filters={"network": network},
        crumbs=[
            (reverse("spaces:network_list"), "Networks"),
            (reverse("spaces:network_detail", args=[network.slug]), network.name),
        ],
        zones=zones,
    )
    return _calendar_page(request, scope)


@require_GET
@domain_errors
def city_calendar(request: HttpRequest, city: str) -> HttpResponse:
    spaces = city_spaces(city)
    zone, zones = first_space_zone(spaces)
    name = spaces[0].city
    scope = Scope(
        kind="city",
        title=f"Events in {name}",
        zone=_zone_param(request, zone),
        url=reverse("calendars:city", args=[name]),
        ics_url=reverse("calendars:city_ics", args=[name]),
        filters={"city": name},
        crumbs=[(reverse("spaces:search") + _query(city=name), name)],
        zones=zones,
    )
    return _calendar_page(request, scope)


@require_GET
@domain_errors
def my_calendar(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_authenticated", False):
        return redirect_to_login(request.get_full_path())
    profile_zone = getattr(getattr(request.user, "profile", None), "timezone", "") or ""
    zone = ZoneInfo(iana_zone(profile_zone) or settings.TIME_ZONE)
    scope = Scope(
        kind="mine",
        title="My events",
        zone=_zone_param(request, zone),
        url=reverse("calendars:mine"),
        ics_url="",
        filters={"mine": True},
    )
    token = EventFeedToken.objects.filter(user_id=request.user.pk or 0).first()
    if token is not None:
        scope.feed = feed_context(request, token)
    return _calendar_page(request, scope)
