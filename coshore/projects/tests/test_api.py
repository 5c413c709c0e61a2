"""HTTP tests of the projects API: the whole journey with exact payouts, access to every
endpoint, and bad input in the shared error shape with nothing written.

Alice (Paris) and Bob (Tel Aviv) are this module's people, with emails spelled out so payout
lines read as they are served; `project` (Alice's, shadowing the conftest's) and `agreed` (with
Bob and an accepted agreement) are theirs; `cities` comes from the projects conftest."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.projects import services
from coshore.projects.models import (
    Agreement,
    AgreementAcceptance,
    ClientPayment,
    HourBudget,
    Invitation,
    Project,
    TeamMember,
    TimeEntry,
    TimeEntryStatus,
)
from coshore.projects.rules import next_weekday
from coshore.spaces.tests.factories import SpaceFactory

from .factories import TwoCities, agree, join, member_of

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TEL_AVIV = ZoneInfo("Asia/Jerusalem")


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data=json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (
            Project,
            TeamMember,
            Invitation,
            Agreement,
            HourBudget,
            AgreementAcceptance,
            TimeEntry,
            ClientPayment,
            Activity,
        )
    )


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    return body


def days_ago(n: int) -> str:
    return (timezone.now().date() - timedelta(days=n)).isoformat()


# --- People and projects -------------------------------------------------------------------------


@pytest.fixture
def alice(cities: TwoCities, make_user: Any) -> Any:
    """Works from Paris; opens the projects and coordinates them."""
    return member_of(cities.paris, make_user("alice@paris.example", name="Alice Martin"))


@pytest.fixture
def bob(cities: TwoCities, make_user: Any) -> Any:
    """Works from Tel Aviv, a space of the same network."""
    return member_of(cities.tel_aviv, make_user("bob@telaviv.example", name="Bob Levi"))


@pytest.fixture
def neighbour(cities: TwoCities, make_user: Any) -> Any:
    """A member of Alice's space who is not on her team."""
    return member_of(cities.paris, make_user("neighbour@paris.example"))


@pytest.fixture
def stranger(make_user: Any) -> Any:
    """A member of a space outside the network."""
    return member_of(SpaceFactory(city="Lisbon"), make_user("stranger@lisbon.example"))


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("staff@coshore.example", staff=True)


def open_project(alice: Any, currency: str = "EUR", title: str = "Harbour app") -> Project:
    return services.open_project(creator=alice, title=title, currency=currency)


@pytest.fixture
def project(alice: Any) -> Project:
    return open_project(alice)


@pytest.fixture
def agreed(project: Project, alice: Any, bob: Any) -> Project:
    """Alice and Bob, under an accepted agreement: Alice coordinates for 10 %, 5 % to the pool,
    budgets 40 h and 10 h, split by logged hours."""
    join(project, alice, bob)
    agree(project, [alice, bob], budgets=["40", "10"], pool_share="5")
    return project


def gallery(project: Project, people: list[Any]) -> Project:
    services.close_project(project=project, user=people[0])
    for person in people:
        services.set_gallery_consent(project=project, user=person, consent=True)
    project.refresh_from_db()
    return project


# --- The journey ---------------------------------------------------------------------------------


