"""Check-in in real Chromium: the manager prints the space's QR code, a member opens its link,
checks in, the manager sees them on the presence page (refreshed by htmx every 30 s), and they
check out. And the check-in, QR and presence pages on a phone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from coshore.accounts.tests.factories import UserFactory
from coshore.activity.models import Activity
from coshore.bookings import services
from coshore.bookings.models import CheckIn
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import MOBILE_VIEWPORT, VIEWPORT, PageErrors, log_in, screenshot

pytestmark = pytest.mark.browser


@dataclass
class Hub:
    space: Any
    member: Any
    manager: Any


@pytest.fixture
def hub(transactional_db: None) -> Hub:
    space = SpaceFactory(
        slug="la-ruche",
        name="La Ruche",
        street="Rue de la Roquette",
        housenumber="84",
        city="Paris",
        weekly=[(d, 510, 1140) for d in range(7)],
    )
    member = UserFactory(email="mia@example.org", display_name="Mia Member")
    manager = UserFactory(email="maya@example.org", display_name="Maya Manager")
    SpaceRoleFactory(space=space, user=member, role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=space, user=manager, role=SpaceRoleKind.MANAGER)
    for name in ("Ada Lovelace", "Grace Hopper"):
        person = UserFactory(display_name=name)
        SpaceRoleFactory(space=space, user=person)
        services.check_in(actor=person, space=space)
    return Hub(space=space, member=member, manager=manager)


def _second_page(browser: Browser, errors: PageErrors, **options: Any) -> Any:
    """Another person's browser, with the same offline rules as the `page` fixture."""
    from .conftest import _abort_external

    context = browser.new_context(**options)
    context.route("**/*", _abort_external)
    context.set_default_timeout(10_000)
    other = context.new_page()
    other.on("pageerror", errors.on_page_error)
    other.on("console", errors.on_console)
    return other


def test_member_checks_in_by_qr_code_and_the_manager_sees_them(
    page: Page, browser: Browser, live_server: Any, hub: Hub, page_errors: PageErrors
) -> None:
    # The manager opens the poster, then keeps the presence page open.
    page.clock.install()
    log_in(page, live_server, hub.manager)
    page.goto(live_server.url + "/spaces/la-ruche/")
    page.get_by_role("link", name="Check-in QR code").click()
    expect(page.get_by_role("heading", name="Check-in QR code")).to_be_visible()
    expect(page.locator(".qr-poster-code svg")).to_be_visible()
    expect(page.get_by_role("button", name="Print poster")).to_be_visible()
    link = page.locator("#checkin-link").get_attribute("href")
    assert link is not None and "/spaces/la-ruche/check-in/?code=" in link
    screenshot(page, "checkin-qr")

    page.get_by_role("link", name="Who's in now").click()
    expect(page.locator("#presence-count")).to_have_text("2")
    expect(page.locator("#presence")).not_to_contain_text("Mia Member")

    # The member scans the code: its link opens the check-in page.
    phone = _second_page(browser, page_errors, viewport=MOBILE_VIEWPORT, is_mobile=True)
    log_in(phone, live_server, hub.member)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Check in at La Ruche")).to_be_visible()
    expect(phone.get_by_text("QR code recognised")).to_be_visible()
    expect(phone.get_by_text("2 people are in now")).to_be_visible()
    screenshot(phone, "checkin-mobile")
    phone.get_by_role("button", name="Check in").click()
    expect(phone.get_by_role("heading", name="You're checked in")).to_be_visible()
    expect(phone.get_by_text("Welcome to La Ruche: you are checked in.")).to_be_visible()
    expect(phone.get_by_text("Checked in with the space's QR code.")).to_be_visible()
    screenshot(phone, "checkin-in-mobile")
    check_in = CheckIn.objects.get(user=hub.member)
    assert check_in.method == "qr" and check_in.checked_out_at is None

    # Within 30 s the manager's list shows her, without a reload.
    page.clock.run_for(31_000)
    presence = page.locator("#presence")
    expect(page.locator("#presence-count")).to_have_text("3")
    row = presence.get_by_role("row", name=re.compile("Mia Member"))
    expect(row).to_contain_text("QR code")
    screenshot(page, "checkin-presence")

    # She checks out herself; the manager checks someone else out.
    phone.get_by_role("button", name="Check out").click()
    expect(phone.get_by_role("heading", name="Check in at La Ruche")).to_be_visible()
    expect(phone.get_by_text("You are checked out of La Ruche. See you soon!")).to_be_visible()
    page.clock.run_for(31_000)
    expect(page.locator("#presence-count")).to_have_text("2")
    expect(presence).not_to_contain_text("Mia Member")
    presence.get_by_role("button", name="Check out Ada Lovelace").click()
    expect(presence.get_by_role("status")).to_contain_text("Ada Lovelace is checked out.")
    expect(page.locator("#presence-count")).to_have_text("1")
    phone.context.close()

    check_in.refresh_from_db()
    assert check_in.checked_out_at is not None
    verbs = list(
        Activity.objects.filter(actor=hub.member).order_by("id").values_list("verb", flat=True)
    )
    assert verbs == ["checkin.in", "checkin.out"]
    assert CheckIn.objects.filter(checked_out_at__isnull=True).count() == 1


def test_a_visitor_without_a_pass_is_sent_to_the_plans(
    page: Page, live_server: Any, hub: Hub
) -> None:
    log_in(page, live_server, UserFactory(display_name="Vera Visitor"))
    page.goto(live_server.url + "/spaces/la-ruche/check-in/")
    expect(page.get_by_role("heading", name="You can't check in here yet")).to_be_visible()
    page.get_by_role("link", name="See plans and day passes").click()
    expect(page).to_have_url(re.compile(r"/spaces/la-ruche/plans/$"))
    assert not CheckIn.objects.filter(space=hub.space, user__display_name="Vera Visitor").exists()


def test_check_in_pages_on_desktop_and_phone(
    page: Page, mobile_page: Page, live_server: Any, hub: Hub
) -> None:
    log_in(page, live_server, hub.manager)
    page.goto(live_server.url + "/spaces/la-ruche/check-in/")
    expect(page.get_by_role("heading", name="Check in at La Ruche")).to_be_visible()
    screenshot(page, "checkin")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="You're checked in")).to_be_visible()
    screenshot(page, "checkin-in")

    log_in(mobile_page, live_server, hub.manager)
    for path, name in [
        ("/spaces/la-ruche/check-in/qr/", "checkin-qr-mobile"),
        ("/spaces/la-ruche/presence/", "checkin-presence-mobile"),
    ]:
        mobile_page.goto(live_server.url + path)
        expect(mobile_page.get_by_role("heading", level=1)).to_be_visible()
        assert mobile_page.viewport_size is not None
        width = mobile_page.evaluate("document.documentElement.scrollWidth")
        assert width <= mobile_page.viewport_size["width"], f"{path} scrolls sideways"
        screenshot(mobile_page, name)
    assert VIEWPORT["width"] > MOBILE_VIEWPORT["width"]
