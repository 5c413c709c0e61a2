"""HTML pages: my bookings, and a space's requests and bookings for its managers (thin)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors
from coshore.spaces.selectors import can_manage_space, get_space_for_user, space_zone

from .. import selectors, services
from ..models import ACTIVE_STATUSES, Booking, BookingStatus
from .calendar_common import WEEK, calendar_url, is_htmx, is_logged_in, safe_next
from .calendar_feeds import feed_card

# --- My bookings ------------------------------------------------------------------------------


PAST_SHOWN = 50


def _booking_item(booking: Booking, now: datetime, *, show_person: bool = False) -> dict[str, Any]:
    zone = space_zone(booking.resource.space)
    start = booking.starts_at.astimezone(zone)
    end = booking.ends_at.astimezone(zone)
    status = booking.status_at(now)
    return {
        "booking": booking,
        "space": booking.resource.space,
        "resource": booking.resource,
        "start": start,
        "end": end,
        "same_day": start.date() == end.date(),
        "zone": str(zone),
        "zone_abbr": start.tzname(),
        "status": status,
        "status_label": BookingStatus(status).label,
        "cover": selectors.cover_text(booking),
        "series": booking.series,
        "cancellable": status in ACTIVE_STATUSES and booking.ends_at > now,
        "person": booking.user.name if show_person else "",
        "calendar_url": calendar_url(
            booking.resource.space,
            date=start.date().isoformat(),
            view=WEEK,
            resource=booking.resource_id,
        ),
    }


@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    """The logged-in person's own bookings, upcoming and past, and their calendar feed."""
    if not is_logged_in(request):
        return redirect_to_login(request.get_full_path())
    now = timezone.now()
    upcoming = [
        _booking_item(b, now) for b in selectors.list_own_bookings(user=request.user, from_=now)
    ]
    past = [
        _booking_item(b, now)
        for b in selectors.list_own_bookings(
            user=request.user, to=now, newest_first=True, limit=PAST_SHOWN + 1
        )
        if b.ends_at <= now
    ]
    token = next(
        (
            t
            for t in selectors.list_feed_tokens_for_user(user=request.user)
            if t.resource_id is None
        ),
        None,
    )
    context = {
        "upcoming": upcoming,
        "past": past[:PAST_SHOWN],
        "more_past": len(past) > PAST_SHOWN,
        "feed": feed_card(request, token),
    }
    return render(request, "bookings/my_bookings.html", context)


@require_POST
@domain_errors
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Cancel one of my bookings (or, for managers, one in their space)."""
    if not is_logged_in(request):
        return redirect_to_login(reverse("bookings:mine"))
    booking = selectors.get_booking_for_user(user=request.user, booking_id=booking_id)
    default = reverse("bookings:mine")
    error: DomainError | None = None
    try:
        services.cancel_booking(actor=request.user, booking=booking)
    except DomainError as exc:
        if exc.status == 404:
            raise
        error = exc
    if not is_htmx(request):
        if error is not None:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Cancelled {booking.resource.name}.")
        return redirect(safe_next(request, default))
    now = timezone.now()
    show_person = request.POST.get("row") == "space"
    context = {
        "item": _booking_item(booking, now, show_person=show_person),
        "error": error,
        "just_cancelled": error is None,
        "next": safe_next(request, default),
    }
    template = "space_booking_row" if show_person else "booking_item"
    status = error.status if error is not None and 400 <= error.status < 500 else 200
    return render(request, f"bookings/partials/{template}.html", context, status=status)


# --- A space's requests queue -----------------------------------------------------------------


@require_GET
@domain_errors
def space_bookings(request: HttpRequest, slug: str) -> HttpResponse:
    """For those who manage a space: requests waiting for an answer, and what is booked."""
    space = get_space_for_user(user=request.user, slug=slug)
    if not is_logged_in(request):
        return redirect_to_login(request.get_full_path())
    if not can_manage_space(request.user, space):
        raise DomainError(
            "Only the space's managers see its bookings.", code="space.not_manager", status=403
        )
    now = timezone.now()
    requests = [
        _booking_item(b, now, show_person=True)
        for b in selectors.list_space_bookings(
            user=request.user, space=space, from_=now, statuses=[BookingStatus.REQUESTED]
        )
        if b.status_at(now) == BookingStatus.REQUESTED
    ]
    upcoming = [
        _booking_item(b, now, show_person=True)
        for b in selectors.list_space_bookings(
            user=request.user,
            space=space,
            from_=now,
            to=now + timedelta(days=31),
            statuses=[BookingStatus.CONFIRMED],
            limit=200,
        )
    ]
    context = {
        "space": space,
        "requests": requests,
        "upcoming": upcoming,
        "calendar_url": calendar_url(space),
    }
    return render(request, "bookings/space_bookings.html", context)


def _decide(request: HttpRequest, booking_id: int, approve: bool) -> HttpResponse:
    if not is_logged_in(request):
        return redirect_to_login(reverse("bookings:mine"))
    booking = selectors.get_booking_for_user(user=request.user, booking_id=booking_id)
    space = booking.resource.space
    default = reverse("bookings:space_bookings", kwargs={"slug": space.slug})
    error: DomainError | None = None
    try:
        if approve:
            services.approve_booking(actor=request.user, booking=booking)
        else:
            services.decline_booking(actor=request.user, booking=booking)
    except DomainError as exc:
        if exc.status == 404:
            raise
        error = exc
    if not is_htmx(request):
        if error is not None:
            messages.error(request, error.message)
        else:
            verb = "Approved" if approve else "Declined"
            messages.success(request, f"{verb} the request of {booking.user.name}.")
        return redirect(safe_next(request, default))
    context = {
        "item": _booking_item(booking, timezone.now(), show_person=True),
        "error": error,
        "decided": None if error is not None else ("approved" if approve else "declined"),
        "next": safe_next(request, default),
    }
    status = error.status if error is not None and 400 <= error.status < 500 else 200
    return render(request, "bookings/partials/request_row.html", context, status=status)


@require_POST
@domain_errors
def approve(request: HttpRequest, booking_id: int) -> HttpResponse:
    """A manager confirms a booking request."""
    return _decide(request, booking_id, approve=True)


@require_POST
@domain_errors
def decline(request: HttpRequest, booking_id: int) -> HttpResponse:
    """A manager declines a booking request."""
    return _decide(request, booking_id, approve=False)
