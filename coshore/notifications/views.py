"""HTML pages of notifications: the list (unread emphasised, each opened through a redirect
that marks it read), mark read, the nav's bell, email preferences and the one-click
unsubscribe page. Thin: parse, call the selectors and services, shape. Every form works
without JavaScript; htmx swaps fragments when it is there."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import error_page

from . import selectors, services
from .models import Notification
from .topics import TOPICS, EmailMode

PAGE_SIZE = 30


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; unhandled DomainErrors become an error page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return error_page(request, error)

    return wrapper


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def _item(note: Notification) -> dict[str, Any]:
    topic = TOPICS.get(note.topic)
    return {
        "note": note,
        "topic": topic.label if topic else note.topic,
        "open_url": reverse("notifications:open", args=[note.pk]),
        "read_url": reverse("notifications:read", args=[note.pk]),
    }


@page
@require_GET
@never_cache
def notification_list(request: HttpRequest) -> HttpResponse:
    """Your notifications, newest first, 30 a page; unread ones stand out."""
    unread_only = request.GET.get("unread") == "1"
    result = selectors.page_notifications(
        user=request.user,
        limit=PAGE_SIZE,
        cursor=request.GET.get("cursor") or None,
        unread_only=unread_only,
    )
    context = {
        "items": [_item(n) for n in result.items],
        "next_cursor": result.next_cursor,
        "unread": selectors.count_unread(user=request.user),
        "unread_only": unread_only,
        "first_page": not request.GET.get("cursor"),
    }
    return render(request, "notifications/list.html", context)


@page
@require_GET
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification: it is marked read and you go to its page (a path on this site
    only; otherwise back to the list)."""
    _, url = services.open_notification(user=request.user, notification_id=notification_id)
    return redirect(url or reverse("notifications:list"))


@page
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    services.mark_read(user=request.user, ids=[notification_id])
    if _is_htmx(request):
        note = selectors.get_notification_for_user(
            user=request.user, notification_id=notification_id
        )
        return render(
            request,
            "notifications/partials/item_read.html",
            {"item": _item(note), "unread": selectors.count_unread(user=request.user)},
        )
    return redirect("notifications:list")


@page
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.mark_all_read(user=request.user)
    if _is_htmx(request):
        result = selectors.page_notifications(user=request.user, limit=PAGE_SIZE)
        return render(
            request,
            "notifications/partials/all_read.html",
            {
                "items": [_item(n) for n in result.items],
                "next_cursor": result.next_cursor,
                "unread": 0,
                "first_page": True,
                "marked": marked,
            },
        )
    messages.success(request, "Everything is marked read.")
    return redirect("notifications:list")


@require_GET
@never_cache
def bell(request: HttpRequest) -> HttpResponse:
    """The nav's bell with the unread count (htmx polls it). Logged out: 286, which stops
    htmx polling and removes the bell."""
    if not request.user.is_authenticated:
        return HttpResponse("", status=286)
    return render(
        request,
        "notifications/partials/bell.html",
        {"unread": selectors.count_unread(user=request.user)},
    )


def _preference_rows(modes: dict[str, EmailMode]) -> list[dict[str, Any]]:
    return [
        {
            "topic": topic,
            "mode": str(modes[key]),
            "choices": [
                (value, label)
                for value, label in EmailMode.choices
                if value != EmailMode.OFF or topic.can_mute
            ],
        }
        for key, topic in TOPICS.items()
    ]


@page
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """One row per topic: its emails at once, in the daily digest, or never."""
    error = None
    if request.method == "POST":
        chosen = {key: request.POST[key] for key in TOPICS if key in request.POST}
        try:
            services.set_preferences(user=request.user, topics=chosen)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "Your email preferences are saved.")
            return redirect("notifications:preferences")
    modes = selectors.get_preferences(user=request.user)
    return render(
        request,
        "notifications/preferences.html",
        {"rows": _preference_rows(modes), "error": error},
        status=error.status if error else 200,
    )


# Mail clients POST the one-click unsubscribe (RFC 8058) without cookies or a CSRF token;
# the signed token is the proof. GET only shows a button, so link scanners that fetch every
# URL in an email do not unsubscribe anyone.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            target = services.unsubscribe(token=token)
            done = True
        else:
            target = services.read_unsubscribe_token(token)
            done = False
    except DomainError as error:
        return error_page(request, error)
    context = {
        "done": done,
        "labels": [TOPICS[t].label for t in target.topics],
        "email": target.user.email,
    }
    return render(request, "notifications/unsubscribe.html", context)