def test_two_cities_open_agree_log_get_paid_and_split_it_to_the_cent(
    client_for: Any, alice: Any, bob: Any
) -> None:
    a, b = client_for(alice), client_for(bob)

    r = post(a, "/api/v1/projects", {"title": "Harbour app", "brief": "Ferries", "currency": "EUR"})
    assert r.status_code == 201, r.content
    project = r.json()
    pid = project["id"]
    assert project["status"] == "open" and project["currency"] == "EUR"
    assert project["on_team"] is True
    assert [m["person"]["email"] for m in project["team"]] == ["alice@paris.example"]
    assert project["team"][0]["space"]["city"] == "Paris"
    assert project["agreement_in_force"] is None

    r = post(a, f"/api/v1/projects/{pid}/invitations", {"email": "BOB@telaviv.example"})
    assert r.status_code == 201, r.content
    invitation = r.json()
    assert invitation["status"] == "pending"
    assert invitation["invitee"]["email"] == "bob@telaviv.example"
    assert [i["id"] for i in b.get("/api/v1/invitations").json()["items"]] == [invitation["id"]]

    r = post(b, f"/api/v1/invitations/{invitation['id']}/accept")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    assert b.get("/api/v1/invitations").json()["items"] == []

    proposal = {
        "coordinator": "alice@paris.example",
        "coordinator_share": "10",
        "pool_share": "5",
        "split_by": "logged_hours",
        "budgets": [
            {"email": "alice@paris.example", "hours": "40"},
            {"email": "bob@telaviv.example", "hours": "10"},
        ],
    }
    r = put(a, f"/api/v1/projects/{pid}/agreement", proposal)
    assert r.status_code == 201, r.content
    v1 = r.json()
    assert (v1["version"], v1["in_force"], v1["accepted_at"]) == (1, False, None)
    assert (v1["coordinator_share"], v1["pool_share"]) == ("10.00", "5.00")
    assert [(x["email"], x["hours"], x["accepted"]) for x in v1["budgets"]] == [
        ("alice@paris.example", "40.00", True),
        ("bob@telaviv.example", "10.00", False),
    ]
    assert_error(
        post(a, f"/api/v1/projects/{pid}/time-entries", {"date": days_ago(1), "hours": "1"}),
        409,
        "agreement.not_accepted",
    )
    r = post(b, f"/api/v1/projects/{pid}/agreement/accept", {"version": 1})
    assert r.status_code == 200, r.content
    assert r.json()["in_force"] is True and r.json()["accepted_at"] is not None

    # Bob gets both warnings, then his 11th hour waits for the coordinator, who declines it.
    r = post(b, f"/api/v1/projects/{pid}/time-entries", {"date": days_ago(3), "hours": "8"})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "approved"
    assert (r.json()["budget_hours"], r.json()["used_hours"]) == ("10.00", "8.00")
    assert r.json()["warnings"] == ["You have used 80 % of your 10.00 h budget."]
    r = post(b, f"/api/v1/projects/{pid}/time-entries", {"date": days_ago(2), "hours": "2"})
    assert r.json()["warnings"] == ["You have used 100 % of your 10.00 h budget."]
    r = post(b, f"/api/v1/projects/{pid}/time-entries", {"date": days_ago(1), "hours": "1.5"})
    assert r.status_code == 201, r.content
    extra = r.json()
    assert extra["status"] == "pending"
    assert extra["warnings"] == ["Hours beyond your budget wait for the coordinator's approval."]
    assert_error(
        post(b, f"/api/v1/projects/{pid}/time-entries/{extra['id']}/decline"),
        403,
        "project.not_coordinator",
    )
    r = post(a, f"/api/v1/projects/{pid}/time-entries/{extra['id']}/decline")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert_error(
        post(a, f"/api/v1/projects/{pid}/time-entries/{extra['id']}/approve"),
        409,
        "time_entry.conflict",
    )
    for n, hours in [(4, "8"), (3, "8"), (2, "8"), (1, "6")]:
        r = post(a, f"/api/v1/projects/{pid}/time-entries", {"date": days_ago(n), "hours": hours})
        assert r.status_code == 201 and r.json()["status"] == "approved", r.content

    # Two partial payments of 600 and 400.
    for amount, n in [("600.00", 10), ("400", 5)]:
        r = post(
            a,
            f"/api/v1/projects/{pid}/payments",
            {"amount": amount, "currency": "EUR", "received_at": days_ago(n)},
        )
        assert r.status_code == 201, r.content
    assert [p["amount"] for p in b.get(f"/api/v1/projects/{pid}/payments").json()["items"]] == [
        "600.00",
        "400.00",
    ]

    # 1000.00: coordinator 10 % = 100.00, pool 5 % = 50.00, the 850.00 left split 30 h : 10 h.
    r = b.get(f"/api/v1/projects/{pid}/payouts")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["currency"], body["income"], body["agreement_version"]) == ("EUR", "1000.00", 1)
    assert body["basis"] == "logged_hours"
    assert body["items"] == [
        {"member": "alice@paris.example", "role": "coordinator", "hours": None, "amount": "100.00"},
        {"member": None, "role": "pool", "hours": None, "amount": "50.00"},
        {"member": "alice@paris.example", "role": "hours", "hours": "30.00", "amount": "637.50"},
        {"member": "bob@telaviv.example", "role": "hours", "hours": "10.00", "amount": "212.50"},
    ]
    assert sum(Decimal(i["amount"]) for i in body["items"]) == Decimal(body["income"])

    r = a.get(f"/api/v1/projects/{pid}")
    team = {m["person"]["email"]: m for m in r.json()["team"]}
    assert (
        team["bob@telaviv.example"]["logged_hours"],
        team["bob@telaviv.example"]["budget_hours"],
    ) == ("10.00", "10.00")
    assert team["bob@telaviv.example"]["pending_hours"] == "0.00"
    assert team["alice@paris.example"]["logged_hours"] == "30.00"
    assert team["bob@telaviv.example"]["space"]["city"] == "Tel Aviv"
    assert r.json()["agreement_in_force"] == 1


def test_an_approved_hour_beyond_budget_counts_in_the_payouts(
    client_for: Any, agreed: Project, alice: Any, bob: Any
) -> None:
    b = client_for(bob)
    url = f"/api/v1/projects/{agreed.pk}/time-entries"
    assert post(b, url, {"date": days_ago(2), "hours": "10"}).json()["status"] == "approved"
    extra = post(b, url, {"date": days_ago(1), "hours": "2"}).json()
    assert extra["status"] == "pending"
    r = post(client_for(alice), f"{url}/{extra['id']}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    services.record_payment(
        project=agreed, user=alice, amount="120", currency="EUR", received_at=date.today()
    )
    items = b.get(f"/api/v1/projects/{agreed.pk}/payouts").json()["items"]
    # Nobody else logged time: Bob's 12 h take the whole 85 %.
    assert items[-1] == {
        "member": "bob@telaviv.example",
        "role": "hours",
        "hours": "12.00",
        "amount": "102.00",
    }


