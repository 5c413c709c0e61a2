"""HTTP tests of the directory pages (search, results partial, space profile and edit, networks):
who may edit a space or change a network's spaces, bad input through the forms, what the pages
show, and query-count guards. The journeys in a real browser are in tests_browser/test_spaces."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coshore.activity.models import Activity
from coshore.core.geo import haversine_km
from coshore.spaces.hours import EN_DASH
from coshore.spaces.models import (
    Network,
    NetworkSpace,
    Space,
    SpaceHours,
    SpaceRoleKind,
    SpaceTag,
)
from coshore.spaces.rules import encode_weekly

from .factories import (
    NetworkFactory,
    NetworkRoleFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

pytestmark = pytest.mark.django_db

PARIS = (48.8566, 2.3522)
EDIT_URL = "/spaces/atelier-aligre/edit/"
PROFILE_URL = "/spaces/atelier-aligre/"
NETWORK_URL = "/networks/paris-coworking/"
ADD_URL = "/networks/paris-coworking/spaces/add/"
REMOVE_URL = "/networks/paris-coworking/spaces/atelier-aligre/remove/"

# Who is who around "Atelier Aligre", a space of the "Paris Coworking" network.
ROLES = (
    "anonymous",
    "member",  # member of the space
    "other_manager",  # manager of another space
    "other_operator",  # operator of another network
    "manager",  # manager of the space
    "operator",  # operator of the space's network
    "staff",
)
SPACE_EDITORS = ("manager", "operator", "staff")
NOT_SPACE_EDITORS = ("member", "other_manager", "other_operator")
NETWORK_OPERATORS = ("operator", "staff")
# The space's own manager does not decide which spaces belong to the network.
NOT_NETWORK_OPERATORS = ("member", "other_manager", "other_operator", "manager")


@dataclass
class World:
    space: Space
    network: Network
    other_space: Space
    other_network: Network
    outside: Space  # in no network: what operators add
    people: dict[str, Any]  # role -> user (None for anonymous)
    client_for: Callable[[Any], Client]
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """The same logged-in client for a role all through a test (messages live in its session)."""
        if role not in self.clients:
            user = self.people[role]
            self.clients[role] = Client() if user is None else self.client_for(user)
        return self.clients[role]


@pytest.fixture
def world(make_user: Callable[..., Any], client_for: Callable[[Any], Client]) -> World:
    network = NetworkFactory(slug="paris-coworking", name="Paris Coworking")
    other_network = NetworkFactory(slug="lyon-coworking", name="Lyon Coworking")
    space = SpaceFactory(
        slug="atelier-aligre",
        name="Atelier Aligre",
        street="Rue d'Aligre",
        housenumber="34",
        postcode="75012",
        amenities=["wifi"],
    )
    NetworkSpaceFactory(network=network, space=space)
    other_space = SpaceFactory(
        slug="la-ruche-lyon", name="La Ruche", lat=45.764, lon=4.8357, city="Lyon"
    )
    NetworkSpaceFactory(network=other_network, space=other_space)
    outside = SpaceFactory(slug="lyon-loft", name="Lyon Loft", lat=45.7597, lon=4.8422, city="Lyon")
    people: dict[str, Any] = {"anonymous": None}
    people["member"] = make_user("member@example.org")
    SpaceRoleFactory(space=space, user=people["member"], role=SpaceRoleKind.MEMBER)
    people["other_manager"] = make_user("other-manager@example.org")
    SpaceRoleFactory(space=other_space, user=people["other_manager"], role=SpaceRoleKind.MANAGER)
    people["other_operator"] = make_user("other-operator@example.org")
    NetworkRoleFactory(network=other_network, user=people["other_operator"])
    people["manager"] = make_user("manager@example.org")
    SpaceRoleFactory(space=space, user=people["manager"], role=SpaceRoleKind.MANAGER)
    people["operator"] = make_user("operator@example.org")
    NetworkRoleFactory(network=network, user=people["operator"])
    people["staff"] = make_user("staff@example.org", staff=True)
    return World(space, network, other_space, other_network, outside, people, client_for)


def snapshot() -> dict[str, Any]:
    """Everything a page under test could change."""
    return {
        "spaces": list(Space.objects.order_by("pk").values()),
        "tags": sorted(SpaceTag.objects.values_list("space_id", "kind", "value")),
        "hours": sorted(SpaceHours.objects.values_list("space_id", "weekday", "opens", "closes")),
        "links": sorted(NetworkSpace.objects.values_list("network_id", "space_id")),
        "activities": Activity.objects.count(),
    }


def text(response: Any) -> str:
    """The page's HTML with entities decoded, so messages read as written."""
    return html.unescape(response.content.decode())


