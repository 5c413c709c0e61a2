"""Wall posts: post, list with filters, read, edit, close, renew; skill suggestions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from coshore.accounts.auth import AUTH_OPTIONAL, AUTH_REQUIRED
from coshore.accounts.selectors import get_organisation_for_user
from coshore.spaces.selectors import get_space_for_user

from .. import selectors, services
from ..errors import InvalidPost
from .schemas import (
    ERRORS,
    CloseIn,
    PostPatchIn,
    RenewIn,
    SuggestIn,
    SuggestionListOut,
    WallPostIn,
    WallPostListOut,
    WallPostOut,
    post_out,
)

router = Router()


class PostSearchParams(Schema):
    kind: str | None = None
    skill: str | None = None
    space: str | None = None
    city: str | None = None
    network: str | None = None
    remote: bool | None = None
    language: str | None = None
    min_overlap_hours: float | None = None
    budget: str | None = None
    q: str | None = None
    sort: str | None = None
    mine: bool | None = None
    limit: int | None = None
    cursor: str | None = None


_SEARCH_DOCS = {
    "kind": "offer or need",
    "skill": "ESCO skill URI",
    "space": "space slug",
    "city": "city of the post's space",
    "network": "network slug",
    "remote": "true: remote or hybrid work; false: on-site or hybrid",
    "language": "ISO 639-1 code",
    "min_overlap_hours": "hours the post's working window shares with your 09:00-18:00",
    "budget": "needs whose budget range includes this amount",
    "q": "words in the title or text",
    "sort": "fresh (default) or relevance (q and your profile's skills)",
    "mine": "only your own posts, closed and expired ones too",
    "limit": "1..100, default 20",
    "cursor": "`next` of the previous page",
}


def _query_parameters() -> list[dict[str, Any]]:
    out = []
    for name, prop in PostSearchParams.model_json_schema()["properties"].items():
        prop = {k: v for k, v in prop.items() if k not in {"title", "default"}}
        out.append(
            {
                "in": "query",
                "name": name,
                "required": False,
                "schema": prop,
                "description": _SEARCH_DOCS[name],
            }
        )
    return out


def _post(request: HttpRequest, post_id: int) -> Any:
    return selectors.get_post_for_user(user=request.user, post_id=post_id)


@router.post("/wall/posts", response={201: WallPostOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_post(request: HttpRequest, payload: WallPostIn) -> Any:
    """Post an offer or a need into a space you belong to; without `skills`, they are
    suggested from the text."""
    space = get_space_for_user(user=request.user, slug=payload.space)
    organisation = (
        get_organisation_for_user(viewer=request.user, slug=payload.organisation)
        if payload.organisation
        else None
    )
    data = payload.dict(exclude={"space", "organisation"})
    post = services.create_post(author=request.user, space=space, organisation=organisation, **data)
    return Status(201, post_out(_post(request, post.pk), request.user))


@router.get(
    "/wall/posts",
    response={200: WallPostListOut, **ERRORS},
    auth=AUTH_OPTIONAL,
    openapi_extra={"parameters": _query_parameters()},
)
def list_posts(request: HttpRequest) -> Any:
    """The live posts you may see, filtered; freshest first (or by relevance), in pages."""
    query = selectors.parse_post_query(request.GET)
    page = selectors.search_posts(viewer=request.user, query=query)
    return {"items": [post_out(p, request.user) for p in page.items], "next": page.next_cursor}


@router.get("/wall/posts/{post_id}", response={200: WallPostOut, **ERRORS}, auth=AUTH_OPTIONAL)
def get_post(request: HttpRequest, post_id: int) -> Any:
    """A post you may see (closed and expired ones too); otherwise 404."""
    return post_out(_post(request, post_id), request.user)


_NOT_NULL = ("title", "text", "space", "visibility", "locality", "currency", "rate_unit",
             "tz_name", "languages", "expires_at")  # fmt: skip


@router.patch("/wall/posts/{post_id}", response={200: WallPostOut, **ERRORS}, auth=AUTH_REQUIRED)
def update_post(request: HttpRequest, post_id: int, payload: PostPatchIn) -> Any:
    """The poster edits an open post; only the fields sent change (`null` clears the
    organisation, amounts, dates and the window)."""
    post = _post(request, post_id)
    changes = payload.dict(exclude_unset=True)
    for name in _NOT_NULL:
        if name in changes and changes[name] is None:
            raise InvalidPost(f"`{name}` cannot be null.", detail={"field": name})
    if "space" in changes:
        changes["space"] = get_space_for_user(user=request.user, slug=changes["space"])
    if changes.get("organisation") is not None:
        changes["organisation"] = get_organisation_for_user(
            viewer=request.user, slug=changes["organisation"]
        )
    if "skills" in changes and changes["skills"] is None:
        changes["skills"] = []
    services.update_post(post=post, user=request.user, **changes)
    return post_out(_post(request, post_id), request.user)


@router.post(
    "/wall/posts/{post_id}/close", response={200: WallPostOut, **ERRORS}, auth=AUTH_REQUIRED
)
def close_post(request: HttpRequest, post_id: int, payload: CloseIn) -> Any:
    """The poster closes a post as `fulfilled` or `withdrawn`."""
    services.close_post(post=_post(request, post_id), user=request.user, outcome=payload.outcome)
    return post_out(_post(request, post_id), request.user)


@router.post(
    "/wall/posts/{post_id}/renew", response={200: WallPostOut, **ERRORS}, auth=AUTH_REQUIRED
)
def renew_post(request: HttpRequest, post_id: int, payload: RenewIn | None = None) -> Any:
    """The poster renews an open post for 30 more days (or until `expires_at`)."""
    services.renew_post(
        post=_post(request, post_id),
        user=request.user,
        expires_at=payload.expires_at if payload else None,
    )
    return post_out(_post(request, post_id), request.user)


@router.post(
    "/wall/skill-suggestions", response={200: SuggestionListOut, **ERRORS}, auth=AUTH_OPTIONAL
)
def suggest_skills(request: HttpRequest, payload: SuggestIn) -> Any:
    """ESCO skills suggested from a post's text (best first; may be empty)."""
    skills = services.suggest_skills(payload.text)
    return {"items": [{"uri": s.uri, "label": s.preferred_label} for s in skills]}
