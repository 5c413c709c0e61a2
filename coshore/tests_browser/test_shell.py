"""The page shell: base template, vendored static files and the browser harness itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/leaflet/images/marker-icon.png",
        "/static/css/coshore.css",
        "/static/js/spaces-map.js",
    ],
)
def test_static_files_are_served(page: Page, live_server: Any, path: str) -> None:
    response = page.request.get(live_server.url + path)
    assert response.status == 200
    assert len(response.body()) > 100


def test_admin_login_page_loads(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/admin/login/")
    expect(page.locator("input[name=username]")).to_be_visible()


def test_the_shell_has_navigation_attribution_and_htmx(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/spaces/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Find spaces")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Networks")).to_be_visible()
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Map data © OpenStreetMap contributors (ODbL)")
    expect(footer).to_contain_text("Skills: ESCO © European Union (CC BY 4.0)")
    assert page.evaluate("typeof htmx") == "object"
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    assert len(token) >= 32


def test_a_signed_in_person_sees_their_name_and_can_log_out(
    page: Page, live_server: Any, transactional_db: None
) -> None:
    user = get_user_model().objects.create_user(
        email="ada@example.org", password="x", display_name="Ada"
    )
    log_in(page, live_server, user)
    page.goto(live_server.url + "/networks/")
    expect(page.locator(".nav-user")).to_contain_text("Ada")
    logout = page.get_by_role("button", name="Log out")
    if logout.count() == 0:
        pytest.fail("no Log out button: is accounts:logout routed?")
    logout.click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
