"""Journeys through the directory in real Chromium: search near Paris on the map, move the map,
open a space from its marker, edit a space as its manager, run a network as its operator.

The spaces are the real OpenStreetMap coworking spaces of France (../shared/data), loaded by
the real importer. Map tiles never load here (offline): the pages must work regardless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from coshore.core.geo import haversine_km
from coshore.spaces import services
from coshore.spaces.importers import import_spaces
from coshore.spaces.models import Network, Space, SpaceRole, SpaceRoleKind
from coshore.spaces.selectors import is_open_at

from .conftest import PageErrors, log_in, screenshot

pytestmark = pytest.mark.browser

OSM_SPACES = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "coworking_france_osm.geojson"
)
PARIS = (48.8566, 2.3522)
LYON = (45.7640, 4.8357)
MANAGED_REF = "osm:node/508597067"  # Koneko Work, 34 Rue d'Aligre, Paris


@dataclass
class Directory:
    staff: Any
    manager: Any
    operator: Any
    spaces: list[Space]
    managed: Space
    network: Network
    outside: Space  # a Lyon space that is not in the network


@pytest.fixture
def directory(transactional_db: None) -> Directory:
    if not OSM_SPACES.exists():
        pytest.fail(f"missing real data file {OSM_SPACES}")
    users = get_user_model().objects
    staff = users.create_user(email="staff@example.org", password="x", is_staff=True)
    manager = users.create_user(email="manager@example.org", password="x", display_name="Maya")
    operator = users.create_user(email="operator@example.org", password="x", display_name="Oscar")
    report = import_spaces(path_or_data=OSM_SPACES)
    assert report.imported == 212
    spaces = list(Space.objects.order_by("name"))
    paris = [s for s in spaces if s.city == "Paris"]
    lyon = [s for s in spaces if s.city == "Lyon"]
    managed = Space.objects.get(source_ref=MANAGED_REF)
    services.update_space(
        actor=staff,
        space=managed,
        changes=services.SpaceChanges(opening_hours="Mo-Fr 08:00-20:00; Sa 10:00-18:00"),
    )
    SpaceRole.objects.create(space=managed, user=manager, role=SpaceRoleKind.MANAGER)
    network = services.create_network(
        actor=staff,
        name="Rhône-Seine Coworking Alliance",
        slug="rhone-seine",
        description="Spaces in Paris and Lyon that welcome each other's members.",
    )
    services.add_network_operator(actor=staff, network=network, email=operator.email)
    members = [managed, *[s for s in paris if s.pk != managed.pk][:3], *lyon[:2]]
    for space in members:
        services.add_space_to_network(actor=staff, network=network, space=space)
    managed.refresh_from_db()
    return Directory(
        staff=staff,
        manager=manager,
        operator=operator,
        spaces=spaces,
        managed=managed,
        network=network,
        outside=lyon[-1],
    )


def _bbox_of(url: str) -> tuple[float, ...]:
    (raw,) = parse_qs(urlsplit(url).query)["bbox"]
    return tuple(float(v) for v in raw.split(","))


def _result_names(page: Page) -> list[str]:
    return page.locator("#results .space-card h3").all_inner_texts()


def _result_slugs(page: Page) -> list[str]:
    return page.locator("#results .space-card").evaluate_all("els => els.map(e => e.dataset.slug)")


def _map_js(page: Page, script: str) -> Any:
    return page.evaluate(
        f"(() => {{ const map = document.getElementById('map').__map; {script} }})()"
    )


def test_search_near_me_in_paris_lists_nearest_spaces_first(
    page: Page, live_server: Any, directory: Directory
) -> None:
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": PARIS[0], "longitude": PARIS[1]})
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/spaces/$"))
    expect(page.get_by_role("heading", name="Find a coworking space")).to_be_visible()
    expect(page.locator("#map .space-marker").first).to_be_visible()

    with page.expect_response(lambda r: "/spaces/results/" in r.url and "lat=" in r.url) as info:
        page.get_by_role("button", name="Near me").click()
    assert info.value.status == 200
    expect(page.locator("#results .distance").first).to_be_visible()
    expect(page.locator("[data-point-chip]")).to_contain_text("Near you")

    distances = [
        float(d)
        for d in page.locator("#results [data-distance-km]").evaluate_all(
            "els => els.map(e => e.dataset.distanceKm)"
        )
    ]
    names = _result_names(page)
    assert len(distances) == len(names) > 10
    assert distances == sorted(distances)
    assert max(distances) <= 10  # the default radius for "near me"
    nearest = min(directory.spaces, key=lambda s: haversine_km(*PARIS, s.lat, s.lon))
    assert names[0] == nearest.name
    slugs = _result_slugs(page)
    assert not any(s.city == "Lyon" and s.slug in slugs for s in directory.spaces)
    assert "lat=48.85660" in page.url and "radius_km=10" in page.url  # the URL can be shared
    # markers and list agree
    assert page.locator("#map .space-marker").count() == len(names)
    screenshot(page, "search-near-paris")


def test_moving_the_map_refreshes_the_list(
    page: Page, live_server: Any, directory: Directory
) -> None:
    page.goto(live_server.url + "/spaces/?city=Paris")
    cards = page.locator("#results .space-card")
    expect(cards).to_have_count(50)  # one page; Paris has 125
    page.get_by_role("button", name="Show more spaces").click()
    expect(cards).to_have_count(100)
    expect(page.locator("#map .space-marker")).to_have_count(100)

    # drag the map with the mouse: the list is asked again for the new box
    box = page.locator("#map").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_response(lambda r: "/spaces/results/" in r.url and "bbox=" in r.url) as info:
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(cx - 120, cy - 60, steps=8)
        page.mouse.up()
    assert info.value.status == 200
    assert "bbox=" in page.url

    # zoom out with the wheel: still in sync
    with page.expect_response(lambda r: "/spaces/results/" in r.url and "bbox=" in r.url):
        page.mouse.move(cx, cy)
        page.mouse.wheel(0, 600)
    _wait_for_list(page)

    # travel to Lyon: only spaces inside the new box are listed, and the markers follow
    page.locator("#search-form input[name=city]").fill("")
    with page.expect_response(lambda r: "/spaces/results/" in r.url and "bbox=" in r.url) as info:
        _map_js(page, f"map.setView([{LYON[0]}, {LYON[1]}], 13);")
    _wait_for_list(page)
    min_lon, min_lat, max_lon, max_lat = _bbox_of(info.value.url)
    slugs = _result_slugs(page)
    by_slug = {s.slug: s for s in directory.spaces}
    assert len(slugs) > 10
    for slug in slugs:
        space = by_slug[slug]
        assert min_lon <= space.lon <= max_lon and min_lat <= space.lat <= max_lat, slug
    assert any(by_slug[slug].city == "Lyon" for slug in slugs)
    assert page.locator("#map .space-marker").count() == len(slugs)
    screenshot(page, "search-lyon-after-pan")


def _wait_for_list(page: Page) -> None:
    page.wait_for_function(
        "document.getElementById('results').getAttribute('aria-busy') === 'false'"
    )


def test_opening_and_amenity_filters_narrow_the_list(
    page: Page, live_server: Any, directory: Directory
) -> None:
    page.goto(live_server.url + "/spaces/?city=Lyon")
    cards = page.locator("#results .space-card")
    expect(cards).to_have_count(50)

    with page.expect_response(lambda r: "/spaces/results/" in r.url and "open=now" in r.url):
        page.get_by_label("Opening").select_option("now")
    _wait_for_list(page)
    # how many are open depends on the clock; every listed one says so
    open_now = cards.count()
    assert open_now < 50
    expect(page.locator("#results .badge-open")).to_have_count(open_now)

    # a Tuesday night in Lyon: only the spaces whose weekly hours include 23:30
    page.get_by_label("Opening").select_option("at")
    with page.expect_response(lambda r: "/spaces/results/" in r.url and "open_at=" in r.url):
        page.get_by_label("Open at").fill("2026-11-24T23:30")
    _wait_for_list(page)
    late = _result_slugs(page)
    night = datetime(2026, 11, 24, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))
    lyon = Space.objects.filter(city="Lyon").prefetch_related("hours")
    expected = sorted(s.slug for s in lyon if is_open_at(s, night))
    assert 0 < len(late) < 50
    assert sorted(late) == expected

    page.get_by_label("Opening").select_option("")
    _wait_for_list(page)
    page.get_by_text("More filters").click()
    with page.expect_response(lambda r: "/spaces/results/" in r.url and "amenity=wifi" in r.url):
        page.get_by_label("Wi-Fi").check()
    _wait_for_list(page)
    wifi = _result_slugs(page)
    assert wifi and len(wifi) < 50
    tagged = set(
        Space.objects.filter(tags__kind="amenity", tags__value="wifi").values_list(
            "slug", flat=True
        )
    )
    assert set(wifi) <= tagged
    expect(page.locator("[data-amenity-count]")).to_have_text("1")
    assert "amenity=wifi" in page.url and "city=Lyon" in page.url
    screenshot(page, "search-filters")


def test_a_marker_opens_the_space_card_and_the_profile(
    page: Page, live_server: Any, directory: Directory
) -> None:
    space = directory.managed
    page.goto(live_server.url + f"/spaces/?lat={space.lat}&lon={space.lon}&radius_km=1")
    marker = page.locator(f'#map .leaflet-marker-icon[title="{space.name}"]')
    expect(marker).to_be_visible()
    marker.click()
    popup = page.locator(".leaflet-popup .popup-card")
    expect(popup).to_be_visible()
    expect(popup.locator("h3")).to_have_text(space.name)
    expect(popup).to_contain_text(space.address)
    expect(
        page.locator(f'#results .space-card.is-active[data-slug="{space.slug}"]')
    ).to_be_visible()
    screenshot(page, "search-marker-popup", full_page=False)

    popup.get_by_role("link", name="View space").click()
    expect(page).to_have_url(re.compile(rf"/spaces/{space.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(space.name)
    hours = page.locator(".hours-table")
    expect(hours.locator("tr")).to_have_count(7)
    expect(hours.locator("tr", has_text="Monday")).to_contain_text("08:00\u201320:00")
    expect(hours.locator("tr", has_text="Sunday")).to_contain_text("Closed")
    expect(page.locator(".attribution")).to_contain_text("© OpenStreetMap contributors")
    expect(page.locator(".attribution a", has_text="View on OpenStreetMap")).to_have_attribute(
        "href", f"https://www.openstreetmap.org/{space.source_ref.removeprefix('osm:')}"
    )
    expect(page.locator("#space-map .space-marker")).to_have_count(1)
    expect(page.get_by_role("link", name="Edit space")).to_have_count(0)  # not a manager
    expect(page.get_by_role("link", name=directory.network.name)).to_be_visible()
    screenshot(page, "space-profile")


def test_a_manager_edits_the_space(
    page: Page, live_server: Any, directory: Directory, page_errors: PageErrors
) -> None:
    space = directory.managed
    log_in(page, live_server, directory.manager)
    page.goto(live_server.url + f"/spaces/{space.slug}/")
    expect(page.locator(".nav-user")).to_contain_text("Maya")
    page.get_by_role("link", name="Edit space").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {space.name}")
    expect(page.get_by_role("textbox", name="Opening hours")).to_have_value(
        "Mo-Fr 08:00-20:00; Sa 10:00-18:00"
    )
    screenshot(page, "space-edit")

    # hours the parser cannot read: the field says so, nothing is saved
    page.get_by_role("textbox", name="Opening hours").fill("whenever we feel like it")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".field.has-error")).to_contain_text("not valid OpenStreetMap syntax")
    page_errors.take()  # the 422 response is logged by the browser; it is the point here
    space.refresh_from_db()
    assert space.opening_hours == "Mo-Fr 08:00-20:00; Sa 10:00-18:00"
    screenshot(page, "space-edit-error")

    page.get_by_role("textbox", name="Opening hours").fill("Mo-Su 00:00-24:00")
    page.get_by_label("Description").fill("Bright desks near the Marché d'Aligre.")
    page.get_by_label("Meeting rooms").check()
    page.get_by_label("Specialties").fill("design, software")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(re.compile(rf"/spaces/{space.slug}/$"))
    expect(page.locator(".flash-success")).to_contain_text("Saved")
    expect(page.locator(".hours-table tr", has_text="Sunday")).to_contain_text("00:00\u201324:00")
    expect(page.locator(".profile-hero .badge-open")).to_be_visible()
    expect(page.get_by_text("Bright desks near the Marché d'Aligre.")).to_be_visible()
    expect(page.locator(".chip", has_text="Meeting rooms")).to_be_visible()
    expect(page.locator(".chip", has_text="software")).to_be_visible()
    space.refresh_from_db()
    assert space.opening_hours == "Mo-Su 00:00-24:00"
    assert space.description == "Bright desks near the Marché d'Aligre."


def test_only_managers_may_open_the_edit_page(
    page: Page, live_server: Any, directory: Directory, page_errors: PageErrors
) -> None:
    log_in(page, live_server, directory.operator)  # operates a network the space is not in
    response = page.goto(live_server.url + f"/spaces/{directory.outside.slug}/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    page_errors.take()
    response = page.goto(live_server.url + "/spaces/no-such-space/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    page_errors.take()
    screenshot(page, "error-404")


def test_an_operator_adds_and_removes_a_space(
    page: Page, live_server: Any, directory: Directory, page_errors: PageErrors
) -> None:
    network, outside = directory.network, directory.outside
    page.goto(live_server.url + "/networks/")
    screenshot(page, "network-list")
    log_in(page, live_server, directory.operator)
    page.goto(live_server.url + "/networks/")
    page.get_by_role("link", name=re.compile(network.name)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(network.name)
    expect(page.locator(".space-card")).to_have_count(6)
    expect(page.locator("#network-map .space-marker")).to_have_count(6)

    field = page.get_by_label("Space", exact=True)
    with page.expect_response(lambda r: "/api/v1/spaces" in r.url and "q=" in r.url) as info:
        field.press_sequentially(outside.name[:6], delay=30)
    assert info.value.status == 200
    expect(page.locator(f'#space-suggestions option[value="{outside.slug}"]')).to_have_count(1)
    screenshot(page, "network-detail-operator")
    field.fill(outside.slug)
    page.get_by_role("button", name="Add space").click()
    expect(page.locator(".flash-success")).to_contain_text(f"{outside.name} now belongs to")
    expect(page.locator(".space-card")).to_have_count(7)
    assert network.memberships.filter(space=outside).exists()

    # adding it again is a clash, said on the form
    page.get_by_label("Space", exact=True).fill(outside.slug)
    page.get_by_role("button", name="Add space").click()
    expect(page.locator("p.error")).to_contain_text("already belongs")
    page_errors.take()

    page.get_by_role("button", name=f"Remove {outside.name} from {network.name}").click()
    expect(page.locator(".flash-success")).to_contain_text("was removed")
    expect(page.locator(".space-card")).to_have_count(6)
    assert not network.memberships.filter(space=outside).exists()


def test_without_a_tile_server_the_map_still_shows_the_spaces(
    page: Page, live_server: Any, directory: Directory, settings: Any
) -> None:
    settings.MAP_TILE_URL = ""
    page.goto(live_server.url + f"/spaces/?lat={LYON[0]}&lon={LYON[1]}&radius_km=5")
    expect(page.locator("[data-map-note]")).to_be_visible()
    expect(page.locator("[data-map-note]")).to_contain_text("No map background")
    expect(page.locator("#map .leaflet-tile")).to_have_count(0)
    expect(page.locator("#map .space-marker").first).to_be_visible()
    assert (
        page.locator("#map .space-marker").count() == page.locator("#results .space-card").count()
    )
    screenshot(page, "search-no-tiles")


@pytest.mark.parametrize("name", ["search", "profile", "network", "edit"])
def test_pages_fit_a_phone(
    mobile_page: Page, live_server: Any, directory: Directory, name: str
) -> None:
    page = mobile_page
    paths = {
        "search": f"/spaces/?lat={PARIS[0]}&lon={PARIS[1]}&radius_km=5",
        "profile": f"/spaces/{directory.managed.slug}/",
        "network": f"/networks/{directory.network.slug}/",
        "edit": f"/spaces/{directory.managed.slug}/edit/",
    }
    if name == "edit":
        log_in(page, live_server, directory.manager)
    page.goto(live_server.url + paths[name])
    expect(page.locator(".leaflet-container").first).to_be_visible()
    # nothing sticks out sideways
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    if name == "search":
        page.get_by_role("button", name="Menu").click()
        expect(page.get_by_role("link", name="Networks")).to_be_visible()
        screenshot(page, "mobile-search-menu", full_page=False)
        page.get_by_role("button", name="Menu").click()
    screenshot(page, f"mobile-{name}-top", full_page=False)
    screenshot(page, f"mobile-{name}")