def slugs(response: Any) -> list[str]:
    return re.findall(r'<li class="space-card" data-slug="([^"]+)"', response.content.decode())


def field_errors(response: Any, field: str) -> list[str]:
    return re.findall(rf'<p class="error" id="id_{field}_error">(.*?)</p>', text(response))


def edit_data(space: Space, **changes: Any) -> dict[str, Any]:
    """What the edit form posts when nothing is touched, with `changes` applied."""
    data: dict[str, Any] = {
        "name": space.name,
        "description": space.description,
        "street": space.street,
        "housenumber": space.housenumber,
        "postcode": space.postcode,
        "city": space.city,
        "country": space.country,
        "lat": str(space.lat),
        "lon": str(space.lon),
        "website": space.website,
        "email": space.email,
        "phone": space.phone,
        "opening_hours": space.opening_hours,
        "amenities": [t.value for t in space.tags.filter(kind="amenity")],
        "specialties": ", ".join(t.value for t in space.tags.filter(kind="specialty")),
    }
    data.update(changes)
    return data


def login_url(next_path: str) -> str:
    return f"/accounts/login/?next={next_path}"


# --- Access: the edit page ---------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in_from_the_edit_page(world: World) -> None:
    r = world.client("anonymous").get(EDIT_URL)
    assert r.status_code == 302
    assert r["Location"] == login_url(EDIT_URL)


def test_anonymous_edit_post_is_sent_to_log_in_and_changes_nothing(world: World) -> None:
    before = snapshot()
    r = world.client("anonymous").post(EDIT_URL, edit_data(world.space, name="Hijacked"))
    assert r.status_code == 302
    assert r["Location"] == login_url(EDIT_URL)
    assert snapshot() == before


@pytest.mark.parametrize("role", NOT_SPACE_EDITORS)
def test_edit_page_is_forbidden_to_people_who_do_not_manage_the_space(
    world: World, role: str
) -> None:
    r = world.client(role).get(EDIT_URL)
    assert r.status_code == 403
    assert "Only the space's managers edit it." in text(r)
    assert 'name="opening_hours"' not in text(r)


@pytest.mark.parametrize("role", NOT_SPACE_EDITORS)
def test_edit_post_by_people_who_do_not_manage_the_space_is_forbidden_and_changes_nothing(
    world: World, role: str
) -> None:
    before = snapshot()
    data = edit_data(world.space, name="Hijacked", opening_hours="24/7", amenities=["pets"])
    r = world.client(role).post(EDIT_URL, data)
    assert r.status_code == 403
    assert "Only the space's managers edit it." in text(r)
    assert snapshot() == before


@pytest.mark.parametrize("role", SPACE_EDITORS)
def test_edit_page_shows_the_current_profile_to_those_who_manage_the_space(
    world: World, role: str
) -> None:
    r = world.client(role).get(EDIT_URL)
    assert r.status_code == 200
    assert r.templates[0].name == "spaces/space_edit.html"
    page = text(r)
    assert 'value="Atelier Aligre"' in page
    assert 'value="wifi" id="id_amenities_0" checked' in page
    assert "Please check the highlighted fields." not in page


@pytest.mark.parametrize("role", SPACE_EDITORS)
def test_edit_post_by_those_who_manage_the_space_saves_and_returns_to_the_profile(
    world: World, role: str
) -> None:
    activities = Activity.objects.count()
    r = world.client(role).post(EDIT_URL, edit_data(world.space, name="Atelier Aligre 2"))
    assert r.status_code == 302
    assert r["Location"] == PROFILE_URL
    world.space.refresh_from_db()
    assert world.space.name == "Atelier Aligre 2"
    assert Activity.objects.count() == activities + 1
    activity = Activity.objects.latest("pk")
    assert (activity.verb, activity.actor) == ("space.updated", world.people[role])


def test_inactive_space_is_not_found_for_the_public_and_its_members(world: World) -> None:
    Space.objects.filter(pk=world.space.pk).update(is_active=False)
    for role in ("anonymous", "member", "other_operator"):
        for url in (PROFILE_URL, EDIT_URL):
            r = world.client(role).get(url)
            assert r.status_code == 404, (role, url)
            assert "No such space." in text(r)


def test_inactive_space_stays_visible_and_editable_for_its_manager(world: World) -> None:
    Space.objects.filter(pk=world.space.pk).update(is_active=False)
    r = world.client("manager").get(PROFILE_URL)
    assert r.status_code == 200
    assert '<span class="badge badge-danger">Inactive</span>' in text(r)
    assert world.client("manager").get(EDIT_URL).status_code == 200


