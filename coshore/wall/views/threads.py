"""My reply threads and one thread's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from coshore.core.errors import DomainError

from .. import selectors, services
from ..forms import ReplyForm
from .common import page


@require_GET
@page
def my_threads(request: HttpRequest) -> HttpResponse:
    """Threads where the caller is the poster or the responder, the latest message first."""
    threads = selectors.list_threads_for_user(request.user)
    return render(request, "wall/threads.html", {"threads": threads})


@require_http_methods(["GET", "POST"])
@page
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.get_thread_for_user(user=request.user, thread_id=thread_id)
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.post_message(
                    thread=thread, user=request.user, body=form.cleaned_data["body"]
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                return redirect("wall:thread", thread_id=thread.pk)
        else:
            status = 400
    context = {
        "thread": thread,
        "post": thread.post,
        "other": selectors.other_side(thread, request.user),
        "thread_messages": selectors.list_messages(thread),
        "form": form,
    }
    return render(request, "wall/thread.html", context, status=status)
