"""HTTP tests of the spaces and networks API: shapes, permissions, bad input, query counts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coshore.activity.models import Activity
from coshore.spaces.models import NetworkSpace, Space, SpaceHours, SpaceRole

from .factories import (
    NetworkFactory,
    NetworkRoleFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

pytestmark = pytest.mark.django_db


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    assert body["message"]
    return body


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def test_radius_search_returns_items_with_distance_and_source_ref(client: Client) -> None:
    SpaceFactory(
        slug="near",
        name="Near",
        lat=48.857,
        lon=2.352,
        source_ref="osm:node/123",
        amenities=["wifi"],
    )
    SpaceFactory(slug="far", name="Far", lat=45.76, lon=4.83)
    r = client.get("/api/v1/spaces", {"lat": 48.8566, "lon": 2.3522, "radius_km": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["next"] is None
    (item,) = body["items"]
    assert item["slug"] == "near"
    assert item["source_ref"] == "osm:node/123"
    assert item["timezone"] == "Europe/Paris"
    assert item["amenities"] == ["wifi"]
    assert item["distance_km"] == 0.047  # rounded to metres
    assert item["url"] == "/spaces/near/"


def test_list_without_point_has_no_distance_and_paginates(client: Client) -> None:
    for i in range(5):
        SpaceFactory(slug=f"s{i}", name=f"S{i}")
    r = client.get("/api/v1/spaces", {"limit": 2})
    body = r.json()
    assert [i["slug"] for i in body["items"]] == ["s0", "s1"]
    assert body["items"][0]["distance_km"] is None
    r2 = client.get("/api/v1/spaces", {"limit": 2, "cursor": body["next"]})
    assert [i["slug"] for i in r2.json()["items"]] == ["s2", "s3"]


def test_amenity_is_repeatable_in_the_query_string(client: Client) -> None:
    SpaceFactory(slug="both", amenities=["wifi", "cafe"])
    SpaceFactory(slug="one", amenities=["wifi"])
    r = client.get("/api/v1/spaces?amenity=wifi&amenity=cafe")
    assert [i["slug"] for i in r.json()["items"]] == ["both"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("lat=48.8", "search.lat_lon_pair"),
        ("lat=95&lon=2", "search.invalid_lat"),
        ("lat=48&lon=190", "search.invalid_lon"),
        ("lat=48&lon=2&radius_km=-1", "search.invalid_radius"),
        ("lat=48&lon=2&radius_km=20001", "search.invalid_radius"),
        ("bbox=1,2,3", "search.invalid_bbox"),
        ("open_at=yesterday", "search.invalid_open_at"),
        ("amenity=sauna", "search.unknown_amenity"),
        ("limit=500", "search.invalid_limit"),
        ("cursor=abc", "pagination.invalid_cursor"),
        ("q=" + "x" * 300, "search.query_too_long"),
    ],
)
def test_bad_search_input_is_a_422_in_the_shared_shape(
    client: Client, query: str, code: str
) -> None:
    assert_error(client.get("/api/v1/spaces?" + query), 422, code)


def test_wrong_types_get_the_search_codes_not_a_500(client: Client) -> None:
    body = assert_error(client.get("/api/v1/spaces?lat=abc&lon=2"), 422, "search.invalid_lat")
    assert body["detail"] == {"param": "lat"}
    assert_error(client.get("/api/v1/spaces?limit=1.5"), 422, "search.invalid_limit")


def test_unknown_network_filter_and_unknown_slug_are_404(client: Client) -> None:
    assert_error(client.get("/api/v1/spaces?network=nope"), 404, "network.not_found")
    assert_error(client.get("/api/v1/spaces/nope"), 404, "space.not_found")
    assert_error(client.get("/api/v1/networks/nope"), 404, "network.not_found")
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_space_profile_has_hours_amenities_networks_and_attribution(client: Client) -> None:
    net = NetworkFactory(slug="alliance", name="Alliance")
    space = SpaceFactory(
        slug="koneko",
        name="Koneko Work",
        source="osm",
        source_ref="osm:node/508597067",
        attribution="© OpenStreetMap contributors",
        opening_hours="Mo-Fr 09:00-19:00",
        weekly=[(d, 540, 1140) for d in range(5)],
        amenities=["wifi"],
        specialties=["design"],
    )
    NetworkSpaceFactory(network=net, space=space)
    body = client.get("/api/v1/spaces/koneko").json()
    assert body["weekly_hours"][0] == {
        "weekday": 0,
        "day": "Mon",
        "opens": "09:00",
        "closes": "19:00",
    }
    assert len(body["weekly_hours"]) == 5
    assert body["hours_status"] == "known"
    assert body["opening_hours"] == "Mo-Fr 09:00-19:00"
    assert body["amenities"] == ["wifi"]
    assert body["specialties"] == ["design"]
    assert body["networks"] == [{"slug": "alliance", "name": "Alliance"}]
    assert body["attribution"] == "© OpenStreetMap contributors"
    assert body["open_now"] in (True, False)


def test_list_endpoint_query_count_does_not_grow_with_results(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        SpaceFactory(slug=f"q{i}", amenities=["wifi", "cafe"])
    with django_assert_max_num_queries(3):
        r = client.get("/api/v1/spaces", {"lat": 48.85, "lon": 2.35, "radius_km": 10, "limit": 30})
    assert len(r.json()["items"]) == 30


# --- writes -----------------------------------------------------------------------------------


def test_staff_creates_a_space_with_timezone_from_coordinates_and_parsed_hours(
    make_user: Any, client_for: Any
) -> None:
    staff = make_user(staff=True)
    r = post(
        client_for(staff),
        "/api/v1/spaces",
        {
            "name": "Tel Aviv Hub",
            "lat": 32.0853,
            "lon": 34.7818,
            "city": "Tel Aviv",
            "country": "IL",
            "opening_hours": "Su-Th 08:00-20:00",
            "amenities": ["wifi"],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["slug"] == "tel-aviv-hub-tel-aviv"
    assert body["timezone"] == "Asia/Jerusalem"
    assert [h["day"] for h in body["weekly_hours"]] == ["Mon", "Tue", "Wed", "Thu", "Sun"]
    assert Activity.objects.filter(verb="space.created", actor=staff).count() == 1


def test_operator_creates_spaces_only_in_their_network(make_user: Any, client_for: Any) -> None:
    op = make_user()
    net = NetworkRoleFactory(user=op).network
    other = NetworkFactory()
    c = client_for(op)
    data = {"name": "X", "lat": 45.0, "lon": 5.0}
    assert_error(post(c, "/api/v1/spaces", data), 403, "space.network_required")
    assert_error(
        post(c, "/api/v1/spaces", {**data, "network": other.slug}), 403, "network.not_operator"
    )
    assert Space.objects.count() == 0
    r = post(c, "/api/v1/spaces", {**data, "network": net.slug})
    assert r.status_code == 201
    assert NetworkSpace.objects.filter(network=net, space__slug=r.json()["slug"]).exists()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"name": "", "lat": 1, "lon": 1}, 422, "validation_error"),
        ({"name": "A", "lat": 91, "lon": 1}, 422, "validation_error"),
        ({"name": "A", "lat": "north", "lon": 1}, 422, "validation_error"),
        ({"name": "A" * 5000, "lat": 1, "lon": 1}, 422, "validation_error"),
        (
            {"name": "A", "lat": 1, "lon": 1, "opening_hours": "whenever we feel like it"},
            422,
            "space.invalid_opening_hours",
        ),
        ({"name": "A", "lat": 1, "lon": 1, "amenities": ["sauna"]}, 422, "space.unknown_amenity"),
        ({"name": "A", "lat": 1, "lon": 1, "website": "javascript:alert(1)"}, 422, "space.invalid"),
        ({"name": "A", "lat": 1, "lon": 1, "network": "nope"}, 404, "network.not_found"),
    ],
)
def test_create_space_bad_input_changes_nothing(
    make_user: Any, client_for: Any, data: dict[str, Any], status: int, code: str
) -> None:
    staff = make_user(staff=True)
    assert_error(post(client_for(staff), "/api/v1/spaces", data), status, code)
    assert Space.objects.count() == 0
    assert Activity.objects.count() == 0


def test_malformed_json_is_a_400(make_user: Any, client_for: Any) -> None:
    c = client_for(make_user(staff=True))
    r = c.post("/api/v1/spaces", data="{not json", content_type="application/json")
    assert_error(r, 400, "request.malformed_json")
    assert Space.objects.count() == 0


def test_anonymous_cannot_write(client: Client) -> None:
    assert_error(
        post(client, "/api/v1/spaces", {"name": "A", "lat": 1, "lon": 1}), 401, "auth.required"
    )


def test_manager_patches_only_the_fields_sent_and_hours_are_replaced(
    make_user: Any, client_for: Any
) -> None:
    manager = make_user()
    space = SpaceFactory(slug="mine", name="Mine", city="Paris", weekly=[(0, 540, 1080)])
    SpaceRoleFactory(space=space, user=manager, role="manager")
    r = patch(
        client_for(manager),
        "/api/v1/spaces/mine",
        {"opening_hours": "Sa 10:00-14:00", "description": "Quiet"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["name"] == "Mine"
    assert body["description"] == "Quiet"
    assert body["weekly_hours"] == [
        {"weekday": 5, "day": "Sat", "opens": "10:00", "closes": "14:00"}
    ]
    assert list(SpaceHours.objects.filter(space=space).values_list("weekday", flat=True)) == [5]
    act = Activity.objects.get(verb="space.updated")
    assert act.metadata["fields"] == ["description", "hours", "opening_hours"]


@pytest.mark.parametrize("who", ["anonymous", "member", "other_manager", "other_operator"])
def test_only_managers_operators_and_staff_patch_a_space(
    make_user: Any, client_for: Any, client: Client, who: str
) -> None:
    space = SpaceFactory(slug="target", name="Before")
    other_space = SpaceFactory(slug="other")
    actor = make_user()
    if who == "member":
        SpaceRoleFactory(space=space, user=actor, role="member")
    elif who == "other_manager":
        SpaceRoleFactory(space=other_space, user=actor, role="manager")
    elif who == "other_operator":
        NetworkSpaceFactory(network=NetworkRoleFactory(user=actor).network, space=other_space)
    c = client if who == "anonymous" else client_for(actor)
    r = patch(c, "/api/v1/spaces/target", {"name": "After"})
    if who == "anonymous":
        assert_error(r, 401, "auth.required")
    else:
        assert_error(r, 403, "space.not_manager")
    space.refresh_from_db()
    assert space.name == "Before"


def test_operator_of_the_spaces_network_edits_and_appoints_managers(
    make_user: Any, client_for: Any
) -> None:
    op = make_user()
    space = SpaceFactory(slug="s")
    NetworkSpaceFactory(network=NetworkRoleFactory(user=op).network, space=space)
    newbie = make_user("new.manager@example.org")
    c = client_for(op)
    assert patch(c, "/api/v1/spaces/s", {"name": "Renamed"}).status_code == 200
    r = post(c, "/api/v1/spaces/s/managers", {"email": "NEW.manager@example.org"})
    assert r.status_code == 201
    assert r.json() == {
        "space": "s",
        "email": "new.manager@example.org",
        "role": "manager",
        "created": True,
    }
    assert (
        post(c, "/api/v1/spaces/s/managers", {"email": "new.manager@example.org"}).status_code
        == 200
    )
    assert SpaceRole.objects.filter(space=space, user=newbie, role="manager").count() == 1
    assert_error(
        post(c, "/api/v1/spaces/s/managers", {"email": "ghost@example.org"}), 404, "user.not_found"
    )


def test_a_manager_cannot_appoint_managers(make_user: Any, client_for: Any) -> None:
    manager = make_user()
    space = SpaceFactory(slug="s")
    SpaceRoleFactory(space=space, user=manager, role="manager")
    make_user("x@example.org")
    assert_error(
        post(client_for(manager), "/api/v1/spaces/s/managers", {"email": "x@example.org"}),
        403,
        "space.cannot_appoint",
    )
    assert SpaceRole.objects.filter(role="manager").count() == 1


def test_networks_create_add_and_remove_spaces(make_user: Any, client_for: Any) -> None:
    staff = make_user(staff=True)
    c = client_for(staff)
    r = post(c, "/api/v1/networks", {"name": "Barcelona 22@", "slug": "bcn-22"})
    assert r.status_code == 201
    assert r.json()["slug"] == "bcn-22"
    assert_error(
        post(c, "/api/v1/networks", {"name": "Again", "slug": "bcn-22"}), 409, "network.slug_taken"
    )
    assert_error(
        post(c, "/api/v1/networks", {"name": "Bad", "slug": "Not A Slug"}), 422, "network.invalid"
    )
    SpaceFactory(slug="a")
    r = post(c, "/api/v1/networks/bcn-22/spaces", {"space": "a"})
    assert r.status_code == 201
    assert [s["slug"] for s in r.json()["spaces"]] == ["a"]
    assert_error(
        post(c, "/api/v1/networks/bcn-22/spaces", {"space": "a"}), 409, "network.already_member"
    )
    assert_error(
        post(c, "/api/v1/networks/bcn-22/spaces", {"space": "zzz"}), 404, "space.not_found"
    )
    assert c.get("/api/v1/networks").json()["items"][0]["space_count"] == 1
    assert c.delete("/api/v1/networks/bcn-22/spaces/a").status_code == 204
    assert_error(c.delete("/api/v1/networks/bcn-22/spaces/a"), 404, "network.space_not_member")


def test_members_cannot_create_networks_or_change_other_networks(
    make_user: Any, client_for: Any
) -> None:
    member = make_user()
    c = client_for(member)
    assert_error(post(c, "/api/v1/networks", {"name": "Mine"}), 403, "network.cannot_create")
    net = NetworkFactory(slug="theirs")
    SpaceFactory(slug="a")
    assert_error(
        post(c, "/api/v1/networks/theirs/spaces", {"space": "a"}), 403, "network.not_operator"
    )
    assert not NetworkSpace.objects.filter(network=net).exists()


def test_list_items_say_whether_the_space_is_open_now(client: Client) -> None:
    SpaceFactory(slug="always", weekly=[(d, 0, 1440) for d in range(7)])
    SpaceFactory(slug="never-known")
    items = {i["slug"]: i for i in client.get("/api/v1/spaces").json()["items"]}
    assert items["always"]["open_now"] is True
    assert items["never-known"]["open_now"] is None


def test_a_space_named_like_a_page_gets_another_slug(make_user: Any, client_for: Any) -> None:
    r = post(
        client_for(make_user(staff=True)), "/api/v1/spaces", {"name": "Results", "lat": 1, "lon": 1}
    )
    assert r.status_code == 201
    assert r.json()["slug"] == "results-2"


def test_nul_characters_are_refused_before_they_reach_the_database(
    make_user: Any, client_for: Any, client: Client
) -> None:
    assert_error(client.get("/api/v1/spaces?q=a%00b"), 400, "request.invalid_characters")
    c = client_for(make_user(staff=True))
    r = post(c, "/api/v1/spaces", {"name": "A\u0000B", "lat": 1, "lon": 1})
    assert_error(r, 400, "request.invalid_characters")
    assert Space.objects.count() == 0