@pytest.mark.parametrize(
    ("currency", "payments", "income", "amounts"),
    [
        # 10001 yen: exact parts 1000.1, 500.05, 6375.6375, 2125.2125; the one yen left over
        # goes to the largest remainder (Alice's hours).
        ("JPY", ["5000", "5001"], "10001", ["1000", "500", "6376", "2125"]),
        # 100.001 dinars: in fils, the same split as above.
        ("KWD", ["60.5", "39.501"], "100.001", ["10.000", "5.000", "63.751", "21.250"]),
        ("EUR", ["0.01"], "0.01", ["0.00", "0.00", "0.01", "0.00"]),
    ],
)
def test_payouts_round_to_the_currency_minor_unit_and_add_up(
    client_for: Any,
    alice: Any,
    bob: Any,
    currency: str,
    payments: list[str],
    income: str,
    amounts: list[str],
) -> None:
    project = open_project(alice, currency=currency)
    join(project, alice, bob)
    agree(project, [alice, bob], budgets=["40", "10"], pool_share="5")
    for day, hours in [(4, "8"), (3, "8"), (2, "8"), (1, "6")]:
        services.log_time(
            project=project, user=alice, day=date.fromisoformat(days_ago(day)), hours=hours
        )
    services.log_time(project=project, user=bob, day=date.fromisoformat(days_ago(1)), hours="10")
    a = client_for(alice)
    for amount in payments:
        r = post(
            a,
            f"/api/v1/projects/{project.pk}/payments",
            {"amount": amount, "currency": currency.lower(), "received_at": days_ago(1)},
        )
        assert r.status_code == 201, r.content
    body = a.get(f"/api/v1/projects/{project.pk}/payouts").json()
    assert (body["currency"], body["income"]) == (currency, income)
    assert [i["amount"] for i in body["items"]] == amounts
    assert [(i["member"], i["role"]) for i in body["items"]] == [
        ("alice@paris.example", "coordinator"),
        (None, "pool"),
        ("alice@paris.example", "hours"),
        ("bob@telaviv.example", "hours"),
    ]
    assert sum(Decimal(x) for x in amounts) == Decimal(income)


def test_before_any_payment_everyone_gets_zero(client_for: Any, agreed: Project, bob: Any) -> None:
    body = client_for(bob).get(f"/api/v1/projects/{agreed.pk}/payouts").json()
    assert body["income"] == "0.00"
    assert body["basis"] == "budget_hours"  # nobody has logged yet
    assert {i["amount"] for i in body["items"]} == {"0.00"}


def test_budget_split_follows_the_agreed_hours(client_for: Any, alice: Any, bob: Any) -> None:
    project = open_project(alice)
    join(project, alice, bob)
    agree(project, [alice, bob], budgets=["30", "10"], pool_share="5", split_by="budget_hours")
    services.log_time(project=project, user=bob, day=date.fromisoformat(days_ago(1)), hours="9")
    services.record_payment(
        project=project, user=alice, amount="1000", currency="EUR", received_at=date.today()
    )
    body = client_for(alice).get(f"/api/v1/projects/{project.pk}/payouts").json()
    assert body["basis"] == "budget_hours"
    assert [(i["member"], i["hours"], i["amount"]) for i in body["items"]] == [
        ("alice@paris.example", None, "100.00"),
        (None, None, "50.00"),
        ("alice@paris.example", "30.00", "637.50"),
        ("bob@telaviv.example", "10.00", "212.50"),
    ]


def test_a_new_version_keeps_the_old_one_in_force_until_everyone_accepts(
    client_for: Any, agreed: Project, alice: Any, bob: Any
) -> None:
    a, b = client_for(alice), client_for(bob)
    url = f"/api/v1/projects/{agreed.pk}"
    services.record_payment(
        project=agreed, user=alice, amount="100", currency="EUR", received_at=date.today()
    )
    before = b.get(f"{url}/payouts").json()
    r = put(
        b,
        f"{url}/agreement",
        {
            "coordinator": "bob@telaviv.example",
            "coordinator_share": "20",
            "pool_share": "0",
            "split_by": "budget_hours",
            "budgets": [
                {"email": "alice@paris.example", "hours": "10"},
                {"email": "bob@telaviv.example", "hours": "30"},
            ],
        },
    )
    assert r.status_code == 201, r.content
    assert (r.json()["version"], r.json()["in_force"]) == (2, False)
    history = a.get(f"{url}/agreements").json()["items"]
    assert [(v["version"], v["in_force"], v["accepted_at"] is None) for v in history] == [
        (2, False, True),
        (1, True, False),
    ]
    assert a.get(f"{url}/agreement").json()["version"] == 2
    assert a.get(url).json()["agreement_in_force"] == 1
    assert b.get(f"{url}/payouts").json() == before
    # Alice's time still counts against her budget under version 1 (40 h).
    logged = post(a, f"{url}/time-entries", {"date": days_ago(1), "hours": "4"}).json()
    assert (logged["agreement_version"], logged["budget_hours"]) == (1, "40.00")

    assert_error(post(a, f"{url}/agreement/accept", {"version": 1}), 409, "agreement.conflict")
    assert_error(post(b, f"{url}/agreement/accept"), 409, "agreement.conflict")  # proposed it
    r = post(a, f"{url}/agreement/accept", {"version": 2})
    assert r.status_code == 200 and r.json()["in_force"] is True
    assert_error(post(a, f"{url}/agreement/accept"), 409, "agreement.conflict")
    assert a.get(url).json()["agreement_in_force"] == 2
    history = a.get(f"{url}/agreements").json()["items"]
    assert [(v["version"], v["in_force"]) for v in history] == [(2, True), (1, False)]
    after = b.get(f"{url}/payouts").json()
    assert (after["agreement_version"], after["split_by"]) == (2, "budget_hours")
    assert [i["amount"] for i in after["items"]] == ["20.00", "20.00", "60.00"]