# --- Access: adding and removing a network's spaces ----------------------------------------------


def test_anonymous_add_and_remove_are_sent_to_log_in_and_change_nothing(world: World) -> None:
    before = snapshot()
    client = world.client("anonymous")
    r = client.post(ADD_URL, {"space": "lyon-loft"})
    assert (r.status_code, r["Location"]) == (302, login_url(ADD_URL))
    r = client.post(REMOVE_URL)
    assert (r.status_code, r["Location"]) == (302, login_url(REMOVE_URL))
    assert snapshot() == before


@pytest.mark.parametrize("role", NOT_NETWORK_OPERATORS)
def test_adding_a_space_is_forbidden_to_people_who_do_not_operate_the_network(
    world: World, role: str
) -> None:
    before = snapshot()
    r = world.client(role).post(ADD_URL, {"space": "lyon-loft"})
    assert r.status_code == 403
    assert "Only the network's operators change which spaces belong to it." in text(r)
    assert snapshot() == before


@pytest.mark.parametrize("role", NOT_NETWORK_OPERATORS)
def test_removing_a_space_is_forbidden_to_people_who_do_not_operate_the_network(
    world: World, role: str
) -> None:
    before = snapshot()
    r = world.client(role).post(REMOVE_URL)
    assert r.status_code == 403
    assert "Only the network's operators change which spaces belong to it." in text(r)
    assert snapshot() == before


@pytest.mark.parametrize("role", NETWORK_OPERATORS)
def test_operators_add_a_space_to_their_network(world: World, role: str) -> None:
    activities = Activity.objects.count()
    r = world.client(role).post(ADD_URL, {"space": "lyon-loft"})
    assert (r.status_code, r["Location"]) == (302, NETWORK_URL)
    assert NetworkSpace.objects.filter(network=world.network, space=world.outside).exists()
    assert Activity.objects.count() == activities + 1
    activity = Activity.objects.latest("pk")
    assert (activity.verb, activity.actor, activity.space) == (
        "network.space_added",
        world.people[role],
        world.outside,
    )
    page = world.client(role).get(NETWORK_URL)
    assert "Lyon Loft now belongs to Paris Coworking." in text(page)
    assert slugs(page) == ["lyon-loft", "atelier-aligre"]  # by city, then name


@pytest.mark.parametrize("role", NETWORK_OPERATORS)
def test_operators_remove_a_space_from_their_network(world: World, role: str) -> None:
    activities = Activity.objects.count()
    r = world.client(role).post(REMOVE_URL)
    assert (r.status_code, r["Location"]) == (302, NETWORK_URL)
    assert not NetworkSpace.objects.filter(network=world.network, space=world.space).exists()
    assert Space.objects.filter(pk=world.space.pk, is_active=True).exists()
    assert Activity.objects.count() == activities + 1
    assert Activity.objects.latest("pk").verb == "network.space_removed"
    page = world.client(role).get(NETWORK_URL)
    assert "Atelier Aligre was removed from Paris Coworking." in text(page)
    assert slugs(page) == []


@pytest.mark.parametrize("role", ROLES)
def test_network_page_shows_the_add_and_remove_forms_only_to_its_operators(
    world: World, role: str
) -> None:
    r = world.client(role).get(NETWORK_URL)
    assert r.status_code == 200
    page = text(r)
    assert slugs(r) == ["atelier-aligre"]
    operates = role in NETWORK_OPERATORS
    assert ("Add a space to this network" in page) is operates
    assert (f'action="{REMOVE_URL}"' in page) is operates


# --- Bad input: search --------------------------------------------------------------------------

