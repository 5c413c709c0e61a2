"""The feed in real Chromium: Ana posts in her space's feed and mentions Noé through the
autocomplete; Noé logs in, sees the mention in the bell, opens it, reacts and comments (htmx);
a manager pins and works a report; the feed on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coshore.feed import services
from coshore.feed.models import Comment, FeedPost, Reaction, Report
from coshore.feed.tests.factories import World, world

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db: None, make_user: Any) -> World:
    return world(make_user)


def test_post_with_a_mention_and_the_mentioned_member_sees_it(
    page: Page, live_server: Any, w: World
) -> None:
    services.create_post(
        author=w.manager,
        space=w.paris,
        body="**Welcome to the feed of La Ruche!** Say hello, and be kind.",
    )
    log_in(page, live_server, w.author)
    page.goto(live_server.url + "/spaces/la-ruche/")
    page.locator("main").get_by_role("link", name="Feed", exact=True).click()
    expect(page.get_by_role("heading", name="Feed of La Ruche")).to_be_visible()

    box = page.get_by_label("Share an update")
    box.fill("The 3D printer is back! Thanks ")
    # Each keystroke after "@" asks the server for matching people; under a loaded CI machine
    # one answer has been seen to go missing, so a keystroke is retyped (at most twice).
    box.press_sequentially("@no")
    option = page.get_by_role("listbox", name="People to mention").get_by_role("option")
    for _ in range(2):
        try:
            expect(option).to_have_count(1, timeout=10_000)
            break
        except AssertionError:
            box.press("Backspace")
            box.press_sequentially("o")
    options = page.get_by_role("listbox", name="People to mention")
    expect(options.get_by_role("option")).to_have_count(1)
    options.get_by_role("option", name="Noé Martin").click()
    box.press_sequentially("for fixing it. See [the guide](https://example.org/guide).")
    expect(box).to_have_value(
        f"The 3D printer is back! Thanks @[Noé Martin](user:{w.neighbour.pk}) "
        "for fixing it. See [the guide](https://example.org/guide)."
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.get_by_role("link", name="the guide")).to_have_attribute(
        "rel", "nofollow noopener noreferrer"
    )
    screenshot(page, "feed-compose")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Posted in the feed of La Ruche.")
    post = FeedPost.objects.get(author=w.author)
    card = page.locator(f"#post-{post.pk}")
    expect(card.get_by_role("link", name="@Noé Martin")).to_be_visible()

    # Noé logs in: the bell shows the mention; it opens the post.
    page.context.clear_cookies()
    log_in(page, live_server, w.neighbour)
    page.goto(live_server.url + "/feed/")
    bell = page.locator("#nav-bell a")
    expect(bell.get_by_test_id("unread-count")).to_have_text("1")
    bell.click()
    note = page.get_by_role("link", name="Ana Lima mentioned you in a post in La Ruche")
    expect(note).to_be_visible()
    screenshot(page, "feed-notification")
    note.click()
    expect(page).to_have_url(re.compile(rf"/feed/posts/{post.pk}/$"))
    card = page.locator(f"#post-{post.pk}")
    expect(card.get_by_text("The 3D printer is back!")).to_be_visible()

    # React and comment in place (htmx).
    heart = card.get_by_role("button", name="Love", exact=True)
    heart.click()
    expect(card.get_by_role("button", name="Love: 1")).to_have_attribute("aria-pressed", "true")
    assert Reaction.objects.filter(user=w.neighbour, emoji="heart").count() == 1
    card.get_by_label("Comment on Ana Lima's post").fill("My pleasure! It needed a new **nozzle**.")
    card.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(f"#post-{post.pk} .feed-comment")).to_have_count(1)
    expect(page.locator(f"#post-{post.pk} .feed-comment strong").last).to_have_text("nozzle")
    assert Comment.objects.get().author == w.neighbour
    screenshot(page, "feed-post")

    # Noé reports the welcome post (say), through the dialog.
    page.goto(live_server.url + "/spaces/la-ruche/feed/")
    welcome = page.locator(".feed-post").filter(has_text="Welcome to the feed")
    welcome.locator("summary", has_text="Report").click()
    welcome.get_by_label("What is wrong?").select_option("off_topic")
    welcome.get_by_role("button", name="Send report").click()
    expect(welcome.get_by_role("status")).to_have_text("Thank you: the moderators will look at it.")
    assert Report.objects.get().reason == "off_topic"
    screenshot(page, "feed-space")


def test_the_manager_pins_and_works_the_report_queue(
    page: Page, live_server: Any, w: World
) -> None:
    spam = services.create_post(author=w.neighbour, space=w.paris, body="Buy cheap watches!!!")
    news = services.create_post(author=w.author, space=w.paris, body="Workshop on Friday")
    services.report(user=w.author, post=spam, reason="spam", note="Clearly spam")
    log_in(page, live_server, w.manager)
    page.goto(live_server.url + "/spaces/la-ruche/feed/")
    card = page.locator(f"#post-{news.pk}")
    card.get_by_role("button", name="Pin").click()
    expect(page.locator(f"#post-{news.pk}").get_by_text("📌 Pinned")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Reports")).click()
    expect(page.get_by_role("heading", name="Reports to handle")).to_be_visible()
    expect(page.get_by_text("“Clearly spam”")).to_be_visible()
    screenshot(page, "feed-reports")
    page.get_by_role("button", name="Hide it").click()
    expect(page.get_by_text("No open reports. All calm.")).to_be_visible()
    spam.refresh_from_db()
    assert spam.is_hidden
    page.goto(live_server.url + "/spaces/la-ruche/feed/")
    expect(page.locator(".feed-post").first).to_contain_text("Workshop on Friday")
    expect(page.locator(f"#post-{spam.pk}")).to_contain_text("Hidden by the moderators")
    screenshot(page, "feed-moderator")


def test_the_feed_on_a_phone(mobile_page: Page, live_server: Any, w: World) -> None:
    page = mobile_page
    post = services.create_post(
        author=w.author,
        space=w.paris,
        body="# Friday lunch\n\nWho is in for *tapas* at 13:00? @noe @marc.manager\n\n- veggie\n- not veggie",
    )
    services.add_comment(post=post, user=w.neighbour, body="Me! 🙋")
    services.react(user=w.manager, emoji="party", post=post)
    log_in(page, live_server, w.neighbour)
    page.goto(live_server.url + "/spaces/la-ruche/feed/")
    expect(page.get_by_role("heading", name="Feed of La Ruche")).to_be_visible()
    expect(
        page.locator(f"#post-{post.pk}").get_by_role("heading", name="Friday lunch")
    ).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    page.locator(f"#post-{post.pk} .feed-comment summary.feed-reaction").click()
    expect(page.locator(f"#post-{post.pk} .feed-react-picker")).to_be_visible()
    screenshot(page, "feed-space-phone")


def _two_spaces_and_their_network(w: World) -> dict[str, FeedPost]:
    from coshore.spaces.models import SpaceRoleKind
    from coshore.spaces.tests.factories import SpaceRoleFactory

    SpaceRoleFactory(space=w.lyon, user=w.author, role=SpaceRoleKind.MEMBER)
    return {
        "berlin": services.create_post(
            author=w.outsider, space=w.berlin, body="Sommerfest on the roof"
        ),
        "paris": services.create_post(
            author=w.manager, space=w.paris, body="**Coffee machine** is fixed ☕"
        ),
        "network": services.create_post(
            author=w.operator,
            network=w.network,
            body="Alliance meetup in Lyon on Friday: who is coming?",
        ),
        "lyon": services.create_post(
            author=w.network_member, space=w.lyon, body="New standing desks on the first floor"
        ),
    }


def test_a_member_of_two_spaces_reads_one_timeline_labelled_by_feed(
    page: Page, live_server: Any, w: World
) -> None:
    posts = _two_spaces_and_their_network(w)
    services.add_comment(post=posts["paris"], user=w.neighbour, body="Finally! 🙌")
    log_in(page, live_server, w.author)
    page.goto(live_server.url + "/feed/")
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    cards = page.locator("#timeline .feed-post")
    expect(cards).to_have_count(3)
    expect(cards.nth(0)).to_contain_text("New standing desks")
    expect(cards.nth(1)).to_contain_text("Alliance meetup")
    expect(cards.nth(2)).to_contain_text("Coffee machine")
    for i, feed in enumerate(["La Cordée", "Coshoring Alliance", "La Ruche"]):
        expect(cards.nth(i).get_by_role("link", name=f"In the feed of {feed}")).to_be_visible()
    expect(page.get_by_text("Sommerfest")).to_have_count(0)
    feeds = page.get_by_role("navigation", name="Feeds")
    expect(feeds.get_by_role("link")).to_have_count(3)
    screenshot(page, "feed-timeline")

    # Commenting in place (htmx) keeps the card's feed label.
    paris = page.locator(f"#post-{posts['paris'].pk}")
    paris.get_by_label("Comment on Marc Manager's post").fill("Great news")
    paris.get_by_role("button", name="Comment", exact=True).click()
    expect(paris.locator(".feed-comment")).to_have_count(2)
    expect(paris.get_by_role("link", name="In the feed of La Ruche")).to_be_visible()
    assert Comment.objects.filter(author=w.author, post=posts["paris"]).count() == 1

    # The label opens that feed.
    page.locator(f"#post-{posts['lyon'].pk}").get_by_role(
        "link", name="In the feed of La Cordée"
    ).click()
    expect(page.get_by_role("heading", name="Feed of La Cordée")).to_be_visible()


def test_the_timeline_on_a_phone(mobile_page: Page, live_server: Any, w: World) -> None:
    page = mobile_page
    posts = _two_spaces_and_their_network(w)
    services.react(user=w.neighbour, emoji="heart", post=posts["paris"])
    log_in(page, live_server, w.author)
    page.goto(live_server.url + "/feed/")
    cards = page.locator("#timeline .feed-post")
    expect(cards).to_have_count(3)
    expect(cards.nth(2).get_by_role("link", name="In the feed of La Ruche")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    screenshot(page, "feed-timeline-phone")
