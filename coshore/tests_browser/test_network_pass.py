"""The network pass journey in real Chromium: a member in Paris asks to work a day in a Lyon
space of the same network; the host's manager accepts; the member shows the pass's token; it
verifies; the operator's dashboard counts the visit. And the pages on a phone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coshore.bookings.models import Booking, ResourceKind
from coshore.bookings.tests.factories import ResourceFactory
from coshore.passes import services
from coshore.passes.models import PassRequest
from coshore.passes.tests.factories import BlackoutFactory, PassTermsFactory
from coshore.spaces.models import Network, Space, SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkRoleFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

from .conftest import PageErrors, log_in, screenshot

pytestmark = pytest.mark.browser

WEEKDAYS_9_TO_18 = [(d, 540, 1080) for d in range(5)]


@dataclass
class Visa:
    network: Network
    paris: Space
    lyon: Space
    alice: Any
    lea: Any
    olivia: Any
    day: date


def _next_tuesday() -> date:
    """A Tuesday next week (the Lyon host is open on weekdays)."""
    today = timezone.now().astimezone(ZoneInfo("Europe/Paris")).date()
    return today + timedelta(days=7 + (1 - today.weekday()))


@pytest.fixture
def visa(transactional_db: None, make_user: Any) -> Visa:
    network = NetworkFactory(slug="coworking-visa", name="Coworking Visa France")
    PassTermsFactory(network=network, free_days_per_month=3, host_monthly_quota=10)
    paris = SpaceFactory(
        slug="la-ruche-paris", name="La Ruche", city="Paris", weekly=WEEKDAYS_9_TO_18
    )
    lyon = SpaceFactory(
        slug="lyon-hub",
        name="Lyon Hub",
        city="Lyon",
        lat=45.764,
        lon=4.8357,
        weekly=WEEKDAYS_9_TO_18,
    )
    others = [
        SpaceFactory(slug="la-cordee", name="La Cordée Part-Dieu", city="Lyon", lat=45.76),
        SpaceFactory(slug="marseille-vieux-port", name="Vieux-Port Works", city="Marseille"),
    ]
    for space in (paris, lyon, *others):
        NetworkSpaceFactory(network=network, space=space)
    ResourceFactory(
        space=lyon, name="Hot desks", kind=ResourceKind.DESK_POOL, seats=4, max_minutes=600
    )
    alice = make_user("alice@example.org", name="Alice Martin")
    SpaceRoleFactory(space=paris, user=alice, role=SpaceRoleKind.MEMBER)
    lea = make_user("lea@example.org", name="Léa Gestion")
    SpaceRoleFactory(space=lyon, user=lea, role=SpaceRoleKind.MANAGER)
    olivia = make_user("olivia@example.org", name="Olivia Operator")
    NetworkRoleFactory(network=network, user=olivia)
    return Visa(network, paris, lyon, alice, lea, olivia, _next_tuesday())


def _switch_to(page: Page, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, user)


def test_a_member_visits_another_space_with_a_pass(
    page: Page, live_server: Any, visa: Visa, page_errors: PageErrors
) -> None:
    # Alice, a member in Paris, asks for a pass to Lyon Hub for a day next week.
    log_in(page, live_server, visa.alice)
    page.goto(live_server.url + "/networks/coworking-visa/")
    screenshot(page, "passes-network")
    page.get_by_role("link", name="Visit another space").click()
    expect(page).to_have_url(re.compile(r"/passes/new/$"))
    expect(page.get_by_role("heading", name="Visit another space")).to_be_visible()
    host = page.get_by_label("Space to visit")
    expect(host.locator("option", has_text="La Ruche")).to_have_count(0)  # her own space
    host.select_option(label="Lyon Hub — Lyon")
    page.get_by_label("Day").fill(visa.day.isoformat())
    page.get_by_label("Note to the host").fill("Seeing a client in Lyon; a quiet desk, please.")
    screenshot(page, "passes-new")
    page.get_by_role("button", name="Ask for a pass").click()

    expect(page).to_have_url(re.compile(r"/passes/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("the host's managers will answer")
    expect(page.locator("#pass-status")).to_have_text("Requested")
    expect(page.locator("#pass-token")).to_have_count(0)
    screenshot(page, "passes-detail-requested")
    pass_request = PassRequest.objects.get()
    assert (pass_request.host_space, pass_request.home_space, pass_request.date) == (
        visa.lyon,
        visa.paris,
        visa.day,
    )

    # Léa, who manages Lyon Hub, finds the request and accepts it.
    _switch_to(page, live_server, visa.lea)
    page.goto(live_server.url + "/passes/")
    page.get_by_role("link", name="Pass requests").click()
    expect(page).to_have_url(re.compile(r"/spaces/lyon-hub/passes/$"))
    item = page.locator(f"[data-pass='{pass_request.pk}']")
    expect(item).to_contain_text("Alice Martin")
    expect(item).to_contain_text("from La Ruche (Paris)")
    screenshot(page, "passes-incoming")
    item.get_by_role("button", name=re.compile("^Accept the pass of Alice Martin")).click()
    expect(page.get_by_role("status")).to_contain_text("Accepted: a desk is booked for Alice")
    expect(item.locator("[data-status]")).to_have_text("Accepted")
    booking = Booking.objects.get()
    assert (booking.user, booking.resource.space) == (visa.alice, visa.lyon)

    # Alice sees her pass accepted, with a QR code and the token to copy.
    _switch_to(page, live_server, visa.alice)
    page.goto(live_server.url + "/passes/")
    expect(page.locator(f"[data-pass='{pass_request.pk}'] [data-status]")).to_have_text("Accepted")
    screenshot(page, "passes-mine")
    page.get_by_role("link", name="Lyon Hub").click()
    expect(page.locator("#pass-status")).to_have_text("Accepted")
    qr = page.get_by_role("img", name=re.compile("QR code of the pass"))
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 100", qr.element_handle())
    token = page.locator("#pass-token").inner_text().strip()
    assert token.count(".") == 2
    screenshot(page, "passes-detail-accepted")

    # Anyone verifies it: on the page, and through the API.
    page.get_by_role("link", name="Check it now").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Valid pass")
    expect(verdict).to_contain_text("Alice Martin")
    expect(verdict).to_contain_text("La Ruche")
    expect(verdict).to_contain_text("Lyon Hub")
    screenshot(page, "passes-verify")
    answer = page.request.post(
        live_server.url + "/api/v1/passes/verify", data={"token": token}
    ).json()
    assert (answer["valid"], answer["member"], answer["valid_from"]) == (
        True,
        "Alice Martin",
        visa.day.isoformat(),
    )
    page.get_by_label("Pass token").fill(token[:-2] + ("xx" if token[-2:] != "xx" else "yy"))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Not valid")
    expect(page.locator("#verdict")).not_to_contain_text("Alice Martin")
    screenshot(page, "passes-verify-tampered")

    # Olivia, the operator, sees one visit given by Lyon Hub, received by La Ruche, 100 %.
    _switch_to(page, live_server, visa.olivia)
    page.goto(live_server.url + "/networks/coworking-visa/")
    page.get_by_role("link", name="Pass dashboard").click()
    expect(page).to_have_url(re.compile(r"/networks/coworking-visa/passes/$"))
    page.get_by_label("Month", exact=True).fill(visa.day.strftime("%Y-%m"))
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("#total-visits")).to_have_text("1")
    lyon_row = page.locator("#reciprocity-spaces tr[data-space='lyon-hub']")
    expect(lyon_row.locator("[data-col='given']")).to_have_text("1")
    expect(lyon_row.locator("[data-col='honour']")).to_have_text("100%")
    paris_row = page.locator("#reciprocity-spaces tr[data-space='la-ruche-paris']")
    expect(paris_row.locator("[data-col='received']")).to_have_text("1")
    expect(page.locator("#reciprocity-matrix")).to_contain_text("La Ruche")
    screenshot(page, "passes-dashboard")

    # Olivia closes a date to passes.
    page.get_by_label("Date", exact=True).fill((visa.day + timedelta(days=7)).isoformat())
    page.get_by_label("Reason").fill("Network assembly")
    page.get_by_role("button", name="Close this date").click()
    expect(page.get_by_role("status")).to_contain_text("Passes are closed on")
    expect(page.locator("#blackouts")).to_contain_text("Network assembly")
    expect(page).to_have_url(re.compile(rf"\?month={visa.day:%Y-%m}$"))  # the same month
    expect(page.locator("#total-visits")).to_have_text("1")
    screenshot(page, "passes-dashboard-blackout")
    assert page_errors.errors == []


def _no_horizontal_scroll(page: Page) -> None:
    assert page.viewport_size is not None
    overflow = page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def test_the_pass_pages_fit_a_phone(
    mobile_page: Page, live_server: Any, visa: Visa, page_errors: PageErrors
) -> None:
    pending = services.request_pass(actor=visa.alice, host_space=visa.lyon, day=visa.day)
    accepted = services.request_pass(
        actor=visa.alice, host_space=visa.lyon, day=visa.day + timedelta(days=1)
    )
    services.accept_pass(actor=visa.lea, pass_request=accepted)
    BlackoutFactory(network=visa.network, date=visa.day + timedelta(days=14), reason="Assembly")
    month = visa.day.strftime("%Y-%m")
    journeys = [
        (
            visa.alice,
            [
                ("/passes/", "passes-mine-mobile"),
                ("/passes/new/", "passes-new-mobile"),
                (f"/passes/{pending.pk}/", "passes-detail-requested-mobile"),
                (f"/passes/{accepted.pk}/", "passes-detail-accepted-mobile"),
                ("/passes/verify/", "passes-verify-empty-mobile"),
            ],
        ),
        (visa.lea, [("/spaces/lyon-hub/passes/", "passes-incoming-mobile")]),
        (
            visa.olivia,
            [
                (f"/networks/coworking-visa/passes/?month={month}", "passes-dashboard-mobile"),
                ("/networks/coworking-visa/", "passes-network-mobile"),
            ],
        ),
    ]
    for user, pages in journeys:
        _switch_to(mobile_page, live_server, user)
        for path, name in pages:
            mobile_page.goto(live_server.url + path)
            expect(mobile_page.get_by_role("heading", level=1)).to_be_visible()
            _no_horizontal_scroll(mobile_page)
            screenshot(mobile_page, name)
    token_page = f"/passes/{accepted.pk}/"
    _switch_to(mobile_page, live_server, visa.alice)
    mobile_page.goto(live_server.url + token_page)
    mobile_page.get_by_role("link", name="Check it now").click()
    expect(mobile_page.locator("#verdict")).to_contain_text("Valid pass")
    _no_horizontal_scroll(mobile_page)
    screenshot(mobile_page, "passes-verify-mobile")
    assert page_errors.errors == []
