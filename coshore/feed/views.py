"""HTML pages of the feed; thin: parse, call the selectors and services, shape. htmx requests
get the fragment they replace (a post card, its reactions); plain form posts redirect back, so
every action also works without JavaScript. A DomainError becomes a form error or an error
page with its 4xx status, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors, error_page

from . import markup, selectors, services
from .errors import NotAuthor
from .forms import CommentForm, HideForm, PostForm, ReportForm
from .models import Comment, Emoji, FeedPost, ReportReason


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; unhandled DomainErrors become an error page."""
    return login_required(domain_errors(view))


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def _base_context(**values: Any) -> dict[str, Any]:
    return {
        "report_reasons": ReportReason.choices,
        "emojis": Emoji.choices,
        **values,
    }


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on (a local path), else `fallback`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _card(request: HttpRequest, post_id: int, *, status: int = 200, **extra: Any) -> HttpResponse:
    """One post's card (the fragment htmx swaps in); with `full` in the form, every comment
    (the post's page), else the latest few (the feed)."""
    post = selectors.get_post_view(user=request.user, post_id=post_id)
    full = request.POST.get("full") == "1" or request.GET.get("full") == "1"
    if full:
        post.recent_comments = selectors.list_comments(  # type: ignore[attr-defined]
            user=request.user, post=post, limit=selectors.MAX_LIMIT
        ).items
    # A card of the timeline keeps the name of its feed (its htmx requests say so).
    show_scope = request.POST.get("show_scope") == "1"
    context = _base_context(
        post=post,
        full=full,
        show_scope=show_scope,
        next=request.POST.get("next") or request.get_full_path(),
        **extra,
    )
    return render(request, "feed/partials/post.html", context, status=status)


# --- Feeds -------------------------------------------------------------------------------------


@require_GET
@page
def index(request: HttpRequest) -> HttpResponse:
    """One timeline of the caller's feeds (newest first, "Older posts" by cursor), the feeds
    they belong to, and the report queue link for moderators."""
    links = selectors.list_feeds_of_user(request.user)
    moderates = any(link.scope.can_moderate for link in links) or request.user.is_staff
    open_reports = len(selectors.list_open_reports(user=request.user)) if moderates else 0
    here = reverse("feed:index")
    cursor = request.GET.get("cursor")
    error: DomainError | None = None
    status = 200
    try:
        timeline = selectors.list_timeline(user=request.user, cursor=cursor)
        posts, next_cursor = timeline.items, timeline.next_cursor
    except DomainError as exc:
        error, posts, next_cursor, status = exc, [], None, exc.status
    context = _base_context(
        links=links,
        moderates=moderates,
        open_reports=open_reports,
        posts=posts,
        older=bool(cursor),
        error=error,
        more_url=f"{here}?cursor={next_cursor}" if next_cursor else None,
        next=here,
    )
    return render(request, "feed/index.html", context, status=status)


