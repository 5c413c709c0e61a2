"""Matches, for the person asking: of a post (offers and member profiles for a need, needs
for an offer) and of a member ("matches for you": needs for their profile). Candidates are
built into the pure matching features (`coshore.wall.matching`) and ranked there.

With stored embeddings (the `semantic` extra) candidates come from the process's ANN index
(`live_index`: the nearest few hundred by MiniLM similarity to the subject's embedding) plus,
bounded, the live posts and profiles that share one of the subject's ESCO skills and, for an
on-site subject, the live posts of its city; they are read from the database with the
viewer's visibility and the live filter in the same query (the index may lag, the answer
never does) and ranked with embeddings on both sides. Without the model or the subject's
embedding, the lexical baseline ranks the freshest MAX_POOL visible live posts and the
visible profiles sharing a skill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from coshore.accounts.models import Profile
from coshore.accounts.selectors import profile_audience
from coshore.spaces.models import Space

from ..embeddings import ensure_profile_embedding, model_available
from ..matching.codec import unpack
from ..matching.features import Candidate, Query, load_related_skills, related_for
from ..matching.index import key_of
from ..matching.scoring import rank
from ..models import Post, PostEmbedding, PostKind, PostSkill, PostStatus, ProfileEmbedding
from .candidates import (
    context_of,
    live_post_rows,
    live_posts,
    load_context,
    post_candidate,
    post_candidates_from_rows,
    post_skills,
    profile_candidate,
    profile_candidates_from_rows,
    profile_rows,
    profile_skills,
    viewer_from,
    visible_profile_rows,
    visible_profiles,
    with_texts,
)
from .live_index import PROFILE, get_live_index

__all__ = [
    "MAX_MATCHES",
    "MatchItem",
    "MatchView",
    "get_match_views",
    "get_matches",
    "get_matches_for_member",
    "get_member_match_views",
]

MAX_POOL = 2000
MAX_PROFILES = 500
MAX_MATCHES = 50
# Candidate generation with embeddings: the index's nearest ANN_K of each wanted kind, up to
# SKILL_POOL open posts (and profiles) sharing a skill (any of them: ordering them would make
# PostgreSQL walk a whole index for a rare skill), the CITY_POOL freshest open posts of an
# on-site subject's city.
ANN_K = 100
SKILL_POOL = 100
CITY_POOL = 100
MAX_CITY_SPACES = 20


@dataclass(frozen=True)
class MatchItem:
    kind: str
    id: int
    score: float
    reasons: list[str]


def _items(query: Query, candidates: list[Candidate], limit: int, now: datetime) -> list[MatchItem]:
    return [
        MatchItem(kind=m.kind, id=m.id, score=round(m.score, 4), reasons=list(m.reasons))
        for m in rank(query, candidates, limit=limit, now=now)
    ]


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_MATCHES))


def _post_vector(post: Post) -> np.ndarray | None:
    row = PostEmbedding.objects.filter(post_id=post.pk).values_list("vector", flat=True).first()
    return unpack(row) if row is not None else None


@dataclass(frozen=True)
class _Want:
    """What a query is answered with and where its candidates come from."""

    kind: str  # the post kind wanted
    profiles: bool  # a need also meets member profiles
    owner_id: int  # never the subject's owner
    skill_ids: tuple[int, ...]
    skill_uris: frozenset[str]
    city: str  # on-site subject: its city's live posts join the pool
    exclude_post: int | None = None


def _pool_ann(
    user: Any, want: _Want, vector: np.ndarray, index: Any
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The candidates' rows (`candidates.POST_COLUMNS`, `PROFILE_COLUMNS`): ids from the
    index, the skill pools and the city pool. Posts are loaded with visibility and the live
    filter; profiles ungated (`visible_profile_rows` gates them with the context)."""
    post_ids = {key_of(label)[1] for label, _ in index.search(want.kind, vector, ANN_K)}
    if want.skill_ids:
        post_ids.update(
            PostSkill.objects.filter(
                skill_id__in=want.skill_ids, post__kind=want.kind, post__status=PostStatus.OPEN
            )
            .order_by()
            .values_list("post_id", flat=True)[:SKILL_POOL]
        )
    if want.city:
        post_ids.update(_city_pool(want))
    post_ids.discard(want.exclude_post or 0)
    posts = list(
        live_post_rows(user, want.kind).filter(pk__any=post_ids).exclude(author_id=want.owner_id)
    )
    profiles: list[tuple[Any, ...]] = []
    if want.profiles:
        user_ids = {key_of(label)[1] for label, _ in index.search(PROFILE, vector, ANN_K)}
        if want.skill_ids:
            through = Profile.skills.through
            user_ids.update(
                through.objects.filter(skill_id__in=want.skill_ids)
                .order_by()
                .values_list("profile__user_id", flat=True)[:SKILL_POOL]
            )
        user_ids.discard(want.owner_id)
        profiles = profile_rows(user_ids)
    return posts, profiles