BAD_SEARCHES = [
    pytest.param(
        {"bbox": "2.2,48.8,2.4"},
        422,
        "<code>bbox</code> must be minlon,minlat,maxlon,maxlat.",
        id="bbox-three-numbers",
    ),
    pytest.param(
        {"bbox": "west,south,east,north"},
        422,
        "<code>bbox</code> must hold four numbers: minlon,minlat,maxlon,maxlat.",
        id="bbox-words",
    ),
    pytest.param(
        {"bbox": "2.2,48.8,200,48.9"},
        422,
        "<code>bbox</code> coordinates are out of range.",
        id="bbox-out-of-range",
    ),
    pytest.param(
        {"bbox": "nan,48.8,2.4,48.9"},
        422,
        "<code>bbox</code> coordinates are out of range.",
        id="bbox-nan",
    ),
    pytest.param(
        {"bbox": "2.2,48.9,2.4,48.8"},
        422,
        "<code>bbox</code> minimum latitude is above the maximum.",
        id="bbox-upside-down",
    ),
    pytest.param({"lat": "north", "lon": "2.35"}, 400, "Enter a number.", id="lat-word"),
    pytest.param({"lat": "nan", "lon": "2.35"}, 400, "Enter a number.", id="lat-nan"),
    pytest.param({"lat": "1e309", "lon": "2.35"}, 400, "Enter a number.", id="lat-infinite"),
    pytest.param(
        {"lat": "95", "lon": "2.35"},
        400,
        "Ensure this value is less than or equal to 90.",
        id="lat-out-of-range",
    ),
    pytest.param(
        {"lat": "48.85", "lon": "-181"},
        400,
        "Ensure this value is greater than or equal to -180.",
        id="lon-out-of-range",
    ),
    pytest.param(
        {"lat": "48.85"}, 422, "<code>lat</code> and <code>lon</code> go together.", id="lat-alone"
    ),
    pytest.param(
        {"lat": "48.85", "lon": "2.35", "radius_km": "7"},
        400,
        "Select a valid choice. 7 is not one of the available choices.",
        id="radius-not-offered",
    ),
    pytest.param(
        {"amenity": "jacuzzi"},
        400,
        "Select a valid choice. jacuzzi is not one of the available choices.",
        id="unknown-amenity",
    ),
    pytest.param({"cursor": "not-a-cursor"}, 422, "The cursor is not valid.", id="bad-cursor"),
    pytest.param(
        {"cursor": "x" * 501},
        400,
        "Ensure this value has at most 500 characters (it has 501).",
        id="overlong-cursor",
    ),
    pytest.param(
        {"q": "x" * 201},
        400,
        "Ensure this value has at most 200 characters (it has 201).",
        id="overlong-q",
    ),
    pytest.param({"q": "co\x00working"}, 400, "Null characters are not allowed.", id="nul-in-q"),
    pytest.param(
        {"country": "F1"},
        422,
        "<code>country</code> must be an ISO 3166-1 alpha-2 code such as FR.",
        id="bad-country",
    ),
    pytest.param(
        {"open": "at", "open_at": "someday"},
        400,
        "Enter a date and time, e.g. 2026-11-24 10:00.",
        id="unreadable-open-at",
    ),
    pytest.param({"network": "nowhere"}, 404, "No network <code>nowhere</code>.", id="no-network"),
]


@pytest.mark.parametrize("url", ["/spaces/", "/spaces/results/"])
@pytest.mark.parametrize(("params", "status", "message"), BAD_SEARCHES)
def test_bad_search_input_shows_the_error_with_a_client_error_status(
    client: Client, url: str, params: dict[str, str], status: int, message: str
) -> None:
    SpaceFactory(slug="atelier-aligre", name="Atelier Aligre")
    r = client.get(url, params)
    assert r.status_code == status
    page = text(r)
    errors = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', page, re.S)
    assert errors is not None
    assert f"<li>{message}</li>" in errors.group(1)
    assert slugs(r) == []


def test_a_cursor_of_a_name_ordered_list_is_refused_for_a_nearest_first_search(
    client: Client,
) -> None:
    for i in range(51):
        SpaceFactory(slug=f"space-{i:02d}", name=f"Space {i:02d}")
    first = client.get("/spaces/results/")
    cursor = re.search(r'hx-get="/spaces/results/\?cursor=([^"]+)"', text(first))
    assert cursor is not None
    r = client.get(
        "/spaces/results/", {"cursor": cursor.group(1), "lat": PARIS[0], "lon": PARIS[1]}
    )
    assert r.status_code == 422
    assert "The cursor is not valid." in text(r)


@pytest.mark.parametrize(
    ("open_mode", "open_at", "lat", "lon"),
    [
        pytest.param("at", "0001-01-01T00:00", *PARIS, id="first-year-seen-from-paris"),
        pytest.param("at", "9999-12-31T23:59", 40.7128, -74.006, id="last-year-from-new-york"),
        pytest.param("", "0001-01-01T00:00:00+14:00", *PARIS, id="first-year-in-a-link"),
    ],
)
def test_open_at_on_the_edge_of_the_calendar_is_refused_not_a_server_error(
    client: Client, open_mode: str, open_at: str, lat: float, lon: float
) -> None:
    SpaceFactory(slug="paris", weekly=[(0, 540, 1080)])
    SpaceFactory(
        slug="new-york",
        lat=40.7128,
        lon=-74.006,
        timezone="America/New_York",
        weekly=[(0, 540, 1080)],
    )
    for url in ("/spaces/", "/spaces/results/"):
        r = client.get(url, {"open": open_mode, "open_at": open_at, "lat": lat, "lon": lon})
        assert r.status_code == 400, url
        assert "<li>Enter a date between the years 1900 and 9000.</li>" in text(r)
        assert slugs(r) == []


