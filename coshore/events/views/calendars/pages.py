"""Calendar pages (month, week, list) of a space, a network, a city and "my events"; their
iCalendar feeds; the "my events" secret feed; a space's calendar import page.

Times are shown in the calendar's zone: the space's; for a network or a city the first
space's (by name), or the one picked with `?tz=`. Bad query strings are 422 pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError, Invalid, NotFound
from coshore.core.pages import domain_errors
from coshore.spaces.models import Space
from coshore.spaces.selectors import (
    can_manage_space,
    get_network_for_user,
    get_space_for_user,
    space_zone,
)

from ..errors import CalendarTooLarge
from ..ical import export, feeds
from ..ical.fetch import fetch_calendar
from ..ical.importer import import_calendar
from ..ical.parse import MAX_BYTES, iana_zone
from ..models import Event, EventFeedToken, EventKind, EventVisibility, ImportedCalendar
from ..selectors import get_event_for_user
from ..selectors.occurrences import (
    MAX_OCCURRENCES,
    OccurrenceView,
    list_feed_events,
    list_occurrences,
)

MONTH, WEEK, LIST = "month", "week", "list"
VIEWS = (MONTH, WEEK, LIST)
PAGE_SIZE = 25
LIST_DAYS = 400
CHIPS_PER_DAY = 3
HOUR_PX = 44


def bad_param(message: str, code: str, param: str) -> Invalid:
    return Invalid(message, code=code, status=422, detail={"param": param})


def event_url(event: Event) -> str:
    """The event's page (the events app's), or its path if that page is not there yet."""
    try:
        return reverse("events:detail", args=[event.pk])
    except NoReverseMatch:
        return f"/events/{event.pk}/"


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


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def _query(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(clean)}" if clean else ""


@dataclass
class Chip:
    occ: OccurrenceView
    url: str
    label: str  # the time, or "All day"
    continues: bool = False
    top: float = 0.0
    height: float = 0.0
    lane: int = 0
    lanes: int = 1
    end_label: str = ""

    @property
    def style(self) -> str:
        width = 100 / self.lanes
        return (
            f"top:{self.top:.0f}px;height:{self.height:.0f}px;"
            f"left:calc({width * self.lane:.3f}% + 2px);width:calc({width:.3f}% - 4px)"
        )


def _days_of(occ: OccurrenceView, zone: ZoneInfo) -> list[date]:
    if occ.all_day and occ.start_date and occ.end_date:
        first, last = occ.start_date, occ.end_date - timedelta(days=1)
    else:
        start, end = occ.local_start(zone), occ.local_end(zone)
        first = start.date()
        last = (end - timedelta(microseconds=1)).date() if end > start else first
    days: list[date] = []
    day = first
    while day <= last and len(days) < 400:
        days.append(day)
        day += timedelta(days=1)
    return days


def _label(occ: OccurrenceView, zone: ZoneInfo, day: date) -> tuple[str, bool]:
    if occ.all_day:
        return "All day", occ.start_date != day
    start = occ.local_start(zone)
    if start.date() != day:
        return "cont.", True
    return f"{start:%H:%M}", False


def _by_day(
    occurrences: list[OccurrenceView], zone: ZoneInfo, days: list[date]
) -> dict[date, list[Chip]]:
    wanted = set(days)
    out: dict[date, list[Chip]] = defaultdict(list)
    for occ in occurrences:
        for day in _days_of(occ, zone):
            if day in wanted:
                label, continues = _label(occ, zone, day)
                out[day].append(Chip(occ, event_url(occ.event), label, continues))
    return out


def _week_grid(
    occurrences: list[OccurrenceView], zone: ZoneInfo, days: list[date]
) -> dict[str, Any]:
    """Timed occurrences placed in one column per day (clipped to the day, side by side
    when they overlap); all-day and day-long ones in the top row."""
    top_row: dict[date, list[Chip]] = defaultdict(list)
    timed: dict[date, list[tuple[datetime, datetime, Chip]]] = defaultdict(list)
    for occ in occurrences:
        long = occ.all_day or occ.ends_at - occ.starts_at >= timedelta(hours=24)
        for day in _days_of(occ, zone):
            if day not in days:
                continue
            label, continues = _label(occ, zone, day)
            chip = Chip(occ, event_url(occ.event), label, continues)
            if long:
                top_row[day].append(chip)
                continue
            lo = max(occ.local_start(zone), _midnight(day, zone))
            hi = min(occ.local_end(zone), _midnight(day + timedelta(days=1), zone))
            timed[day].append((lo, hi, chip))
    first_hour, last_hour = 8, 20
    for items in timed.values():
        for lo, hi, _ in items:
            first_hour = min(first_hour, lo.hour)
            end_hour = 24 if hi.date() > lo.date() else hi.hour + (1 if hi.minute else 0)
            last_hour = max(last_hour, end_hour)
    columns = []
    for day in days:
        chips = []
        items = sorted(timed.get(day, []), key=lambda t: (t[0], t[1]))
        cluster: list[tuple[datetime, datetime, Chip]] = []
        cluster_end: datetime | None = None
        lane_ends: list[datetime] = []

        def close(group: list[tuple[datetime, datetime, Chip]], lanes: int) -> None:
            for _, _, c in group:
                c.lanes = lanes

        for lo, hi, chip in items:
            if cluster_end is not None and lo >= cluster_end:
                close(cluster, len(lane_ends))
                cluster, lane_ends, cluster_end = [], [], None
            for i, lane_end in enumerate(lane_ends):
                if lane_end <= lo:
                    chip.lane, lane_ends[i] = i, hi
                    break
            else:
                chip.lane = len(lane_ends)
                lane_ends.append(hi)
            cluster.append((lo, hi, chip))
            cluster_end = hi if cluster_end is None else max(cluster_end, hi)
            base = lo.replace(hour=first_hour, minute=0, second=0, microsecond=0)
            minutes = (lo - base).total_seconds() / 60
            length = max((hi - lo).total_seconds() / 60, 20)
            chip.top = minutes / 60 * HOUR_PX
            chip.height = length / 60 * HOUR_PX - 2
            chips.append(chip)
        close(cluster, len(lane_ends))
        columns.append({"day": day, "chips": chips, "top": top_row.get(day, [])})
    hours = list(range(first_hour, last_hour))
    return {
        "columns": columns,
        "hours": [f"{h:02d}:00" for h in hours],
        "height": len(hours) * HOUR_PX,
        "has_top_row": any(top_row.values()),
    }


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
            start=_midnight(grid_start, zone),
            end=_midnight(grid_end, zone),
            **filters,
        )
        by_day = _by_day(occurrences, zone, days)
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
            start=_midnight(monday, zone),
            end=_midnight(monday + timedelta(days=7), zone),
            **filters,
        )
        context["grid"] = _week_grid(occurrences, zone, days)
        by_day = _by_day(occurrences, zone, days)
        context["agenda"] = [(d, by_day.get(d, [])) for d in days]
        context["days"] = days
        context["count"] = len(occurrences)
    else:
        page = _page_param(request)
        start = _midnight(day, zone)
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
            label, _ = _label(occ, zone, occ.local_start(zone).date())
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


def _first_space_zone(spaces: Any) -> tuple[ZoneInfo, list[str]]:
    zones = sorted({s.timezone for s in spaces if s.timezone})
    first = spaces[0] if spaces else None
    return (space_zone(first) if first is not None else ZoneInfo("UTC")), zones


@require_GET
@domain_errors
def network_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_user(user=request.user, slug=slug)
    spaces = list(
        Space.objects.filter(network_links__network=network, is_active=True).order_by("name")
    )
    zone, zones = _first_space_zone(spaces)
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


def _city_spaces(city: str) -> list[Space]:
    name = city.strip()[:120]
    spaces = list(Space.objects.filter(city__iexact=name, is_active=True).order_by("name"))
    if not name or not spaces:
        raise NotFound("No spaces in that city.", code="calendar.unknown_city")
    return spaces


@require_GET
@domain_errors
def city_calendar(request: HttpRequest, city: str) -> HttpResponse:
    spaces = _city_spaces(city)
    zone, zones = _first_space_zone(spaces)
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
        scope.feed = _feed_context(request, token)
    return _calendar_page(request, scope)


# --- Feeds ----------------------------------------------------------------------------------


def _ics(body: bytes, filename: str, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache" if private else "public, max-age=300"
    if private:
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
    return response


def _feed(
    request: HttpRequest, name: str, zone: ZoneInfo, filename: str, **scope: Any
) -> HttpResponse:
    now = timezone.now()
    events = list_feed_events(viewer=request.user, now=now, **scope)
    body = export.render_events(
        name=name,
        events=events,
        stamp=now,
        url_of=lambda e: request.build_absolute_uri(event_url(e)),
        host=request.get_host().split(":")[0],
        zone=zone.key,
    )
    return _ics(body, filename)


def _not_found_text() -> HttpResponse:
    return HttpResponseNotFound("Not found.\n", content_type="text/plain; charset=utf-8")


@require_GET
def space_ics(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        space = get_space_for_user(user=request.user, slug=slug)
    except NotFound:
        return _not_found_text()
    return _feed(
        request, f"{space.name} — events", space_zone(space), f"{space.slug}.ics", space=space
    )


@require_GET
def network_ics(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        network = get_network_for_user(user=request.user, slug=slug)
    except NotFound:
        return _not_found_text()
    spaces = list(Space.objects.filter(network_links__network=network).order_by("name")[:1])
    zone, _ = _first_space_zone(spaces)
    return _feed(request, f"{network.name} — events", zone, f"{network.slug}.ics", network=network)


@require_GET
def city_ics(request: HttpRequest, city: str) -> HttpResponse:
    try:
        spaces = _city_spaces(city)
    except NotFound:
        return _not_found_text()
    zone, _ = _first_space_zone(spaces)
    name = spaces[0].city
    return _feed(request, f"Events in {name}", zone, "city.ics", city=name)


@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        event = get_event_for_user(user=request.user, event_id=event_id)
    except NotFound:
        return _not_found_text()
    zone = ZoneInfo(event.timezone or "UTC")
    return _feed(request, event.title, zone, f"event-{event.pk}.ics", event=event)


FEED_BEFORE = timedelta(days=60)
FEED_AFTER = timedelta(days=340)


@require_GET
def my_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The person's own occurrences (registered, and of events they created), from two
    months back to eleven ahead, as the person would see them; no login: the secret is
    the key."""
    try:
        owner = feeds.get_feed_owner(secret=secret)
    except NotFound:
        return _not_found_text()
    now = timezone.now()
    occurrences = list_occurrences(
        viewer=owner, start=now - FEED_BEFORE, end=now + FEED_AFTER, mine=True
    )
    body = export.render_occurrences(
        name=f"{settings.SITE_NAME}: my events",
        occurrences=occurrences,
        stamp=now,
        url_of=lambda e: request.build_absolute_uri(event_url(e)),
        host=request.get_host().split(":")[0],
        zone=settings.TIME_ZONE,
    )
    return _ics(body, "my-events.ics", private=True)


