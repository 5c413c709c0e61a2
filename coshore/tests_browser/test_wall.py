"""The wall in real Chromium: Ana (Paris) posts a need with an ESCO skill; it is on her space's
wall and on the network's wall; Ben, a member of the network's Lyon space, replies privately;
the screen in the space shows a new post without reloading; the wall on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coshore.accounts.models import Profile
from coshore.accounts.tests.factories import SkillFactory
from coshore.skills.models import Skill
from coshore.wall import services
from coshore.wall.models import Post, ReplyThread
from coshore.wall.tests.factories import World, world

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db: None, make_user: Any) -> World:
    made = world(make_user)
    SkillFactory(
        uri="http://data.europa.eu/esco/skill/test-js",
        preferred_label="JavaScript",
        search_text="javascript",
    )
    return made


def test_post_a_need_see_it_on_the_walls_and_get_a_reply(
    page: Page, live_server: Any, w: World
) -> None:
    # Ben, in Lyon (another space of the network), already offers front-end work.
    services.create_post(
        author=w.network_member,
        space=w.lyon,
        kind="offer",
        title="Touch-screen front-ends",
        text="I build JavaScript front-ends for kiosks and exhibitions.",
        visibility="network",
        locality="remote",
        skills=["http://data.europa.eu/esco/skill/test-js"],
    )
    log_in(page, live_server, w.poster)
    page.goto(live_server.url + "/spaces/la-ruche/wall/")
    expect(page.get_by_role("heading", name="Wall of La Ruche")).to_be_visible()
    page.get_by_role("link", name="New post").click()
    expect(page.get_by_role("heading", name="Post an offer or a need")).to_be_visible()
    page.get_by_label("a need").check()
    page.get_by_label("Title").fill("Front-end for a museum kiosk")
    page.get_by_label("Text").fill("We need a JavaScript developer for a touch-screen kiosk.")
    search = page.get_by_role("combobox", name="ESCO skills")
    with page.expect_response(lambda r: "/api/v1/skills?" in r.url and r.status == 200):
        search.press_sequentially("javas")
    page.get_by_role("listbox", name="Matching skills").get_by_role(
        "option", name="JavaScript"
    ).click()
    expect(page.get_by_role("list", name="Chosen skills").get_by_role("listitem")).to_have_count(1)
    page.get_by_label("Budget from").fill("1200")
    page.get_by_label("Budget up to").fill("2500")
    page.get_by_label("Where").select_option("hybrid")
    page.get_by_label("Timezone").fill("Europe/Paris")
    page.get_by_label("From", exact=True).select_option("9")
    page.get_by_label("To", exact=True).select_option("17")
    screenshot(page, "wall-post-form")
    page.get_by_role("button", name="Post it").click()
    expect(page).to_have_url(re.compile(r"/wall/posts/\d+/$"))
    made = Post.objects.get(kind="need")
    assert [link.skill.preferred_label for link in made.skill_links.all()] == ["JavaScript"]
    expect(page.get_by_role("heading", name="Front-end for a museum kiosk")).to_be_visible()
    # The matching offer from Lyon, with its reasons in words.
    matches = page.locator("#matches")
    match = matches.get_by_role("listitem").filter(has_text="Touch-screen front-ends")
    expect(match).to_be_visible()
    expect(match.get_by_role("list", name="Why")).to_contain_text("shares 1 skill: JavaScript")
    expect(match.get_by_role("list", name="Why")).to_contain_text(
        "same network: Coshoring Alliance"
    )
    screenshot(page, "wall-post-detail")
    # Ana opens the offer and replies to it privately.
    match.get_by_role("link", name="Touch-screen front-ends").click()
    page.get_by_label("Message").fill("Are you free in March for our kiosk?")
    page.get_by_role("button", name="Send reply").click()
    expect(page).to_have_url(re.compile(r"/wall/threads/\d+/$"))
    expect(page.get_by_text("Are you free in March for our kiosk?")).to_be_visible()

    for url in ("/spaces/la-ruche/wall/", "/networks/coshoring-alliance/wall/"):
        page.goto(live_server.url + url)
        expect(page.get_by_role("link", name="Front-end for a museum kiosk")).to_be_visible()
    screenshot(page, "wall-network")

    # Ben, in Lyon, filters the network's wall for needs and replies privately.
    page.context.clear_cookies()
    log_in(page, live_server, w.network_member)
    page.goto(live_server.url + "/networks/coshoring-alliance/wall/")
    page.get_by_label("Kind").select_option("need")
    expect(page).to_have_url(re.compile(r"kind=need"))
    page.get_by_role("link", name="Front-end for a museum kiosk").click()
    page.get_by_label("Message").fill("I built two kiosks last year. Shall we talk?")
    page.get_by_role("button", name="Send reply").click()
    expect(page).to_have_url(re.compile(r"/wall/threads/\d+/$"))
    expect(page.get_by_text("I built two kiosks last year.")).to_be_visible()
    screenshot(page, "wall-thread")
    assert ReplyThread.objects.get(post=made).responder == w.network_member

    # Ana reads it in her threads.
    page.context.clear_cookies()
    log_in(page, live_server, w.poster)
    page.goto(live_server.url + "/wall/threads/")
    page.get_by_role("link", name="Front-end for a museum kiosk").click()
    expect(page.get_by_text("I built two kiosks last year.")).to_be_visible()


def test_the_screen_shows_a_new_post_without_reloading(
    page: Page, live_server: Any, w: World, settings: Any
) -> None:
    settings.WALL_SCREEN_POLL_SECONDS = 1
    services.create_post(
        author=w.poster,
        space=w.paris,
        kind="offer",
        title="Python pipelines, by the day",
        text="I build data pipelines in Python.",
        visibility="public",
    )
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(live_server.url + "/spaces/la-ruche/wall/screen/")
    expect(page.get_by_role("heading", name="Python pipelines, by the day")).to_be_visible()
    page.evaluate("window.__screenMarker = 'still here'")
    services.create_post(
        author=w.network_member,
        space=w.lyon,
        kind="need",
        title="Help with a laser cutter",
        text="We need someone who knows laser cutting for a small series.",
        visibility="public",
    )
    expect(page.get_by_role("heading", name="Help with a laser cutter")).to_be_visible(timeout=8000)
    assert page.evaluate("window.__screenMarker") == "still here"
    screenshot(page, "wall-screen")


def test_the_wall_on_a_phone(mobile_page: Page, live_server: Any, w: World) -> None:
    services.create_post(
        author=w.poster,
        space=w.paris,
        kind="need",
        title="Translator for a French-English brochure",
        text="Twelve pages, by the end of the month.",
        visibility="public",
        currency="EUR",
        budget_min="400",
        budget_max="700",
    )
    log_in(mobile_page, live_server, w.neighbour)
    mobile_page.goto(live_server.url + "/spaces/la-ruche/wall/")
    expect(
        mobile_page.get_by_role("link", name="Translator for a French-English brochure")
    ).to_be_visible()
    overflow = mobile_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    screenshot(mobile_page, "wall-phone")
    assert overflow <= 0


def test_matches_for_you_from_the_wall(page: Page, live_server: Any, w: World) -> None:
    # Ben (Lyon) lists JavaScript on his profile; Ana (Paris, same network) needs it.
    profile = Profile.objects.get(user=w.network_member)
    profile.skills.add(Skill.objects.get(preferred_label="JavaScript"))
    Profile.objects.filter(pk=profile.pk).update(
        headline="Front-end developer",
        bio="I build JavaScript interfaces for kiosks and exhibitions.",
        timezone="Europe/Paris",
        languages=["fr", "en"],
    )
    need = services.create_post(
        author=w.poster, space=w.paris, kind="need", title="Front-end for a museum kiosk",
        text="We need a JavaScript developer for a touch-screen kiosk.", locality="remote",
        tz_name="Europe/Paris", tz_earliest=9, tz_latest=17, languages=["fr"],
        skills=["http://data.europa.eu/esco/skill/test-js"],
    )  # fmt: skip
    services.create_post(
        author=w.outsider, space=w.berlin, kind="need", title="Berlin members only",
        text="We need a JavaScript developer.", visibility="space", locality="remote",
        skills=["http://data.europa.eu/esco/skill/test-js"],
    )  # fmt: skip
    log_in(page, live_server, w.network_member)
    page.goto(live_server.url + "/wall/")
    page.get_by_role("link", name="Matches for you").click()
    expect(page).to_have_url(re.compile(r"/wall/matches/$"))
    expect(page.get_by_role("heading", name="Matches for you", level=1)).to_be_visible()
    cards = (
        page.get_by_role("list", name="Matches for you")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading"))
    )
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card.get_by_role("link", name="Front-end for a museum kiosk")).to_be_visible()
    expect(card.get_by_role("list", name="Why")).to_contain_text("shares 1 skill: JavaScript")
    expect(card.get_by_role("list", name="Why")).to_contain_text("speaks French")
    expect(page.get_by_text("Berlin members only")).to_have_count(0)
    screenshot(page, "wall-matches-for-you")
    card.get_by_role("link", name="Front-end for a museum kiosk").click()
    expect(page).to_have_url(re.compile(rf"/wall/posts/{need.pk}/$"))


def test_filter_a_wall_by_a_skill_picked_by_name(page: Page, live_server: Any, w: World) -> None:
    js = "http://data.europa.eu/esco/skill/test-js"
    for title, skill in (("Touch-screen front-ends", js), ("Kiosk interface design", None)):
        services.create_post(
            author=w.network_member,
            space=w.lyon,
            kind="offer",
            title=title,
            text="For museums and exhibitions.",
            visibility="network",
            locality="remote",
            skills=[skill or w.design.uri],
        )
    log_in(page, live_server, w.poster)
    page.goto(live_server.url + "/networks/coshoring-alliance/wall/")
    results = page.locator("#wall-results")
    expect(results.get_by_role("link", name="Kiosk interface design")).to_be_visible()
    search = page.get_by_role("combobox", name="Skill")
    with page.expect_response(lambda r: "/api/v1/skills?" in r.url and r.status == 200):
        search.press_sequentially("javas")
    page.get_by_role("listbox", name="Matching skills").get_by_role(
        "option", name="JavaScript"
    ).click()
    # Picking submits the filters: only the JavaScript offer is left, and the URL says so.
    expect(results.get_by_role("link", name="Kiosk interface design")).to_have_count(0)
    expect(results.get_by_role("link", name="Touch-screen front-ends")).to_be_visible()
    expect(page).to_have_url(re.compile(r"skill=http"))
    expect(page.get_by_role("list", name="Chosen skill")).to_contain_text("JavaScript")
    screenshot(page, "wall-filter-skill")
    # Removing the chip lifts the filter.
    page.get_by_role("button", name="Remove JavaScript").click()
    expect(results.get_by_role("link", name="Kiosk interface design")).to_be_visible()
    # A skill on a card filters the wall by it, the picker showing it by name.
    results.get_by_role("link", name="design user interface").click()
    expect(results.get_by_role("link", name="Touch-screen front-ends")).to_have_count(0)
    expect(results.get_by_role("link", name="Kiosk interface design")).to_be_visible()
    expect(page.get_by_role("list", name="Chosen skill")).to_contain_text("design user interface")
