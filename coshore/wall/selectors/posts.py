"""Reads of the wall, already scoped to the caller: the post gate (who sees which post), wall
search with filters and two orders, my posts, reply threads and the space screen."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from coshore.accounts.models import User
from coshore.core.cursor import decode_cursor, encode_cursor
from coshore.core.text import fold
from coshore.skills.models import Skill
from coshore.spaces.models import NetworkSpace, Space, SpaceRole
from coshore.spaces.selectors import network_ids_of_user, space_ids_of_user, space_zone

from ..errors import InvalidQuery, PostNotFound, ThreadNotFound
from ..models import (
    Locality,
    Post,
    PostKind,
    PostSkill,
    PostStatus,
    PostVisibility,
    ReplyMessage,
    ReplyThread,
    WallScreen,
)
from ..rules import WORKDAY, is_valid_zone, next_weekday, overlap_hours

MAX_ID = 2**62
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_Q_CHARS = 200


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


# --- The post gate -----------------------------------------------------------------------------


def _audience(user: Any) -> Q | None:
    """Who sees a post, as one filter on Post; None means everything (staff).

    `public`: everyone. `network`: members (and managers) of any space of a network the post's
    space belongs to, and that network's operators. `space`: the space's members and managers
    and the operators of its networks. The poster always sees their own posts."""
    if not _authenticated(user):
        return Q(visibility=PostVisibility.PUBLIC)
    if user.is_staff:
        return None
    operated_spaces = NetworkSpace.objects.filter(network__operators__user_id=user.pk).values(
        "space_id"
    )
    in_my_networks = Exists(
        NetworkSpace.objects.filter(
            space_id=OuterRef("space_id"), network_id__in=network_ids_of_user(user)
        )
    )
    gate: Q = (
        Q(visibility=PostVisibility.PUBLIC)
        | Q(author_id=user.pk)
        | Q(space_id__in=space_ids_of_user(user))
        | Q(space_id__in=operated_spaces)
        | (Q(visibility=PostVisibility.NETWORK) & Q(in_my_networks))
    )
    return gate


def visible_posts(user: Any) -> QuerySet[Post]:
    """Every post `user` may read, live or not."""
    gate = _audience(user)
    return Post.objects.all() if gate is None else Post.objects.filter(gate)


def live_q(user: Any = None) -> Q:
    """Open and not expired; the caller's own posts stay in their lists whatever their state."""
    live = Q(status=PostStatus.OPEN, expires_at__gt=timezone.now())
    return live | Q(author_id=user.pk) if _authenticated(user) else live


def _with_details(qs: QuerySet[Post]) -> QuerySet[Post]:
    return qs.select_related("author", "space", "organisation").prefetch_related(
        Prefetch(
            "skill_links",
            queryset=PostSkill.objects.select_related("skill").order_by("position", "id"),
        )
    )


def get_post_for_user(*, user: Any, post_id: Any) -> Post:
    """The post if `user` may read it (closed and expired ones too); missing and hidden are
    both not-found."""
    if not _valid_id(post_id):
        raise PostNotFound("No such post.")
    try:
        return _with_details(visible_posts(user)).get(pk=post_id)
    except Post.DoesNotExist:
        raise PostNotFound("No such post.") from None


def can_see_post(user: Any, post: Post) -> bool:
    return visible_posts(user).filter(pk=post.pk).exists()


def is_poster(user: Any, post: Post) -> bool:
    return _authenticated(user) and post.author_id == user.pk


def post_skills(post: Post) -> list[Skill]:
    """The post's ESCO skills in their order (uses the prefetch when there is one)."""
    return [link.skill for link in post.skill_links.all()]


# --- People ------------------------------------------------------------------------------------


def home_space_of(user: User) -> Space | None:
    """The profile's home space, else the person's first space."""
    profile = getattr(user, "profile", None)
    if profile is not None and profile.home_space_id:
        return profile.home_space
    role = SpaceRole.objects.filter(user_id=user.pk).select_related("space").order_by("id").first()
    return role.space if role else None


def zone_of(user: Any) -> ZoneInfo:
    """A person's zone: the profile's, else the home space's, else UTC (also for anonymous)."""
    if not _authenticated(user):
        return ZoneInfo("UTC")
    profile = getattr(user, "profile", None)
    if profile is not None and is_valid_zone(profile.timezone):
        return ZoneInfo(profile.timezone)
    space = home_space_of(user)
    return space_zone(space) if space is not None else ZoneInfo("UTC")


