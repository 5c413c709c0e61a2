"""Events in real Chromium: a manager creates an event with a room, people register until it
is full and join the waitlist, one cancels and the first waitlisted person is promoted and
emailed; at the door the manager ticks people in. The pages on a phone too."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from coshore.accounts.tests.factories import SkillFactory, UserFactory
from coshore.activity.models import Activity
from coshore.bookings.models import Booking, ResourceKind
from coshore.bookings.tests.factories import ResourceFactory
from coshore.events.models import Event, Registration, RoomHold
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import MOBILE_VIEWPORT, PageErrors, log_in, screenshot

pytestmark = pytest.mark.browser


def _other(browser: Browser, errors: PageErrors, **options: Any) -> Page:
    from .conftest import _abort_external

    context = browser.new_context(**options)
    context.route("**/*", _abort_external)
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.on("pageerror", errors.on_page_error)
    other.on("console", errors.on_console)
    return other


def test_create_with_a_room_fill_it_cancel_and_promote(
    page: Page,
    browser: Browser,
    live_server: Any,
    transactional_db: None,
    smtp_server: Any,
    page_errors: PageErrors,
) -> None:
    space = SpaceFactory(slug="la-ruche", name="La Ruche", city="Paris", timezone="Europe/Paris")
    room = ResourceFactory(space=space, name="Agora", kind=ResourceKind.ROOM, capacity=40)
    manager = UserFactory(email="maya@example.org", display_name="Maya Manager")
    SpaceRoleFactory(space=space, user=manager, role=SpaceRoleKind.MANAGER)
    people = []
    for email, name in (
        ("ana@example.org", "Ana Alves"),
        ("ben@example.org", "Ben Brun"),
        ("cleo@example.org", "Cléo Costa"),
    ):
        person = UserFactory(email=email, display_name=name)
        SpaceRoleFactory(space=space, user=person, role=SpaceRoleKind.MEMBER)
        people.append(person)
    ana, ben, cleo = people
    open_data = SkillFactory(
        uri="http://data.europa.eu/esco/skill/open-data", preferred_label="manage open data"
    )

    # The manager creates a talk in the Agora, 2 seats.
    log_in(page, live_server, manager)
    page.goto(live_server.url + "/spaces/la-ruche/")
    page.get_by_role("link", name="New event").click()
    expect(page.get_by_role("heading", name="New event")).to_be_visible()
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    page.get_by_label("Title").fill("Open data for museums")
    page.get_by_label("Kind").select_option("talk")
    page.get_by_label("Description").fill("How three museums opened their visitor data.")
    page.get_by_label("Starts").fill(f"{day}T19:00")
    page.get_by_label("Ends").fill(f"{day}T21:00")
    page.get_by_label("Room").select_option(str(room.pk))
    page.get_by_label("Seats").fill("2")
    page.get_by_label("Tags").fill("open data, museums")
    search = page.get_by_role("combobox", name="What you will learn (ESCO skills)")
    with page.expect_response(lambda r: "/api/v1/skills?" in r.url and r.status == 200):
        search.press_sequentially("open da")
    page.get_by_role("listbox", name="Matching skills").get_by_role(
        "option", name="manage open data"
    ).click()
    expect(page.get_by_role("list", name="Chosen skills").get_by_role("listitem")).to_have_count(1)
    screenshot(page, "events-form")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash-success")).to_have_text("Event published.")
    expect(page.get_by_role("heading", name="Open data for museums")).to_be_visible()
    expect(page.get_by_role("list", name="Skills").get_by_text("manage open data")).to_be_visible()
    assert list(Event.objects.get().skills.all()) == [open_data]
    expect(page.locator(".event-when time")).to_contain_text("19:00 \u2013 21:00")
    event = Event.objects.get()
    hold = RoomHold.objects.get(event=event)
    assert hold.booking.resource == room and hold.booking.status == "confirmed"
    detail = page.url

    # Ana and Ben take the two seats; Cléo joins the waitlist.
    phones = []
    for person in people:
        phone = _other(
            browser, page_errors, viewport=MOBILE_VIEWPORT, is_mobile=True, device_scale_factor=2
        )
        log_in(phone, live_server, person)
        phone.goto(detail)
        phone.get_by_role("button", name=re.compile("^(Register|Join the waitlist)$")).click()
        phones.append(phone)
    expect(phones[0].get_by_text("You are registered.", exact=True)).to_be_visible()
    expect(phones[0].locator(".event-ticket svg")).to_be_visible()
    screenshot(phones[0], "events-detail-registered-mobile")
    expect(phones[2].locator("[data-status=waitlisted]")).to_contain_text(
        "number 1 on the waitlist"
    )
    screenshot(phones[2], "events-detail-waitlisted-mobile")

    # Ana cancels: Cléo gets the seat and an email.
    phones[0].get_by_role("button", name="Cancel my registration").click()
    expect(phones[0].locator(".flash-success")).to_have_text("Your registration is cancelled.")
    phones[2].reload()
    expect(phones[2].get_by_text("You are registered.", exact=True)).to_be_visible()
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {ana.pk: "cancelled", ben.pk: "registered", cleo.pk: "registered"}
    mails = smtp_server.to("cleo@example.org")
    assert len(mails) == 1 and "A seat is yours" in mails[0]["Subject"]
    assert "Open data for museums" in smtp_server.body(mails[0])
    assert smtp_server.to("ana@example.org") == [] and smtp_server.to("ben@example.org") == []

    # At the door the manager searches and ticks Ben in.
    page.goto(detail)
    screenshot(page, "events-detail-manager")
    page.get_by_role("link", name="Registrations and check-in").click()
    expect(page.get_by_role("heading", name="Open data for museums")).to_be_visible()
    rows = page.locator("#door-rows tr")
    expect(rows).to_have_count(2)
    page.wait_for_load_state()  # htmx is set up once the page has loaded
    page.get_by_label("Search by name or email").fill("ben")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("button", name="Check in").click()
    expect(rows.first.get_by_role("button", name="✓ In")).to_be_visible()
    page.get_by_label("Search by name or email").fill("")
    expect(rows).to_have_count(2)
    screenshot(page, "events-door-list")
    assert Registration.objects.get(user=ben).checked_in_at is not None
    assert Activity.objects.filter(verb="event.checked_in", actor=manager).count() == 1

    # The door list on a phone.
    door_phone = _other(
        browser, page_errors, viewport=MOBILE_VIEWPORT, is_mobile=True, device_scale_factor=2
    )
    log_in(door_phone, live_server, manager)
    door_phone.goto(page.url.split("?")[0])
    expect(door_phone.locator("#door-rows tr")).to_have_count(2)
    screenshot(door_phone, "events-door-list-mobile")

    # Cancelling the event frees the room.
    page.goto(detail)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Cancel event").click()
    expect(page.locator(".badge-closed")).to_have_text("Cancelled")
    assert Booking.objects.get(pk=hold.booking_id).status == "cancelled"
    for p in [*phones, door_phone]:
        p.context.close()