def _feed_context(request: HttpRequest, token: Any) -> dict[str, Any]:
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


# --- Import ---------------------------------------------------------------------------------


class CalendarImportForm(forms.Form):
    file = forms.FileField(required=False, label="An .ics file")
    url = forms.URLField(
        required=False, max_length=1000, assume_scheme="https", label="or its address"
    )
    visibility = forms.ChoiceField(
        choices=EventVisibility.choices, initial=EventVisibility.PUBLIC, label="Who sees them"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Upload a file or give an address (one of the two).")
        return data


@require_http_methods(["GET", "POST"])
@domain_errors
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    if not getattr(request.user, "is_authenticated", False):
        return redirect_to_login(request.get_full_path())
    space = get_space_for_user(user=request.user, slug=slug)
    if not can_manage_space(request.user, space):
        raise NotFound("No such page.", code="calendar.not_manager")
    status = 200
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    error: DomainError | None = None
    if request.method == "POST" and request.POST.get("reimport"):
        form = CalendarImportForm()
        raw = request.POST.get("reimport", "")
        calendar = (
            ImportedCalendar.objects.filter(
                space=space, pk=int(raw) if raw.isdigit() and len(raw) < 12 else 0
            )
            .exclude(url="")
            .first()
        )
        if calendar is None:
            raise NotFound("No such imported calendar.", code="calendar.not_found")
        try:
            result = import_calendar(
                actor=request.user,
                space=space,
                data=fetch_calendar(calendar.url),
                url=calendar.url,
                visibility=calendar.events.values_list("visibility", flat=True).first()
                or EventVisibility.PUBLIC,
            )
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            return _imported(request, space, result)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        url = form.cleaned_data.get("url") or ""
        try:
            if upload is not None:
                if upload.size > MAX_BYTES:
                    raise CalendarTooLarge(
                        "The calendar is larger than 5 MB.", detail={"limit": MAX_BYTES}
                    )
                data = upload.read(MAX_BYTES + 1)
                name = (upload.name or "").rsplit(".", 1)[0][:200]
            else:
                data = fetch_calendar(url)
                name = url
            result = import_calendar(
                actor=request.user,
                space=space,
                data=data,
                name=name,
                url=url,
                visibility=form.cleaned_data["visibility"],
            )
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            return _imported(request, space, result)
    elif request.method == "POST":
        status = 422
    context = {
        "space": space,
        "form": form,
        "error": error,
        "calendars": ImportedCalendar.objects.filter(space=space).order_by("-last_imported_at"),
        "calendar_url": reverse("calendars:space", args=[space.slug]),
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "events/calendar_import.html", context, status=status)


def _imported(request: HttpRequest, space: Space, result: Any) -> HttpResponse:
    messages.success(
        request,
        f"Imported “{result.name}”: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.removed} removed "
        f"({result.series} series, {result.overrides} changed occurrences, "
        f"{result.exclusions} exclusions).",
    )
    return redirect(reverse("calendars:import", args=[space.slug]))
