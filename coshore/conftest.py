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


@pytest.fixture(autouse=True)
def _fresh_matching_index() -> Any:
    """Each test starts with no wall matching index in the process: the database is rolled
    back between tests, so an index built in one would hold another's posts."""
    from coshore.wall.selectors.live_index import reset_live_index

    reset_live_index()
    yield
    reset_live_index()