def test_shared_working_hours_of_paris_and_tel_aviv(
    client_for: Any, project: Project, alice: Any, bob: Any
) -> None:
    join(project, alice, bob)
    body = client_for(alice).get(f"/api/v1/projects/{project.pk}").json()
    assert sorted(m["timezone"] for m in body["team"]) == ["Asia/Jerusalem", "Europe/Paris"]
    shared = body["shared_hours"]
    starts = datetime.fromisoformat(shared["starts_at"])
    ends = datetime.fromisoformat(shared["ends_at"])
    # The next weekday (UTC) from now; Tel Aviv is ahead of Paris all year, so the shared
    # window opens at 09:00 in Paris and closes at 18:00 in Tel Aviv.
    day = next_weekday(timezone.now().astimezone(UTC).date())
    assert starts == datetime.combine(day, time(9), PARIS)
    assert ends == datetime.combine(day, time(18), TEL_AVIV)
    assert shared["hours"] == (ends - starts).total_seconds() / 3600
    offsets = (PARIS.utcoffset(starts), TEL_AVIV.utcoffset(starts))
    if offsets == (timedelta(hours=1), timedelta(hours=2)):  # winter
        assert (starts.astimezone(UTC).time(), ends.astimezone(UTC).time()) == (time(8), time(16))
        assert shared["hours"] == 8.0


def test_a_lone_member_has_their_whole_working_day(
    client_for: Any, project: Project, alice: Any
) -> None:
    assert (
        client_for(alice).get(f"/api/v1/projects/{project.pk}").json()["shared_hours"]["hours"]
        == 9.0
    )


# --- Access --------------------------------------------------------------------------------------


@pytest.fixture
def invitee(project: Project, alice: Any, make_user: Any, cities: TwoCities) -> Any:
    """Invited to the project, not answered yet."""
    person = member_of(cities.tel_aviv, make_user("invitee@telaviv.example"))
    services.invite_member(project=project, inviter=alice, email=person.email)
    return person


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("alice", 200),
        ("bob", 200),
        ("invitee", 200),
        ("neighbour", 404),
        ("stranger", 404),
        ("staff", 200),
    ],
)
def test_who_reads_an_open_project(
    request: Any,
    client_for: Any,
    api_client: Client,
    agreed: Project,
    invitee: Any,
    who: str,
    status: int,
) -> None:
    client = api_client if who == "anonymous" else client_for(request.getfixturevalue(who))
    r = client.get(f"/api/v1/projects/{agreed.pk}")
    if status == 404:
        assert_error(r, 404, "project.not_found")
        return
    assert r.status_code == 200, r.content
    body = r.json()
    on_team = who in ("alice", "bob")
    assert body["on_team"] is on_team
    emails = [m["person"]["email"] for m in body["team"]]
    assert emails == (["alice@paris.example", "bob@telaviv.example"] if on_team else [None, None])
    if not on_team:
        assert {m["budget_hours"] for m in body["team"]} == {None}


TEAM_ONLY = [
    ("get", "/invitations"),
    ("get", "/agreement"),
    ("get", "/agreements"),
    ("get", "/tasks"),
    ("get", "/posts"),
    ("get", "/time-entries"),
    ("get", "/payments"),
    ("get", "/payouts"),
    ("post", "/time-entries"),
    ("post", "/payments"),
    ("post", "/invitations"),
    ("post", "/agreement/accept"),
]


@pytest.mark.parametrize(("method", "path"), TEAM_ONLY)
@pytest.mark.parametrize("who", ["invitee", "neighbour", "stranger", "staff"])
def test_team_only_endpoints_are_not_found_for_everyone_else(
    request: Any, client_for: Any, agreed: Project, invitee: Any, who: str, method: str, path: str
) -> None:
    client = client_for(request.getfixturevalue(who))
    url = f"/api/v1/projects/{agreed.pk}{path}"
    body = {"date": days_ago(1), "hours": "1", "amount": "1", "currency": "EUR"}
    body |= {"received_at": days_ago(1), "email": "bob@telaviv.example"}
    before = counts()
    r = client.get(url) if method == "get" else post(client, url, body)
    assert_error(r, 404, "project.not_found")
    assert counts() == before


@pytest.mark.parametrize(("method", "path"), TEAM_ONLY)
def test_anonymous_callers_must_log_in(
    api_client: Client, agreed: Project, method: str, path: str
) -> None:
    url = f"/api/v1/projects/{agreed.pk}{path}"
    r = api_client.get(url) if method == "get" else post(api_client, url, {})
    assert_error(r, 401, "auth.required")


