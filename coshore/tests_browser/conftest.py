"""Browser fixtures: real Chromium (Debian's) driven by Playwright's sync API.

Every page fails its test on an uncaught JavaScript error or a console error, except failed
network loads (map tiles never load here: the machines are offline, and so is CI). Requests
to any host other than the live server are aborted, which is what "offline" looks like and
keeps page loads from waiting on DNS.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in this thread; Django's ORM (used by the test body
# to arrange data) refuses to run inside one unless told this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

CHROMIUM = os.environ.get("COSHORE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
MOBILE_VIEWPORT = {"width": 390, "height": 844}
DEFAULT_TIMEOUT_MS = 10_000
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Console errors that only say a network load failed (tiles, aborted external requests).
# HTTP error statuses ("the server responded with a status of 500") are not noise: they fail.
_NETWORK_NOISE = re.compile(r"net::ERR_")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _abort_external(route: Route) -> None:
    host = urlsplit(route.request.url).hostname or ""
    if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort("internetdisconnected")


class PageErrors:
    """JavaScript errors a page raised; the `page` fixture fails the test when any is left."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"pageerror: {error}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        location = message.location.get("url", "") if message.location else ""
        if _NETWORK_NOISE.search(text):
            return
        self.errors.append(f"console.error: {text} ({location})")

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


@pytest.fixture
def page_errors() -> PageErrors:
    """Use to tolerate an expected error: call `page_errors.take()` after provoking it."""
    return PageErrors()


def _open_page(browser: Browser, errors: PageErrors, **context_options: Any) -> Iterator[Page]:
    context = browser.new_context(**context_options)
    context.route("**/*", _abort_external)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", errors.on_page_error)
    page.on("console", errors.on_console)
    yield page
    context.close()
    found = errors.take()
    if found:
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(found), pytrace=False)


@pytest.fixture
def page(browser: Browser, page_errors: PageErrors) -> Iterator[Page]:
    """A fresh browser context per test: 1280x900, 10 s timeouts, JS errors fail the test."""
    yield from _open_page(browser, page_errors, viewport=VIEWPORT)


@pytest.fixture
def mobile_page(browser: Browser, page_errors: PageErrors) -> Iterator[Page]:
    """Like `page`, with a 390 px wide phone viewport and touch."""
    yield from _open_page(
        browser,
        page_errors,
        viewport=MOBILE_VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def live_url(live_server: Any) -> Callable[..., str]:
    """`live_url("spaces:detail", slug="x")` or `live_url("/path/?q=1")`: an absolute URL."""

    def build(name_or_path: str, *args: Any, **kwargs: Any) -> str:
        if name_or_path.startswith("/"):
            return live_server.url + name_or_path
        return live_server.url + reverse(name_or_path, args=args or None, kwargs=kwargs or None)

    return build


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG to var/screenshots/<name>.png (git-ignored) for people to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    if full_page:  # a scrolled page draws its sticky header mid-way in a full-page capture
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def log_in(page: Page, live_server: Any, user: Any) -> None:
    """Sign `user` in for this browser context (a real session, as the login page would)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
