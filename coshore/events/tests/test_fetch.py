"""Fetching a calendar by URL: public addresses only, size and redirect limits; a local
server stands in for the internet (the tests never use it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from coshore.core.errors import DomainError
from coshore.events.ical.fetch import fetch_calendar

from .ical_helpers import MACHBAR


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/machbar.ics":
            body = MACHBAR.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/huge.ics":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * (5 * 1024 * 1024 + 10))
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetches_a_calendar_when_private_hosts_are_allowed_for_the_test(server: str) -> None:
    assert (
        fetch_calendar(f"{server}/machbar.ics", allow_private={"127.0.0.1"}) == MACHBAR.read_bytes()
    )


def test_refuses_localhost_by_default(server: str) -> None:
    with pytest.raises(DomainError) as caught:
        fetch_calendar(f"{server}/machbar.ics")
    assert caught.value.code == "calendar.url_refused"


def test_refuses_a_name_that_resolves_to_a_private_address() -> None:
    with pytest.raises(DomainError) as caught:
        fetch_calendar(
            "https://calendar.example.org/x.ics", resolver=lambda host, port: ["10.0.0.7"]
        )
    assert caught.value.code == "calendar.url_refused"
    with pytest.raises(DomainError):
        fetch_calendar("https://x.example.org/", resolver=lambda h, p: ["93.184.215.14", "::1"])


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/huge.ics", "calendar.too_large"),
        ("/missing.ics", "calendar.fetch_failed"),
    ],
)
def test_limits(server: str, path: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        fetch_calendar(server + path, allow_private={"127.0.0.1"})
    assert caught.value.code == code


def test_a_redirect_to_a_private_address_is_refused(server: str) -> None:
    # The local server is allowed for the test; where it redirects to is checked again.
    with pytest.raises(DomainError) as caught:
        fetch_calendar(f"{server}/to-metadata", allow_private={"127.0.0.1"})
    assert caught.value.code == "calendar.url_refused"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/a.ics",
        "file:///etc/passwd",
        "http://user:pw@example.org/",
        "http://example.org:22/",
    ],
)
def test_refuses_other_schemes_credentials_and_low_ports(url: str) -> None:
    with pytest.raises(DomainError) as caught:
        fetch_calendar(url, resolver=lambda h, p: ["93.184.215.14"])
    assert caught.value.code == "calendar.url_refused"
