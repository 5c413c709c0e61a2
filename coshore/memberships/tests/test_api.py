"""HTTP tests of plans, memberships, credits and day passes: shapes, permissions, bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coshore.activity.models import Activity
from coshore.memberships import services
from coshore.memberships.models import CreditEntry, DayPass, Membership, Payment, Plan
from coshore.spaces.models import SpaceRole
from coshore.spaces.tests.factories import SpaceFactory

from .factories import PlanFactory

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Plan, Membership, CreditEntry, DayPass, Payment, SpaceRole, Activity)
    )


def assert_refused(client: Client, url: str, data: Any, status: int, code: str) -> None:
    before = counts()
    response = post(client, url, data)
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    assert counts() == before


def test_manager_creates_a_plan_and_anyone_lists_active_ones(
    client_for: Any, manager: Any, space: Any, client: Client
) -> None:
    r = post(
        client_for(manager),
        "/api/v1/spaces/la-ruche/plans",
        {
            "name": "Ten credits",
            "kind": "credit_pack",
            "price": "90.5",
            "currency": "eur",
            "credits_included": 10,
        },
    )
    assert r.status_code == 201, r.content
    plan = Plan.objects.get()
    assert r.json() == {
        "id": plan.pk,
        "space": "la-ruche",
        "name": "Ten credits",
        "kind": "credit_pack",
        "price": "90.50",
        "currency": "EUR",
        "credits_included": 10,
        "unlimited_desk": False,
        "room_hours_included": 0,
        "is_active": True,
    }
    PlanFactory(space=space, name="Old", is_active=False)
    PlanFactory(name="Elsewhere")
    listed = client.get("/api/v1/spaces/la-ruche/plans").json()["items"]
    assert [p["id"] for p in listed] == [plan.pk]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"price": "-5.00"}, "plan.invalid_price"),
        ({"currency": "XYZ"}, "plan.invalid_currency"),
        ({"kind": "weekly"}, "plan.invalid_kind"),
    ],
)
def test_rejects_a_bad_plan(client_for: Any, manager: Any, data: Any, code: str) -> None:
    body = {"name": "Resident", "kind": "monthly", "price": "150.00", **data}
    assert_refused(client_for(manager), "/api/v1/spaces/la-ruche/plans", body, 422, code)


def test_only_managers_create_plans(
    client_for: Any, visitor: Any, other_manager: Any, space: Any, client: Client
) -> None:
    body = {"name": "Resident", "kind": "monthly", "price": "150.00"}
    url = "/api/v1/spaces/la-ruche/plans"
    assert_refused(client_for(visitor), url, body, 403, "plan.not_manager")
    assert_refused(client_for(other_manager), url, body, 403, "plan.not_manager")
    assert_refused(client, url, body, 401, "auth.required")


def test_manager_adds_a_member_who_sees_membership_and_credits(
    client_for: Any, manager: Any, visitor: Any, space: Any, monthly: Any
) -> None:
    r = post(
        client_for(manager),
        "/api/v1/spaces/la-ruche/memberships",
        {"email": "visitor@example.org", "plan": monthly.pk},
    )
    assert r.status_code == 201, r.content
    membership = Membership.objects.get()
    assert r.json()["id"] == membership.pk
    me = client_for(visitor)
    items = me.get("/api/v1/me/memberships").json()["items"]
    assert [(m["space"], m["plan"], m["plan_name"], m["status"]) for m in items] == [
        ("la-ruche", monthly.pk, "Resident", "active")
    ]
    credits = me.get("/api/v1/me/credits?space=la-ruche").json()
    entry = CreditEntry.objects.get()
    assert credits["space"] == "la-ruche"
    assert credits["balance"] == 20
    assert [(e["id"], e["delta"], e["reason"], e["membership"]) for e in credits["entries"]] == [
        (entry.pk, 20, "grant", membership.pk)
    ]
    assert client_for(manager).get("/api/v1/me/credits?space=la-ruche").json()["balance"] == 0


def test_membership_bad_input(
    client_for: Any, manager: Any, visitor: Any, space: Any, monthly: Any
) -> None:
    url = "/api/v1/spaces/la-ruche/memberships"
    c = client_for(manager)
    foreign = PlanFactory(space=SpaceFactory())
    assert_refused(c, url, {"email": visitor.email, "plan": foreign.pk}, 404, "plan.not_found")
    assert_refused(
        c,
        url,
        {"email": "nobody@example.org", "plan": monthly.pk},
        404,
        "membership.account_not_found",
    )
    assert_refused(
        client_for(visitor),
        url,
        {"email": visitor.email, "plan": monthly.pk},
        403,
        "plan.not_manager",
    )


def test_credits_of_an_unknown_space_are_not_found(client_for: Any, visitor: Any) -> None:
    r = client_for(visitor).get("/api/v1/me/credits?space=nowhere")
    assert (r.status_code, r.json()["code"]) == (404, "space.not_found")


def test_a_visitor_buys_a_day_pass_and_lists_it(
    client_for: Any, visitor: Any, space: Any, day_plan: Any
) -> None:
    day = services.local_today(space) + timedelta(days=2)
    me = client_for(visitor)
    r = post(me, "/api/v1/spaces/la-ruche/day-passes", {"date": day.isoformat()})
    assert r.status_code == 201, r.content
    day_pass = DayPass.objects.get()
    assert r.json()["id"] == day_pass.pk
    assert (r.json()["date"], r.json()["plan"], r.json()["space"]) == (
        day.isoformat(),
        day_plan.pk,
        "la-ruche",
    )
    assert Payment.objects.get().status == "due_at_desk"
    items = me.get("/api/v1/me/day-passes").json()["items"]
    assert [(d["id"], d["date"]) for d in items] == [(day_pass.pk, day.isoformat())]
    assert_refused(
        me,
        "/api/v1/spaces/la-ruche/day-passes",
        {"date": day.isoformat()},
        409,
        "day_pass.exists",
    )


def test_day_pass_bad_input(client_for: Any, visitor: Any, space: Any, day_plan: Any) -> None:
    url = "/api/v1/spaces/la-ruche/day-passes"
    past = services.local_today(space) - timedelta(days=1)
    assert_refused(
        client_for(visitor), url, {"date": past.isoformat()}, 422, "day_pass.in_the_past"
    )
    far = services.local_today(space) + timedelta(days=120)
    assert_refused(
        client_for(visitor), url, {"date": far.isoformat()}, 422, "day_pass.beyond_horizon"
    )
    r = post(client_for(visitor), url, {"date": "tomorrow"})
    assert 400 <= r.status_code < 500 and set(r.json()) == {"code", "message", "detail"}
    assert_refused(Client(), url, {"date": past.isoformat()}, 401, "auth.required")


def test_me_endpoints_need_a_login(client: Client) -> None:
    for url in (
        "/api/v1/me/memberships",
        "/api/v1/me/day-passes",
        "/api/v1/me/credits?space=la-ruche",
    ):
        assert client.get(url).status_code == 401


def test_my_lists_take_the_same_queries_for_one_item_or_many(
    client_for: Any, make_user: Any, visitor: Any, space: Any, monthly: Any, day_plan: Any
) -> None:
    staff = make_user(staff=True)
    me = client_for(visitor)
    services.add_membership(actor=staff, space=space, email=visitor.email, plan=monthly)
    services.buy_day_pass(actor=visitor, space=space, day=services.local_today(space))

    def queries() -> list[int]:
        counted = []
        for url in ("/api/v1/me/memberships", "/api/v1/me/day-passes"):
            with CaptureQueriesContext(connection) as ctx:
                assert len(me.get(url).json()["items"]) >= 1
            counted.append(len(ctx.captured_queries))
        return counted

    few = queries()
    for offset in (1, 2, 3):
        other = SpaceFactory()
        services.add_membership(
            actor=staff, space=other, email=visitor.email, plan=PlanFactory(space=other)
        )
        services.buy_day_pass(
            actor=visitor, space=space, day=services.local_today(space) + timedelta(days=offset)
        )
    assert queries() == few
