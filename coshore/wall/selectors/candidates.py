"""Rows to matching features: the posts and profiles a match query may return, loaded with
the viewer's visibility and the live filter in the same query, and turned into
`matching.features.Candidate`s (with their stored embeddings when there are any)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from coshore.accounts.models import Profile
from coshore.accounts.selectors import (
    ProfileAudience,
    ProfileFacts,
    list_profiles_visible_to,
    networks_operated_by,
    profile_visible,
)
from coshore.reputation.selectors import reputation_of
from coshore.skills.models import Skill
from coshore.spaces.models import NetworkSpace, SpaceRole
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user

from ..matching.codec import HEADER, unpack, unpack_many
from ..matching.features import Candidate, Viewer, WorkWindow
from ..models import Post, PostSkill, PostStatus
from .posts import live_q, visible_posts


def viewer_from(audience: ProfileAudience) -> Viewer:
    """The matching `Viewer` of an audience (`profile_audience`: one query)."""
    return Viewer(
        user_id=audience.user_id,
        space_ids=audience.space_ids,
        network_ids=audience.network_ids,
        is_staff=audience.is_staff,
    )


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
    # The networks the candidate members operate (read only where the profile gate runs in
    # Python: `context_of(..., operators=True)`).
    operated: dict[int, set[int]] = field(default_factory=dict)


def load_context(
    *, posts: Sequence[Post], profile_users: Iterable[int], space_ids: Iterable[int] = ()
) -> Context:
    """One query each for the people's spaces, the networks with their names, and
    reputations."""
    return context_of(
        space_ids={p.space_id for p in posts} | set(space_ids),
        profile_users=profile_users,
        authors={p.author_id for p in posts},
    )


def context_of(
    *,
    space_ids: Iterable[int],
    profile_users: Iterable[int],
    authors: Iterable[int],
    operators: bool = False,
) -> Context:
    """`load_context` from ids: the spaces of the posts (and of the subject), the members
    whose profiles are candidates (their spaces are read here, and with `operators` the
    networks they operate), the posts' authors."""
    users = set(profile_users)
    spaces_of: dict[int, set[int]] = defaultdict(set)
    if users:
        for user_id, space_id in SpaceRole.objects.filter(user_id__any=users).values_list(
            "user_id", "space_id"
        ):
            spaces_of[user_id].add(space_id)
    ids = set(space_ids)
    ids |= {s for ss in spaces_of.values() for s in ss}
    by_space: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for space_id, network_id, name in (
        NetworkSpace.objects.filter(space_id__any=ids)
        .order_by()
        .values_list("space_id", "network_id", "network__name")
    ):
        by_space[space_id].add(network_id)
        names[network_id] = name
    reputation = reputation_of(users | set(authors))
    return Context(
        spaces_of=spaces_of,
        networks=by_space,
        names=names,
        reputation=reputation,
        operated=networks_operated_by(users) if operators else {},
    )


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


# --- Candidates from rows (values_list, no model instances) ---------------------------------------
# The ANN path loads a few hundred candidates per request: as plain rows they cost a fraction
# of model instances with select_related and prefetches.

POST_COLUMNS = (
    "pk",
    "author_id",
    "kind",
    "tz_name",
    "tz_earliest",
    "tz_latest",
    "languages",
    "locality",
    "visibility",
    "space_id",
    "space__name",
    "space__city",
    "space__timezone",
    "fresh_at",
    "expires_at",
    "status",
    "embedding__vector",
)
PROFILE_COLUMNS = (
    "pk",
    "user_id",
    "headline",
    "user__display_name",
    "user__email",
    "timezone",
    "languages",
    "home_space_id",
    "home_space__name",
    "home_space__city",
    "home_space__timezone",
    "updated_at",
    "user__wall_embedding__vector",
    # What the profile gate needs (`visible_profile_rows`).
    "visibility",
    "user__is_active",
    "scouting_opt_in",
)


def live_post_rows(user: Any, kind: str) -> QuerySet[Post, tuple[Any, ...]]:
    """`live_posts` as rows of POST_COLUMNS (visibility and the live filter in the query)."""
    return visible_posts(user).filter(live_q(), kind=kind).order_by().values_list(*POST_COLUMNS)


def profile_rows(user_ids: Iterable[int]) -> list[tuple[Any, ...]]:
    """Rows of PROFILE_COLUMNS of `user_ids`, ungated: `visible_profile_rows` keeps those the
    viewer may see, once the context holds their owners' spaces and networks."""
    ids = list(user_ids)
    if not ids:
        return []
    return list(Profile.objects.filter(user_id__any=ids).order_by().values_list(*PROFILE_COLUMNS))


def visible_profile_rows(
    audience: ProfileAudience, rows: Sequence[tuple[Any, ...]], ctx: Context
) -> list[tuple[Any, ...]]:
    """The rows of discoverable profiles (active, not private) that the viewer behind
    `audience` may see: the accounts gate (`profile_visible`) applied to the owners' spaces
    and networks in `ctx` (loaded with `profile_users` including them)."""
    out = []
    for row in rows:
        user_id, visibility, active, scouting = row[1], row[13], row[14], row[15]
        if not active or visibility == "private":
            continue
        spaces = ctx.spaces_of.get(user_id, set())
        networks = {n for s in spaces for n in ctx.networks.get(s, ())}
        facts = ProfileFacts(
            user_id=user_id,
            visibility=visibility,
            is_active=active,
            scouting_opt_in=scouting,
            space_ids=frozenset(spaces),
            network_ids=frozenset(networks | ctx.operated.get(user_id, set())),
        )
        if profile_visible(audience, facts):
            out.append(row)
    return out