def test_a_gallery_project_is_public_but_its_team_data_is_not(
    client_for: Any, api_client: Client, agreed: Project, alice: Any, bob: Any, neighbour: Any
) -> None:
    services.log_time(project=agreed, user=bob, day=date.fromisoformat(days_ago(1)), hours="3")
    services.close_project(project=agreed, user=alice)
    services.set_gallery_consent(project=agreed, user=alice, consent=True)
    assert_error(api_client.get(f"/api/v1/projects/{agreed.pk}"), 404, "project.not_found")
    assert api_client.get("/api/v1/projects/gallery").json()["items"] == []
    services.set_gallery_consent(project=agreed, user=bob, consent=True)

    assert [p["id"] for p in api_client.get("/api/v1/projects/gallery").json()["items"]] == [
        agreed.pk
    ]
    r = api_client.get(f"/api/v1/projects/{agreed.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["in_gallery"], body["on_team"], body["status"]) == (True, False, "closed")
    assert [m["person"] for m in body["team"]] == [
        {"id": alice.pk, "name": "Alice Martin", "email": None},
        {"id": bob.pk, "name": "Bob Levi", "email": None},
    ]
    assert {(m["budget_hours"], m["logged_hours"]) for m in body["team"]} == {(None, "0.00")}
    assert "alice@paris.example" not in r.content.decode()

    outsider = client_for(neighbour)
    assert outsider.get(f"/api/v1/projects/{agreed.pk}").json()["in_gallery"] is True
    before = counts()
    for path in ("/payouts", "/time-entries", "/payments", "/agreements"):
        assert_error(outsider.get(f"/api/v1/projects/{agreed.pk}{path}"), 404, "project.not_found")
    r = post(
        outsider, f"/api/v1/projects/{agreed.pk}/time-entries", {"date": days_ago(1), "hours": "1"}
    )
    assert_error(r, 404, "project.not_found")
    assert counts() == before
    # The team still sees its own data on the delivered project.
    team_view = client_for(bob).get(f"/api/v1/projects/{agreed.pk}").json()
    assert team_view["on_team"] is True
    assert [m["logged_hours"] for m in team_view["team"]] == ["0.00", "3.00"]


def test_another_teams_project_is_not_found(
    client_for: Any, agreed: Project, neighbour: Any
) -> None:
    theirs = open_project(neighbour, title="Neighbour's")
    a = client_for(agreed.created_by)
    before = counts()
    for r in (
        a.get(f"/api/v1/projects/{theirs.pk}"),
        a.get(f"/api/v1/projects/{theirs.pk}/payouts"),
        post(a, f"/api/v1/projects/{theirs.pk}/time-entries", {"date": days_ago(1), "hours": "1"}),
        post(a, f"/api/v1/projects/{theirs.pk}/invitations", {"email": "bob@telaviv.example"}),
    ):
        assert_error(r, 404, "project.not_found")
    assert counts() == before


@pytest.mark.parametrize(
    "project_id", ["0", "-1", "999999", "99999999999999999999999999", str(2**63)]
)
def test_unknown_project_ids_are_not_found(client_for: Any, alice: Any, project_id: str) -> None:
    assert_error(client_for(alice).get(f"/api/v1/projects/{project_id}"), 404, "project.not_found")


def test_list_my_projects_shows_only_mine(
    client_for: Any, agreed: Project, alice: Any, neighbour: Any
) -> None:
    open_project(neighbour, title="Neighbour's")
    assert [p["id"] for p in client_for(alice).get("/api/v1/projects").json()["items"]] == [
        agreed.pk
    ]


# --- Invitations ---------------------------------------------------------------------------------


def test_invitations_reach_only_members_of_the_inviters_networks(
    client_for: Any, project: Project, alice: Any, bob: Any, stranger: Any
) -> None:
    a = client_for(alice)
    url = f"/api/v1/projects/{project.pk}/invitations"
    before = counts()
    for email in ("stranger@lisbon.example", "nobody@example.org", "", "x" * 254):
        assert_error(post(a, url, {"email": email}), 404, "project.person_not_found")
    assert counts() == before

    assert post(a, url, {"email": "bob@telaviv.example"}).status_code == 201
    before = counts()
    assert_error(post(a, url, {"email": "bob@telaviv.example"}), 409, "invitation.conflict")
    assert_error(post(a, url, {"email": "alice@paris.example"}), 409, "project.already_on_team")
    assert counts() == before


def test_only_the_invitee_answers_an_invitation(
    client_for: Any, project: Project, alice: Any, bob: Any, neighbour: Any
) -> None:
    invitation = services.invite_member(project=project, inviter=alice, email=bob.email)
    before = counts()
    for person in (alice, neighbour):
        for verb in ("accept", "decline"):
            r = post(client_for(person), f"/api/v1/invitations/{invitation.pk}/{verb}")
            assert_error(r, 404, "invitation.not_found")
    for bad_id in ("999999", "0", "99999999999999999999999"):
        r = post(client_for(bob), f"/api/v1/invitations/{bad_id}/accept")
        assert_error(r, 404, "invitation.not_found")
    assert counts() == before

    b = client_for(bob)
    assert post(b, f"/api/v1/invitations/{invitation.pk}/decline").json()["status"] == "declined"
    before = counts()
    assert_error(post(b, f"/api/v1/invitations/{invitation.pk}/accept"), 409, "invitation.conflict")
    assert counts() == before
    assert not TeamMember.objects.filter(project=project, user=bob).exists()
    # A declined invitation does not block a new one.
    again = post(
        client_for(alice), f"/api/v1/projects/{project.pk}/invitations", {"email": bob.email}
    )
    assert again.status_code == 201
    assert post(b, f"/api/v1/invitations/{again.json()['id']}/accept").status_code == 200
    assert_error(
        post(b, f"/api/v1/invitations/{again.json()['id']}/accept"), 409, "invitation.conflict"
    )


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": "x" * 201, "currency": "EUR"}, 422, "validation_error"),
        ({"title": "x" * 100_000, "currency": "EUR"}, 422, "validation_error"),
        ({"title": "  ", "currency": "EUR"}, 422, "project.invalid"),
        ({"title": "App", "currency": "XXY"}, 422, "project.invalid"),
        ({"title": "App", "currency": 978}, 422, "validation_error"),
        ({"title": 7, "currency": "EUR"}, 422, "validation_error"),
        ({"title": True, "currency": "EUR"}, 422, "validation_error"),
        ({"currency": "EUR"}, 422, "validation_error"),
        ({"title": "App", "currency": "EUR", "expected_income": "-1"}, 422, "project.invalid"),
        ({"title": "App", "currency": "EUR", "expected_income": "1.001"}, 422, "project.invalid"),
        ({"title": "App", "currency": "JPY", "expected_income": "1.5"}, 422, "project.invalid"),
        ({"title": "App", "currency": "EUR", "expected_income": 1.5}, 422, "validation_error"),
        ({"title": "App", "currency": "EUR", "expected_income": "NaN"}, 422, "project.invalid"),
        (
            {"title": "App", "currency": "EUR", "organisation": "nope"},
            404,
            "organisation.not_found",
        ),
    ],
)
def test_opening_a_project_refuses_bad_input(
    client_for: Any, alice: Any, body: dict[str, Any], status: int, code: str
) -> None:
    before = counts()
    assert_error(post(client_for(alice), "/api/v1/projects", body), status, code)
    assert counts() == before


