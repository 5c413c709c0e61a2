"""Matches of a post, for the person asking: the candidates they may see, built into the
pure matching features (`coshore.wall.matching`) and ranked there.

Candidates come from the database: the live posts of the wanted kind the viewer may see (the
freshest MAX_POOL), and for a need, the profiles the viewer may see (accounts' visibility
rule) of people who list one of the need's skills or a related one. Without stored embeddings
the ranking uses matching's lexical baseline; the ANN index (`matching.index`) is the path at
scale and is not wired here yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from coshore.accounts.models import Profile
from coshore.accounts.selectors import list_profiles_visible_to
from coshore.reputation.selectors import reputation_of
from coshore.spaces.models import Network, NetworkSpace, SpaceRole
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user

from ..matching.features import (
    Candidate,
    Query,
    Viewer,
    WorkWindow,
    load_related_skills,
    related_for,
)
from ..matching.scoring import rank
from ..models import Post, PostKind, PostSkill, PostStatus
from .posts import live_q, visible_posts

__all__ = ["MAX_MATCHES", "MatchItem", "MatchView", "get_match_views", "get_matches"]

MAX_POOL = 2000
MAX_PROFILES = 500
MAX_MATCHES = 50


@dataclass(frozen=True)
class MatchItem:
    kind: str
    id: int
    score: float
    reasons: list[str]


def _viewer(user: Any) -> Viewer:
    if user is None or not getattr(user, "is_authenticated", False):
        return Viewer(user_id=None)
    return Viewer(
        user_id=user.pk,
        space_ids=frozenset(space_ids_of_user(user)),
        network_ids=frozenset(network_ids_of_user(user)),
        is_staff=bool(user.is_staff),
    )


def _networks_of(space_ids: set[int]) -> tuple[dict[int, set[int]], dict[int, str]]:
    by_space: dict[int, set[int]] = defaultdict(set)
    for space_id, network_id in NetworkSpace.objects.filter(space_id__in=space_ids).values_list(
        "space_id", "network_id"
    ):
        by_space[space_id].add(network_id)
    ids = {n for ns in by_space.values() for n in ns}
    names = dict(Network.objects.filter(pk__in=ids).values_list("pk", "name"))
    return by_space, names


def _post_candidate(
    post: Post, networks: dict[int, set[int]], names: dict[int, str], reputation: dict[int, float]
) -> Candidate:
    links = list(post.skill_links.all())
    net_ids = frozenset(networks.get(post.space_id, set()))
    return Candidate(
        kind="post",
        id=post.pk,
        owner_id=post.author_id,
        post_kind=post.kind,  # type: ignore[arg-type]
        title=post.title,
        text=post.text,
        skills=frozenset(link.skill.uri for link in links),
        skill_labels={link.skill.uri: link.skill.preferred_label for link in links},
        window=WorkWindow(
            tz_name=post.tz_name or post.space.timezone,
            start=post.tz_earliest if post.tz_earliest is not None else 9,
            end=post.tz_latest if post.tz_latest is not None else 18,
        ),
        languages=tuple(post.language_list),
        locality=post.locality,  # type: ignore[arg-type]
        visibility=post.visibility,  # type: ignore[arg-type]
        space_id=post.space_id,
        space_name=post.space.name,
        audience_space_ids=frozenset({post.space_id}),
        city=post.space.city,
        network_ids=net_ids,
        network_names={n: names[n] for n in net_ids if n in names},
        reputation=reputation.get(post.author_id),
        fresh_at=post.fresh_at,
        expires_at=post.expires_at,
        closed=post.status != PostStatus.OPEN,
    )


def _profile_candidate(
    profile: Profile,
    spaces_of: dict[int, set[int]],
    networks: dict[int, set[int]],
    names: dict[int, str],
    reputation: dict[int, float],
) -> Candidate:
    home = profile.home_space
    spaces = spaces_of.get(profile.user_id, set())
    net_ids = frozenset(n for s in spaces for n in networks.get(s, set()))
    skills = list(profile.skills.all())
    zone = profile.timezone or (home.timezone if home else "")
    return Candidate(
        kind="profile",
        id=profile.user_id,
        owner_id=profile.user_id,
        title=profile.headline or profile.user.name,
        text=profile.bio,
        skills=frozenset(s.uri for s in skills),
        skill_labels={s.uri: s.preferred_label for s in skills},
        window=WorkWindow(tz_name=zone) if zone else None,
        languages=tuple(profile.languages or ()),
        locality="hybrid",
        # Already filtered by the accounts visibility rule for this viewer.
        visibility="public",
        space_id=home.pk if home else (min(spaces) if spaces else None),
        space_name=home.name if home else "",
        audience_space_ids=frozenset(spaces),
        city=home.city if home else "",
        network_ids=net_ids,
        network_names={n: names[n] for n in net_ids if n in names},
        reputation=reputation.get(profile.user_id),
        fresh_at=profile.updated_at,
    )


def get_matches(
    *, user: Any, post: Post, limit: int = 10, now: datetime | None = None
) -> list[MatchItem]:
    """The best `limit` (1-50) matches of `post` that `user` may see, each with its reasons:
    offers and member profiles for a need, needs for an offer. A closed or expired post, its
    author's own posts and anything hidden from `user` never come back."""
    now = now or timezone.now()
    limit = max(1, min(int(limit), MAX_MATCHES))
    wanted = PostKind.NEED if post.kind == PostKind.OFFER else PostKind.OFFER
    pool = list(
        visible_posts(user)
        .filter(live_q(), kind=wanted)
        .exclude(author_id=post.author_id)
        .select_related("space")
        .prefetch_related(
            Prefetch("skill_links", queryset=PostSkill.objects.select_related("skill"))
        )
        .order_by("-fresh_at", "-id")[:MAX_POOL]
    )
    related_map = load_related_skills()
    subject_skills = {link.skill.uri for link in post.skill_links.all()}
    profiles: list[Profile] = []
    if post.kind == PostKind.NEED and subject_skills:
        wanted_skills = subject_skills.union(*related_for(subject_skills, related_map).values())
        profiles = list(
            list_profiles_visible_to(user)
            .filter(user__is_active=True, skills__uri__in=wanted_skills)
            .exclude(user_id=post.author_id)
            .exclude(visibility="private")
            .select_related("user", "home_space")
            .prefetch_related("skills")
            .distinct()
            .order_by("-updated_at", "user_id")[:MAX_PROFILES]
        )
    spaces_of: dict[int, set[int]] = defaultdict(set)
    for user_id, space_id in SpaceRole.objects.filter(
        user_id__in=[p.user_id for p in profiles]
    ).values_list("user_id", "space_id"):
        spaces_of[user_id].add(space_id)
    space_ids = {p.space_id for p in pool} | {post.space_id}
    space_ids |= {s for ss in spaces_of.values() for s in ss}
    networks, names = _networks_of(space_ids)
    reputation = reputation_of({post.author_id, *(p.author_id for p in pool), *spaces_of})
    subject = _post_candidate(post, networks, names, reputation)
    query = Query(
        subject=subject,
        viewer=_viewer(user),
        related_skills=related_for(subject.skills, related_map),
    )
    candidates = [_post_candidate(p, networks, names, reputation) for p in pool]
    candidates += [_profile_candidate(p, spaces_of, networks, names, reputation) for p in profiles]
    return [
        MatchItem(kind=m.kind, id=m.id, score=round(m.score, 4), reasons=list(m.reasons))
        for m in rank(query, candidates, limit=limit, now=now)
    ]


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
    from django.urls import reverse

    items = get_matches(user=user, post=post, limit=limit)
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
