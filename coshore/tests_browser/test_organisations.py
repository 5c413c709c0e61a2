"""The organisation journey in real Chromium: register an organisation, add a person to it by
email, see them among its people; and the three pages on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coshore.accounts.models import Organisation, OrganisationMember
from coshore.accounts.tests.factories import OrganisationFactory, UserFactory

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _no_horizontal_scroll(page: Page) -> None:
    assert page.viewport_size is not None
    overflow = page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def test_register_an_organisation_and_add_a_person(
    page: Page, live_server: Any, transactional_db: None
) -> None:
    ada = UserFactory(email="ada@example.org", display_name="Ada Lovelace")
    UserFactory(email="charles@example.org", display_name="Charles Babbage")
    OrganisationFactory(name="Analytical Society", kind="association", city="Cambridge")
    log_in(page, live_server, ada)

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    expect(page).to_have_url(re.compile(r"/accounts/organisations/$"))
    expect(page.get_by_role("row", name=re.compile("Analytical Society"))).to_contain_text(
        "Cambridge"
    )
    screenshot(page, "organisations-list")

    page.get_by_role("link", name="New organisation").click()
    expect(page.get_by_role("heading", name="New organisation")).to_be_visible()
    page.get_by_label("Name").fill("Difference Engines Ltd")
    page.get_by_label("Kind").select_option("firm")
    page.get_by_label("Website").fill("https://engines.example")
    page.get_by_label("City").fill("London")
    page.get_by_label("Country").fill("gb")
    page.get_by_label("Description").fill("Mechanical computation, built to order.")
    screenshot(page, "organisations-new")
    page.get_by_role("button", name="Create organisation").click()

    expect(page).to_have_url(re.compile(r"/accounts/organisations/difference-engines-ltd/$"))
    expect(page.get_by_role("status")).to_contain_text("Difference Engines Ltd is registered")
    people = page.locator("#org-people")
    expect(people.get_by_role("listitem")).to_have_count(1)
    expect(people).to_contain_text("Ada Lovelace")

    page.get_by_label("Email", exact=True).fill("nobody@example.org")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("No account with this email.")).to_be_visible()

    page.get_by_label("Email", exact=True).fill("charles@example.org")
    page.get_by_role("button", name="Add person").click()
    expect(page).to_have_url(re.compile(r"/accounts/organisations/difference-engines-ltd/$"))
    expect(page.get_by_role("status")).to_contain_text("Charles Babbage now belongs to")
    expect(people.get_by_role("listitem")).to_have_count(2)
    expect(people).to_contain_text("Charles Babbage")
    screenshot(page, "organisations-detail")

    organisation = Organisation.objects.get(slug="difference-engines-ltd")
    assert sorted(
        OrganisationMember.objects.filter(organisation=organisation).values_list(
            "user__email", "role"
        )
    ) == [("ada@example.org", "admin"), ("charles@example.org", "member")]


def test_organisation_pages_fit_a_phone(
    mobile_page: Page, live_server: Any, transactional_db: None
) -> None:
    ada = UserFactory(email="ada@example.org", display_name="Ada Lovelace")
    organisation = OrganisationFactory(
        slug="engines",
        name="Difference Engines and Other Remarkably Long-Named Machines Ltd",
        kind="firm",
        city="London",
        country="GB",
        website="https://difference-engines-and-other-machines.example/about/the-company",
        description="Mechanical computation, built to order.",
    )
    OrganisationFactory(name="Analytical Society", kind="association", city="Cambridge")
    OrganisationMember.objects.create(organisation=organisation, user=ada, role="admin")
    OrganisationMember.objects.create(
        organisation=organisation,
        user=UserFactory(display_name="Charles Babbage"),
        role="member",
    )
    log_in(mobile_page, live_server, ada)

    for path, name in [
        ("/accounts/organisations/", "organisations-list-mobile"),
        ("/accounts/organisations/new/", "organisations-new-mobile"),
        ("/accounts/organisations/engines/", "organisations-detail-mobile"),
    ]:
        mobile_page.goto(live_server.url + path)
        expect(mobile_page.get_by_role("heading", level=1)).to_be_visible()
        _no_horizontal_scroll(mobile_page)
        screenshot(mobile_page, name)