def test_malformed_json_and_wrong_shapes(client_for: Any, agreed: Project, alice: Any) -> None:
    a = client_for(alice)
    before = counts()
    for url in (
        "/api/v1/projects",
        f"/api/v1/projects/{agreed.pk}/time-entries",
        f"/api/v1/projects/{agreed.pk}/payments",
        f"/api/v1/projects/{agreed.pk}/invitations",
    ):
        r = a.post(url, data="{not json", content_type="application/json")
        assert_error(r, 400, "request.malformed_json")
        r = a.post(url, data="[1, 2]", content_type="application/json")
        assert_error(r, 400, "request.malformed_json")
    r = a.put(f"/api/v1/projects/{agreed.pk}/agreement", data="{", content_type="application/json")
    assert_error(r, 400, "request.malformed_json")
    assert counts() == before


def test_anonymous_cannot_open_a_project(api_client: Client) -> None:
    before = counts()
    assert_error(
        post(api_client, "/api/v1/projects", {"title": "x", "currency": "EUR"}),
        401,
        "auth.required",
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"hours": "-1"}, 422, "time_entry.invalid"),
        ({"hours": "0"}, 422, "time_entry.invalid"),
        ({"hours": "24.01"}, 422, "time_entry.invalid"),
        ({"hours": "25"}, 422, "time_entry.invalid"),
        ({"hours": "1.001"}, 422, "time_entry.invalid"),
        ({"hours": "NaN"}, 422, "time_entry.invalid"),
        ({"hours": "Infinity"}, 422, "time_entry.invalid"),
        ({"hours": "1e400"}, 422, "time_entry.invalid"),
        ({"hours": "two"}, 422, "time_entry.invalid"),
        ({"hours": "1" * 10_000}, 422, "time_entry.invalid"),
        ({"hours": 2.5}, 422, "validation_error"),
        ({"hours": True}, 422, "validation_error"),
        ({"hours": None}, 422, "validation_error"),
        ({"hours": ["2"]}, 422, "validation_error"),
        ({"date": "2026-02-30"}, 422, "validation_error"),
        ({"date": "yesterday"}, 422, "validation_error"),
        ({"date": 20260101}, 422, "validation_error"),
        ({"date": days_ago(-2)}, 422, "time_entry.invalid"),
        ({"date": days_ago(400)}, 422, "time_entry.invalid"),
        ({"note": "x" * 1001}, 422, "validation_error"),
        ({"note": 5}, 422, "validation_error"),
        ({"task": 999_999}, 404, "task.not_found"),
        ({"task": 2**70}, 404, "task.not_found"),
        ({"task": "1"}, 422, "validation_error"),
    ],
)
def test_logging_time_refuses_bad_input(
    client_for: Any, agreed: Project, bob: Any, overrides: dict[str, Any], status: int, code: str
) -> None:
    body = {"date": days_ago(1), "hours": "2", "note": "", **overrides}
    before = counts()
    r = post(client_for(bob), f"/api/v1/projects/{agreed.pk}/time-entries", body)
    assert_error(r, status, code)
    assert counts() == before


def test_a_day_has_at_most_24_hours_across_entries_and_projects(
    client_for: Any, agreed: Project, alice: Any, bob: Any
) -> None:
    b = client_for(bob)
    url = f"/api/v1/projects/{agreed.pk}/time-entries"
    day = days_ago(1)
    assert post(b, url, {"date": day, "hours": "20"}).status_code == 201
    before = counts()
    body = assert_error(post(b, url, {"date": day, "hours": "4.01"}), 422, "time_entry.invalid")
    assert body["detail"] == {"field": "hours", "logged": "20.00"}
    other = open_project(alice, title="Second")
    join(other, alice, bob)
    agree(other, [alice, bob], budgets=["10", "10"])
    before = counts()
    r = post(b, f"/api/v1/projects/{other.pk}/time-entries", {"date": day, "hours": "4.5"})
    assert_error(r, 422, "time_entry.invalid")
    assert counts() == before
    assert (
        post(
            b, f"/api/v1/projects/{other.pk}/time-entries", {"date": day, "hours": "4"}
        ).status_code
        == 201
    )
    # A declined entry no longer counts towards the day.
    assert post(b, url, {"date": days_ago(2), "hours": "24"}).json()["status"] == "pending"