# --- Bad input: edit form -----------------------------------------------------------------------

BAD_EDITS = [
    pytest.param(
        {"opening_hours": "whenever"},
        422,
        "opening_hours",
        "<code>opening_hours</code> is not valid OpenStreetMap syntax, e.g. "
        "<code>Mo-Fr 09:00-18:00; Sa 10:00-14:00</code>.",
        id="invalid-opening-hours",
    ),
    pytest.param(
        {"lat": "91"}, 400, "lat", "Ensure this value is less than or equal to 90.", id="lat-91"
    ),
    pytest.param({"lon": "east"}, 400, "lon", "Enter a number.", id="lon-word"),
    pytest.param({"website": "not a url"}, 400, "website", "Enter a valid URL.", id="website-text"),
    pytest.param(
        {"website": "ftp://files.example.org"},
        422,
        "website",
        "<code>website</code> must be an http(s) URL.",
        id="website-ftp",
    ),
    pytest.param({"name": "  "}, 400, "name", "This field is required.", id="blank-name"),
    pytest.param(
        {"country": "F1"},
        422,
        "country",
        "<code>country</code> must be an ISO 3166-1 alpha-2 code.",
        id="bad-country",
    ),
    pytest.param(
        {"specialties": "design, !!!"},
        422,
        "specialties",
        "Specialties are up to 20 short words or phrases (max 60 characters each).",
        id="bad-specialty",
    ),
    pytest.param(
        {"description": "nul\x00byte"},
        400,
        "description",
        "Null characters are not allowed.",
        id="nul-in-description",
    ),
]


@pytest.mark.parametrize(("changes", "status", "field", "message"), BAD_EDITS)
def test_bad_edit_re_renders_the_form_with_the_error_and_saves_nothing(
    world: World, changes: dict[str, str], status: int, field: str, message: str
) -> None:
    before = snapshot()
    data = edit_data(world.space, **{"name": "Renamed", "opening_hours": "24/7", **changes})
    r = world.client("manager").post(EDIT_URL, data)
    assert r.status_code == status
    assert r.templates[0].name == "spaces/space_edit.html"
    assert "Please check the highlighted fields." in text(r)
    assert field_errors(r, field) == [message]
    assert snapshot() == before


def test_bad_edit_keeps_what_the_manager_typed(world: World) -> None:
    data = edit_data(world.space, name="Renamed", lat="91", opening_hours="Mo 09:00-12:00")
    r = world.client("manager").post(EDIT_URL, data)
    page = text(r)
    assert 'value="Renamed"' in page
    assert 'value="Mo 09:00-12:00"' in page


# --- Not found ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "staff"])
@pytest.mark.parametrize(
    ("method", "url", "message"),
    [
        ("get", "/spaces/nowhere/", "No such space."),
        ("get", "/spaces/nowhere/edit/", "No such space."),
        ("post", "/spaces/nowhere/edit/", "No such space."),
        ("get", f"/spaces/{'a' * 121}/", "No such space."),
        ("get", "/networks/nowhere/", "No such network."),
        ("post", "/networks/nowhere/spaces/add/", "No such network."),
        ("post", "/networks/nowhere/spaces/atelier-aligre/remove/", "No such network."),
    ],
)
def test_unknown_space_or_network_is_a_not_found_page(
    world: World, role: str, method: str, url: str, message: str
) -> None:
    before = snapshot()
    r = getattr(world.client(role), method)(url, {"space": "lyon-loft"} if "add" in url else {})
    assert r.status_code == 404
    assert r.templates[0].name == "spaces/error.html"
    assert message in text(r)
    assert snapshot() == before


def test_removing_an_unknown_space_is_not_found(world: World) -> None:
    before = snapshot()
    r = world.client("operator").post("/networks/paris-coworking/spaces/nowhere/remove/")
    assert r.status_code == 404
    assert "No such space." in text(r)
    assert snapshot() == before


