"""Posting, a post's page (with the reply form), editing, closing, renewing, My posts, and the
skill suggestions shown while typing."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.accounts.models import Organisation
from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors
from coshore.skills.models import Skill
from coshore.skills.selectors import list_skills_by_uri
from coshore.spaces.selectors import space_zone

from .. import selectors, services
from ..errors import PostNotFound
from ..forms import PostForm, ReplyForm
from ..models import Post
from .common import SKILLS_API_URL, page

MONEY = ("budget_min", "budget_max", "rate_amount")


def _organisations(user: Any) -> list[Organisation]:
    return list(Organisation.objects.filter(people__user_id=user.pk).order_by("name"))


def _form(
    request: HttpRequest, *, data: Any = None, initial: Any = None, editing: bool = False
) -> PostForm:
    spaces = [(s.slug, s.name) for s in selectors.list_postable_spaces(request.user)]
    return PostForm(
        data,
        initial=initial,
        spaces=spaces,
        organisations=_organisations(request.user),
        editing=editing,
    )


def _values(request: HttpRequest, form: PostForm) -> dict[str, Any]:
    """Service arguments from a valid form; the space's zone dates the expiry."""
    data = form.cleaned_data
    space = selectors.list_postable_spaces(request.user).filter(slug=data["space"]).first()
    values: dict[str, Any] = {
        "title": data["title"],
        "text": data["text"],
        "space": space,
        "visibility": data["visibility"],
        "currency": data.get("currency") or "",
        "rate_unit": data.get("rate_unit") or "",
        "deadline": data.get("deadline"),
        "available_from": data.get("available_from"),
        "locality": data["locality"],
        "tz_name": (data.get("tz_name") or "").strip(),
        "tz_earliest": data.get("tz_earliest"),
        "tz_latest": data.get("tz_latest"),
        "languages": data.get("languages") or [],
        "skills": [u for u in request.POST.getlist("skills") if u][:50],
    }
    for name in MONEY:
        values[name] = data.get(name)
    if "organisation" in form.fields:
        slug = data.get("organisation") or ""
        values["organisation"] = next(
            (o for o in _organisations(request.user) if o.slug == slug), None
        )
    if data.get("expires_on"):
        zone = space_zone(space) if space else timezone.get_current_timezone()
        values["expires_at"] = datetime.combine(data["expires_on"], time(23, 59), tzinfo=zone)
    return values