def list_postable_spaces(user: Any) -> QuerySet[Space]:
    """Spaces `user` may post into: where they are a member or a manager."""
    return Space.objects.filter(pk__in=space_ids_of_user(user)).order_by("name")


# --- Searching the wall ------------------------------------------------------------------------


class _Params(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...


@dataclass(frozen=True)
class PostQuery:
    """A validated wall search. Build it with `parse_post_query`."""

    kind: str = ""
    skill: str = ""
    space: str = ""
    city: str = ""
    network: str = ""
    remote: bool | None = None
    language: str = ""
    min_overlap_hours: float | None = None
    budget: Decimal | None = None
    q: str = ""
    sort: str = "fresh"
    mine: bool = False
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


@dataclass
class PostPage:
    items: list[Post]
    next_cursor: str | None
    query: PostQuery = field(repr=False)


def _bad(param: str, message: str) -> InvalidQuery:
    return InvalidQuery(message, detail={"param": param})


def _text(params: _Params, key: str, max_len: int = 300) -> str:
    value = params.get(key)
    if value is None:
        return ""
    value = str(value)
    if len(value) > max_len:
        raise _bad(key, f"`{key}` is too long.")
    return value.strip()


def _bool(params: _Params, key: str) -> bool | None:
    raw = _text(params, key).lower()
    if not raw:
        return None
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise _bad(key, f"`{key}` must be true or false.")


def parse_post_query(params: _Params) -> PostQuery:
    """Read the wall's filters from query parameters (strings); bad ones are
    `wall.invalid_query` with the parameter's name."""
    kind = _text(params, "kind")
    if kind and kind not in PostKind.values:
        raise _bad("kind", "`kind` is offer or need.")
    sort = _text(params, "sort") or "fresh"
    if sort not in {"fresh", "relevance"}:
        raise _bad("sort", "`sort` is fresh or relevance.")
    language = _text(params, "language").lower()
    if language and (len(language) != 2 or not language.isalpha()):
        raise _bad("language", "`language` is an ISO 639-1 code such as en.")
    overlap: float | None = None
    raw_overlap = _text(params, "min_overlap_hours")
    if raw_overlap:
        try:
            overlap = float(raw_overlap)
        except ValueError:
            raise _bad("min_overlap_hours", "`min_overlap_hours` must be a number.") from None
        if not 0 <= overlap <= 24:
            raise _bad("min_overlap_hours", "`min_overlap_hours` is between 0 and 24.")
    budget: Decimal | None = None
    raw_budget = _text(params, "budget", 32)
    if raw_budget:
        try:
            budget = Decimal(raw_budget)
        except InvalidOperation:
            raise _bad("budget", "`budget` must be a number.") from None
        if not budget.is_finite() or budget < 0:
            raise _bad("budget", "`budget` must be a finite amount from 0.")
    raw_limit = _text(params, "limit", 10)
    limit = DEFAULT_LIMIT
    if raw_limit:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise _bad("limit", f"`limit` is 1 to {MAX_LIMIT}.") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise _bad("limit", f"`limit` is 1 to {MAX_LIMIT}.")
    return PostQuery(
        kind=kind,
        skill=_text(params, "skill"),
        space=_text(params, "space", 120),
        city=_text(params, "city", 120),
        network=_text(params, "network", 80),
        remote=_bool(params, "remote"),
        language=language,
        min_overlap_hours=overlap,
        budget=budget,
        q=_text(params, "q", MAX_Q_CHARS),
        sort=sort,
        mine=bool(_bool(params, "mine")),
        limit=limit,
        cursor=_text(params, "cursor", 1000) or None,
    )


def _overlap_filter(qs: QuerySet[Post], viewer: Any, minimum: float) -> QuerySet[Post]:
    """Posts whose working window shares at least `minimum` hours with the viewer's working
    day (09:00-18:00 in their zone) on the next weekday. A post without a window works its
    space's day. Evaluated once per distinct window (few), then one filter on those."""
    mine = (zone_of(viewer), *WORKDAY)
    day = next_weekday(timezone.now().astimezone(mine[0]).date())
    combos = qs.order_by().values_list("tz_name", "tz_earliest", "tz_latest", "space__timezone")
    keep = Q(pk__in=[])
    for tz_name, earliest, latest, space_tz in combos.distinct()[:5000]:
        name = tz_name or space_tz
        zone = ZoneInfo(name) if is_valid_zone(name) else ZoneInfo("UTC")
        start, end = (earliest, latest) if earliest is not None and latest is not None else WORKDAY
        if overlap_hours(mine, (zone, start, end), day=day) >= minimum:
            keep |= Q(
                tz_name=tz_name, tz_earliest=earliest, tz_latest=latest, space__timezone=space_tz
            )
    return qs.filter(keep)


def _relevance(qs: QuerySet[Post], viewer: Any, words: list[str]) -> QuerySet[Post]:
    """Relevance: 3 points per skill the post shares with the viewer's profile, 2 per word of
    `q` in the title, then freshness."""
    score: Any = Value(0, output_field=IntegerField())
    if _authenticated(viewer):
        shared = (
            PostSkill.objects.filter(
                post_id=OuterRef("pk"),
                skill_id__in=Skill.objects.filter(profiles__user_id=viewer.pk).values("pk"),
            )
            .order_by()
            .values("post_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        score = Coalesce(Subquery(shared, output_field=IntegerField()), 0) * 3
    for word in words[:10]:
        score = score + Case(
            When(title__icontains=word, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return qs.annotate(relevance=score)


def search_posts(
    *,
    viewer: Any,
    query: PostQuery,
    space: Space | None = None,
    network_id: int | None = None,
) -> PostPage:
    """One page of the wall posts `viewer` may see that match `query`, limited to `space` or
    to the spaces of a network when given: freshest first (renewing counts), or by relevance.
    Closed and expired posts are left out, except the viewer's own."""
    qs = visible_posts(viewer).filter(live_q(viewer))
    if query.mine:
        qs = qs.filter(author_id=viewer.pk) if _authenticated(viewer) else qs.none()
    if space is not None:
        qs = qs.filter(space_id=space.pk)
    if network_id is not None:
        qs = qs.filter(
            space_id__in=NetworkSpace.objects.filter(network_id=network_id).values("space_id")
        )
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.skill:
        qs = qs.filter(
            Exists(PostSkill.objects.filter(post_id=OuterRef("pk"), skill__uri=query.skill))
        )
    if query.space:
        qs = qs.filter(space__slug=query.space)
    if query.city:
        qs = qs.filter(space__city__iexact=query.city)
    if query.network:
        qs = qs.filter(
            space_id__in=NetworkSpace.objects.filter(network__slug=query.network).values("space_id")
        )
    if query.remote is True:
        qs = qs.filter(locality__in=[Locality.REMOTE, Locality.HYBRID])
    elif query.remote is False:
        qs = qs.filter(locality__in=[Locality.ON_SITE, Locality.HYBRID])
    if query.language:
        qs = qs.filter(languages__contains=f",{query.language},")
    if query.budget is not None:
        qs = qs.filter(
            Q(kind=PostKind.NEED)
            & (Q(budget_min__isnull=False) | Q(budget_max__isnull=False))
            & (Q(budget_min__isnull=True) | Q(budget_min__lte=query.budget))
            & (Q(budget_max__isnull=True) | Q(budget_max__gte=query.budget))
        )
    words = [w for w in fold(query.q).split() if w][:10]
    for word in words:
        qs = qs.filter(search_text__contains=word)
    if query.min_overlap_hours is not None:
        qs = _overlap_filter(qs, viewer, query.min_overlap_hours)
    return _page(qs, viewer, query, words)


def _page(qs: QuerySet[Post], viewer: Any, query: PostQuery, words: list[str]) -> PostPage:
    # Fresh: a keyset cursor on (fresh_at, id). Relevance: an offset inside the cursor.
    offset = 0
    if query.sort == "relevance":
        qs = _relevance(qs, viewer, words).order_by(
            "-relevance",  # type: ignore[misc]
            "-fresh_at",
            "-id",
        )
        if query.cursor:
            values = decode_cursor(query.cursor, keys=("s", "k"))
            if values["s"] != "relevance" or not isinstance(values["k"], int) or values["k"] < 0:
                raise InvalidQuery("The cursor is not valid.", code="pagination.invalid_cursor")
            offset = values["k"]
        items = list(_with_details(qs)[offset : offset + query.limit + 1])
        more = len(items) > query.limit
        items = items[: query.limit]
        cursor = encode_cursor({"s": "relevance", "k": offset + query.limit}) if more else None
        return PostPage(items=items, next_cursor=cursor, query=query)
    qs = qs.order_by("-fresh_at", "-id")
    if query.cursor:
        values = decode_cursor(query.cursor, keys=("s", "k"))
        key = values["k"]
        if values["s"] != "fresh" or not isinstance(key, list) or len(key) != 2:
            raise InvalidQuery("The cursor is not valid.", code="pagination.invalid_cursor")
        try:
            after = datetime.fromisoformat(str(key[0]))
            after_id = int(key[1])
        except (TypeError, ValueError):
            raise InvalidQuery(
                "The cursor is not valid.", code="pagination.invalid_cursor"
            ) from None
        qs = qs.filter(Q(fresh_at__lt=after) | Q(fresh_at=after, id__lt=after_id))
    items = list(_with_details(qs)[: query.limit + 1])
    more = len(items) > query.limit
    items = items[: query.limit]
    cursor = (
        encode_cursor({"s": "fresh", "k": [items[-1].fresh_at.isoformat(), items[-1].pk]})
        if more
        else None
    )
    return PostPage(items=items, next_cursor=cursor, query=query)


def list_posts_of_user(user: Any) -> list[Post]:
    """The caller's own posts, open ones first, then the freshest (My posts)."""
    if not _authenticated(user):
        return []
    return list(
        _with_details(Post.objects.filter(author_id=user.pk)).order_by(
            "status", "-fresh_at", "-id"
        )[:500]
    )


# --- Reply threads -----------------------------------------------------------------------------


def _threads_of(user: Any) -> QuerySet[ReplyThread]:
    if not _authenticated(user):
        return ReplyThread.objects.none()
    return ReplyThread.objects.filter(Q(responder_id=user.pk) | Q(post__author_id=user.pk))


def list_threads_for_user(user: Any) -> list[ReplyThread]:
    """Threads where the caller is the poster or the responder, the latest message first."""
    return list(
        _threads_of(user)
        .select_related("post", "post__author", "post__space", "responder")
        .annotate(message_count=Count("messages"))
        .order_by("-last_message_at", "-id")[:500]
    )


def list_threads_of_post(*, post: Post, user: Any) -> list[ReplyThread]:
    """The threads on a post: all of them for its poster, the caller's own for a responder."""
    qs = ReplyThread.objects.filter(post_id=post.pk).select_related("responder")
    if not is_poster(user, post):
        qs = qs.filter(responder_id=user.pk) if _authenticated(user) else qs.none()
    return list(qs.annotate(message_count=Count("messages")).order_by("-last_message_at", "-id"))


def get_thread_for_user(*, user: Any, thread_id: Any) -> ReplyThread:
    """A thread for its two sides only (not even staff); anyone else gets not-found."""
    if not _valid_id(thread_id):
        raise ThreadNotFound("No such thread.")
    thread = (
        _threads_of(user)
        .select_related("post", "post__author", "post__space", "responder")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise ThreadNotFound("No such thread.")
    return thread


def list_messages(thread: ReplyThread) -> list[ReplyMessage]:
    return list(thread.messages.select_related("author").order_by("created_at", "id")[:1000])


def other_side(thread: ReplyThread, user: Any) -> User:
    """The person on the other side of the thread from `user`."""
    return thread.responder if thread.post.author_id == user.pk else thread.post.author


# --- The space screen --------------------------------------------------------------------------


def get_screen(space: Space) -> WallScreen | None:
    return WallScreen.objects.filter(space_id=space.pk).first()


def is_screen_key(space: Space, key: str | None) -> bool:
    """Whether `key` is the secret of the space's enabled screen (compared in constant time)."""
    if not key or len(key) > 100:
        return False
    screen = get_screen(space)
    return screen is not None and hmac.compare_digest(screen.secret, key)


def list_screen_posts(*, space: Space, trusted: bool, limit: int = 24) -> list[Post]:
    """What the screen in `space` shows, freshest first, live posts only: `public` posts of the
    space and of the spaces of its networks; with the screen's secret (`trusted`) also their
    `network` posts and the space's own `space` posts. A `space` post never reaches the
    screen of another space."""
    network_spaces = NetworkSpace.objects.filter(
        network_id__in=NetworkSpace.objects.filter(space_id=space.pk).values("network_id")
    ).values("space_id")
    around = Q(space_id=space.pk) | Q(space_id__in=network_spaces)
    shown = Q(visibility=PostVisibility.PUBLIC) & around
    if trusted:
        shown |= Q(visibility=PostVisibility.NETWORK) & around
        shown |= Q(visibility=PostVisibility.SPACE, space_id=space.pk)
    qs = Post.objects.filter(shown).filter(live_q()).order_by("-fresh_at", "-id")
    return list(_with_details(qs)[: max(1, min(limit, 60))])


def today_in(space: Space) -> date:
    return timezone.now().astimezone(space_zone(space)).date()
