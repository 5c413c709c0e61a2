"""Named fixtures shared by every app's tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

_counter = itertools.count(1)


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user(email=None, staff=False, password="pw-Coshore-2026", name="")"""
    from coshore.accounts.models import User

    def _make(
        email: str | None = None,
        *,
        staff: bool = False,
        password: str = "pw-Coshore-2026",
        name: str = "",
    ) -> Any:
        from django.utils import timezone

        email = email or f"user{next(_counter)}@example.org"
        return User.objects.create_user(
            email=email,
            password=password,
            is_staff=staff,
            display_name=name or email.split("@")[0].title(),
            email_verified_at=timezone.now(),
        )

    return _make


@pytest.fixture
def api_client() -> Client:
    return Client()


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    """A test client logged in (session) as `user`; for API tests use `as_bearer` too."""

    def _client(user: Any) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return _client


class SmtpInbox:
    """What a local SMTP server received: each message parsed (`email.message.EmailMessage`,
    headers decoded), with the envelope's recipients."""

    def __init__(self) -> None:
        import threading

        self.messages: list[Any] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message: Any) -> str:
        return str(message.get_body(preferencelist=("plain",)).get_content()).replace("\r\n", "\n")


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server (aiosmtpd) on a free 127.0.0.1 port, and Django's SMTP backend
    pointed at it: tests read what arrived (`smtp_server.messages`)."""
    from aiosmtpd.controller import Controller

    class _FreePortController(Controller):
        # Bind to port 0 (the system picks a free port) and read the port back before the
        # readiness check connects to it: no race with other tests or processes.
        def _trigger_server(self) -> Any:
            assert self.server is not None
            self.port = self.server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
            return super()._trigger_server()

    inbox = SmtpInbox()
    controller = _FreePortController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _fresh_matching_index() -> Any:
    """Each test starts with no wall matching index in the process: the database is rolled
    back between tests, so an index built in one would hold another's posts."""
    from coshore.wall.selectors.live_index import reset_live_index

    reset_live_index()
    yield
    reset_live_index()
