"""API authentication: personal access tokens and the session cookie (with CSRF)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from coshore.core.errors import Unauthenticated

from .services import authenticate_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <personal access token>`. A bad token is a 401, never anonymous."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token=token)
        if user is None:
            raise Unauthenticated(
                "The access token is invalid or revoked.", code="auth.invalid_token"
            )
        request.user = user
        return user


class Session(SessionAuth):
    """Django session cookie, with the CSRF check on unsafe methods."""


def anonymous(request: HttpRequest) -> Any:
    """Lets an endpoint run for anonymous callers; selectors then show only public data."""
    if not getattr(request, "user", None):
        request.user = AnonymousUser()
    return request.user or True


AUTH_REQUIRED: list[Callable[..., Any]] = [BearerToken(), Session()]
AUTH_OPTIONAL: list[Callable[..., Any]] = [BearerToken(), Session(), anonymous]
