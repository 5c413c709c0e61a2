"""The booking journey in real Chromium: a member opens a room's week calendar from the space's
profile, moves to next week, picks a free time, books it, finds it on My bookings, cancels it
and sees the time free again; and the calendar and My bookings on a phone.

Screenshots land in var/screenshots/bookings-*.png for people to look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coshore.accounts.tests.factories import UserFactory
from coshore.bookings.models import Booking, BookingStatus, Resource, ResourceKind
from coshore.bookings.tests.factories import BookingFactory, ResourceFactory
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import PageErrors, log_in, screenshot

pytestmark = pytest.mark.browser

PARIS = ZoneInfo("Europe/Paris")


@dataclass
class Ruche:
    space: Any
    member: Any
    manager: Any
    room: Resource
    pool: Resource
    next_monday: date


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _book(resource: Resource, user: Any, day: date, start: int, end: int, **kw: Any) -> Booking:
    starts_at, ends_at = _at(day, start), _at(day, end)
    return BookingFactory(
        resource=resource,
        user=user,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at,
        **kw,
    )


@pytest.fixture
def ruche(transactional_db: None) -> Ruche:
    weekdays = [(d, 8 * 60, 19 * 60) for d in range(5)] + [(5, 10 * 60, 16 * 60)]
    space = SpaceFactory(
        name="La Ruche Bastille",
        slug="la-ruche",
        street="Rue de la Roquette",
        housenumber="84",
        postcode="75011",
        weekly=weekdays,
    )
    member = UserFactory(email="camille@example.org", display_name="Camille Martin")
    manager = UserFactory(email="yann@example.org", display_name="Yann Le Goff")
    others = [
        UserFactory(email=f"{n.lower()}@example.org", display_name=n)
        for n in ("Ines", "Tomás", "Aiko")
    ]
    SpaceRoleFactory(space=space, user=member, role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=space, user=manager, role=SpaceRoleKind.MANAGER)
    for other in others:
        SpaceRoleFactory(space=space, user=other, role=SpaceRoleKind.MEMBER)
    pool = ResourceFactory(
        space=space,
        name="Open space",
        kind=ResourceKind.DESK_POOL,
        seats=12,
        capacity=12,
        max_minutes=720,
        price_per_day=Decimal("25.00"),
    )
    ResourceFactory(space=space, name="Focus desk", kind=ResourceKind.DESK, max_minutes=720)
    room = ResourceFactory(
        space=space,
        name="Salle Ada Lovelace",
        kind=ResourceKind.ROOM,
        capacity=8,
        description="Meeting room for 8, screen and whiteboard.",
    )
    hall = ResourceFactory(
        space=space,
        name="Salle Grace Hopper",
        kind=ResourceKind.EVENT_HALL,
        capacity=60,
        requires_approval=True,
        max_minutes=720,
    )
    ResourceFactory(space=space, name="Laser cutter", kind=ResourceKind.MACHINE, max_minutes=180)
    today = timezone.now().astimezone(PARIS).date()
    monday = today + timedelta(days=7 - today.weekday())
    # Next week is busy here and there; the member's own slot (Tuesday 10:00) stays free.
    _book(room, others[0], monday, 9, 11)
    _book(room, others[1], monday + timedelta(days=1), 14, 16)
    _book(room, others[2], monday + timedelta(days=3), 10, 12)
    _book(hall, others[0], monday + timedelta(days=2), 13, 18, status=BookingStatus.REQUESTED)
    for seat, who in enumerate(others):
        _book(pool, who, monday, 9, 17, seat=seat)
    _book(pool, member, monday + timedelta(days=2), 9, 13)
    _book(room, member, today - timedelta(days=9), 10, 11)  # a past booking
    return Ruche(space, member, manager, room, pool, monday)


def _no_horizontal_scroll(page: Page) -> None:
    assert page.viewport_size is not None
    overflow = page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_member_books_a_room_next_week_and_cancels_it(
    page: Page, live_server: Any, ruche: Ruche, page_errors: PageErrors
) -> None:
    log_in(page, live_server, ruche.member)
    tuesday = ruche.next_monday + timedelta(days=1)
    slot = f"{tuesday.isoformat()}T10:00"

    page.goto(live_server.url + "/spaces/la-ruche/")
    book = page.get_by_role("region", name="Book", exact=True)
    expect(book).to_contain_text("Salle Ada Lovelace")
    book.scroll_into_view_if_needed()
    screenshot(page, "bookings-space-profile", full_page=False)
    book.get_by_role("link", name="Book Salle Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Book at La Ruche Bastille")).to_be_visible()
    expect(page.locator(".segmented [aria-current=page]")).to_have_text("Week")
    expect(page.locator(".cal-week")).to_have_attribute("data-resource", str(ruche.room.pk))

    # Next week, through htmx: the URL follows.
    with page.expect_response(lambda r: "/book/" in r.url and r.status == 200):
        page.get_by_role("link", name="Next week").click()
    expect(page).to_have_url(re.compile(rf"date={ruche.next_monday + timedelta(days=7)}|date="))
    cell = page.locator(f".cal-week td[data-slot='{slot}']")
    expect(cell).to_have_attribute("data-state", "free")
    taken = page.locator(f".cal-week td[data-slot='{ruche.next_monday.isoformat()}T09:00']")
    expect(taken).to_have_attribute("data-state", "taken")
    expect(taken).to_have_attribute("rowspan", "4")
    expect(taken).to_contain_text("Taken")
    expect(taken).not_to_contain_text("Ines")  # members never see who booked
    screenshot(page, "bookings-week-desktop")

    # Pick the free Tuesday 10:00: the booking sheet opens with the time filled in.
    cell.get_by_role("link").click()
    sheet = page.get_by_role("dialog", name="Book Salle Ada Lovelace")
    expect(sheet).to_be_visible()
    expect(sheet.locator("input[name=start_date]")).to_have_value(tuesday.isoformat())
    expect(sheet.locator("input[name=start_time]")).to_have_value("10:00")
    expect(sheet.locator("input[name=end_time]")).to_have_value("11:00")
    expect(page).to_have_url(re.compile(r"at=" + re.escape(slot.replace(":", "%3A"))))
    screenshot(page, "bookings-week-sheet-desktop")

    sheet.locator("input[name=end_time]").fill("11:30")
    sheet.get_by_role("button", name="Book").click()
    notice = page.locator(".cal-notice")
    expect(notice).to_contain_text("Booked Salle Ada Lovelace")
    expect(page.get_by_role("dialog")).to_have_count(0)
    mine = page.locator(f".cal-week td[data-slot='{slot}']")
    expect(mine).to_have_attribute("data-state", "mine")
    expect(mine).to_have_attribute("rowspan", "3")
    expect(mine).to_contain_text("Yours")
    booking = Booking.objects.get(
        user=ruche.member, resource=ruche.room, status="confirmed", starts_at__gt=timezone.now()
    )
    assert booking.starts_at == _at(tuesday, 10)
    assert booking.ends_at == _at(tuesday, 11, 30)

    # My bookings lists it, with its local time and zone.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bookings").click()
    expect(page.get_by_role("heading", name="My bookings", exact=True)).to_be_visible()
    item = page.locator(f"#booking-{booking.pk}")
    expect(item).to_contain_text("Salle Ada Lovelace")
    expect(item).to_contain_text("10:00\u201311:30")
    expect(item).to_contain_text("Europe/Paris")
    expect(item.locator(".status-badge")).to_have_text("Confirmed")
    expect(page.locator("[data-list=past] .booking-item")).to_have_count(1)
    page.get_by_role("button", name="Get calendar link").click()
    expect(page.locator("#feed-mine .feed-url")).to_have_value(
        re.compile(r"^http://.+/calendars/[A-Za-z0-9_-]{43}\.ics$")
    )
    screenshot(page, "bookings-mine-desktop")

    # Cancel it (confirming the dialog): the badge changes in place.
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name=re.compile("^Cancel")).click()
    expect(item.locator(".status-badge")).to_have_text("Cancelled")
    expect(item).to_contain_text("The time is free again")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED

    # Back on the calendar, Tuesday 10:00 is free again.
    page.goto(
        live_server.url
        + f"/spaces/la-ruche/book/?view=week&resource={ruche.room.pk}&date={tuesday.isoformat()}"
    )
    expect(page.locator(f".cal-week td[data-slot='{slot}']")).to_have_attribute(
        "data-state", "free"
    )
    assert page_errors.take() == []  # no JavaScript error and no console error all along


def test_day_view_shows_every_resource_and_the_manager_sees_who_booked(
    page: Page, live_server: Any, ruche: Ruche
) -> None:
    log_in(page, live_server, ruche.manager)
    monday = ruche.next_monday.isoformat()
    page.goto(live_server.url + f"/spaces/la-ruche/book/?date={monday}")
    rows = page.locator(".cal-day tbody tr")
    expect(rows).to_have_count(5)
    room = page.locator(f".cal-day tr[data-resource='{ruche.room.pk}']")
    expect(room.locator(f"td[data-slot='{monday}T09:00']")).to_contain_text("Ines")
    pool = page.locator(f".cal-day tr[data-resource='{ruche.pool.pk}']")
    expect(pool.locator(f"td[data-slot='{monday}T10:00']")).to_have_attribute(
        "data-state", "partial"
    )
    expect(pool.locator(f"td[data-slot='{monday}T10:00']")).to_have_attribute(
        "title", re.compile("9 of 12 free")
    )
    expect(pool.locator(f"td[data-slot='{monday}T09:00'] .label-long")).to_have_text("9/12")
    screenshot(page, "bookings-day-desktop")

    # The view switch goes through htmx and keeps the date.
    page.locator(".segmented").get_by_role("link", name="Week").click()
    expect(page).to_have_url(re.compile(rf"view=week.*|.*date={monday}.*view=week"))
    expect(page.locator(".cal-week")).to_be_visible()
    page.locator(".segmented").get_by_role("link", name="Day").click()
    expect(page.locator(".cal-day")).to_be_visible()

    # A manager sees the requests queue and the resource feeds.
    page.get_by_role("link", name="Requests and bookings").click()
    expect(page.get_by_role("heading", name="Bookings at La Ruche Bastille")).to_be_visible()
    request = page.locator("[data-list=requests] .booking-item")
    expect(request).to_have_count(1)
    expect(request).to_contain_text("Ines")
    screenshot(page, "bookings-requests-desktop")
    request.get_by_role("button", name=re.compile("^Approve")).click()
    expect(request.locator(".status-badge")).to_have_text("Confirmed")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_horizontal_scroll(page)
    screenshot(page, "bookings-requests-mobile")


def test_calendar_and_my_bookings_fit_a_phone(
    mobile_page: Page, live_server: Any, ruche: Ruche
) -> None:
    page = mobile_page
    log_in(page, live_server, ruche.member)
    monday = ruche.next_monday.isoformat()
    page.goto(live_server.url + f"/spaces/la-ruche/book/?date={monday}")
    expect(page.locator(".cal-day")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot(page, "bookings-day-mobile")

    page.goto(
        live_server.url + f"/spaces/la-ruche/book/?date={monday}&view=week&resource={ruche.room.pk}"
    )
    _no_horizontal_scroll(page)
    screenshot(page, "bookings-week-mobile")
    tuesday = (ruche.next_monday + timedelta(days=1)).isoformat()
    page.locator(f".cal-week td[data-slot='{tuesday}T11:00'] a").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot(page, "bookings-sheet-mobile", full_page=False)

    page.goto(live_server.url + "/bookings/")
    expect(page.locator("[data-list=upcoming] .booking-item")).to_have_count(1)
    _no_horizontal_scroll(page)
    screenshot(page, "bookings-mine-mobile")