def test_removing_a_space_that_is_not_in_the_network_is_not_found(world: World) -> None:
    before = snapshot()
    r = world.client("operator").post("/networks/paris-coworking/spaces/lyon-loft/remove/")
    assert r.status_code == 404
    assert "The space does not belong to this network." in text(r)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("space", "status", "message"),
    [
        ("nowhere", 404, "No such space."),
        ("atelier-aligre", 409, "The space already belongs to this network."),
        ("", 400, "This field is required."),
        ("not a slug!", 400, "Enter a valid “slug” consisting of letters, numbers, underscores"),
    ],
)
def test_adding_a_space_that_cannot_be_added_re_renders_the_network_page_with_the_error(
    world: World, space: str, status: int, message: str
) -> None:
    before = snapshot()
    r = world.client("operator").post(ADD_URL, {"space": space})
    assert r.status_code == status
    assert r.templates[0].name == "spaces/network_detail.html"
    errors = re.findall(r'<p class="error" role="alert">(.*?)</p>', text(r))
    assert len(errors) == 1 and errors[0].startswith(message)
    assert snapshot() == before


# --- Behaviour: search and results --------------------------------------------------------------


def test_results_partial_lists_only_the_spaces_inside_the_map_box(client: Client) -> None:
    SpaceFactory(slug="bastille", name="Bastille", lat=48.853, lon=2.369)
    SpaceFactory(slug="montmartre", name="Montmartre", lat=48.886, lon=2.343)
    SpaceFactory(slug="versailles", name="Versailles", lat=48.804, lon=2.120)
    SpaceFactory(slug="lyon", name="Lyon", lat=45.764, lon=4.836, city="Lyon")
    r = client.get("/spaces/results/", {"bbox": "2.25,48.815,2.42,48.902"})
    assert r.status_code == 200
    assert slugs(r) == ["bastille", "montmartre"]
    assert "<strong data-result-count>2</strong> spaces in this map area" in text(r)


def test_search_near_a_point_lists_distances_nearest_first_within_the_radius(
    client: Client,
) -> None:
    places = {
        "north": (48.9, 2.3522),
        "east": (48.8566, 2.3922),
        "next-door": (48.8606, 2.3522),
        "south-west": (48.8366, 2.3022),
        "lyon": (45.764, 4.836),
    }
    for slug, (lat, lon) in places.items():
        SpaceFactory(slug=slug, name=slug.title(), lat=lat, lon=lon)
    r = client.get("/spaces/results/", {"lat": PARIS[0], "lon": PARIS[1], "radius_km": "10"})
    assert r.status_code == 200
    assert slugs(r) == ["next-door", "east", "south-west", "north"]
    distances = re.findall(r'data-distance-km="([^"]+)">([^<]+)</span>', text(r))
    expected = [round(haversine_km(*PARIS, *places[s]), 2) for s in slugs(r)]
    assert [float(d) for d, _ in distances] == expected == [0.44, 2.93, 4.28, 4.83]
    assert [label for _, label in distances] == ["0.4 km", "2.9 km", "4.3 km", "4.8 km"]
    assert "4</strong> spaces, nearest first, within 10 km" in text(r)


def test_search_page_renders_the_first_results_without_javascript(client: Client) -> None:
    SpaceFactory(slug="atelier-aligre", name="Atelier Aligre", amenities=["wifi", "cafe"])
    r = client.get("/spaces/", {"q": "aligre"})
    assert r.status_code == 200
    assert r.templates[0].name == "spaces/search.html"
    page = text(r)
    assert page.lstrip().startswith("<!doctype html>")
    assert slugs(r) == ["atelier-aligre"]
    assert '<li class="chip">Wi-Fi</li>' in page


