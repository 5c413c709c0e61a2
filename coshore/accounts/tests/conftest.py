"""Fixtures of the accounts tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from coshore.accounts.models import User
from coshore.accounts.services import create_token

from .factories import UserFactory


@pytest.fixture
def person(db: Any) -> User:
    """A verified member with the default factory password."""
    return UserFactory(email="ada@example.org", display_name="Ada")


@pytest.fixture
def staff(db: Any) -> User:
    return UserFactory(email="staff@example.org", display_name="Staff", is_staff=True)


@pytest.fixture
def bearer() -> Callable[[User], dict[str, str]]:
    """bearer(user) → headers for the test client with a fresh personal access token."""

    def _headers(user: User) -> dict[str, str]:
        issued = create_token(user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {issued.plaintext}"}

    return _headers


@pytest.fixture
def api(client: Client, bearer: Callable[[User], dict[str, str]]) -> Callable[..., Any]:
    """api(method, path, user=None, json=None) → response, calling /api/v1 with a bearer token."""

    def _call(method: str, path: str, *, user: User | None = None, json: Any = None) -> Any:
        headers = bearer(user) if user is not None else {}
        kwargs: dict[str, Any] = {**headers}
        if json is not None:
            kwargs["data"] = json
            kwargs["content_type"] = "application/json"
        return getattr(client, method.lower())(f"/api/v1{path}", **kwargs)

    return _call
