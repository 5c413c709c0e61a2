"""Calendars in real Chromium: a space manager imports machBar's real calendar (FabLab
Potsdam, from the recurring-ical-events test fixtures, LGPL-3.0; see ../shared/data/README.md)
through the upload form, then opens the week of 4 March 2019 and sees its series placed by
time; the month and list views; the week on a phone collapses to a list of days.

Screenshots land in var/screenshots/events-calendar-*.png for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coshore.accounts.tests.factories import UserFactory
from coshore.events.models import Event
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser

MACHBAR = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "machbar_fablab_potsdam_2019.ics"
)


@pytest.fixture
def machbar(transactional_db: None) -> Any:
    space = SpaceFactory(
        name="machBar", slug="machbar", city="Potsdam", country="DE", timezone="Europe/Berlin",
        lat=52.3906, lon=13.0645,
    )  # fmt: skip
    manager = UserFactory(email="manager@machbar.example")
    SpaceRoleFactory(space=space, user=manager, role=SpaceRoleKind.MANAGER)
    return space, manager


def test_a_manager_imports_the_real_calendar_and_sees_its_series_in_the_week_view(
    page: Page, live_server: Any, machbar: Any
) -> None:
    space, manager = machbar
    log_in(page, live_server, manager)
    page.goto(f"{live_server.url}/spaces/machbar/events/import/")
    expect(page.get_by_role("heading", name="Import a calendar")).to_be_visible()
    page.set_input_files("#id_file", str(MACHBAR))
    screenshot(page, "events-calendar-import-form")
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".flash-success")).to_contain_text("58 new")
    expect(page.locator(".ec-imported")).to_contain_text("machBar - Öffentlich")
    screenshot(page, "events-calendar-import-done")
    assert Event.objects.filter(space=space).count() == 58

    page.goto(f"{live_server.url}/spaces/machbar/events/?view=week&date=2019-03-04")
    expect(page.locator("#cal-title")).to_contain_text("4 Mar")
    week = page.locator(".ec-week")
    for title in ("machBar Plenum", "OK Lab", "Chaostreff - CCCP", "OpenLab", "#TEC"):
        expect(week.locator(".ec-col .ec-chip", has_text=title).first).to_be_visible()
    # Monday's Plenum sits lower than Thursday-morning HACKademy: placed by time.
    screenshot(page, "events-calendar-week-desktop")

    page.locator("a[rel=next]").click()
    expect(page.locator("#cal-title")).to_contain_text("11 Mar")
    page.get_by_role("link", name="Month").click()
    expect(page.locator("#cal-title")).to_contain_text("March 2019")
    screenshot(page, "events-calendar-month-desktop")
    page.get_by_role("link", name="List").click()
    expect(page.locator(".ec-list-item").first).to_be_visible()
    screenshot(page, "events-calendar-list-desktop")
    page.goto(f"{live_server.url}/spaces/machbar/events/?view=week&date=2019-03-04")
    page.locator(".ec-subscribe > summary").click()
    expect(page.get_by_role("link", name="Subscribe (webcal)")).to_be_visible()
    screenshot(page, "events-calendar-subscribe", full_page=False)


def test_the_week_view_on_a_phone_is_a_list_of_days(
    mobile_page: Page, live_server: Any, machbar: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("import_ics", str(MACHBAR), space="machbar", stdout=StringIO())
    page = mobile_page
    page.goto(f"{live_server.url}/spaces/machbar/events/?view=week&date=2019-03-04")
    expect(page.locator(".ec-week")).to_be_hidden()
    agenda = page.locator(".ec-agenda")
    expect(agenda.get_by_text("Monday 4 Mar")).to_be_visible()
    expect(agenda.locator(".ec-chip", has_text="machBar Plenum").first).to_be_visible()
    screenshot(page, "events-calendar-week-phone")
    page.goto(f"{live_server.url}/spaces/machbar/events/?date=2019-03-04")
    expect(page.locator(".ec-dots").first).to_be_visible()
    screenshot(page, "events-calendar-month-phone")


def test_a_networks_event_shows_on_its_spaces_calendar_labelled_with_the_network(
    page: Page, mobile_page: Page, live_server: Any, machbar: Any
) -> None:
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from coshore.events.models import EventKind, EventVisibility
    from coshore.spaces.models import NetworkSpace
    from coshore.spaces.tests.factories import NetworkFactory

    space, _ = machbar
    network = NetworkFactory(name="Brandenburg Makers", slug="bb-makers")
    NetworkSpace.objects.create(network=network, space=space)
    berlin = ZoneInfo("Europe/Berlin")
    day = timezone.now().astimezone(berlin).date() + timedelta(days=2)

    def at(hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=berlin)

    common = {"timezone": "Europe/Berlin", "visibility": EventVisibility.PUBLIC}
    Event.objects.create(
        uid="own@test", space=space, title="Soldering for beginners", kind=EventKind.WORKSHOP,
        starts_at=at(10), ends_at=at(12), **common,
    )  # fmt: skip
    Event.objects.create(
        uid="net@test", network=network, title="Makers' night", kind=EventKind.MEETUP,
        starts_at=at(18), ends_at=at(21), location="Rechenzentrum Potsdam", **common,
    )  # fmt: skip
    Event.objects.create(
        uid="other@test", network=NetworkFactory(slug="elsewhere"), title="Elsewhere",
        starts_at=at(14), ends_at=at(15), **common,
    )  # fmt: skip

    page.goto(f"{live_server.url}/spaces/machbar/events/?view=week&date={day.isoformat()}")
    week = page.locator(".ec-week")
    chip = week.locator(".ec-col .ec-chip", has_text="Makers' night")
    expect(chip.locator(".event-net")).to_have_text("Network: Brandenburg Makers")
    expect(week.locator(".ec-chip", has_text="Soldering").locator(".event-net")).to_have_count(0)
    expect(week.get_by_text("Elsewhere")).to_have_count(0)
    screenshot(page, "events-calendar-network-event-week")
    page.goto(f"{live_server.url}/spaces/machbar/events/?view=list&date={day.isoformat()}")
    item = page.locator(".ec-list-item", has_text="Makers' night")
    expect(item.locator(".event-net")).to_be_visible()
    screenshot(page, "events-calendar-network-event-list")
    page.goto(f"{live_server.url}/spaces/machbar/events/?date={day.isoformat()}")
    expect(page.locator(".ec-month .ec-chip .event-net").first).to_be_visible()
    screenshot(page, "events-calendar-network-event-month")
    page.goto(f"{live_server.url}/events/upcoming/?space=machbar")
    row = page.locator(".event-item", has_text="Makers' night")
    expect(row.locator(".event-net")).to_have_text("Network: Brandenburg Makers")
    expect(page.locator(".event-item", has_text="Elsewhere")).to_have_count(0)
    screenshot(page, "events-upcoming-network-event")
    mobile_page.goto(f"{live_server.url}/spaces/machbar/events/?view=week&date={day.isoformat()}")
    agenda = mobile_page.locator(".ec-agenda")
    expect(
        agenda.locator(".ec-chip", has_text="Makers' night").locator(".event-net")
    ).to_be_visible()
    screenshot(mobile_page, "events-calendar-network-event-phone")
