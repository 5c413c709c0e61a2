"""HTML pages: the booking calendar of a space, by day or by week (thin: parse, call, render).

The calendar's navigation swaps a partial through htmx and pushes the URL; every link and form
also works as a full page without JavaScript. A DomainError becomes a form error or a friendly
page with its 4xx status, never a 500. This module lists the URLs of every booking page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, get_space_for_user, space_zone

from .. import selectors, services
from ..errors import ResourceNotFound
from ..models import ACTIVE_STATUSES, Booking, BookingStatus, Resource, SeriesMode
from . import calendar_grid as grid
from .calendar_common import (
    DAY,
    WEEK,
    bad_param,
    calendar_url,
    is_htmx,
    is_logged_in,
)
from .calendar_feeds import feed, feed_card, feed_create, feed_reset
from .calendar_lists import approve, cancel, decline, my_bookings, space_bookings

MAX_DAYS_BACK = 366
MAX_DAYS_AHEAD = 2 * 366
DEFAULT_MINUTES = 60
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Short words for why a week of a series was skipped (the codes of book_resource's errors).
SKIP_REASONS = {
    "booking.slot_taken": "taken",
    "booking.outside_hours": "closed",
    "booking.beyond_horizon": "too far ahead",
    "booking.in_the_past": "in the past",
    "booking.nonexistent_local_time": "clock change",
    "booking.insufficient_credits": "not enough credits",
    "booking.not_covered": "not covered",
}


def _local_range(day: date, days: int, space: Space) -> tuple[datetime, datetime]:
    zone = space_zone(space)
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=days), time(), tzinfo=zone)
    return start, end


# --- The calendar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarQuery:
    day: date
    view: str
    resource_id: int | None
    at: datetime | None  # a picked cell: naive local start


def parse_calendar_query(params: Any, today: date) -> CalendarQuery:
    """`?date=YYYY-MM-DD&view=day|week&resource=<id>&at=YYYY-MM-DDTHH:MM`; bad values are
    refused with a 400 naming the parameter."""
    raw_date = params.get("date") or ""
    if raw_date:
        try:
            day = date.fromisoformat(raw_date) if len(raw_date) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise bad_param("The date must look like 2026-05-04.", "calendar.invalid_date", "date")
        if not -MAX_DAYS_BACK <= (day - today).days <= MAX_DAYS_AHEAD:
            raise bad_param(
                "The calendar shows from a year back to two years ahead.",
                "calendar.date_out_of_range",
                "date",
            )
    else:
        day = today
    view = params.get("view") or DAY
    if view not in (DAY, WEEK):
        raise bad_param("The view is either day or week.", "calendar.invalid_view", "view")
    raw_resource = params.get("resource") or ""
    resource_id = None
    if raw_resource:
        if not (raw_resource.isascii() and raw_resource.isdigit() and len(raw_resource) <= 18):
            raise bad_param(
                "The resource must be a number.", "calendar.invalid_resource", "resource"
            )
        resource_id = int(raw_resource)
    raw_at = params.get("at") or ""
    at = None
    if raw_at:
        try:
            at = datetime.strptime(raw_at, "%Y-%m-%dT%H:%M") if len(raw_at) == 16 else None
        except ValueError:
            at = None
        if at is None:
            raise bad_param(
                "The picked time must look like 2026-05-04T09:30.", "calendar.invalid_at", "at"
            )
    return CalendarQuery(day=day, view=view, resource_id=resource_id, at=at)


class BookingForm(forms.Form):
    """A booking in the space's local time, once or weekly."""

    resource = forms.TypedChoiceField(coerce=int, label="Resource")
    start_date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label="From",
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )
    end_date = forms.DateField(
        label="End date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_time = forms.TimeField(
        label="Until",
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
    )
    weeks = forms.IntegerField(
        label="Repeat weekly for",
        min_value=1,
        max_value=services.MAX_SERIES_WEEKS,
        required=False,
        initial=1,
        help_text=f"1 = just this once; at most {services.MAX_SERIES_WEEKS}.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    mode = forms.ChoiceField(
        label="If some weeks are taken",
        choices=[
            (SeriesMode.ALL_OR_NOTHING, "Book none of them"),
            (SeriesMode.SKIP_CONFLICTS, "Book the free weeks, skip the others"),
        ],
        initial=SeriesMode.ALL_OR_NOTHING,
        required=False,
        widget=forms.RadioSelect,
    )
    view = forms.ChoiceField(choices=[(DAY, DAY), (WEEK, WEEK)], widget=forms.HiddenInput)

    def __init__(self, *args: Any, resources: list[Resource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resource"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, r.name) for r in resources]

    def local_times(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        return (
            datetime.combine(data["start_date"], data["start_time"]),
            datetime.combine(data["end_date"], data["end_time"]),
        )


def _initial_form(resource: Resource, at: datetime, view: str) -> BookingForm:
    minutes = min(max(DEFAULT_MINUTES, resource.min_minutes), resource.max_minutes)
    end = at + timedelta(minutes=minutes)
    return BookingForm(
        resources=[resource],
        initial={
            "resource": resource.pk,
            "start_date": at.date(),
            "start_time": at.time(),
            "end_date": end.date(),
            "end_time": end.time(),
            "weeks": 1,
            "mode": SeriesMode.ALL_OR_NOTHING,
            "view": view,
        },
    )


def _held(
    request: HttpRequest, space: Space, start: datetime, end: datetime, manages: bool
) -> dict[int, list[grid.Held]]:
    """The bookings the viewer may see on the grid, by resource: all of the space's for its
    managers (with names), their own for everyone else."""
    user = request.user
    now = timezone.now()
    if manages:
        bookings = list(
            selectors.list_space_bookings(
                user=user, space=space, from_=start, to=end, statuses=ACTIVE_STATUSES
            )
        )
    else:
        bookings = [
            b
            for b in selectors.list_own_bookings(user=user, from_=start, to=end)
            if b.resource.space_id == space.pk
        ]
    by_resource: dict[int, list[Booking]] = {}
    for b in bookings:
        by_resource.setdefault(b.resource_id, []).append(b)
    uid = getattr(user, "pk", None)
    return {
        rid: grid.held_by(items, user_id=uid, names=manages, now=now)
        for rid, items in by_resource.items()
    }


def _calendar_context(
    request: HttpRequest,
    space: Space,
    query: CalendarQuery,
    *,
    form: BookingForm | None = None,
    notice: str = "",
    notice_items: list[str] | None = None,
) -> dict[str, Any]:
    user = request.user
    manages = can_manage_space(user, space)
    resources = [r for r in selectors.list_resources(user=user, space=space) if r.is_active]
    for r in resources:
        r.space = space  # one Space object for every resource: no query per resource
    selected = None
    if query.resource_id is not None:
        selected = next((r for r in resources if r.pk == query.resource_id), None)
        if selected is None:
            raise ResourceNotFound(
                "This space has no such resource to book.",
                detail={"resource": query.resource_id, "space": space.slug},
            )
    if query.view == WEEK and selected is None and resources:
        selected = resources[0]
    now = timezone.now()
    zone = space_zone(space)
    today = now.astimezone(zone).date()
    view, day = query.view, query.day
    if view == WEEK:
        first_day = day - timedelta(days=day.weekday())
        days = [first_day + timedelta(days=i) for i in range(7)]
        step = 7
    else:
        first_day, days, step = day, [day], 1
    start, end = _local_range(first_day, len(days), space)
    shown = [selected] if view == WEEK and selected is not None else resources
    can_pick = is_logged_in(request)
    picked_key = f"{query.at:%Y-%m-%dT%H:%M}" if query.at else ""
    picked_resource = selected.pk if selected is not None else None

    def pick_href(resource: Resource) -> Callable[[grid.SlotTime], str]:
        def href(slot: grid.SlotTime) -> str:
            return calendar_url(
                space, date=day.isoformat(), view=view, resource=resource.pk, at=slot.key
            )

        return href

    held = _held(request, space, start, end, manages) if is_logged_in(request) else {}
    weeks = [selectors.bookable_week(r) for r in shown]
    context: dict[str, Any] = {
        "space": space,
        "view": view,
        "day": day,
        "days": days,
        "today": today,
        "resources": resources,
        "selected": selected,
        "manages": manages,
        "zone": str(zone),
        "zone_abbr": now.astimezone(zone).tzname(),
        "notice": notice,
        "notice_items": notice_items or [],
        "rows": [],
        "columns": [],
        "hours": [],
        "closed": False,
        "prev_url": calendar_url(
            space,
            date=(day - timedelta(days=step)).isoformat(),
            view=view,
            resource=query.resource_id,
        ),
        "next_url": calendar_url(
            space,
            date=(day + timedelta(days=step)).isoformat(),
            view=view,
            resource=query.resource_id,
        ),
        "today_url": calendar_url(space, view=view, resource=query.resource_id),
        "day_url": calendar_url(space, date=day.isoformat(), view=DAY, resource=query.resource_id),
        "week_url": calendar_url(
            space,
            date=day.isoformat(),
            view=WEEK,
            resource=query.resource_id or (resources[0].pk if resources else None),
        ),
        "self_url": calendar_url(
            space, date=day.isoformat(), view=view, resource=query.resource_id
        ),
        "login_url": reverse("accounts:login")
        + "?"
        + urlencode({"next": calendar_url(space, date=day.isoformat(), view=view)}),
        "can_book": can_pick,
    }

    def cells_for(resource: Resource, one_day: date, first: int, last: int) -> list[grid.Cell]:
        slots = grid.slot_times(space, one_day, first, last)
        avail = selectors.availability(resource=resource, day=one_day)
        horizon_end = now + timedelta(days=resource.horizon_days)
        cells = []
        for slot in slots:
            cell = grid.make_cell(
                slot,
                availability=avail.slots,
                seats=resource.seats,
                held=held.get(resource.pk, []),
                now=now,
                horizon_end=horizon_end,
                can_pick=can_pick,
                href=pick_href(resource),
            )
            cell.picked = bool(
                picked_key and slot.key == picked_key and resource.pk == picked_resource
            )
            cells.append(cell)
        return grid.merge(cells)

    if view == DAY:
        bounds = grid.hours_of_day(weeks, day)
        if bounds is None or not shown:
            context["closed"] = bounds is None and bool(shown)
        else:
            first, last = bounds
            rows = []
            for resource in shown:
                cells = cells_for(resource, day, first, last)
                rows.append({"resource": resource, "cells": [c for c in cells if not c.covered]})
            context["rows"] = rows
            columns = grid.slot_times(space, day, first, last)
            context["columns"] = columns
            context["hours"] = _hour_groups(columns)
            context["min_width"] = 180 + 38 * len(columns)
    elif selected is not None:
        bounds_by_day = [grid.hours_of_day(weeks, d) for d in days]
        open_bounds = [b for b in bounds_by_day if b is not None]
        if not open_bounds:
            context["closed"] = True
        else:
            first = min(b[0] for b in open_bounds)
            last = max(b[1] for b in open_bounds)
            columns_by_day = [cells_for(selected, d, first, last) for d in days]
            times = grid.slot_times(space, days[0], first, last)
            context["rows"] = [
                {"time": t, "cells": [col[i] for col in columns_by_day]}
                for i, t in enumerate(times)
            ]
            context["week_days"] = [
                {"day": d, "label": WEEKDAYS[d.weekday()], "is_today": d == today} for d in days
            ]
    if query.at is not None and selected is not None and form is None and can_pick:
        form = _initial_form(selected, query.at, view)
    if form is not None:
        field = form.fields["resource"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(r.pk, r.name) for r in resources]
    context["form"] = form
    context["picked"] = query.at
    # The sheet shows for a picked cell, and for a form sent back with its errors.
    if form is not None and form.is_bound:
        context["picked_resource"] = selected or (resources[0] if resources else None)
    else:
        context["picked_resource"] = selected if query.at else None
    context["close_url"] = context["self_url"]
    if manages:
        tokens = {
            t.resource_id: t for t in selectors.list_feed_tokens_for_user(user=user, space=space)
        }
        context["resource_feeds"] = [
            feed_card(request, tokens.get(r.pk), resource=r) for r in resources
        ]
    return context


def _hour_groups(columns: list[grid.SlotTime]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for slot in columns:
        label = f"{slot.wall:%H}:00"
        if groups and groups[-1]["hour"] == slot.wall.hour:
            groups[-1]["span"] += 1
        else:
            groups.append({"hour": slot.wall.hour, "label": label, "span": 1})
    return groups


def _render_calendar(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200, partial: bool = False
) -> HttpResponse:
    template = "bookings/partials/calendar.html" if partial else "bookings/calendar.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@domain_errors
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's bookable resources by day (every resource) or by week (one resource), in the
    space's timezone. Anyone sees what is free; people who are logged in pick a free cell to
    book it; its managers see who booked."""
    space = get_space_for_user(user=request.user, slug=slug)
    today = timezone.now().astimezone(space_zone(space)).date()
    query = parse_calendar_query(request.GET, today)
    context = _calendar_context(request, space, query)
    return _render_calendar(request, context, partial=is_htmx(request))


@require_POST
@domain_errors
def book(request: HttpRequest, slug: str) -> HttpResponse:
    """Book the picked time, once or weekly. Errors show in the form, with their status."""
    space = get_space_for_user(user=request.user, slug=slug)
    if not is_logged_in(request):
        return redirect_to_login(calendar_url(space))
    resources = [r for r in selectors.list_resources(user=request.user, space=space) if r.is_active]
    form = BookingForm(request.POST, resources=resources)
    today = timezone.now().astimezone(space_zone(space)).date()
    view = WEEK if request.POST.get("view") == WEEK else DAY
    if not form.is_valid():
        day = _form_day(form, today)
        query = CalendarQuery(day, view, _form_resource(form, resources), _form_at(form))
        context = _calendar_context(request, space, query, form=form)
        return _render_calendar(request, context, status=400, partial=is_htmx(request))
    resource = next(r for r in resources if r.pk == form.cleaned_data["resource"])
    resource.space = space
    local_start, local_end = form.local_times()
    weeks = form.cleaned_data.get("weeks") or 1
    mode = form.cleaned_data.get("mode") or SeriesMode.ALL_OR_NOTHING
    query = CalendarQuery(local_start.date(), view, resource.pk, local_start)
    try:
        starts_at = services.local_instant(space=space, value=local_start)
        ends_at = services.local_instant(space=space, value=local_end)
        if weeks > 1:
            result = services.book_series(
                actor=request.user,
                resource=resource,
                starts_at=starts_at,
                ends_at=ends_at,
                weeks=weeks,
                mode=mode,
            )
            booked, skipped = result.booked, result.skipped
        else:
            booked = [
                services.book_resource(
                    actor=request.user, resource=resource, starts_at=starts_at, ends_at=ends_at
                )
            ]
            skipped = []
    except DomainError as error:
        if error.status == 404:
            raise
        form.add_error(None, error.message)
        for item in error.detail.get("failed", [])[:26]:
            reason = SKIP_REASONS.get(item.get("code", ""), item.get("code", ""))
            form.add_error(None, f"{item.get('date')}: {reason}")
        context = _calendar_context(request, space, query, form=form)
        status = error.status if 400 <= error.status < 500 else 400
        return _render_calendar(request, context, status=status, partial=is_htmx(request))
    notice, items = _booked_notice(resource, booked, skipped, local_start, local_end)
    back = calendar_url(space, date=local_start.date().isoformat(), view=view, resource=resource.pk)
    if not is_htmx(request):
        messages.success(request, notice)
        for item in items:
            messages.info(request, item)
        return redirect(back)
    query = CalendarQuery(local_start.date(), view, resource.pk, None)
    context = _calendar_context(request, space, query, notice=notice, notice_items=items)
    response = _render_calendar(request, context, partial=True)
    response["HX-Push-Url"] = back
    return response


def _form_day(form: BookingForm, today: date) -> date:
    value = form.cleaned_data.get("start_date") if hasattr(form, "cleaned_data") else None
    if isinstance(value, date) and -MAX_DAYS_BACK <= (value - today).days <= MAX_DAYS_AHEAD:
        return value
    return today


def _form_resource(form: BookingForm, resources: list[Resource]) -> int | None:
    value = form.cleaned_data.get("resource") if hasattr(form, "cleaned_data") else None
    return value if any(r.pk == value for r in resources) else None


def _form_at(form: BookingForm) -> datetime | None:
    data = getattr(form, "cleaned_data", {})
    if isinstance(data.get("start_date"), date) and isinstance(data.get("start_time"), time):
        return datetime.combine(data["start_date"], data["start_time"])
    return None


def _booked_notice(
    resource: Resource,
    booked: list[Booking],
    skipped: list[tuple[date, str]],
    local_start: datetime,
    local_end: datetime,
) -> tuple[str, list[str]]:
    when = f"{local_start:%a} {local_start.day} {local_start:%b}, {local_start:%H:%M}{grid.EN_DASH}{local_end:%H:%M}"
    requested = any(b.status == BookingStatus.REQUESTED for b in booked)
    verb = "Requested" if requested else "Booked"
    if len(booked) > 1 or skipped:
        notice = f"{verb} {resource.name} for {len(booked)} weeks from {when}."
    else:
        notice = f"{verb} {resource.name}, {when}."
    if requested:
        notice += " The space's team confirms requests; you will see the answer in My bookings."
    items = [
        f"Skipped {d:%a} {d.day} {d:%b}: {SKIP_REASONS.get(code, code)}." for d, code in skipped
    ]
    return notice, items


@require_GET
@domain_errors
def book_section(request: HttpRequest, slug: str) -> HttpResponse:
    """The Book card of a space's profile, fetched by htmx once the profile is shown (so the
    profile itself costs no query more): its active resources, each linking into the
    calendar. Empty when there is nothing to book, except for the space's managers."""
    space = get_space_for_user(user=request.user, slug=slug)
    resources = [r for r in selectors.list_resources(user=request.user, space=space) if r.is_active]
    manages = can_manage_space(request.user, space)
    if not resources and not manages:
        return HttpResponse("")
    context = {"space": space, "resources": resources, "can_manage": manages}
    return render(request, "bookings/partials/book_section.html", context)


urlpatterns = [
    path("spaces/<slug:slug>/book/", calendar, name="calendar"),
    path("spaces/<slug:slug>/book/resources/", book_section, name="book_section"),
    path("spaces/<slug:slug>/book/new/", book, name="book"),
    path("spaces/<slug:slug>/bookings/", space_bookings, name="space_bookings"),
    path("bookings/", my_bookings, name="mine"),
    path("bookings/<int:booking_id>/cancel/", cancel, name="cancel"),
    path("bookings/<int:booking_id>/approve/", approve, name="approve"),
    path("bookings/<int:booking_id>/decline/", decline, name="decline"),
    path("bookings/calendar-feed/", feed_create, name="feed_create"),
    path("bookings/calendar-feed/reset/", feed_reset, name="feed_reset"),
    re_path(r"^calendars/(?P<secret>[^/]{1,200})\.ics$", feed, name="feed"),
]
