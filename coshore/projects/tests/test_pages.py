"""The project pages: each renders for the team and is not-found for everyone else; the forms
post through the services, change state, and show a service's error inline with its 4xx status
while nothing changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from coshore.projects import services
from coshore.projects.models import (
    Agreement,
    ClientPayment,
    Invitation,
    Project,
    ProjectPost,
    Task,
    TeamMember,
    TimeEntry,
)
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    project: Project
    alice: Any  # opened the project, in Paris
    bob: Any  # on the team, in Tel Aviv
    carol: Any  # a member of a space of the same network, not on the team
    outsider: Any  # a member of a space elsewhere


@pytest.fixture
def world(make_user: Any) -> World:
    network = NetworkFactory(slug="makers")
    paris = SpaceFactory(slug="paris-hub", name="Paris Hub", city="Paris")
    tel_aviv = SpaceFactory(
        slug="tlv-works", name="TLV Works", city="Tel Aviv", timezone="Asia/Jerusalem"
    )
    lyon = SpaceFactory(slug="lyon-lab", name="Lyon Lab", city="Lyon")
    for s in (paris, tel_aviv, lyon):
        NetworkSpaceFactory(network=network, space=s)
    alice = make_user("alice@example.org", name="Alice Martin")
    bob = make_user("bob@example.org", name="Bob Levi")
    carol = make_user("carol@example.org", name="Carol Roux")
    outsider = make_user("out@example.org", name="Otto Side")
    SpaceRoleFactory(space=paris, user=alice, role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=tel_aviv, user=bob, role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=lyon, user=carol, role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=SpaceFactory(slug="far"), user=outsider, role=SpaceRoleKind.MEMBER)
    project = services.open_project(
        creator=alice, title="Brand site", currency="EUR", client_name="Acme", brief="A site."
    )
    invitation = services.invite_member(project=project, inviter=alice, email=bob.email)
    services.accept_invitation(invitation=invitation, user=bob)
    return World(project, alice, bob, carol, outsider)


def _agree(w: World, alice_hours: str = "10", bob_hours: str = "20") -> Agreement:
    services.propose_agreement(
        project=w.project,
        proposer=w.alice,
        coordinator_email=w.alice.email,
        coordinator_share="10",
        split_by="logged_hours",
        budgets=[
            services.BudgetIn(w.alice.email, alice_hours),
            services.BudgetIn(w.bob.email, bob_hours),
        ],
    )
    return services.accept_agreement(project=w.project, user=w.bob)


TABS = ["", "agreement/", "board/", "thread/", "time/", "money/"]


def test_every_tab_renders_for_the_team(client_for: Any, world: World) -> None:
    _agree(world)
    for user in (world.alice, world.bob):
        c = client_for(user)
        for tab in TABS:
            r = c.get(f"/projects/{world.project.pk}/{tab}")
            assert r.status_code == 200, tab
            assert "Brand site" in r.content.decode()


def test_outsiders_get_not_found_and_anonymous_visitors_log_in(
    client: Client, client_for: Any, world: World
) -> None:
    pk = world.project.pk
    for user in (world.carol, world.outsider):
        c = client_for(user)
        for tab in [*TABS, f"statement/{world.alice.pk}/", f"statement/{world.alice.pk}.csv"]:
            assert c.get(f"/projects/{pk}/{tab}").status_code == 404, tab
        assert c.post(f"/projects/{pk}/thread/", {"body": "hi"}).status_code == 404
    assert client.get(f"/projects/{pk}/").status_code == 302
    assert client.get("/projects/").status_code == 302
    assert not ProjectPost.objects.exists()


def test_my_projects_lists_invitations_and_opens_a_project(client_for: Any, world: World) -> None:
    services.invite_member(project=world.project, inviter=world.alice, email=world.carol.email)
    c = client_for(world.carol)
    html = c.get("/projects/").content.decode()
    assert "Brand site" in html and "Alice Martin invites you" in html
    r = c.post(
        "/projects/",
        {"title": "Logo", "currency": "chf", "expected_income": "1200.50", "client_name": "Zeta"},
    )
    project = Project.objects.get(title="Logo")
    assert r.status_code == 302 and r["Location"] == f"/projects/{project.pk}/"
    assert (project.currency, project.expected_income) == ("CHF", Decimal("1200.50"))


def test_a_bad_currency_is_shown_on_the_form(client_for: Any, world: World) -> None:
    r = client_for(world.carol).post("/projects/", {"title": "Logo", "currency": "XYZ"})
    assert r.status_code == 422
    assert "must be an active ISO 4217 code" in r.content.decode()
    assert not Project.objects.filter(title="Logo").exists()


def test_the_invitee_accepts_and_joins_the_team(client_for: Any, world: World) -> None:
    invitation = services.invite_member(
        project=world.project, inviter=world.alice, email=world.carol.email
    )
    c = client_for(world.carol)
    overview = c.get(f"/projects/{world.project.pk}/")
    assert overview.status_code == 200 and "You are invited" in overview.content.decode()
    r = c.post(f"/projects/invitations/{invitation.pk}/accept/")
    assert r.status_code == 302 and r["Location"] == f"/projects/{world.project.pk}/"
    assert TeamMember.objects.filter(project=world.project, user=world.carol).exists()
    # someone else cannot answer it
    again = c.post(f"/projects/invitations/{invitation.pk}/decline/", follow=True)
    assert "already accepted" in again.content.decode()


def test_invite_by_email_and_withdraw(client_for: Any, world: World) -> None:
    c = client_for(world.alice)
    r = c.post(f"/projects/{world.project.pk}/invite/", {"email": world.carol.email})
    assert r.status_code == 302
    invitation = Invitation.objects.get(invitee=world.carol)
    r = c.post(f"/projects/{world.project.pk}/invitations/{invitation.pk}/withdraw/")
    invitation.refresh_from_db()
    assert r.status_code == 302 and invitation.status == "withdrawn"


def test_inviting_someone_outside_the_networks_shows_the_error(
    client_for: Any, world: World
) -> None:
    r = client_for(world.alice).post(
        f"/projects/{world.project.pk}/invite/", {"email": world.outsider.email}
    )
    assert r.status_code == 404
    assert "Nobody with this email is a member of a space in your networks" in r.content.decode()
    assert not Invitation.objects.filter(invitee=world.outsider).exists()


def test_team_tab_shows_spaces_budgets_and_shared_hours(client_for: Any, world: World) -> None:
    _agree(world)
    html = client_for(world.alice).get(f"/projects/{world.project.pk}/").content.decode()
    assert "Paris Hub, Paris" in html and "TLV Works, Tel Aviv" in html
    assert "Shared working hours:" in html
    assert " in Paris" in html and " in Tel Aviv" in html
    assert "of 10 h" in html and "of 20 h" in html
    # Each member's local time is in their own zone, not the server's.
    found = dict(
        (zone, offset)
        for offset, zone in re.findall(
            r'datetime="[0-9T:.-]+([+-]\d\d:\d\d)" title="([^"]+)"', html
        )
    )
    now = timezone.now()
    assert found == {
        name: now.astimezone(ZoneInfo(name)).isoformat()[-6:]
        for name in ("Europe/Paris", "Asia/Jerusalem")
    }


def test_propose_and_accept_an_agreement_on_the_page(client_for: Any, world: World) -> None:
    a, b = client_for(world.alice), client_for(world.bob)
    url = f"/projects/{world.project.pk}/agreement/"
    form = {
        "coordinator": str(world.alice.pk),
        "coordinator_share": "10",
        "pool_share": "5",
        "pool_label": "Space fund",
        "split_by": "budget_hours",
        f"hours_{world.alice.pk}": "10",
        f"hours_{world.bob.pk}": "30",
    }
    assert a.post(url + "propose/", form).status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.accepted_at is None and agreement.pool_label == "Space fund"
    page = b.get(url).content.decode()
    assert "Accept version 1" in page
    assert b.post(url + "accept/", {"version": "1"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.accepted_at is not None
    assert "Accept version 1" not in b.get(url).content.decode()


def test_an_agreement_over_100_percent_is_refused_inline(client_for: Any, world: World) -> None:
    form = {
        "coordinator": str(world.alice.pk),
        "coordinator_share": "60",
        "pool_share": "50",
        "split_by": "logged_hours",
        f"hours_{world.alice.pk}": "10",
        f"hours_{world.bob.pk}": "10",
    }
    r = client_for(world.alice).post(f"/projects/{world.project.pk}/agreement/propose/", form)
    assert r.status_code == 422
    assert "add up to more than 100 %" in r.content.decode()
    assert not Agreement.objects.exists()


def test_tasks_are_added_and_moved_with_htmx(client_for: Any, world: World) -> None:
    c = client_for(world.alice)
    base = f"/projects/{world.project.pk}/board/"
    r = c.post(
        base + "add/", {"title": "Wireframes", "assignee": str(world.bob.pk), "status": "backlog"}
    )
    assert r.status_code == 302
    task = Task.objects.get()
    assert task.assignee == world.bob
    r = c.post(f"{base}{task.pk}/move/", {"status": "doing"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="board"' in r.content.decode()
    assert "<html" not in r.content.decode()
    task.refresh_from_db()
    assert task.status == "doing"
    r = c.post(f"{base}{task.pk}/move/", {"status": "nowhere"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "backlog, doing or done" in r.content.decode()
    task.refresh_from_db()
    assert task.status == "doing"


def test_thread_posts_and_decision_log(client_for: Any, world: World) -> None:
    c = client_for(world.bob)
    url = f"/projects/{world.project.pk}/thread/"
    c.post(url, {"body": "Hello team", "kind": "message"})
    c.post(url, {"body": "We use Django", "kind": "decision"})
    html = c.get(url).content.decode()
    assert "Hello team" in html
    assert html.split('id="decisions"')[1].count("We use Django") == 1
    assert ProjectPost.objects.count() == 2
    assert c.post(url, {"body": "  ", "kind": "message"}).status_code == 400


def test_logging_time_warns_and_waits_for_approval_beyond_the_budget(
    client_for: Any, world: World
) -> None:
    _agree(world, alice_hours="10", bob_hours="10")
    b, a = client_for(world.bob), client_for(world.alice)
    url = f"/projects/{world.project.pk}/time/"
    today = timezone.localdate().isoformat()
    r = b.post(url, {"day": today, "hours": "8", "note": "Design"}, follow=True)
    assert "You have used 80 % of your 10.00 h budget." in r.content.decode()
    r = b.post(url, {"day": today, "hours": "4"}, follow=True)
    html = r.content.decode()
    assert "wait for the coordinator&#x27;s approval" in html
    pending = TimeEntry.objects.get(status="pending")
    assert "Approve" not in html  # Bob is not the coordinator
    assert "Approve" in a.get(url).content.decode()
    r = a.post(f"{url}{pending.pk}/approve/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Counted" in r.content.decode()
    pending.refresh_from_db()
    assert pending.status == "approved"
    # Bob cannot decide (403 inline on the row), and nothing changes
    r = b.post(f"{url}{pending.pk}/decline/", HTTP_HX_REQUEST="true")
    assert r.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "approved"


def test_time_errors_show_on_the_form(client_for: Any, world: World) -> None:
    url = f"/projects/{world.project.pk}/time/"
    c = client_for(world.bob)
    today = timezone.localdate()
    r = c.post(url, {"day": today.isoformat(), "hours": "2"})
    assert r.status_code == 409 and "there is none yet" in r.content.decode()
    _agree(world)
    r = c.post(url, {"day": (today + timedelta(days=5)).isoformat(), "hours": "2"})
    assert r.status_code == 422 and "future day" in r.content.decode()
    assert not TimeEntry.objects.exists()


def test_payments_payouts_statement_and_csv(client_for: Any, world: World) -> None:
    _agree(world)
    services.log_time(project=world.project, user=world.bob, day=timezone.localdate(), hours="6")
    services.log_time(project=world.project, user=world.alice, day=timezone.localdate(), hours="4")
    a, b = client_for(world.alice), client_for(world.bob)
    money = f"/projects/{world.project.pk}/money/"
    assert "Record a payment" not in b.get(money).content.decode()
    r = b.post(money + "payments/", {"amount": "100", "received_at": timezone.localdate()})
    assert r.status_code == 403 and not ClientPayment.objects.exists()
    r = a.post(money + "payments/", {"amount": "1000.001", "received_at": timezone.localdate()})
    assert r.status_code == 422 and "at most 2 decimals" in r.content.decode()
    r = a.post(money + "payments/", {"amount": "1000", "received_at": timezone.localdate()})
    assert r.status_code == 302 and ClientPayment.objects.count() == 1
    html = a.get(money).content.decode()
    assert "1,000.00 EUR" in html and "540.00 EUR" in html and "360.00 EUR" in html
    statement = b.get(f"/projects/{world.project.pk}/statement/{world.bob.pk}/").content.decode()
    assert "90 % of 1,000.00 EUR \u00d7 6 h / 10 h = 540.00 EUR" in statement
    assert "Version 1" in statement
    # Bob reads only his own; Alice (the coordinator) reads everyone's
    other = b.get(f"/projects/{world.project.pk}/statement/{world.alice.pk}/")
    assert other.status_code == 403
    assert a.get(f"/projects/{world.project.pk}/statement/{world.bob.pk}/").status_code == 200
    csv = b.get(f"/projects/{world.project.pk}/statement/{world.bob.pk}.csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode()
    assert "Agreement version,1" in text and "Hours,6,540.000000,540.00,EUR" in text
    also = b.get(f"/projects/{world.project.pk}/statement/{world.bob.pk}/?format=csv")
    assert also.content == csv.content


def test_close_consent_and_the_public_gallery(
    client: Client, client_for: Any, world: World
) -> None:
    a, b = client_for(world.alice), client_for(world.bob)
    pk = world.project.pk
    assert b.post(f"/projects/{pk}/close/").status_code == 302  # refused with a flash
    world.project.refresh_from_db()
    assert world.project.is_open
    a.post(f"/projects/{pk}/close/")
    world.project.refresh_from_db()
    assert not world.project.is_open
    assert f"/projects/{pk}/endorse/" in a.get(f"/projects/{pk}/money/").content.decode()
    assert "Brand site" not in client.get("/projects/gallery/").content.decode()
    a.post(f"/projects/{pk}/gallery/", {"consent": "yes"})
    b.post(f"/projects/{pk}/gallery/", {"consent": "yes"})
    html = client.get("/projects/gallery/").content.decode()
    assert "Brand site" in html and "Bob Levi · TLV Works, Tel Aviv" in html


def test_the_project_page_query_count_does_not_grow_with_the_team(
    client_for: Any, world: World, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    _agree(world)
    for i in range(6):
        TeamMember.objects.create(project=world.project, user=make_user(f"m{i}@example.org"))
    services.log_time(project=world.project, user=world.bob, day=timezone.localdate(), hours="1")
    c = client_for(world.alice)
    for tab in TABS:
        with django_assert_max_num_queries(16):
            assert c.get(f"/projects/{world.project.pk}/{tab}").status_code == 200


def test_team_tab_lists_people_of_the_network_to_invite(client_for: Any, world: World) -> None:
    from coshore.accounts.models import Profile

    Profile.objects.filter(user=world.carol).update(visibility="network")
    page = client_for(world.alice).get(f"/projects/{world.project.pk}/")
    html = page.content.decode()
    assert "People in your networks" in html
    assert world.carol.name in html and world.outsider.name not in html
    html = client_for(world.alice).get(f"/projects/{world.project.pk}/?q=zzz").content.decode()
    assert "Nobody matches “zzz”." in html


def test_the_opener_edits_the_project_on_a_page(client_for: Any, world: World) -> None:
    url = f"/projects/{world.project.pk}/edit/"
    assert client_for(world.bob).get(url).status_code == 200  # team sees the form
    denied = client_for(world.bob).post(url, {"title": "Bob's"})
    assert denied.status_code == 403 and "coordinator" in denied.content.decode()
    assert client_for(world.outsider).get(url).status_code == 404
    bad = client_for(world.alice).post(url, {"title": "", "expected_income": "5"})
    assert bad.status_code == 400
    r = client_for(world.alice).post(
        url, {"title": "Brand site v2", "brief": "More pages.", "expected_income": "2500"}
    )
    assert r.status_code == 302
    world.project.refresh_from_db()
    assert (world.project.title, world.project.brief, world.project.expected_income) == (
        "Brand site v2", "More pages.", Decimal("2500"),
    )  # fmt: skip
    page = client_for(world.alice).get(f"/projects/{world.project.pk}/").content.decode()
    assert "Edit project" in page
    assert (
        "Edit project"
        not in client_for(world.bob).get(f"/projects/{world.project.pk}/").content.decode()
    )
