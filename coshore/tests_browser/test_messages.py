"""Direct messages in real Chromium: Ana opens Ben's profile and messages him (htmx send); Ben,
on his phone, sees the unread count in the nav, opens the conversation and replies; Ana's open
page shows the reply by polling, without reloading. Then Ana blocks Ben from the thread."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from coshore.messaging.models import Block, Message
from coshore.messaging.tests.factories import World, world

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def w(transactional_db: None, make_user: Any) -> World:
    cache.clear()  # the send rate limit counts in the cache
    return world(make_user)


def test_message_a_member_and_get_a_reply(
    page: Page, mobile_page: Page, live_server: Any, w: World
) -> None:
    # Ana, at her desk, opens Ben's profile and writes to him.
    log_in(page, live_server, w.ana)
    page.goto(live_server.url + f"/accounts/people/{w.ben.pk}/")
    screenshot(page, "messages-profile")
    page.get_by_role("button", name="Message").click()
    expect(page).to_have_url(re.compile(r"/messages/\d+/$"))
    expect(page.get_by_role("heading", name="Ben")).to_be_visible()
    page.get_by_role("textbox", name="Message").fill(
        "Hi Ben! Are you around on Thursday for a coffee?"
    )
    page.get_by_role("button", name="Send").click()
    thread = page.get_by_role("list", name="Messages")
    expect(thread.get_by_text("Are you around on Thursday")).to_be_visible()
    expect(page.get_by_role("textbox", name="Message")).to_have_value("")
    assert page.url.endswith("/")  # htmx: no reload, no redirect
    assert Message.objects.count() == 1

    # Ben, on his phone, sees one unread message in the nav.
    log_in(mobile_page, live_server, w.ben)
    mobile_page.goto(live_server.url + "/wall/")
    link = mobile_page.get_by_test_id("nav-messages")
    expect(link.get_by_test_id("messages-unread")).to_have_text("1")
    expect(link).to_have_accessible_name(re.compile(r"^Messages, 1 unread"))
    screenshot(mobile_page, "messages-nav-phone", full_page=False)
    link.click()
    expect(mobile_page.get_by_role("heading", name="Messages", exact=True)).to_be_visible()
    conversations = mobile_page.get_by_role("list", name="Conversations")
    expect(conversations).to_contain_text("Are you around on Thursday")
    screenshot(mobile_page, "messages-list-phone")
    conversations.get_by_role("link", name="Ana").click()
    expect(mobile_page.get_by_text("Are you around on Thursday")).to_be_visible()
    expect(mobile_page.get_by_test_id("messages-unread")).to_have_count(0)
    mobile_page.get_by_role("textbox", name="Message").fill("Yes! 11:00 at the coffee machine?")
    mobile_page.get_by_role("button", name="Send").click()
    expect(mobile_page.get_by_role("list", name="Messages")).to_contain_text("11:00 at the coffee")
    screenshot(mobile_page, "messages-thread-phone")

    # Ana's page, still open, shows the reply by polling (every 10 s).
    expect(thread.get_by_text("11:00 at the coffee machine?")).to_be_visible(timeout=20_000)
    screenshot(page, "messages-thread")

    # Ana blocks Ben from the thread: the form gives way to a note, and unblocking brings it back.
    page.get_by_role("button", name="Block").click()
    expect(page.get_by_text("You blocked Ben.").first).to_be_visible()
    expect(page.get_by_role("textbox", name="Message")).to_have_count(0)
    assert Block.objects.filter(blocker=w.ana, blocked=w.ben).exists()
    screenshot(page, "messages-thread-blocked")
    page.get_by_role("button", name="Unblock").click()
    expect(page.get_by_role("textbox", name="Message")).to_be_visible()
    assert not Block.objects.exists()
