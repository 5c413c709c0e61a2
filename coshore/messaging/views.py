"""The messages pages: my conversations, one conversation (htmx send and polling, plain forms
without JS), starting one from a profile, blocking and unblocking. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors

from . import selectors, services
from .forms import MessageForm
from .models import Conversation

# htmx swaps a re-rendered form only for these statuses (base.html's htmx-config), so a
# refusal (403 blocked, 429 too fast) is answered as 422 to an htmx request: its message
# shows on the form instead of being dropped.
_HTMX_SWAPPED = {400, 409, 422}


def page(view: Any) -> Any:
    return login_required(domain_errors(view))


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def _after(request: HttpRequest) -> int:
    raw = request.POST.get("after") if request.method == "POST" else request.GET.get("after")
    try:
        value = int(str(raw or "0")[:20])
    except ValueError:
        return 0
    return value if 0 <= value <= selectors.MAX_ID else 0


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_GET
@page
def conversation_list(request: HttpRequest) -> HttpResponse:
    """My conversations, the latest first, with the unread count of each."""
    result = selectors.page_conversations(
        user=request.user, limit=30, cursor=request.GET.get("cursor") or None
    )
    context = {
        "rows": result.items,
        "next_cursor": result.next_cursor,
        "blocks": list(selectors.list_blocks(user=request.user)[:200]),
    }
    return render(request, "messaging/list.html", context)


def _thread_context(request: HttpRequest, conversation: Conversation) -> dict[str, Any]:
    me = request.user
    participant = selectors.get_participant(conversation, me)
    other = participant.other
    page_ = selectors.page_messages(
        conversation=conversation, limit=50, cursor=request.GET.get("before") or None
    )
    blocked_by_me = selectors.has_blocked(participant.user_id, other.pk)
    blocked = blocked_by_me or selectors.has_blocked(other.pk, participant.user_id)
    return {
        "conversation": conversation,
        "other": other,
        "thread_messages": page_.items,
        "earlier_cursor": page_.next_cursor,
        "after": max((m.pk for m in page_.items), default=0),
        "blocked_by_me": blocked_by_me,
        "can_send": not blocked and selectors.can_see_each_other(me, other),
        "poll_seconds": 10,
        # An earlier page neither polls nor sends: new messages belong after the latest ones.
        "is_latest": not request.GET.get("before"),
    }


@require_http_methods(["GET", "POST"])
@page
def thread(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One conversation: GET marks it read; POST sends (htmx: the form comes back empty with
    the new messages appended; without JS: redirect back)."""
    conversation = selectors.get_conversation_for_user(
        user=request.user, conversation_id=conversation_id
    )
    if request.method == "POST":
        form = MessageForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.send_message(
                    conversation=conversation, user=request.user, body=form.cleaned_data["body"]
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                if not _is_htmx(request):
                    return redirect(reverse("messaging:thread", args=[conversation.pk]) + "#send")
                return _new_messages(request, conversation, form=MessageForm(), status=200)
        if _is_htmx(request):
            status = status if status in _HTMX_SWAPPED else 422
            return render(
                request,
                "messaging/partials/form.html",
                {"form": form, "conversation": conversation},
                status=status,
            )
        context = _thread_context(request, conversation)
        context["form"] = form
        return render(request, "messaging/thread.html", context, status=status)
    services.mark_read(conversation=conversation, user=request.user)
    context = _thread_context(request, conversation)
    context["form"] = MessageForm()
    return render(request, "messaging/thread.html", context)


def _new_messages(
    request: HttpRequest,
    conversation: Conversation,
    *,
    form: MessageForm | None,
    status: int,
) -> HttpResponse:
    """The messages after the page's last one as out-of-band additions, the page's new marker,
    and (after sending) a fresh form; opening them marks the conversation read."""
    new = selectors.list_messages_after(conversation=conversation, after_id=_after(request))
    if not new and form is None:
        return HttpResponse(status=204)
    if new:
        services.mark_read(conversation=conversation, user=request.user)
    context = {
        "conversation": conversation,
        "new_messages": new,
        "after": new[-1].pk if new else _after(request),
        "form": form,
    }
    return render(request, "messaging/partials/new_messages.html", context, status=status)


@require_GET
@page
def poll(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """What arrived after `?after=<message id>` (204 when nothing did); htmx polls it."""
    conversation = selectors.get_conversation_for_user(
        user=request.user, conversation_id=conversation_id
    )
    return _new_messages(request, conversation, form=None, status=200)


@require_POST
@page
def start(request: HttpRequest, user_id: int) -> HttpResponse:
    """The profile's "Message" button: open (or find) the conversation and go there."""
    conversation, _ = services.start_conversation(user=request.user, other_id=user_id)
    return redirect("messaging:thread", conversation_id=conversation.pk)


@require_POST
@page
def block(request: HttpRequest, user_id: int) -> HttpResponse:
    made, _ = services.block_person(user=request.user, other_id=user_id)
    flash.success(
        request, f"You blocked {made.blocked.name}. Neither of you can send new messages."
    )
    return redirect(_safe_next(request, reverse("messaging:list")))


@require_POST
@page
def unblock(request: HttpRequest, user_id: int) -> HttpResponse:
    services.unblock_person(user=request.user, other_id=user_id)
    flash.success(request, "Unblocked. You can write to each other again.")
    return redirect(_safe_next(request, reverse("messaging:list")))


def nav(request: HttpRequest) -> HttpResponse:
    """The nav's Messages link with the unread count (htmx polls it). Logged out: 286, which
    stops htmx polling."""
    if not request.user.is_authenticated:
        return HttpResponse("", status=286)
    return render(
        request,
        "messaging/partials/nav.html",
        {"unread": selectors.count_unread(user=request.user)},
    )
