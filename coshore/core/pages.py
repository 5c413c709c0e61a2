"""What every app's HTML views share: a DomainError shown as a friendly 4xx page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError

ERROR_TITLES = {
    400: "That request did not make sense",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    409: "That clashes with something",
    422: "That did not work",
    429: "Slow down",
}


def error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The error's message on the shared error page, with its 4xx status (400 otherwise)."""
    status = error.status if 400 <= error.status < 500 else 400
    context = {
        "status": status,
        "title": ERROR_TITLES.get(status, "Something is off"),
        "error": error,
    }
    return render(request, "spaces/error.html", context, status=status)


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Unhandled DomainErrors become a friendly page with their 4xx status."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return error_page(request, error)

    return wrapper