def test_time_on_a_closed_project_is_refused(
    client_for: Any, agreed: Project, alice: Any, bob: Any
) -> None:
    services.close_project(project=agreed, user=alice)
    before = counts()
    r = post(
        client_for(bob),
        f"/api/v1/projects/{agreed.pk}/time-entries",
        {"date": days_ago(1), "hours": "1"},
    )
    assert_error(r, 409, "project.closed")
    r = post(client_for(alice), f"/api/v1/projects/{agreed.pk}/invitations", {"email": "x@y.z"})
    assert_error(r, 409, "project.closed")
    assert counts() == before


def test_a_member_without_a_budget_in_force_cannot_log(
    client_for: Any, agreed: Project, alice: Any, cities: TwoCities, make_user: Any
) -> None:
    carol = member_of(cities.tel_aviv, make_user("carol@telaviv.example"))
    join(agreed, alice, carol)
    before = counts()
    r = post(
        client_for(carol),
        f"/api/v1/projects/{agreed.pk}/time-entries",
        {"date": days_ago(1), "hours": "1"},
    )
    assert_error(r, 409, "time_entry.conflict")
    assert counts() == before


def proposal(**overrides: Any) -> dict[str, Any]:
    return {
        "coordinator": "alice@paris.example",
        "coordinator_share": "10",
        "pool_share": "5",
        "split_by": "logged_hours",
        "budgets": [
            {"email": "alice@paris.example", "hours": "40"},
            {"email": "bob@telaviv.example", "hours": "10"},
        ],
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"coordinator_share": "100.01"}, 422, "agreement.invalid"),
        ({"coordinator_share": "101"}, 422, "agreement.invalid"),
        ({"coordinator_share": "-1"}, 422, "agreement.invalid"),
        ({"pool_share": "-0.01"}, 422, "agreement.invalid"),
        ({"pool_share": "200"}, 422, "agreement.invalid"),
        ({"coordinator_share": "60", "pool_share": "40.01"}, 422, "agreement.invalid"),
        ({"coordinator_share": "10.001"}, 422, "agreement.invalid"),
        ({"coordinator_share": "NaN"}, 422, "agreement.invalid"),
        ({"coordinator_share": 10.5}, 422, "validation_error"),
        ({"coordinator_share": True}, 422, "validation_error"),
        ({"coordinator": 42}, 422, "validation_error"),
        ({"coordinator": "stranger@lisbon.example"}, 422, "agreement.invalid"),
        ({"split_by": "vibes"}, 422, "agreement.invalid"),
        ({"split_by": None}, 422, "validation_error"),
        ({"budgets": [{"email": "alice@paris.example", "hours": "40"}]}, 422, "agreement.invalid"),
        (
            {
                "budgets": [
                    {"email": "alice@paris.example", "hours": "40"},
                    {"email": "bob@telaviv.example", "hours": "-1"},
                ]
            },
            422,
            "agreement.invalid",
        ),
        (
            {
                "budgets": [
                    {"email": "alice@paris.example", "hours": "40"},
                    {"email": "bob@telaviv.example", "hours": 1.5},
                ]
            },
            422,
            "validation_error",
        ),
        (
            {
                "budgets": [
                    {"email": "alice@paris.example", "hours": "40"},
                    {"email": "ALICE@paris.example", "hours": "1"},
                ]
            },
            422,
            "agreement.invalid",
        ),
        (
            {
                "budgets": [
                    {"email": "alice@paris.example", "hours": "0"},
                    {"email": "bob@telaviv.example", "hours": "0"},
                ]
            },
            422,
            "agreement.invalid",
        ),
        (
            {
                "budgets": [
                    {"email": "alice@paris.example", "hours": "40"},
                    {"email": 7, "hours": "1"},
                ]
            },
            422,
            "validation_error",
        ),
        ({"budgets": "all"}, 422, "validation_error"),
    ],
)
def test_proposing_an_agreement_refuses_bad_input(
    client_for: Any,
    project: Project,
    alice: Any,
    bob: Any,
    overrides: dict[str, Any],
    status: int,
    code: str,
) -> None:
    join(project, alice, bob)
    before = counts()
    r = put(client_for(alice), f"/api/v1/projects/{project.pk}/agreement", proposal(**overrides))
    assert_error(r, status, code)
    assert counts() == before


def test_shares_may_add_up_to_exactly_100(
    client_for: Any, project: Project, alice: Any, bob: Any
) -> None:
    join(project, alice, bob)
    r = put(
        client_for(alice),
        f"/api/v1/projects/{project.pk}/agreement",
        proposal(coordinator_share="60", pool_share="40"),
    )
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("method", [put, patch])
@pytest.mark.parametrize("accepted", [True, False])
def test_an_agreement_version_is_never_edited_in_place(
    client_for: Any, project: Project, alice: Any, bob: Any, method: Any, accepted: bool
) -> None:
    join(project, alice, bob)
    if accepted:
        agree(project, [alice, bob], budgets=["40", "10"])
    else:
        put(client_for(alice), f"/api/v1/projects/{project.pk}/agreement", proposal())
    before = counts()
    a = client_for(alice)
    body = assert_error(
        method(a, f"/api/v1/projects/{project.pk}/agreements/1", proposal(coordinator_share="50")),
        409,
        "agreement.immutable",
    )
    assert body["detail"] == {"version": 1, "accepted": accepted}
    r = method(a, f"/api/v1/projects/{project.pk}/agreements/2", proposal())
    assert_error(r, 404, "agreement.not_found")
    r = method(a, f"/api/v1/projects/{project.pk}/agreements/{2**70}", proposal())
    assert_error(r, 404, "agreement.not_found")
    assert counts() == before
    assert Agreement.objects.get(project=project).coordinator_share == Decimal("10")


