"""The notification centre in real Chromium: the bell's count in the nav, the list with
unread ones emphasised, marking one read (htmx), following one to its page, marking all read,
and choosing email preferences. And the list on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coshore.notifications import selectors, services

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def ana(transactional_db: None, make_user: Any) -> Any:
    ana = make_user("ana@example.org", name="Ana Lopez")
    marc = make_user("marc@example.org", name="Marc Dubois")
    for topic, kind, title, body, url in [
        (
            "projects",
            "project.invited",
            "Marc invites you to the project “Museum kiosk app”",
            "Their message:\nWe need someone for the offline sync.",
            "/projects/",
        ),
        (
            "wall.matches",
            "wall.match",
            "A new need matches your offer: Data pipeline for a museum archive",
            "Match 82/100: shares 2 skills: Python (computer programming), data analytics.",
            "/wall/",
        ),
        (
            "bookings",
            "booking.cancelled",
            "Booking cancelled: Meeting room Atlas at La Ruche, Mon 7 Dec 2026, 10:00",
            "Marc Dubois, who manages La Ruche, cancelled your booking. What it spent is given back.",
            "/bookings/",
        ),
    ]:
        services.notify(
            recipient=ana, topic=topic, kind=kind, title=title, body=body, url=url, actor=marc
        )
    return ana


def test_the_notification_centre(page: Page, live_server: Any, ana: Any) -> None:
    log_in(page, live_server, ana)
    page.goto(live_server.url + "/bookings/")
    bell = page.locator("#nav-bell a")
    expect(bell.get_by_test_id("unread-count")).to_have_text("3")
    expect(bell).to_have_attribute("aria-label", "Notifications, 3 unread")
    screenshot(page, "notifications-bell", full_page=False)

    bell.click()
    expect(page).to_have_url(live_server.url + "/notifications/")
    expect(page.locator(".note.is-unread")).to_have_count(3)
    expect(page.locator("#unread-summary")).to_have_text("3 unread")
    screenshot(page, "notifications-list")

    # Mark one read in place (htmx): the item, the summary and the bell follow.
    first = page.locator(".note").filter(has_text="Booking cancelled")
    first.get_by_role("button", name="Mark read").click()
    expect(first).not_to_have_class("note is-unread")
    expect(page.locator("#unread-summary")).to_have_text("2 unread")
    expect(bell.get_by_test_id("unread-count")).to_have_text("2")

    # Follow one: it opens its page and is read from now on.
    page.get_by_role("link", name="Marc invites you to the project “Museum kiosk app”").click()
    expect(page).to_have_url(live_server.url + "/projects/")
    expect(page.locator("#nav-bell").get_by_test_id("unread-count")).to_have_text("1")

    page.goto(live_server.url + "/notifications/")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".note.is-unread")).to_have_count(0)
    expect(page.locator("#unread-summary")).to_have_text("You are all caught up.")
    expect(page.locator("#nav-bell").get_by_test_id("unread-count")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all read")).to_be_disabled()
    assert selectors.count_unread(user=ana) == 0

    # Email preferences: one row per topic.
    page.get_by_role("link", name="Email preferences").click()
    expect(page.get_by_role("heading", name="Email preferences")).to_be_visible()
    row = page.locator("#pref-wallmatches")
    expect(row.get_by_label("In the daily digest")).to_be_checked()
    row.get_by_label("Never (in-app only)").check()
    page.locator("#pref-bookings").get_by_label("In the daily digest").check()
    screenshot(page, "notifications-preferences")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator(".flash-success")).to_have_text("Your email preferences are saved.")
    expect(page.locator("#pref-wallmatches").get_by_label("Never (in-app only)")).to_be_checked()
    prefs = selectors.get_preferences(user=ana)
    assert (prefs["wall.matches"], prefs["bookings"]) == ("off", "digest")


def test_the_list_and_preferences_on_a_phone(mobile_page: Page, live_server: Any, ana: Any) -> None:
    page = mobile_page
    log_in(page, live_server, ana)
    page.goto(live_server.url + "/notifications/")
    # The bell stays in the header, next to the menu button, not inside the folded menu.
    expect(page.locator("#nav-bell").get_by_test_id("unread-count")).to_be_visible()
    expect(page.locator(".note.is-unread")).to_have_count(3)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    screenshot(page, "notifications-list-phone")
    page.goto(live_server.url + "/notifications/preferences/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    screenshot(page, "notifications-preferences-phone")
