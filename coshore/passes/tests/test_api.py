"""HTTP tests of the passes API: every endpoint, its access, and bad input in the shared error
shape with nothing written."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings.models import Booking
from coshore.passes import services
from coshore.passes.models import Blackout, PassRequest, PassTerms
from coshore.spaces.tests.factories import NetworkFactory, NetworkSpaceFactory, SpaceFactory

from .factories import BlackoutFactory, PassRequestFactory

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data=json.dumps(data), content_type="application/json")


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (PassTerms, Blackout, PassRequest, Booking, Activity))


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    return body


@pytest.fixture
def ask(client_for: Any, member: Any, host: Any, terms: Any, visit_day: Any) -> Any:
    """POST /passes as the member; `ask(**overrides)`."""

    def _ask(**overrides: Any) -> Any:
        body = {"host_space": host.slug, "date": visit_day.isoformat(), **overrides}
        return post(client_for(member), "/api/v1/passes", body)

    return _ask


# --- Requests ------------------------------------------------------------------------------------


def test_a_member_asks_for_a_pass(ask: Any, visit_day: Any, member: Any) -> None:
    r = ask(note="Hello")
    assert r.status_code == 201, r.content
    body = r.json()
    p = PassRequest.objects.get()
    assert body == {
        "id": p.pk,
        "status": "requested",
        "date": visit_day.isoformat(),
        "member": "Alice Martin",
        "home_space": "la-ruche",
        "host_space": "lyon-hub",
        "network": "visa",
        "booking": None,
        "note": "Hello",
        "created_at": body["created_at"],
        "decided_at": None,
    }


def test_with_auto_accept_the_answer_holds_the_booking(
    ask: Any, terms: Any, desk_pool: Any
) -> None:
    terms.auto_accept = True
    terms.save()
    body = ask().json()
    assert body["status"] == "accepted"
    assert body["booking"] == Booking.objects.get().pk


def test_optional_network_and_home_space_are_honoured(
    ask: Any, home: Any, host: Any, network: Any
) -> None:
    r = ask(network="visa", home_space="la-ruche")
    assert r.status_code == 201 and r.json()["home_space"] == "la-ruche"


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"date": "2026-02-30"}, 422, "pass.invalid_date"),
        ({"date": "tomorrow"}, 422, "pass.invalid_date"),
        ({"date": "2026-1-1"}, 422, "pass.invalid_date"),
        ({"date": 20261201}, 422, "validation_error"),
        ({"date": None}, 422, "validation_error"),
        ({"host_space": 7}, 422, "validation_error"),
        ({"host_space": ["lyon-hub"]}, 422, "validation_error"),
        ({"host_space": ""}, 422, "validation_error"),
        ({"host_space": "x" * 121}, 422, "validation_error"),
        ({"host_space": "x" * 100_000}, 422, "validation_error"),
        ({"note": "x" * 501}, 422, "validation_error"),
        ({"note": 12}, 422, "validation_error"),
        ({"network": {"slug": "visa"}}, 422, "validation_error"),
        ({"host_space": "nowhere"}, 404, "space.not_found"),
        ({"network": "no-such-network"}, 404, "network.not_found"),
        ({"home_space": "no-such-space"}, 404, "space.not_found"),
        ({"host_space": "la-ruche"}, 422, "pass.host_is_home"),
    ],
)
def test_bad_input_is_refused_with_its_code(
    ask: Any, overrides: dict[str, Any], status: int, code: str
) -> None:
    before = counts()
    assert_error(ask(**overrides), status, code)
    assert counts() == before


def test_dates_quota_and_blackouts_are_refused_with_their_codes(
    ask: Any, network: Any, terms: Any, visit_day: Any, make_user: Any, home: Any
) -> None:
    today = timezone.now().date()
    before = counts()
    assert_error(ask(date=(today - timedelta(days=2)).isoformat()), 422, "pass.in_the_past")
    assert_error(ask(date=(today + timedelta(days=90)).isoformat()), 422, "pass.beyond_horizon")
    BlackoutFactory(network=network, date=visit_day)
    before = counts()
    assert_error(ask(), 409, "pass.blackout")
    Blackout.objects.all().delete()
    terms.free_days_per_month = 0
    terms.save()
    before = counts()
    assert_error(ask(), 409, "pass.free_days_exhausted")
    terms.free_days_per_month = 3
    terms.host_monthly_quota = 0
    terms.save()
    assert_error(ask(), 409, "pass.quota_exhausted")
    assert counts() == before


def test_a_duplicate_request_is_a_conflict(ask: Any) -> None:
    assert ask().status_code == 201
    before = counts()
    assert_error(ask(), 409, "pass.duplicate")
    assert counts() == before


def test_a_pass_outside_your_networks_is_forbidden(
    client_for: Any, stranger: Any, host: Any, terms: Any, visit_day: Any
) -> None:
    r = post(
        client_for(stranger),
        "/api/v1/passes",
        {"host_space": host.slug, "date": visit_day.isoformat()},
    )
    assert_error(r, 403, "pass.outside_networks")
    assert not PassRequest.objects.exists()


def test_malformed_json_and_wrong_shapes(client_for: Any, member: Any, terms: Any) -> None:
    c = client_for(member)
    before = counts()
    r = c.post("/api/v1/passes", data="{not json", content_type="application/json")
    assert_error(r, 400, "request.malformed_json")
    r = c.post("/api/v1/passes", data="[1, 2]", content_type="application/json")
    assert_error(r, 400, "request.malformed_json")
    r = c.post(
        "/api/v1/passes", data='{"host_space": "a\\u0000b"}', content_type="application/json"
    )
    assert_error(r, 400, "request.invalid_characters")
    assert_error(post(c, "/api/v1/passes", {}), 422, "validation_error")
    assert counts() == before


def test_anonymous_callers_must_log_in(api_client: Client, host: Any, visit_day: Any) -> None:
    r = post(api_client, "/api/v1/passes", {"host_space": host.slug, "date": str(visit_day)})
    assert_error(r, 401, "auth.required")
    assert_error(api_client.get("/api/v1/passes"), 401, "auth.required")


# --- Reading and answering -------------------------------------------------------------------------


@pytest.fixture
def pending(member: Any, host: Any, terms: Any, visit_day: Any) -> Any:
    return services.request_pass(actor=member, host_space=host, day=visit_day)


def test_my_passes_lists_only_mine(
    client_for: Any, pending: Any, member: Any, host_manager: Any
) -> None:
    items = client_for(member).get("/api/v1/passes").json()["items"]
    assert [i["id"] for i in items] == [pending.pk]
    assert client_for(host_manager).get("/api/v1/passes").json()["items"] == []


@pytest.mark.parametrize("who", ["member", "host_manager", "operator"])
def test_a_pass_is_seen_by_its_member_the_host_and_the_operators(
    client_for: Any, pending: Any, who: str, request: pytest.FixtureRequest
) -> None:
    r = client_for(request.getfixturevalue(who)).get(f"/api/v1/passes/{pending.pk}")
    assert r.status_code == 200 and r.json()["id"] == pending.pk


@pytest.mark.parametrize("who", ["stranger", "other_manager", "home_manager"])
def test_a_pass_is_not_found_for_anyone_else(
    client_for: Any, pending: Any, who: str, request: pytest.FixtureRequest
) -> None:
    c = client_for(request.getfixturevalue(who))
    before = counts()
    assert_error(c.get(f"/api/v1/passes/{pending.pk}"), 404, "pass.not_found")
    for action in ("accept", "decline", "cancel"):
        assert_error(post(c, f"/api/v1/passes/{pending.pk}/{action}"), 404, "pass.not_found")
    assert_error(c.get(f"/api/v1/passes/{pending.pk}/token"), 404, "pass.not_found")
    assert counts() == before


@pytest.mark.parametrize("pass_id", ["0", "-1", "999999", str(2**63), "abc", "1.5"])
def test_unknown_pass_ids(client_for: Any, member: Any, pass_id: str) -> None:
    r = client_for(member).get(f"/api/v1/passes/{pass_id}")
    assert r.status_code in (404, 422)
    assert set(r.json()) == {"code", "message", "detail"}
    if pass_id.lstrip("-").isdigit():
        assert r.json()["code"] == "pass.not_found"


def test_the_host_accepts_and_the_member_gets_a_token_that_verifies(
    client_for: Any,
    pending: Any,
    host_manager: Any,
    member: Any,
    desk_pool: Any,
    api_client: Client,
) -> None:
    r = post(client_for(host_manager), f"/api/v1/passes/{pending.pk}/accept")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    assert r.json()["booking"] == Booking.objects.get().pk
    r = client_for(member).get(f"/api/v1/passes/{pending.pk}/token")
    assert r.status_code == 200
    token = r.json()["token"]
    assert r.json()["verify_url"] == "http://testserver/passes/verify/"
    assert_error(
        client_for(host_manager).get(f"/api/v1/passes/{pending.pk}/token"), 403, "pass.not_yours"
    )
    r = post(api_client, "/api/v1/passes/verify", {"token": token})
    assert r.status_code == 200
    body = r.json()
    assert body == {
        "valid": True,
        "reason": None,
        "status": "accepted",
        "member": "Alice Martin",
        "home_space": {"slug": "la-ruche", "name": "La Ruche"},
        "host_space": {"slug": "lyon-hub", "name": "Lyon Hub"},
        "network": {"slug": "visa", "name": "Coworking Visa"},
        "valid_from": pending.date.isoformat(),
        "valid_until": pending.date.isoformat(),
    }
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    body = post(api_client, "/api/v1/passes/verify", {"token": tampered}).json()
    assert (body["valid"], body["reason"], body["member"]) == (False, "bad_signature", None)
    # the member cancels: the token is revoked
    assert post(client_for(member), f"/api/v1/passes/{pending.pk}/cancel").json()["status"] == (
        "cancelled"
    )
    body = post(api_client, "/api/v1/passes/verify", {"token": token}).json()
    assert (body["valid"], body["reason"], body["valid_from"]) == (
        False,
        "revoked",
        pending.date.isoformat(),
    )


def test_a_logged_in_browser_verifies_without_csrf(pending: Any, member: Any, terms: Any) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(member)
    r = post(c, "/api/v1/passes/verify", {"token": "a.b.c"})
    assert r.status_code == 200 and r.json()["reason"] == "bad_signature"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "validation_error"),
        ({"token": ""}, "validation_error"),
        ({"token": 42}, "validation_error"),
        ({"token": ["a.b.c"]}, "validation_error"),
        ({"token": "x" * 4001}, "validation_error"),
    ],
)
def test_verify_refuses_malformed_input(api_client: Client, body: Any, code: str) -> None:
    assert_error(post(api_client, "/api/v1/passes/verify", body), 422, code)


def test_no_desk_free_is_a_conflict_and_the_pass_stays_pending(
    client_for: Any, pending: Any, host_manager: Any
) -> None:
    assert_error(
        post(client_for(host_manager), f"/api/v1/passes/{pending.pk}/accept"),
        409,
        "pass.no_desk_free",
    )
    assert PassRequest.objects.get().status == "requested"


def test_the_member_cannot_accept_and_the_host_cannot_cancel(
    client_for: Any, pending: Any, member: Any, host_manager: Any, desk_pool: Any
) -> None:
    assert_error(
        post(client_for(member), f"/api/v1/passes/{pending.pk}/accept"),
        403,
        "pass.not_host_manager",
    )
    assert_error(
        post(client_for(host_manager), f"/api/v1/passes/{pending.pk}/cancel"),
        403,
        "pass.not_yours",
    )
    r = post(client_for(host_manager), f"/api/v1/passes/{pending.pk}/decline")
    assert r.json()["status"] == "declined"
    assert_error(
        post(client_for(host_manager), f"/api/v1/passes/{pending.pk}/accept"),
        409,
        "pass.not_pending",
    )
    assert_error(
        post(client_for(member), f"/api/v1/passes/{pending.pk}/token"), 405, "method_not_allowed"
    )
    assert_error(
        client_for(member).get(f"/api/v1/passes/{pending.pk}/token"), 409, "pass.not_accepted"
    )


def test_host_managers_list_incoming_requests(
    client_for: Any, pending: Any, host_manager: Any, member: Any, operator: Any
) -> None:
    r = client_for(host_manager).get("/api/v1/spaces/lyon-hub/passes")
    assert [i["id"] for i in r.json()["items"]] == [pending.pk]
    r = client_for(host_manager).get("/api/v1/spaces/lyon-hub/passes?status=accepted")
    assert r.json()["items"] == []
    assert client_for(operator).get("/api/v1/spaces/lyon-hub/passes").status_code == 200
    assert_error(client_for(member).get("/api/v1/spaces/lyon-hub/passes"), 404, "space.not_found")
    assert_error(
        client_for(host_manager).get("/api/v1/spaces/lyon-hub/passes?status=maybe"),
        422,
        "pass.invalid_status",
    )
    assert_error(
        client_for(host_manager).get("/api/v1/spaces/nowhere/passes"), 404, "space.not_found"
    )


# --- Terms, blackouts, reciprocity ----------------------------------------------------------------


def test_operators_put_terms_and_members_read_them(
    client_for: Any, operator: Any, member: Any, network: Any, stranger: Any, host_manager: Any
) -> None:
    assert client_for(member).get("/api/v1/networks/visa/pass-terms").json() == {
        "network": "visa",
        "enabled": False,
        "free_days_per_month": 3,
        "host_monthly_quota": 20,
        "auto_accept": False,
        "horizon_days": 60,
        "updated_at": None,
    }
    body = {"free_days_per_month": 5, "host_monthly_quota": 8, "auto_accept": True}
    r = put(client_for(operator), "/api/v1/networks/visa/pass-terms", body)
    assert r.status_code == 200, r.content
    out = r.json()
    assert (
        "signing_key" not in json.dumps(out)
        and PassTerms.objects.get(network=network).signing_key not in r.content.decode()
    )
    assert (out["enabled"], out["free_days_per_month"], out["auto_accept"]) == (True, 5, True)
    assert (
        client_for(member).get("/api/v1/networks/visa/pass-terms").json()["free_days_per_month"]
        == 5
    )
    assert client_for(host_manager).get("/api/v1/networks/visa/pass-terms").status_code == 200
    assert_error(
        client_for(stranger).get("/api/v1/networks/visa/pass-terms"), 404, "network.not_found"
    )
    assert_error(
        put(client_for(member), "/api/v1/networks/visa/pass-terms", body), 403, "pass.not_operator"
    )
    assert_error(
        put(client_for(operator), "/api/v1/networks/nope/pass-terms", body),
        404,
        "network.not_found",
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"free_days_per_month": 32, "host_monthly_quota": 1},
            "pass_terms.invalid_free_days_per_month",
        ),
        (
            {"free_days_per_month": 1, "host_monthly_quota": -1},
            "pass_terms.invalid_host_monthly_quota",
        ),
        (
            {"free_days_per_month": 1, "host_monthly_quota": 1, "horizon_days": 0},
            "pass_terms.invalid_horizon_days",
        ),
        ({"free_days_per_month": "3", "host_monthly_quota": 1}, "validation_error"),
        ({"free_days_per_month": 3.5, "host_monthly_quota": 1}, "validation_error"),
        (
            {"free_days_per_month": 3, "host_monthly_quota": 1, "auto_accept": "yes"},
            "validation_error",
        ),
        (
            {"free_days_per_month": 3, "host_monthly_quota": 10**30},
            "pass_terms.invalid_host_monthly_quota",
        ),
        ({"free_days_per_month": 3}, "validation_error"),
    ],
)
def test_bad_terms_are_refused(
    client_for: Any, operator: Any, network: Any, body: Any, code: str
) -> None:
    before = counts()
    r = put(client_for(operator), "/api/v1/networks/visa/pass-terms", body)
    assert r.status_code == 422
    assert_error(r, 422, code)
    assert counts() == before


def test_operators_manage_blackout_dates(
    client_for: Any, operator: Any, member: Any, network: Any, host: Any, visit_day: Any
) -> None:
    c = client_for(operator)
    r = post(
        c, "/api/v1/networks/visa/blackouts", {"date": visit_day.isoformat(), "reason": "Assembly"}
    )
    assert r.status_code == 201, r.content
    first = r.json()
    assert first == {
        "id": first["id"],
        "date": visit_day.isoformat(),
        "host_space": None,
        "reason": "Assembly",
    }
    r = post(
        c,
        "/api/v1/networks/visa/blackouts",
        {"date": visit_day.isoformat(), "host_space": "lyon-hub"},
    )
    assert r.json()["host_space"] == "lyon-hub"
    assert_error(
        post(c, "/api/v1/networks/visa/blackouts", {"date": visit_day.isoformat()}),
        409,
        "pass.blackout_exists",
    )
    assert_error(
        post(c, "/api/v1/networks/visa/blackouts", {"date": "2026-13-01"}), 422, "pass.invalid_date"
    )
    assert_error(post(c, "/api/v1/networks/visa/blackouts", {"date": 1}), 422, "validation_error")
    assert_error(
        post(
            c,
            "/api/v1/networks/visa/blackouts",
            {"date": visit_day.isoformat(), "host_space": "nowhere"},
        ),
        404,
        "space.not_found",
    )
    listed = client_for(member).get("/api/v1/networks/visa/blackouts").json()["items"]
    assert len(listed) == 2
    assert_error(
        post(
            client_for(member), "/api/v1/networks/visa/blackouts", {"date": visit_day.isoformat()}
        ),
        403,
        "pass.not_operator",
    )
    assert_error(
        client_for(member).delete(f"/api/v1/networks/visa/blackouts/{first['id']}"),
        403,
        "pass.not_operator",
    )
    assert c.delete(f"/api/v1/networks/visa/blackouts/{first['id']}").status_code == 204
    assert_error(
        c.delete(f"/api/v1/networks/visa/blackouts/{first['id']}"), 404, "pass.blackout_not_found"
    )
    other = NetworkFactory(slug="other")
    foreign = BlackoutFactory(network=other)
    assert_error(
        c.delete(f"/api/v1/networks/visa/blackouts/{foreign.pk}"), 404, "pass.blackout_not_found"
    )
    assert_error(
        c.delete(f"/api/v1/networks/visa/blackouts/{2**63}"), 404, "pass.blackout_not_found"
    )


def test_the_reciprocity_ledger(
    client_for: Any,
    operator: Any,
    member: Any,
    host_manager: Any,
    network: Any,
    home: Any,
    host: Any,
    terms: Any,
    desk_pool: Any,
    visit_day: Any,
    make_user: Any,
) -> None:
    accepted = services.request_pass(actor=member, host_space=host, day=visit_day)
    services.accept_pass(actor=host_manager, pass_request=accepted)
    declined = services.request_pass(actor=member, host_space=host, day=visit_day + timedelta(1))
    services.decline_pass(actor=host_manager, pass_request=declined)
    month = visit_day.strftime("%Y-%m")
    r = client_for(operator).get(f"/api/v1/networks/visa/reciprocity?month={month}")
    assert r.status_code == 200, r.content
    body = r.json()
    expected_month_requests = 2 if (visit_day + timedelta(1)).month == visit_day.month else 1
    assert body["network"] == "visa" and body["month"] == month
    assert body["total_visits"] == 1
    assert body["pairs"] == [{"home_space": "la-ruche", "host_space": "lyon-hub", "visits": 1}]
    lyon = next(s for s in body["spaces"] if s["space"] == "lyon-hub")
    paris = next(s for s in body["spaces"] if s["space"] == "la-ruche")
    assert (lyon["given"], lyon["received"], lyon["balance"], lyon["accepted"]) == (1, 0, 1, 1)
    assert lyon["requests"] == expected_month_requests
    assert lyon["honour_rate"] == 1 / expected_month_requests
    assert (paris["given"], paris["received"], paris["honour_rate"]) == (0, 1, None)
    staff = make_user(staff=True)
    assert (
        client_for(staff).get(f"/api/v1/networks/visa/reciprocity?month={month}").status_code == 200
    )
    for who in (member, host_manager):
        assert_error(
            client_for(who).get("/api/v1/networks/visa/reciprocity"), 404, "network.not_found"
        )
    for bad in ("2026-13", "26-01", "2026-01-01", "x" * 5000, ""):
        assert_error(
            client_for(operator).get("/api/v1/networks/visa/reciprocity", {"month": bad}),
            422,
            "pass.invalid_month",
        )
    empty = client_for(operator).get("/api/v1/networks/visa/reciprocity?month=2020-01").json()
    assert (empty["total_visits"], empty["pairs"], empty["spaces"]) == (0, [], [])
    assert client_for(operator).get("/api/v1/networks/visa/reciprocity").status_code == 200


def test_list_endpoints_run_a_fixed_number_of_queries(
    client_for: Any,
    member: Any,
    host_manager: Any,
    operator: Any,
    home: Any,
    host: Any,
    network: Any,
    terms: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(15):
        PassRequestFactory(
            user=member,
            network=network,
            home_space=home,
            host_space=host,
            date=timezone.now().date() + timedelta(days=i + 1),
        )
    extra = SpaceFactory(slug="extra")
    NetworkSpaceFactory(network=network, space=extra)
    as_member, as_host, as_operator = (client_for(u) for u in (member, host_manager, operator))
    with django_assert_max_num_queries(4):
        assert len(as_member.get("/api/v1/passes").json()["items"]) == 15
    with django_assert_max_num_queries(8):
        assert len(as_host.get("/api/v1/spaces/lyon-hub/passes").json()["items"]) == 15
    with django_assert_max_num_queries(8):
        as_operator.get("/api/v1/networks/visa/reciprocity")