Skills = dict[int, dict[str, str]]


def post_skills(post_ids: Iterable[int]) -> Skills:
    """Each post's skills, URI to label (one query)."""
    out: Skills = defaultdict(dict)
    ids = list(post_ids)
    if ids:
        for post_id, uri, label in (
            PostSkill.objects.filter(post_id__any=ids)
            .order_by()
            .values_list("post_id", "skill__uri", "skill__preferred_label")
        ):
            out[post_id][uri] = label
    return out


def profile_skills(profile_ids: Iterable[int]) -> Skills:
    """Each profile's skills (by profile id), URI to label (one query)."""
    out: Skills = defaultdict(dict)
    ids = list(profile_ids)
    if ids:
        through = Profile.skills.through
        for profile_id, uri, label in (
            through.objects.filter(profile_id__any=ids)
            .order_by()
            .values_list("profile_id", "skill__uri", "skill__preferred_label")
        ):
            out[profile_id][uri] = label
    return out


def _vectors(rows: Sequence[tuple[Any, ...]], column: int) -> list[np.ndarray | None]:
    """The unpacked stored vectors of `rows` (None where there is none), in one go."""
    present = [i for i, r in enumerate(rows) if r[column] is not None]
    out: list[np.ndarray | None] = [None] * len(rows)
    if present:
        first = bytes(rows[present[0]][column])
        matrix = unpack_many([rows[i][column] for i in present], len(first) - HEADER)
        for j, i in enumerate(present):
            out[i] = matrix[j]
    return out


def post_candidates_from_rows(
    rows: Sequence[tuple[Any, ...]], skills: Skills, ctx: Context
) -> list[Candidate]:
    """`post_candidate` for rows of POST_COLUMNS, without title and text (`with_texts` adds
    them when the lexical similarity needs them)."""
    vectors = _vectors(rows, 16)
    out = []
    for r, vector in zip(rows, vectors, strict=True):
        (pk, author_id, kind, tz_name, tz_earliest, tz_latest, languages, locality,
         visibility, space_id, space_name, city, space_tz, fresh_at, expires_at, status,
         _) = r  # fmt: skip
        labels = skills.get(pk, {})
        net_ids = frozenset(ctx.networks.get(space_id, ()))
        out.append(
            Candidate(
                kind="post",
                id=pk,
                owner_id=author_id,
                post_kind=kind,
                embedding=vector,
                skills=frozenset(labels),
                skill_labels=labels,
                window=WorkWindow(
                    tz_name=tz_name or space_tz,
                    start=tz_earliest if tz_earliest is not None else 9,
                    end=tz_latest if tz_latest is not None else 18,
                ),
                languages=tuple(code for code in languages.split(",") if code),
                locality=locality,
                visibility=visibility,
                space_id=space_id,
                space_name=space_name,
                audience_space_ids=frozenset({space_id}),
                city=city,
                network_ids=net_ids,
                network_names={n: ctx.names[n] for n in net_ids if n in ctx.names},
                reputation=ctx.reputation.get(author_id),
                fresh_at=fresh_at,
                expires_at=expires_at,
                closed=status != PostStatus.OPEN,
            )
        )
    return out


def profile_candidates_from_rows(
    rows: Sequence[tuple[Any, ...]], skills: Skills, ctx: Context
) -> list[Candidate]:
    """`profile_candidate` for rows of PROFILE_COLUMNS (without the bio: `with_texts`)."""
    vectors = _vectors(rows, 12)
    out = []
    for r, vector in zip(rows, vectors, strict=True):
        (pk, user_id, headline, display_name, email, zone, languages, home_id, home_name,
         home_city, home_tz, updated_at, *_) = r  # fmt: skip
        spaces = ctx.spaces_of.get(user_id, set())
        net_ids = frozenset(n for s in spaces for n in ctx.networks.get(s, ()))
        labels = skills.get(pk, {})
        zone = zone or (home_tz if home_id is not None else "")
        out.append(
            Candidate(
                kind="profile",
                id=user_id,
                owner_id=user_id,
                title=headline or display_name or email.split("@", 1)[0],
                embedding=vector,
                skills=frozenset(labels),
                skill_labels=labels,
                window=WorkWindow(tz_name=zone) if zone else None,
                languages=tuple(languages or ()),
                locality="hybrid",
                # Already filtered by the accounts visibility rule for this viewer.
                visibility="public",
                space_id=home_id if home_id is not None else (min(spaces) if spaces else None),
                space_name=home_name if home_id is not None else "",
                audience_space_ids=frozenset(spaces),
                city=home_city if home_id is not None else "",
                network_ids=net_ids,
                network_names={n: ctx.names[n] for n in net_ids if n in ctx.names},
                reputation=ctx.reputation.get(user_id),
                fresh_at=updated_at,
            )
        )
    return out


def with_texts(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates with their title and text (a post's title and text, a profile's bio),
    read by id: for the lexical similarity, when a side has no embedding."""
    post_ids = [c.id for c in candidates if c.kind == "post"]
    user_ids = [c.id for c in candidates if c.kind == "profile"]
    posts = {
        pk: (title, text)
        for pk, title, text in Post.objects.filter(pk__in=post_ids)
        .order_by()
        .values_list("pk", "title", "text")
    }
    bios = dict(
        Profile.objects.filter(user_id__in=user_ids).order_by().values_list("user_id", "bio")
    )
    out = []
    for c in candidates:
        if c.kind == "post":
            title, text = posts.get(c.id, ("", ""))
            out.append(replace(c, title=title, text=text))
        else:
            out.append(replace(c, text=bios.get(c.id, "")))
    return out