def test_htmx_request_for_results_gets_the_partial_not_the_full_page(client: Client) -> None:
    SpaceFactory(slug="atelier-aligre", name="Atelier Aligre")
    r = client.get("/spaces/results/", {"q": "aligre"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert r.templates[0].name == "spaces/partials/results.html"
    page = text(r)
    assert page.lstrip().startswith('<div class="results-summary">')
    assert "<html" not in page and "<form" not in page and "site-header" not in page
    assert slugs(r) == ["atelier-aligre"]


def test_show_more_returns_the_next_page_as_list_items(client: Client) -> None:
    for i in range(55):
        SpaceFactory(slug=f"space-{i:02d}", name=f"Space {i:02d}")
    first = client.get("/spaces/results/", headers={"HX-Request": "true"})
    assert len(slugs(first)) == 50
    more = re.search(r'hx-get="([^"]+)"', text(first))
    assert more is not None
    r = client.get(more.group(1), headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert r.templates[0].name == "spaces/partials/results_more.html"
    assert slugs(r) == [f"space-{i:02d}" for i in range(50, 55)]
    assert "Show more spaces" not in text(r)


# --- Behaviour: the profile ---------------------------------------------------------------------


def hours_rows(response: Any) -> list[tuple[str, str]]:
    table = re.search(r'<table class="hours-table">(.*?)</table>', text(response), re.S)
    assert table is not None
    return [
        (day, re.sub(r"<[^>]+>", "", cell))
        for day, cell in re.findall(
            r'<th scope="row">(\w+).*?</th>\s*<td[^>]*>(.*?)</td>', table.group(1), re.S
        )
    ]


def test_profile_shows_the_weekly_hours_table(client: Client) -> None:
    SpaceFactory(
        slug="atelier-aligre",
        opening_hours="Mo 09:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00",
        weekly=[(0, 540, 1080)]
        + [(d, o, c) for d in range(1, 5) for o, c in ((540, 720), (840, 1080))],
    )
    r = client.get(PROFILE_URL)
    assert r.status_code == 200
    assert hours_rows(r) == [
        ("Monday", f"09:00{EN_DASH}18:00"),
        ("Tuesday", f"09:00{EN_DASH}12:00, 14:00{EN_DASH}18:00"),
        ("Wednesday", f"09:00{EN_DASH}12:00, 14:00{EN_DASH}18:00"),
        ("Thursday", f"09:00{EN_DASH}12:00, 14:00{EN_DASH}18:00"),
        ("Friday", f"09:00{EN_DASH}12:00, 14:00{EN_DASH}18:00"),
        ("Saturday", "Closed"),
        ("Sunday", "Closed"),
    ]
    assert "<code>Mo 09:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00</code>" in text(r)
    assert "The regular weekly hours of this space are not known." not in text(r)


def test_profile_shows_the_raw_opening_hours_when_the_week_is_unknown(client: Client) -> None:
    SpaceFactory(
        slug="atelier-aligre",
        opening_hours="by appointment",
        hours_note="not valid opening_hours syntax",
    )
    r = client.get(PROFILE_URL)
    page = text(r)
    assert 'class="hours-table"' not in page
    assert "The regular weekly hours of this space are not known." in page
    assert "<dt>As published</dt><dd><code>by appointment</code></dd>" in page
    assert '<dd class="muted">not valid opening_hours syntax</dd>' in page


def test_profile_of_an_openstreetmap_space_credits_openstreetmap(client: Client) -> None:
    SpaceFactory(slug="atelier-aligre", source="osm", source_ref="osm:node/508597067")
    page = text(client.get(PROFILE_URL))
    source = re.search(r'aria-labelledby="source-title">(.*?)</section>', page, re.S)
    assert source is not None
    assert "© OpenStreetMap contributors" in source.group(1)
    assert "Open Database License (ODbL)" in source.group(1)
    assert 'href="https://www.openstreetmap.org/node/508597067"' in source.group(1)


def test_profile_of_a_manual_space_does_not_claim_openstreetmap_as_source(client: Client) -> None:
    SpaceFactory(slug="atelier-aligre", source="manual", attribution="Listed by its team")
    page = text(client.get(PROFILE_URL))
    source = re.search(r'aria-labelledby="source-title">(.*?)</section>', page, re.S)
    assert source is not None
    assert "OpenStreetMap" not in source.group(1)
    assert "Added on Coshore" in source.group(1)
    assert "Listed by its team" in source.group(1)


@pytest.mark.parametrize("role", ROLES)
def test_profile_shows_the_edit_button_only_to_those_who_manage_the_space(
    world: World, role: str
) -> None:
    r = world.client(role).get(PROFILE_URL)
    assert r.status_code == 200
    assert (f'href="{EDIT_URL}">Edit space</a>' in text(r)) is (role in SPACE_EDITORS)


# --- A successful edit --------------------------------------------------------------------------


def test_successful_edit_records_the_activity_and_shows_the_profile_with_a_message(
    world: World,
) -> None:
    manager = world.people["manager"]
    client = world.client("manager")
    data = edit_data(
        world.space,
        name="Atelier d'Aligre",
        opening_hours="Mo-Fr 09:00-18:00",
        website="example.org",
        amenities=["wifi", "cafe"],
        specialties="Design, crafts",
    )
    r = client.post(EDIT_URL, data)
    assert (r.status_code, r["Location"]) == (302, PROFILE_URL)

    space = Space.objects.get(pk=world.space.pk)
    assert space.name == "Atelier d'Aligre"
    assert space.website == "https://example.org"
    assert space.hours_status == "known"
    assert sorted(space.tags.values_list("kind", "value")) == [
        ("amenity", "cafe"),
        ("amenity", "wifi"),
        ("specialty", "crafts"),
        ("specialty", "design"),
    ]
    activity = Activity.objects.get(verb="space.updated")
    assert activity.actor == manager
    assert activity.space == space
    assert (activity.target_type, activity.target_id) == ("spaces.space", str(space.pk))
    assert {"name", "opening_hours", "website", "amenities", "specialties"} <= set(
        activity.metadata["fields"]
    )

    page = client.get(r["Location"])
    assert '<div class="flash flash-success">Saved. The profile is up to date.</div>' in text(page)
    assert "<h1>Atelier d'Aligre</h1>" in text(page)
    assert hours_rows(page)[0] == ("Monday", f"09:00{EN_DASH}18:00")
    # the message is shown once
    assert "Saved. The profile is up to date." not in text(client.get(PROFILE_URL))


# --- Query-count guards -------------------------------------------------------------------------


def queries(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params or {})
    assert r.status_code == 200, r.content[:500]
    return len(ctx.captured_queries)


def rich_space(i: int, **fields: Any) -> Space:
    """A space with everything a list item shows: hours, amenities, specialties, a network."""
    return SpaceFactory(
        slug=f"space-{i:03d}",
        name=f"Space {i:03d}",
        lat=PARIS[0] + i * 0.0005,
        weekly=[(d, 540, 1080) for d in range(5)],
        amenities=["wifi", "cafe", "printer"],
        specialties=["design"],
        **fields,
    )


def test_search_page_queries_do_not_grow_with_the_number_of_spaces(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    rich_space(0)
    few = queries(client, "/spaces/")
    for i in range(1, 60):
        rich_space(i)
    with django_assert_max_num_queries(few) as ctx:
        r = client.get("/spaces/")
    assert len(slugs(r)) == 50
    assert len(ctx.captured_queries) <= 1


def test_results_partial_queries_do_not_grow_with_the_number_of_spaces(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    params = {
        "bbox": "2.2,48.8,2.5,48.95",
        "lat": PARIS[0],
        "lon": PARIS[1],
        "amenity": "wifi",
        "open": "at",
        "open_at": "2026-11-23T10:00",  # a Monday morning in Paris
    }
    rich_space(0)
    few = queries(client, "/spaces/results/", params)
    for i in range(1, 50):
        rich_space(i)
    with django_assert_max_num_queries(few) as ctx:
        r = client.get("/spaces/results/", params, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert len(slugs(r)) == 50
    assert len(ctx.captured_queries) <= 2


def test_network_page_queries_do_not_grow_with_the_number_of_spaces(
    make_user: Callable[..., Any],
    client_for: Callable[[Any], Client],
    django_assert_max_num_queries: Any,
) -> None:
    network = NetworkFactory(slug="paris-coworking", name="Paris Coworking")
    operator = make_user("operator@example.org")
    NetworkRoleFactory(network=network, user=operator)
    client = client_for(operator)
    NetworkSpaceFactory(network=network, space=rich_space(0))
    few = queries(client, NETWORK_URL)
    for i in range(1, 30):
        NetworkSpaceFactory(network=network, space=rich_space(i))
    with django_assert_max_num_queries(few) as ctx:
        r = client.get(NETWORK_URL)
    assert len(slugs(r)) == 30
    assert "Add a space to this network" in text(r)
    # 7: the nav's notification bell and Messages link count unread ones (a query each)
    assert len(ctx.captured_queries) <= 7


def test_profile_page_queries_do_not_grow_with_its_networks_tags_and_hours(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.client("operator")
    few = queries(client, PROFILE_URL)
    week = [(d, o, c) for d in range(7) for o, c in ((480, 720), (780, 1200))]
    SpaceHours.objects.bulk_create(
        SpaceHours(space=world.space, weekday=d, opens=o, closes=c) for d, o, c in week
    )
    Space.objects.filter(pk=world.space.pk).update(
        hours_status="known", weekly_hours=encode_weekly(week)
    )
    SpaceTag.objects.bulk_create(
        SpaceTag(space=world.space, kind="specialty", value=f"topic {i}") for i in range(15)
    )
    for _ in range(10):
        NetworkSpaceFactory(network=NetworkFactory(), space=world.space)
    with django_assert_max_num_queries(few) as ctx:
        r = client.get(PROFILE_URL)
    assert r.status_code == 200
    assert len(hours_rows(r)) == 7
    # 10: the nav's notification bell and Messages link count unread ones (a query each)
    assert len(ctx.captured_queries) <= 10