def _feed_page(request: HttpRequest, scope: selectors.Scope) -> HttpResponse:
    form = PostForm()
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            try:
                post = services.create_post(
                    author=request.user,
                    space=scope.space,
                    network=scope.network,
                    body=form.cleaned_data["body"],
                )
            except DomainError as refused:
                form.add_domain_error(refused)
                status = refused.status
            else:
                messages.success(request, f"Posted in the feed of {scope.name}.")
                return redirect(f"{scope.url}#post-{post.pk}")
        else:
            status = 400
    error: DomainError | None = None
    try:
        feed = selectors.list_feed(user=request.user, scope=scope, cursor=request.GET.get("cursor"))
        posts, next_cursor = feed.items, feed.next_cursor
    except DomainError as exc:
        error, posts, next_cursor = exc, [], None
        status = exc.status
    open_reports = (
        len(selectors.list_open_reports(user=request.user, scope=scope))
        if scope.can_moderate
        else 0
    )
    context = _base_context(
        scope=scope,
        posts=posts,
        form=form,
        error=error,
        more_url=f"{scope.url}?cursor={next_cursor}" if next_cursor else None,
        open_reports=open_reports,
        next=scope.url,
        mention_param=f"{scope.kind}={scope.slug}",
    )
    return render(request, "feed/feed.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page
def space_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """A space's feed: its members post, comment and react; its moderators pin and hide."""
    return _feed_page(request, selectors.get_space_feed_for_user(user=request.user, slug=slug))


@require_http_methods(["GET", "POST"])
@page
def network_feed(request: HttpRequest, slug: str) -> HttpResponse:
    return _feed_page(request, selectors.get_network_feed_for_user(user=request.user, slug=slug))


@require_POST
@page
def preview(request: HttpRequest) -> HttpResponse:
    """The Markdown of the form as it will show (mentions are resolved when posting)."""
    body = request.POST.get("body", "")[: services.MAX_POST_BODY]
    return render(request, "feed/partials/preview.html", {"html": markup.render(body)})


# --- Posts -------------------------------------------------------------------------------------


@require_GET
@page
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post_view(user=request.user, post_id=post_id)
    post.recent_comments = selectors.list_comments(  # type: ignore[attr-defined]
        user=request.user, post=post, limit=selectors.MAX_LIMIT
    ).items
    scope = selectors.scope_of_post(request.user, post)
    context = _base_context(post=post, scope=scope, full=True, next=request.path)
    return render(request, "feed/post_detail.html", context)


def _edit(
    request: HttpRequest, *, obj: FeedPost | Comment, post: FeedPost, is_comment: bool
) -> HttpResponse:
    form_class = CommentForm if is_comment else PostForm
    form = form_class(initial={"body": obj.body})
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                if isinstance(obj, Comment):
                    services.update_comment(
                        comment=obj, user=request.user, body=form.cleaned_data["body"]
                    )
                else:
                    services.update_post(
                        post=obj, user=request.user, body=form.cleaned_data["body"]
                    )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                anchor = f"#comment-{obj.pk}" if is_comment else ""
                return redirect(reverse("feed:post", args=[post.pk]) + anchor)
        else:
            status = 400
    elif obj.author_id != request.user.pk:
        return error_page(request, NotAuthor("Only its author can change this."))
    scope = selectors.scope_of_post(request.user, post)
    context = {
        "form": form,
        "post": post,
        "is_comment": is_comment,
        "scope": scope,
        "mention_param": f"{scope.kind}={scope.slug}",
    }
    return render(request, "feed/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    return _edit(request, obj=post, post=post, is_comment=False)


@require_POST
@page
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    scope_url = selectors.scope_of_post(request.user, post).url
    services.delete_post(post=post, user=request.user)
    if _is_htmx(request):
        return HttpResponse("")
    messages.success(request, "Your post was deleted.")
    return redirect(scope_url)


@require_POST
@page
def add_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comment_error(request, post, form, 400)
    try:
        comment = services.add_comment(post=post, user=request.user, body=form.cleaned_data["body"])
    except DomainError as error:
        form.add_domain_error(error)
        return _comment_error(request, post, form, error.status)
    if _is_htmx(request):
        return _card(request, post.pk)
    return redirect(reverse("feed:post", args=[post.pk]) + f"#comment-{comment.pk}")


def _comment_error(
    request: HttpRequest, post: FeedPost, form: CommentForm, status: int
) -> HttpResponse:
    if _is_htmx(request):
        return _card(request, post.pk, status=status, comment_form=form)
    messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return _back(request, reverse("feed:post", args=[post.pk]))


@require_POST
@page
def react_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Toggle the caller's emoji on a post; htmx gets the reactions bar back."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.toggle_reaction(user=request.user, emoji=request.POST.get("emoji"), post=post)
    if _is_htmx(request):
        counts = selectors.reaction_counts_of(request.user, post=post)
        url = reverse("feed:react_post", args=[post.pk])
        return render(
            request,
            "feed/partials/reactions.html",
            {"counts": counts, "react_url": url, "next": request.POST.get("next", "")},
        )
    return _back(request, reverse("feed:post", args=[post.pk]))


@require_POST
@page
def react_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.toggle_reaction(user=request.user, emoji=request.POST.get("emoji"), comment=comment)
    if _is_htmx(request):
        counts = selectors.reaction_counts_of(request.user, comment=comment)
        url = reverse("feed:react_comment", args=[comment.pk])
        context = {
            "counts": counts,
            "react_url": url,
            "next": request.POST.get("next", ""),
            "compact": True,
        }
        return render(request, "feed/partials/reactions.html", context)
    return _back(request, reverse("feed:post", args=[comment.post_id]))


def _report(
    request: HttpRequest, *, post: FeedPost, comment: Comment | None = None
) -> HttpResponse:
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report(
                    user=request.user,
                    post=None if comment else post,
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                if _is_htmx(request):
                    return render(
                        request,
                        "feed/partials/reported.html",
                        {"message": error.message},
                        status=error.status,
                    )
                form.add_domain_error(error)
                status = error.status
            else:
                thanks = "Thank you: the moderators will look at it."
                if _is_htmx(request):
                    return render(request, "feed/partials/reported.html", {"message": thanks})
                messages.success(request, thanks)
                return _back(request, reverse("feed:post", args=[post.pk]))
        else:
            status = 400
    context = {"form": form, "post": post, "comment": comment}
    return render(request, "feed/report.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page
def report_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    return _report(request, post=post)


@require_http_methods(["GET", "POST"])
@page
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    return _report(request, post=comment.post, comment=comment)


# --- Comments ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@page
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    return _edit(request, obj=comment, post=comment.post, is_comment=True)


@require_POST
@page
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    post_id = comment.post_id
    services.delete_comment(comment=comment, user=request.user)
    if _is_htmx(request):
        return _card(request, post_id)
    return _back(request, reverse("feed:post", args=[post_id]))


# --- Moderation --------------------------------------------------------------------------------


def _moderated(request: HttpRequest, post_id: int) -> HttpResponse:
    if _is_htmx(request):
        return _card(request, post_id)
    return _back(request, reverse("feed:post", args=[post_id]))


@require_POST
@page
def pin_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Pin, or unpin a pinned post."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    if post.is_pinned:
        services.unpin_post(post=post, user=request.user)
    else:
        services.pin_post(post=post, user=request.user)
    return _moderated(request, post.pk)


@require_POST
@page
def hide_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    form = HideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason")
    services.hide_post(post=post, user=request.user, reason=reason)
    return _moderated(request, post.pk)


@require_POST
@page
def unhide_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    services.unhide_post(post=post, user=request.user)
    return _moderated(request, post.pk)


@require_POST
@page
def hide_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.hide_comment(comment=comment, user=request.user, reason=request.POST.get("reason"))
    return _moderated(request, comment.post_id)


@require_POST
@page
def unhide_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.get_comment_for_user(user=request.user, comment_id=comment_id)
    services.unhide_comment(comment=comment, user=request.user)
    return _moderated(request, comment.post_id)


@require_GET
@page
def report_queue(request: HttpRequest) -> HttpResponse:
    """Open reports in the feeds the caller moderates, oldest first."""
    reports = selectors.list_open_reports(user=request.user)
    return render(request, "feed/reports.html", {"reports": reports})


@require_POST
@page
def handle_report(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    found = selectors.get_report_for_moderator(user=request.user, report_id=report_id)
    if action == "resolve":
        services.resolve_report(report=found, user=request.user)
        messages.success(request, "Hidden; the report is resolved.")
    else:
        services.dismiss_report(report=found, user=request.user)
        messages.success(request, "The report is dismissed.")
    return redirect("feed:reports")
