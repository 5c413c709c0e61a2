"""The coshoring journey in real Chromium: Alice (Paris) opens a project and invites Bob, a
member of a Tel Aviv space of the same network; Bob accepts; Alice proposes the agreement and
Bob accepts it; Bob logs time and is warned near his budget; Alice records the client's
payment; Bob reads his statement. And the project page on a phone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coshore.projects import services
from coshore.projects.models import Agreement, Project, TimeEntry
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@dataclass
class Team:
    alice: Any
    bob: Any


@pytest.fixture
def team(transactional_db: None, make_user: Any) -> Team:
    network = NetworkFactory(slug="makers", name="Makers Network")
    paris = SpaceFactory(slug="paris-hub", name="Paris Hub", city="Paris")
    tel_aviv = SpaceFactory(
        slug="tlv-works",
        name="TLV Works",
        city="Tel Aviv",
        timezone="Asia/Jerusalem",
        lat=32.08,
        lon=34.78,
    )
    for space in (paris, tel_aviv):
        NetworkSpaceFactory(network=network, space=space)
    alice = make_user("alice@example.org", name="Alice Martin")
    bob = make_user("bob@example.org", name="Bob Levi")
    SpaceRoleFactory(space=paris, user=alice, role=SpaceRoleKind.MEMBER)
    SpaceRoleFactory(space=tel_aviv, user=bob, role=SpaceRoleKind.MEMBER)
    return Team(alice, bob)


def _switch_to(page: Page, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, user)


def test_a_team_across_spaces_coshores_a_project(page: Page, live_server: Any, team: Team) -> None:
    # Alice opens a project from "Projects" in the nav.
    log_in(page, live_server, team.alice)
    page.goto(live_server.url + "/passes/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", name="My projects")).to_be_visible()
    page.get_by_label("Title").fill("Brand site for Acme")
    page.get_by_label("Brief").fill("A new website, in three languages.")
    page.get_by_label("Client").fill("Acme")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Expected income").fill("1000")
    screenshot(page, "projects-mine")
    page.get_by_role("button", name="Open project").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))
    project = Project.objects.get()
    expect(page.get_by_role("heading", name="Brand site for Acme")).to_be_visible()

    # She invites Bob, a member of a Tel Aviv space of the same network.
    page.get_by_label("Email").fill("bob@example.org")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Bob Levi is invited.")
    expect(page.locator("[data-invitation]")).to_contain_text("Bob Levi")

    # Bob logs in and accepts from his projects page.
    _switch_to(page, live_server, team.bob)
    page.goto(live_server.url + "/projects/")
    expect(page.locator("[data-invitation]")).to_contain_text("Alice Martin invites you")
    screenshot(page, "projects-invitation")
    page.get_by_role("button", name="Accept the invitation to Brand site for Acme").click()
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("You joined the team")
    shared = page.locator("#shared-hours")
    expect(shared).to_contain_text("Shared working hours:")
    expect(shared).to_contain_text(re.compile(r"\d\d:\d\d\u2013\d\d:\d\d in Paris"))
    expect(shared).to_contain_text("in Tel Aviv")
    expect(page.locator(f"[data-member='{team.bob.pk}']")).to_contain_text("TLV Works, Tel Aviv")

    # Alice proposes the agreement: she coordinates (10 %), the rest by logged hours.
    _switch_to(page, live_server, team.alice)
    page.goto(live_server.url + f"/projects/{project.pk}/agreement/")
    page.get_by_label("Coordinator", exact=True).select_option(label="Alice Martin")
    page.get_by_label("Coordinator share (%)").fill("10")
    page.get_by_label("Split the rest by").select_option("logged_hours")
    page.get_by_label("Hours for Alice Martin").fill("10")
    page.get_by_label("Hours for Bob Levi").fill("10")
    page.get_by_role("button", name="Propose version 1").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 is proposed")
    expect(page.locator("#latest-version")).to_contain_text("Waiting for Bob Levi")

    # Bob accepts it: it is in force.
    _switch_to(page, live_server, team.bob)
    page.goto(live_server.url + f"/projects/{project.pk}/agreement/")
    screenshot(page, "projects-agreement")
    page.get_by_role("button", name="Accept version 1").click()
    expect(page.get_by_role("status")).to_contain_text("in force")
    assert Agreement.objects.get().accepted_at is not None

    # Bob adds a task, moves it with htmx, and logs time on it: 8 of his 10 h warn him.
    page.get_by_role("link", name="Board").click()
    page.get_by_label("Task", exact=True).fill("Wireframes")
    page.get_by_role("button", name="Add task").click()
    task_card = page.locator("[data-column='backlog'] [data-task]")
    expect(task_card).to_contain_text("Wireframes")
    task_card.get_by_role("button", name="Move Wireframes to Doing").click()
    expect(page.locator("[data-column='doing'] [data-task]")).to_contain_text("Wireframes")
    screenshot(page, "projects-board")
    page.get_by_role("link", name="Time").click()
    page.get_by_label("Hours").fill("8")
    page.get_by_label("Task", exact=True).select_option(label="Wireframes")
    page.get_by_label("Note").fill("First drafts")
    page.get_by_role("button", name="Log time").click()
    expect(page.locator(".flash-warning")).to_contain_text("You have used 80 % of your 10.00 h")
    expect(page.locator("#time-entries")).to_contain_text("Wireframes")
    screenshot(page, "projects-time")
    assert TimeEntry.objects.get().hours == 8

    # Alice records the client's payment and sees the payouts.
    _switch_to(page, live_server, team.alice)
    page.goto(live_server.url + f"/projects/{project.pk}/money/")
    page.get_by_label("Amount (EUR)").fill("1000")
    page.get_by_label("Received on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator("#income")).to_have_text("1,000.00 EUR")
    payouts = page.locator("#payouts")
    expect(payouts.locator("tr", has_text="Bob Levi")).to_contain_text("900.00 EUR")
    expect(payouts.locator("tr", has_text="Alice Martin")).to_contain_text("100.00 EUR")
    screenshot(page, "projects-money")

    # Bob reads his statement.
    _switch_to(page, live_server, team.bob)
    page.goto(live_server.url + f"/projects/{project.pk}/money/")
    page.locator("#main").get_by_role("link", name="Bob Levi").click()
    expect(page.locator("#statement-total")).to_have_text("900.00 EUR")
    expect(page.locator("#computation")).to_contain_text(
        "90 % of 1,000.00 EUR \u00d7 8 h / 8 h = 900.00 EUR"
    )
    screenshot(page, "projects-statement")


def test_the_project_page_on_a_phone(mobile_page: Page, live_server: Any, team: Team) -> None:
    project = services.open_project(
        creator=team.alice, title="Brand site for Acme", currency="EUR", client_name="Acme"
    )
    invitation = services.invite_member(
        project=project, inviter=team.alice, email="bob@example.org"
    )
    services.accept_invitation(invitation=invitation, user=team.bob)
    services.propose_agreement(
        project=project,
        proposer=team.alice,
        coordinator_email="alice@example.org",
        coordinator_share="10",
        split_by="logged_hours",
        budgets=[
            services.BudgetIn("alice@example.org", "10"),
            services.BudgetIn("bob@example.org", "20"),
        ],
    )
    services.accept_agreement(project=project, user=team.bob)
    services.log_time(project=project, user=team.bob, day=timezone.localdate(), hours="5")
    services.add_task(project=project, user=team.alice, title="Copywriting")
    log_in(mobile_page, live_server, team.alice)
    for tab in ("", "agreement/", "board/", "time/", "money/"):
        mobile_page.goto(live_server.url + f"/projects/{project.pk}/{tab}")
        width = mobile_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{tab or 'team'} scrolls sideways ({width}px)"
        screenshot(mobile_page, f"projects-mobile-{tab.strip('/') or 'team'}")
    expect(mobile_page.get_by_role("navigation", name="Project sections")).to_be_visible()


def test_deliver_endorse_and_show_in_the_gallery(page: Page, live_server: Any, team: Team) -> None:
    """Alice closes the paid project; both agree to the gallery; Alice endorses Bob's Python;
    after the reputation recomputation Bob's profile shows it, and the gallery the project."""
    from coshore.accounts.models import Profile
    from coshore.accounts.tests.factories import SkillFactory
    from coshore.reputation.models import Endorsement
    from coshore.reputation.services import recompute_reputation

    python = SkillFactory(
        uri="http://data.europa.eu/esco/skill/python-test", preferred_label="Python"
    )
    Profile.objects.get(user=team.bob).skills.add(python)
    Profile.objects.filter(user=team.bob).update(visibility="network")
    project = services.open_project(
        creator=team.alice, title="Data pipeline for Acme", currency="EUR", client_name="Acme"
    )
    invitation = services.invite_member(project=project, inviter=team.alice, email=team.bob.email)
    services.accept_invitation(invitation=invitation, user=team.bob)
    services.propose_agreement(
        project=project,
        proposer=team.alice,
        coordinator_email=team.alice.email,
        coordinator_share="10",
        split_by="budget_hours",
        budgets=[services.BudgetIn(team.alice.email, "5"), services.BudgetIn(team.bob.email, "5")],
    )
    services.accept_agreement(project=project, user=team.bob)
    services.record_payment(
        project=project, user=team.alice, amount="500", currency="EUR",
        received_at=timezone.localdate(),
    )  # fmt: skip

    log_in(page, live_server, team.alice)
    page.goto(live_server.url + f"/projects/{project.pk}/money/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close project").click()
    expect(page.get_by_role("link", name=re.compile("Endorse your teammates"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Endorse your teammates")).click()
    page.get_by_label("Python").check()
    page.get_by_role("button", name="Save endorsements").click()
    expect(page.locator("body")).to_contain_text("Saved: 1 endorsement given, 0 withdrawn.")
    screenshot(page, "projects-endorse")
    assert list(Endorsement.objects.values_list("endorsee__email", "skill__preferred_label")) == [
        ("bob@example.org", "Python")
    ]
    services.set_gallery_consent(project=project, user=team.alice, consent=True)
    services.set_gallery_consent(project=project, user=team.bob, consent=True)
    recompute_reputation()

    page.goto(live_server.url + f"/accounts/people/{team.bob.pk}/")
    expect(page.locator("#reputation")).to_contain_text("Python")
    screenshot(page, "projects-reputation")
    page.context.clear_cookies()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Project gallery").click()
    card = page.locator(".gallery-item", has_text="Data pipeline for Acme")
    expect(card.get_by_role("list", name="Endorsed skills")).to_have_text("Python")
    screenshot(page, "projects-gallery")