def test_accepting_an_agreement_twice_or_with_none_is_a_conflict(
    client_for: Any, project: Project, alice: Any, bob: Any
) -> None:
    join(project, alice, bob)
    b = client_for(bob)
    url = f"/api/v1/projects/{project.pk}/agreement/accept"
    assert_error(post(b, url), 409, "agreement.not_accepted")
    put(client_for(alice), f"/api/v1/projects/{project.pk}/agreement", proposal())
    assert_error(post(b, url, {"version": "1"}), 422, "validation_error")
    assert_error(post(b, url, {"version": 7}), 409, "agreement.conflict")
    assert post(b, url, {"version": 1}).status_code == 200
    before = counts()
    assert_error(post(b, url), 409, "agreement.conflict")
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"currency": "USD"}, 422, "payment.currency_mismatch"),
        ({"currency": "EURO"}, 422, "payment.currency_mismatch"),
        ({"amount": "0"}, 422, "payment.invalid"),
        ({"amount": "-5"}, 422, "payment.invalid"),
        ({"amount": "1.001"}, 422, "payment.invalid"),
        ({"amount": "1e13"}, 422, "payment.invalid"),
        ({"amount": "x" * 5000}, 422, "payment.invalid"),
        ({"amount": 10.5}, 422, "validation_error"),
        ({"amount": False}, 422, "validation_error"),
        ({"received_at": "2026-13-01"}, 422, "validation_error"),
        ({"received_at": days_ago(-5)}, 422, "payment.invalid"),
        ({"note": "x" * 501}, 422, "validation_error"),
    ],
)
def test_recording_a_payment_refuses_bad_input(
    client_for: Any, agreed: Project, alice: Any, overrides: dict[str, Any], status: int, code: str
) -> None:
    body = {"amount": "100", "currency": "EUR", "received_at": days_ago(1), **overrides}
    before = counts()
    assert_error(
        post(client_for(alice), f"/api/v1/projects/{agreed.pk}/payments", body), status, code
    )
    assert counts() == before


def test_only_the_coordinator_or_opener_records_payments(
    client_for: Any, agreed: Project, bob: Any
) -> None:
    before = counts()
    r = post(
        client_for(bob),
        f"/api/v1/projects/{agreed.pk}/payments",
        {"amount": "100", "currency": "EUR", "received_at": days_ago(1)},
    )
    assert_error(r, 403, "project.not_coordinator")
    assert counts() == before


def test_payouts_wait_for_an_accepted_agreement(
    client_for: Any, project: Project, alice: Any, bob: Any
) -> None:
    join(project, alice, bob)
    a = client_for(alice)
    assert_error(a.get(f"/api/v1/projects/{project.pk}/payouts"), 409, "agreement.not_accepted")
    put(a, f"/api/v1/projects/{project.pk}/agreement", proposal())
    before = counts()
    assert_error(a.get(f"/api/v1/projects/{project.pk}/payouts"), 409, "agreement.not_accepted")
    assert counts() == before


# --- Query counts --------------------------------------------------------------------------------


def grow_team(project: Project, alice: Any, cities: TwoCities, make_user: Any, size: int) -> None:
    """A team of `size` under an accepted agreement, with 20 time entries per member."""
    people = [alice]
    for i in range(size - 1):
        space = cities.paris if i % 2 else cities.tel_aviv
        person = member_of(space, make_user(f"member{i:02}@{project.pk}.team.example"))
        join(project, alice, person)
        people.append(person)
    agreement = agree(project, people, budgets=["100"] * size, pool_share="5")
    today = timezone.now().date()
    TimeEntry.objects.bulk_create(
        TimeEntry(
            project=project,
            user=person,
            date=today - timedelta(days=d + 1),
            hours=Decimal("1.5"),
            agreement=agreement,
            status=TimeEntryStatus.PENDING if d == 0 else TimeEntryStatus.APPROVED,
        )
        for person in people
        for d in range(200 // size)
    )
    services.record_payment(
        project=project, user=alice, amount="999.99", currency="EUR", received_at=today
    )


def test_reading_a_project_and_its_payouts_costs_the_same_for_any_team_size(
    client_for: Any,
    alice: Any,
    cities: TwoCities,
    make_user: Any,
    django_assert_max_num_queries: Any,
) -> None:
    small = open_project(alice, title="Small")
    grow_team(small, alice, cities, make_user, 2)
    large = open_project(alice, title="Large")
    grow_team(large, alice, cities, make_user, 10)
    assert TimeEntry.objects.filter(project=large).count() == 200
    a = client_for(alice)
    used = {}
    for project in (small, large):
        for path in ("", "/payouts", "/agreements", "/time-entries"):
            with CaptureQueriesContext(connection) as ctx:
                r = a.get(f"/api/v1/projects/{project.pk}{path}")
            assert r.status_code == 200, r.content
            used[project.title, path] = len(ctx.captured_queries)
    for path in ("", "/payouts", "/agreements", "/time-entries"):
        assert used["Small", path] == used["Large", path], (path, used)
    with django_assert_max_num_queries(10):
        body = a.get(f"/api/v1/projects/{large.pk}").json()
    assert len(body["team"]) == 10
    with django_assert_max_num_queries(10):
        body = a.get(f"/api/v1/projects/{large.pk}/payouts").json()
    assert len(body["items"]) == 12
    assert sum(Decimal(i["amount"]) for i in body["items"]) == Decimal("999.99")
