"""HTTP tests of the resources and bookings API: shapes, permissions, bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from coshore.activity.models import Activity
from coshore.bookings.models import Booking, Resource

from .conftest import next_monday
from .factories import ResourceFactory

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    return body


def booking_body(desk: Any, start: Any = None, end: Any = None) -> dict[str, Any]:
    return {
        "resource": desk.pk,
        "starts_at": (start or next_monday(10)).isoformat(),
        "ends_at": (end or next_monday(12)).isoformat(),
    }


def test_manager_adds_a_resource_and_anyone_lists_them(
    client_for: Any, manager: Any, member: Any, space: Any, client: Client
) -> None:
    r = post(
        client_for(manager),
        "/api/v1/spaces/la-ruche/resources",
        {"name": "Open space", "kind": "desk_pool", "seats": 12, "price_per_day": "15.00"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    resource = Resource.objects.get()
    assert body["id"] == resource.pk
    assert (body["space"], body["kind"], body["seats"], body["currency"]) == (
        "la-ruche",
        "desk_pool",
        12,
        "EUR",
    )
    assert body["price_per_day"] == "15.00"
    listed = client.get("/api/v1/spaces/la-ruche/resources").json()["items"]
    assert [i["id"] for i in listed] == [resource.pk]
    r = post(client_for(member), "/api/v1/spaces/la-ruche/resources", {"name": "x", "kind": "desk"})
    assert_error(r, 403, "resource.not_manager")
    assert Resource.objects.count() == 1


def test_bad_resource_input_is_refused_with_its_code(client_for: Any, manager: Any) -> None:
    c = client_for(manager)
    url = "/api/v1/spaces/la-ruche/resources"
    assert_error(post(c, url, {"name": "x", "kind": "sofa"}), 422, "resource.invalid_kind")
    assert_error(
        post(c, url, {"name": "x", "kind": "desk", "seats": 4}), 422, "resource.invalid_seats"
    )
    assert_error(post(c, url, {"name": "x", "kind": "desk", "seats": 0}), 422, "validation_error")
    assert_error(
        post(c, url, {"name": "x", "kind": "desk", "currency": "12"}), 422, "validation_error"
    )
    assert_error(
        post(c, "/api/v1/spaces/nowhere/resources", {"name": "x", "kind": "desk"}),
        404,
        "space.not_found",
    )
    assert not Resource.objects.exists()


def test_member_books_reads_lists_and_cancels(client_for: Any, member: Any, desk: Any) -> None:
    c = client_for(member)
    r = post(c, "/api/v1/bookings", booking_body(desk))
    assert r.status_code == 201, r.content
    body = r.json()
    booking = Booking.objects.get()
    assert body["id"] == booking.pk
    assert (body["status"], body["seat"], body["resource"], body["space"]) == (
        "confirmed",
        0,
        desk.pk,
        "la-ruche",
    )
    assert c.get(f"/api/v1/bookings/{booking.pk}").json() == body
    listed = c.get("/api/v1/bookings", {"resource": desk.pk}).json()["items"]
    assert [i["id"] for i in listed] == [booking.pk]
    window = {"from": next_monday(13).isoformat(), "to": next_monday(14).isoformat()}
    assert c.get("/api/v1/bookings", window).json()["items"] == []
    r = post(c, f"/api/v1/bookings/{booking.pk}/cancel")
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled"
    assert_error(post(c, f"/api/v1/bookings/{booking.pk}/cancel"), 409, "booking.not_cancellable")


def test_second_booking_of_the_slot_is_a_conflict(
    client_for: Any, member: Any, manager: Any, desk: Any
) -> None:
    assert post(client_for(member), "/api/v1/bookings", booking_body(desk)).status_code == 201
    r = post(client_for(manager), "/api/v1/bookings", booking_body(desk, next_monday(11)))
    assert_error(r, 409, "booking.slot_taken")
    assert Booking.objects.count() == 1


def test_bad_booking_input_is_refused_with_its_code(
    client_for: Any, member: Any, desk: Any
) -> None:
    c = client_for(member)
    naive = {**booking_body(desk), "starts_at": "2030-01-07T10:00:00"}
    assert_error(post(c, "/api/v1/bookings", naive), 422, "booking.naive_datetime")
    late = booking_body(desk, next_monday(17), next_monday(19))
    assert_error(post(c, "/api/v1/bookings", late), 422, "booking.outside_hours")
    backwards = booking_body(desk, next_monday(12), next_monday(10))
    assert_error(post(c, "/api/v1/bookings", backwards), 422, "booking.ends_before_start")
    missing = {**booking_body(desk), "resource": 10**9}
    assert_error(post(c, "/api/v1/bookings", missing), 404, "resource.not_found")
    assert_error(post(c, "/api/v1/bookings", {"resource": desk.pk}), 422, "validation_error")
    assert_error(c.get("/api/v1/bookings", {"from": "yesterday"}), 422, "booking.invalid_datetime")
    assert_error(
        c.get("/api/v1/bookings", {"from": "2030-01-01T00:00:00"}), 422, "booking.naive_datetime"
    )
    rng = {"from": next_monday(12).isoformat(), "to": next_monday(10).isoformat()}
    assert_error(c.get("/api/v1/bookings", rng), 422, "booking.invalid_range")
    assert not Booking.objects.exists()
    assert not Activity.objects.filter(verb__startswith="booking.").exists()


def test_anonymous_and_outsiders_are_kept_out(
    client: Client, client_for: Any, member: Any, outsider: Any, desk: Any
) -> None:
    assert_error(post(client, "/api/v1/bookings", booking_body(desk)), 401, "auth.required")
    r = post(client_for(outsider), "/api/v1/bookings", booking_body(desk))
    assert_error(r, 403, "booking.not_a_member")
    booking = post(client_for(member), "/api/v1/bookings", booking_body(desk)).json()
    assert_error(
        client_for(outsider).get(f"/api/v1/bookings/{booking['id']}"), 404, "booking.not_found"
    )
    r = post(client_for(outsider), f"/api/v1/bookings/{booking['id']}/cancel")
    assert_error(r, 404, "booking.not_found")
    assert client_for(outsider).get("/api/v1/bookings").json()["items"] == []
    assert Booking.objects.get().status == "confirmed"


def test_availability_of_a_local_day(
    client: Client, client_for: Any, member: Any, space: Any
) -> None:
    pool = ResourceFactory(space=space, kind="desk_pool", seats=2)
    post(client_for(member), "/api/v1/bookings", booking_body(pool))
    day = next_monday(0).date().isoformat()
    r = client.get(f"/api/v1/resources/{pool.pk}/availability", {"date": day})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["resource"], body["date"], body["timezone"], body["seats"]) == (
        pool.pk,
        day,
        "Europe/Paris",
        2,
    )
    slots = [
        (s["starts_at"][11:16], s["ends_at"][11:16], s["free_seats"], s["open"])
        for s in body["slots"]
    ]
    assert slots == [
        ("00:00", "09:00", 2, False),
        ("09:00", "10:00", 2, True),
        ("10:00", "12:00", 1, True),
        ("12:00", "18:00", 2, True),
        ("18:00", "00:00", 2, False),
    ]
    bad = client.get(f"/api/v1/resources/{pool.pk}/availability", {"date": "monday"})
    assert_error(bad, 422, "booking.invalid_date")
    assert_error(
        client.get("/api/v1/resources/999999/availability", {"date": day}),
        404,
        "resource.not_found",
    )


def test_list_endpoint_query_count_is_flat(
    client_for: Any, member: Any, desk: Any, django_assert_max_num_queries: Any
) -> None:
    c = client_for(member)
    for hour in (9, 11, 13, 15):
        start = next_monday(hour)
        assert (
            post(
                c, "/api/v1/bookings", booking_body(desk, start, start + timedelta(hours=1))
            ).status_code
            == 201
        )
    with django_assert_max_num_queries(6):
        assert len(c.get("/api/v1/bookings").json()["items"]) == 4