def _editor(
    request: HttpRequest,
    form: PostForm,
    *,
    post: Post | None,
    chips: list[Skill],
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "post": post, "skill_chips": chips, "skills_api_url": SKILLS_API_URL}
    return render(request, "wall/post_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@page
def new_post(request: HttpRequest) -> HttpResponse:
    """Post an offer or a need; `?space=<slug>` chooses the space."""
    if request.method != "POST":
        initial = {"space": request.GET.get("space", ""), "kind": request.GET.get("kind", "need")}
        return _editor(request, _form(request, initial=initial), post=None, chips=[])
    form = _form(request, data=request.POST)
    chips = list_skills_by_uri(request.POST.getlist("skills"))
    if not form.is_valid():
        return _editor(request, form, post=None, chips=chips, status=400)
    values = _values(request, form)
    if values["space"] is None:
        form.add_error("space", "Choose one of your spaces.")
        return _editor(request, form, post=None, chips=chips, status=400)
    try:
        post = services.create_post(author=request.user, kind=form.cleaned_data["kind"], **values)
    except DomainError as error:
        form.add_domain_error(error)
        return _editor(request, form, post=None, chips=chips, status=error.status)
    messages.success(request, f"“{post.title}” is on the wall of {post.space.name}.")
    return redirect("wall:post", post_id=post.pk)


def _own_post(request: HttpRequest, post_id: int) -> Post:
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    if not selectors.is_poster(request.user, post):
        raise PostNotFound("No such post.")
    return post


@require_http_methods(["GET", "POST"])
@page
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _own_post(request, post_id)
    if request.method != "POST":
        initial = {
            "title": post.title,
            "text": post.text,
            "space": post.space.slug,
            "organisation": post.organisation.slug if post.organisation else "",
            "visibility": post.visibility,
            "currency": post.currency,
            "budget_min": post.budget_min,
            "budget_max": post.budget_max,
            "rate_amount": post.rate_amount,
            "rate_unit": post.rate_unit,
            "deadline": post.deadline,
            "available_from": post.available_from,
            "locality": post.locality,
            "tz_name": post.tz_name,
            "tz_earliest": post.tz_earliest,
            "tz_latest": post.tz_latest,
            "languages": post.language_list,
            "expires_on": post.expires_at.astimezone(space_zone(post.space)).date(),
        }
        form = _form(request, initial=initial, editing=True)
        return _editor(request, form, post=post, chips=selectors.post_skills(post))
    form = _form(request, data=request.POST, editing=True)
    chips = list_skills_by_uri(request.POST.getlist("skills"))
    if not form.is_valid():
        return _editor(request, form, post=post, chips=chips, status=400)
    values = _values(request, form)
    if values["space"] is None:
        form.add_error("space", "Choose one of your spaces.")
        return _editor(request, form, post=post, chips=chips, status=400)
    if values.get("expires_at") is None or values["expires_at"] == post.expires_at:
        values.pop("expires_at", None)
    if values["space"].pk == post.space_id:
        values.pop("space")
    try:
        services.update_post(post=post, user=request.user, **values)
    except DomainError as error:
        form.add_domain_error(error)
        return _editor(request, form, post=post, chips=chips, status=error.status)
    messages.success(request, "Your post is updated.")
    return redirect("wall:post", post_id=post.pk)


@require_POST
@page
def close_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _own_post(request, post_id)
    outcome = request.POST.get("outcome", "")
    try:
        services.close_post(post=post, user=request.user, outcome=outcome)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        word = "fulfilled" if outcome == "fulfilled" else "withdrawn"
        messages.success(request, f"“{post.title}” is closed as {word}.")
    if request.POST.get("next") == "mine":
        return redirect("wall:mine")
    return redirect("wall:post", post_id=post.pk)


@require_POST
@page
def renew_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _own_post(request, post_id)
    try:
        renewed = services.renew_post(post=post, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        until = renewed.expires_at.astimezone(space_zone(post.space))
        messages.success(request, f"“{post.title}” is renewed until {until:%d %b %Y}.")
    if request.POST.get("next") == "mine":
        return redirect("wall:mine")
    return redirect("wall:post", post_id=post.pk)


@require_http_methods(["GET", "POST"])
@domain_errors
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post; the reply form for those who may answer; the threads on it for its poster."""
    post = selectors.get_post_for_user(user=request.user, post_id=post_id)
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                thread = services.reply_to_post(
                    post=post, user=request.user, body=form.cleaned_data["body"]
                )
            except DomainError as error:
                if error.status == 404:
                    raise
                form.add_domain_error(error)
                status = error.status
            else:
                messages.success(request, f"Your reply is with {post.author.name}.")
                return redirect("wall:thread", thread_id=thread.pk)
        else:
            status = 400
    threads = (
        selectors.list_threads_of_post(post=post, user=request.user)
        if request.user.is_authenticated
        else []
    )
    context = {
        "post": post,
        "skills": selectors.post_skills(post),
        "is_poster": selectors.is_poster(request.user, post),
        "threads": threads,
        "form": form,
        "matches": (
            selectors.get_match_views(user=request.user, post=post)
            if selectors.is_poster(request.user, post) and post.is_live
            else []
        ),
    }
    return render(request, "wall/post_detail.html", context, status=status)


@require_GET
@page
def my_posts(request: HttpRequest) -> HttpResponse:
    """The caller's posts, open ones first, with edit / close / renew."""
    posts = selectors.list_posts_of_user(request.user)
    return render(request, "wall/mine.html", {"posts": posts, "now": timezone.now()})


@require_GET
@page
def my_matches(request: HttpRequest) -> HttpResponse:
    """Matches for you: live needs that fit the caller's profile, with score and reasons."""
    views = selectors.get_member_match_views(user=request.user, limit=20)
    return render(request, "wall/matches.html", {"matches": views})


@require_http_methods(["GET", "POST"])
@domain_errors
def suggest(request: HttpRequest) -> HttpResponse:
    """Skills suggested from the text typed so far (an htmx fragment of the post form)."""
    params = request.POST if request.method == "POST" else request.GET
    text = f"{params.get('title', '')}\n{params.get('text', '')}"[: services.MAX_TEXT]
    taken = set(params.getlist("skills"))
    skills = [s for s in services.suggest_skills(text) if s.uri not in taken]
    return render(request, "wall/partials/suggestions.html", {"suggestions": skills})
