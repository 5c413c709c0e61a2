"""HTTP tests: resource rules, trainings, weekly series, approvals and the cover of bookings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from coshore.bookings.models import Booking, BookingStatus, Resource, ResourceKind, Training
from coshore.memberships.models import Payment
from coshore.memberships.tests.factories import PlanFactory

from .conftest import next_monday
from .factories import ResourceFactory
from .test_api import assert_error, booking_body, post

pytestmark = pytest.mark.django_db


def patch(client: Any, url: str, data: Any) -> Any:
    import json

    return client.patch(url, data=json.dumps(data), content_type="application/json")


def test_a_manager_creates_a_machine_with_rules(space: Any, manager: Any, client_for: Any) -> None:
    plan = PlanFactory(space=space, name="Makers")
    response = post(
        client_for(manager),
        "/api/v1/spaces/la-ruche/resources",
        {
            "name": "Laser cutter",
            "kind": "machine",
            "credits_per_hour": 3,
            "free_cancel_hours": 48,
            "schedule": "Mo-Fr 10:00-17:00",
            "requires_training": True,
            "allowed_plans": [plan.pk],
            "description": "Trotec Speedy 300",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("kind", "credits_per_hour", "free_cancel_hours")} == {
        "kind": "machine",
        "credits_per_hour": 3,
        "free_cancel_hours": 48,
    }
    assert (body["schedule"], body["requires_training"], body["allowed_plans"]) == (
        "Mo-Fr 10:00-17:00",
        True,
        [plan.pk],
    )


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"allowed_plans": [999999]}, "resource.unknown_plan"),
        ({"schedule": "sometimes"}, "resource.invalid_schedule"),
        ({"kind": "room", "requires_training": True}, "resource.invalid_requires_training"),
        ({"credits_per_hour": -1}, "validation_error"),
        ({"allowed_plans": "all"}, "validation_error"),
    ],
)
def test_bad_resource_rules_are_refused(
    space: Any, manager: Any, client_for: Any, extra: dict[str, Any], code: str
) -> None:
    body = {"name": "Laser", "kind": "machine", **extra}
    response = post(client_for(manager), "/api/v1/spaces/la-ruche/resources", body)
    assert response.status_code in (400, 422)
    assert response.json()["code"] == code
    assert not Resource.objects.exists()


def test_a_plan_of_another_space_cannot_be_allowed(
    space: Any, manager: Any, client_for: Any
) -> None:
    foreign = PlanFactory()
    response = post(
        client_for(manager),
        "/api/v1/spaces/la-ruche/resources",
        {"name": "Desk", "kind": "desk", "allowed_plans": [foreign.pk]},
    )
    assert_error(response, 422, "resource.unknown_plan")


def test_a_manager_patches_a_resource(
    space: Any, manager: Any, member: Any, client_for: Any, desk: Any
) -> None:
    url = f"/api/v1/resources/{desk.pk}"
    response = patch(client_for(manager), url, {"price_per_hour": "4.50", "is_active": False})
    assert response.status_code == 200, response.content
    assert (response.json()["price_per_hour"], response.json()["is_active"]) == ("4.50", False)
    desk.refresh_from_db()
    assert (desk.price_per_hour, desk.is_active) == (Decimal("4.50"), False)
    assert_error(patch(client_for(member), url, {"name": "Mine"}), 404, "resource.not_found")
    response = patch(client_for(manager), url, {"name": None})
    assert_error(response, 422, "resource.null_field")
    response = patch(client_for(manager), url, {"kind": "room"})
    assert response.status_code == 422
    assert Resource.objects.get(pk=desk.pk).name == desk.name


def test_a_member_cannot_patch_an_active_resource(member: Any, client_for: Any, desk: Any) -> None:
    response = patch(client_for(member), f"/api/v1/resources/{desk.pk}", {"name": "Mine"})
    assert_error(response, 403, "resource.not_manager")
    assert Resource.objects.get(pk=desk.pk).name == desk.name


def test_a_pool_cannot_shrink_below_a_seat_in_use(
    space: Any, manager: Any, member: Any, client_for: Any
) -> None:
    pool = ResourceFactory(space=space, kind=ResourceKind.DESK_POOL, seats=3)
    client = client_for(member)
    for _ in range(3):
        assert post(client, "/api/v1/bookings", booking_body(pool)).status_code == 201
    response = patch(client_for(manager), f"/api/v1/resources/{pool.pk}", {"seats": 2})
    assert_error(response, 409, "resource.seats_in_use")
    assert Resource.objects.get(pk=pool.pk).seats == 3


def test_trainings_over_http(
    space: Any, manager: Any, member: Any, outsider: Any, client_for: Any
) -> None:
    laser = ResourceFactory(space=space, kind=ResourceKind.MACHINE, requires_training=True)
    url = f"/api/v1/resources/{laser.pk}/trainings"
    body = booking_body(laser)
    assert_error(
        post(client_for(member), "/api/v1/bookings", body), 403, "booking.training_missing"
    )
    assert_error(
        post(client_for(member), url, {"email": member.email}), 403, "resource.not_manager"
    )
    assert_error(client_for(member).get(url), 403, "resource.not_manager")
    assert_error(
        post(client_for(manager), url, {"email": "nobody@example.org"}),
        404,
        "resource.account_not_found",
    )
    response = post(client_for(manager), url, {"email": member.email})
    assert response.status_code == 201
    assert response.json()["email"] == member.email
    assert [t["email"] for t in client_for(manager).get(url).json()["items"]] == [member.email]
    assert post(client_for(member), "/api/v1/bookings", body).status_code == 201
    response = post(client_for(manager), f"{url}/revoke", {"email": member.email})
    assert response.json() == {"items": []}
    assert_error(
        post(client_for(manager), f"{url}/revoke", {"email": member.email}),
        404,
        "training.not_found",
    )
    assert not Training.objects.exists()


def test_a_weekly_series_over_http(member: Any, client_for: Any, desk: Any) -> None:
    body = {**booking_body(desk), "weeks": 3, "mode": "skip_conflicts"}
    response = post(client_for(member), "/api/v1/bookings/recurring", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["weeks"], data["mode"], len(data["booked"]), data["skipped"]) == (
        3,
        "skip_conflicts",
        3,
        [],
    )
    assert {b["series"] for b in data["booked"]} == {data["id"]}
    again = post(
        client_for(member), "/api/v1/bookings/recurring", {**body, "mode": "all_or_nothing"}
    )
    body409 = assert_error(again, 409, "booking.series_conflict")
    assert len(body409["detail"]["failed"]) == 3
    assert Booking.objects.count() == 3


@pytest.mark.parametrize(
    "extra", [{"weeks": 27}, {"weeks": 0}, {"weeks": "many"}, {"mode": "x" * 40}]
)
def test_bad_series_input_is_refused(
    member: Any, client_for: Any, desk: Any, extra: dict[str, Any]
) -> None:
    body = {**booking_body(desk), "weeks": 2, "mode": "all_or_nothing", **extra}
    response = post(client_for(member), "/api/v1/bookings/recurring", body)
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "detail"}
    assert not Booking.objects.exists()


def test_approvals_over_http(
    space: Any, manager: Any, member: Any, outsider: Any, client_for: Any
) -> None:
    room = ResourceFactory(space=space, kind=ResourceKind.ROOM, requires_approval=True)
    response = post(client_for(member), "/api/v1/bookings", booking_body(room))
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["cover"]) == ("requested", "membership")
    assert body["expires_at"] is not None
    url = f"/api/v1/bookings/{body['id']}"
    assert_error(post(client_for(member), f"{url}/approve"), 403, "booking.not_manager")
    assert_error(post(client_for(outsider), f"{url}/approve"), 404, "booking.not_found")
    response = post(client_for(manager), f"{url}/approve")
    assert (response.status_code, response.json()["status"]) == (200, "confirmed")
    assert_error(post(client_for(manager), f"{url}/decline"), 409, "booking.not_requested")
    assert Booking.objects.get(pk=body["id"]).status == BookingStatus.CONFIRMED


def test_an_overage_booking_reports_its_price(space: Any, member: Any, client_for: Any) -> None:
    room = ResourceFactory(space=space, kind=ResourceKind.ROOM, price_per_hour=Decimal("20"))
    start = next_monday(10)
    response = post(
        client_for(member),
        "/api/v1/bookings",
        booking_body(room, start, start + timedelta(minutes=90)),
    )
    body = response.json()
    assert (body["cover"], body["amount"], body["currency"]) == ("overage", "30.00", "EUR")
    assert Payment.objects.get(booking_id=body["id"]).status == "due_at_desk"


def test_a_skipped_wall_clock_time_gets_its_own_code(
    space: Any, member: Any, client_for: Any, desk: Any
) -> None:
    from django.utils import timezone

    desk.horizon_days = 730
    desk.save()
    space.hours_status = "unknown"
    space.save()
    year = timezone.now().year + 1
    import datetime as dt

    day = max(d for d in range(25, 32) if dt.date(year, 3, d).weekday() == 6)
    body = {
        "resource": desk.pk,
        "starts_at": f"{year}-03-{day}T02:30:00+01:00",
        "ends_at": f"{year}-03-{day}T04:30:00+02:00",
    }
    response = post(client_for(member), "/api/v1/bookings", body)
    assert_error(response, 422, "booking.nonexistent_local_time")
    assert not Booking.objects.exists()