def _city_pool(want: _Want) -> list[int]:
    """The freshest open posts of the wanted kind in the subject's city: ids only, without
    the visibility gate (the load applies it). One indexed read per space (space, status,
    fresh), in one query where the database allows it, for a city of a few spaces; one read
    for the city beyond."""
    now = timezone.now()
    spaces = list(
        Space.objects.filter(city=want.city).values_list("pk", flat=True)[: MAX_CITY_SPACES + 1]
    )
    open_posts = Post.objects.filter(status=PostStatus.OPEN, kind=want.kind, expires_at__gt=now)
    if len(spaces) > MAX_CITY_SPACES:
        return list(
            open_posts.filter(space__city=want.city)
            .order_by("-fresh_at", "-id")
            .values_list("pk", flat=True)[:CITY_POOL]
        )
    if not spaces:
        return []
    parts = [
        open_posts.filter(space_id=space_id)
        .order_by("-fresh_at", "-id")
        .values_list("fresh_at", "pk")[:CITY_POOL]
        for space_id in spaces
    ]
    if connection.features.supports_slicing_ordering_in_compound and len(parts) > 1:
        # Merged and cut in the database: 100 rows come back, not 100 per space.
        merged = parts[0].union(*parts[1:], all=True).order_by("-fresh_at", "-pk")
        return [pk for _, pk in merged[:CITY_POOL]]
    found: list[tuple[datetime, int]] = []
    for part in parts:
        found += list(part)
    found.sort(reverse=True)
    return [pk for _, pk in found[:CITY_POOL]]


def _pool_lexical(user: Any, want: _Want) -> tuple[list[Post], list[Profile]]:
    posts = list(
        live_posts(user, want.kind, embeddings=False)
        .exclude(author_id=want.owner_id)
        .exclude(pk=want.exclude_post or 0)
        .order_by("-fresh_at", "-id")[:MAX_POOL]
    )
    profiles: list[Profile] = []
    if want.profiles and want.skill_uris:
        wanted_skills = want.skill_uris.union(
            *related_for(want.skill_uris, load_related_skills()).values()
        )
        profiles = list(
            visible_profiles(user, embeddings=False)
            .filter(skills__uri__in=wanted_skills)
            .exclude(user_id=want.owner_id)
            .distinct()
            .order_by("-updated_at", "user_id")[:MAX_PROFILES]
        )
    return posts, profiles


def _match(
    *,
    user: Any,
    want: _Want,
    vector: np.ndarray | None,
    subject_of: Any,
    limit: int,
    now: datetime,
    space_ids: tuple[int, ...] = (),
    subject_user: int | None = None,
) -> list[MatchItem]:
    index = get_live_index() if vector is not None and model_available() else None
    subject_users = [subject_user] if subject_user else []
    audience = profile_audience(user)
    viewer = viewer_from(audience)
    if index is not None and vector is not None:
        post_rows, profile_rows_ = _pool_ann(user, want, vector, index)
        ctx = context_of(
            space_ids={r[9] for r in post_rows} | set(space_ids),
            profile_users=[r[1] for r in profile_rows_] + subject_users,
            authors={r[1] for r in post_rows},
            operators=bool(profile_rows_),
        )
        profile_rows_ = visible_profile_rows(audience, profile_rows_, ctx)
        candidates = post_candidates_from_rows(post_rows, post_skills(r[0] for r in post_rows), ctx)
        candidates += profile_candidates_from_rows(
            profile_rows_, profile_skills(r[0] for r in profile_rows_), ctx
        )
        if any(c.embedding is None for c in candidates):  # not embedded yet: lexical for them
            candidates = with_texts(candidates)
        subject = subject_of(ctx, vector)
    else:
        posts, profiles = _pool_lexical(user, want)
        ctx = load_context(
            posts=posts,
            profile_users=[p.user_id for p in profiles] + subject_users,
            space_ids=space_ids,
        )
        subject = subject_of(ctx, None)
        candidates = [post_candidate(p, ctx) for p in posts]
        candidates += [profile_candidate(p, ctx) for p in profiles]
    query = Query(
        subject=subject,
        viewer=viewer,
        related_skills=related_for(subject.skills, load_related_skills()),
    )
    return _items(query, candidates, limit, now)


