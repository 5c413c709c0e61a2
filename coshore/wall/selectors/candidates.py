"""Rows to matching features: the posts and profiles a match query may return, loaded with
the viewer's visibility and the live filter in the same query, and turned into
`matching.features.Candidate`s (with their stored embeddings when there are any)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from coshore.accounts.models import Profile
from coshore.accounts.selectors import list_profiles_visible_to
from coshore.reputation.selectors import reputation_of
from coshore.skills.models import Skill
from coshore.spaces.models import Network, NetworkSpace, SpaceRole
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user

from ..matching.codec import unpack
from ..matching.features import Candidate, Viewer, WorkWindow
from ..models import Post, PostSkill, PostStatus
from .posts import live_q, visible_posts


def viewer_of(user: Any) -> Viewer:
    if user is None or not getattr(user, "is_authenticated", False):
        return Viewer(user_id=None)
    return Viewer(
        user_id=user.pk,
        space_ids=frozenset(space_ids_of_user(user)),
        network_ids=frozenset(network_ids_of_user(user)),
        is_staff=bool(user.is_staff),
    )


def stored_vector(obj: Any, attr: str) -> np.ndarray | None:
    """The unpacked embedding behind a reverse one-to-one (`embedding`, `wall_embedding`),
    None when there is none."""
    try:
        row = getattr(obj, attr)
    except ObjectDoesNotExist:  # not embedded (yet)
        return None
    return unpack(row.vector) if row is not None else None


def live_posts(user: Any, kind: str, *, embeddings: bool) -> QuerySet[Post]:
    """Live posts of `kind` that `user` may see, ready to become candidates."""
    qs = (
        visible_posts(user)
        .filter(live_q(), kind=kind)
        .defer("search_text")
        .prefetch_related(
            Prefetch(
                "skill_links",
                queryset=PostSkill.objects.select_related("skill").only(
                    "post_id", "skill__uri", "skill__preferred_label"
                ),
            )
        )
    )
    return qs.select_related("space", "embedding") if embeddings else qs.select_related("space")


def visible_profiles(user: Any, *, embeddings: bool) -> QuerySet[Profile]:
    """Discoverable profiles `user` may see (active people, not private)."""
    qs = (
        list_profiles_visible_to(user)
        .filter(user__is_active=True)
        .exclude(visibility="private")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.only("uri", "preferred_label")))
    )
    related = ["user", "home_space"] + (["user__wall_embedding"] if embeddings else [])
    return qs.select_related(*related)


@dataclass
class Context:
    """What candidates share: each person's spaces, the spaces' networks and their names,
    reputations."""

    spaces_of: dict[int, set[int]] = field(default_factory=dict)
    networks: dict[int, set[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    reputation: dict[int, float] = field(default_factory=dict)


def load_context(
    *, posts: Sequence[Post], profile_users: Iterable[int], space_ids: Iterable[int] = ()
) -> Context:
    """One query each for the people's spaces, the networks, their names and reputations."""
    users = set(profile_users)
    spaces_of: dict[int, set[int]] = defaultdict(set)
    for user_id, space_id in SpaceRole.objects.filter(user_id__in=users).values_list(
        "user_id", "space_id"
    ):
        spaces_of[user_id].add(space_id)
    ids = {p.space_id for p in posts} | set(space_ids)
    ids |= {s for ss in spaces_of.values() for s in ss}
    by_space: dict[int, set[int]] = defaultdict(set)
    for space_id, network_id in NetworkSpace.objects.filter(space_id__in=ids).values_list(
        "space_id", "network_id"
    ):
        by_space[space_id].add(network_id)
    net_ids = {n for ns in by_space.values() for n in ns}
    names = dict(Network.objects.filter(pk__in=net_ids).values_list("pk", "name"))
    reputation = reputation_of(users | {p.author_id for p in posts})
    return Context(spaces_of=spaces_of, networks=by_space, names=names, reputation=reputation)


def post_candidate(post: Post, ctx: Context, *, embedding: Any = None) -> Candidate:
    links = list(post.skill_links.all())
    net_ids = frozenset(ctx.networks.get(post.space_id, set()))
    return Candidate(
        kind="post",
        id=post.pk,
        owner_id=post.author_id,
        post_kind=post.kind,  # type: ignore[arg-type]
        title=post.title,
        text=post.text,
        embedding=embedding,
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
        network_names={n: ctx.names[n] for n in net_ids if n in ctx.names},
        reputation=ctx.reputation.get(post.author_id),
        fresh_at=post.fresh_at,
        expires_at=post.expires_at,
        closed=post.status != PostStatus.OPEN,
    )


def profile_candidate(profile: Profile, ctx: Context, *, embedding: Any = None) -> Candidate:
    home = profile.home_space
    spaces = ctx.spaces_of.get(profile.user_id, set())
    net_ids = frozenset(n for s in spaces for n in ctx.networks.get(s, set()))
    skills = list(profile.skills.all())
    zone = profile.timezone or (home.timezone if home else "")
    return Candidate(
        kind="profile",
        id=profile.user_id,
        owner_id=profile.user_id,
        title=profile.headline or profile.user.name,
        text=profile.bio,
        embedding=embedding,
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
        network_names={n: ctx.names[n] for n in net_ids if n in ctx.names},
        reputation=ctx.reputation.get(profile.user_id),
        fresh_at=profile.updated_at,
    )