def get_matches(
    *, user: Any, post: Post, limit: int = 10, now: datetime | None = None
) -> list[MatchItem]:
    """The best `limit` (1-50) matches of `post` that `user` may see, each with its reasons:
    offers and member profiles for a need, needs for an offer. A closed or expired post, its
    author's own posts and anything hidden from `user` never come back."""
    now = now or timezone.now()
    links = list(post.skill_links.all())
    want = _Want(
        kind=PostKind.NEED if post.kind == PostKind.OFFER else PostKind.OFFER,
        profiles=post.kind == PostKind.NEED,
        owner_id=post.author_id,
        skill_ids=tuple(link.skill_id for link in links),
        skill_uris=frozenset(link.skill.uri for link in links),
        city=post.space.city if post.locality == "on_site" else "",
        exclude_post=post.pk,
    )
    return _match(
        user=user,
        want=want,
        vector=_post_vector(post),
        subject_of=lambda ctx, vector: post_candidate(post, ctx, embedding=vector),
        limit=_limit(limit),
        now=now,
        space_ids=(post.space_id,),
    )


def get_matches_for_member(
    *, user: Any, limit: int = 10, now: datetime | None = None
) -> list[MatchItem]:
    """ "Matches for you": the best `limit` (1-50) live needs that `user` may see for their
    profile (skills, headline, bio, timezone, languages, home space), with reasons; never
    their own. A profile edited since its embedding was made is embedded again first (when
    the model is installed). Anonymous callers get nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    profile = (
        Profile.objects.filter(user_id=user.pk)
        .select_related("user", "home_space")
        .prefetch_related("skills")
        .first()
    )
    if profile is None:
        return []
    ensure_profile_embedding(profile)
    row = ProfileEmbedding.objects.filter(user_id=user.pk).values_list("vector", flat=True).first()
    vector = unpack(row) if row is not None else None
    skills = list(profile.skills.all())
    home = profile.home_space
    want = _Want(
        kind=PostKind.NEED,
        profiles=False,
        owner_id=user.pk,
        skill_ids=tuple(s.pk for s in skills),
        skill_uris=frozenset(s.uri for s in skills),
        city=home.city if home is not None else "",
    )
    return _match(
        user=user,
        want=want,
        vector=vector,
        subject_of=lambda ctx, vec: profile_candidate(profile, ctx, embedding=vec),
        limit=_limit(limit),
        now=now,
        subject_user=user.pk,
    )


@dataclass(frozen=True)
class MatchView:
    """A match ready for a page: what it is, a title, a line about who and where, a link."""

    item: MatchItem
    title: str
    subtitle: str
    url: str


def get_match_views(*, user: Any, post: Post, limit: int = 8) -> list[MatchView]:
    """`get_matches` with each match's title, owner and place, for the post page (two more
    queries whatever the number of matches)."""
    return _views(get_matches(user=user, post=post, limit=limit))


def get_member_match_views(*, user: Any, limit: int = 20) -> list[MatchView]:
    """`get_matches_for_member` ready for the "Matches for you" page."""
    return _views(get_matches_for_member(user=user, limit=limit))


def _views(items: list[MatchItem]) -> list[MatchView]:
    from django.urls import reverse

    posts = {
        p.pk: p
        for p in Post.objects.filter(
            pk__in=[i.id for i in items if i.kind == "post"]
        ).select_related("author", "space")
    }
    profiles = {
        p.user_id: p
        for p in Profile.objects.filter(
            user_id__in=[i.id for i in items if i.kind == "profile"]
        ).select_related("user", "home_space")
    }
    views = []
    for i in items:
        if i.kind == "post" and i.id in posts:
            p = posts[i.id]
            views.append(
                MatchView(
                    item=i,
                    title=p.title,
                    subtitle=f"{p.get_kind_display()} by {p.author.name} · {p.space.name}",
                    url=reverse("wall:post", args=[p.pk]),
                )
            )
        elif i.kind == "profile" and i.id in profiles:
            pr = profiles[i.id]
            where = f" · {pr.home_space.name}" if pr.home_space else ""
            views.append(
                MatchView(
                    item=i,
                    title=pr.user.name,
                    subtitle=f"Member{where}" + (f" · {pr.headline}" if pr.headline else ""),
                    url=reverse("accounts:person", args=[pr.user_id]),
                )
            )
    return views
