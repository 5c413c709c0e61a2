"""Reads of the feed, already scoped to the caller: the feed gates (who reads which feed), the
post and comment gates, the feed page (pinned first, then newest, keyset-paged), the timeline
of all one's feeds, comments, the people one may mention, the feed's moderators, and the
moderators' report queue.

Who reads a feed: a space's feed, the members and managers of the space, the operators of its
networks and staff; a network's feed, the members and managers of any of its spaces, its
operators and staff. Hidden posts and comments are seen only by their author (marked hidden)
and the feed's moderators: a space's managers, the operators of its networks (for a network's
feed, the network's operators) and staff. Anything else is not found."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse

from coshore.accounts.models import User
from coshore.accounts.selectors import list_profiles_visible_to
from coshore.core.cursor import decode_cursor, encode_cursor
from coshore.core.errors import Invalid
from coshore.spaces.models import (
    Network,
    NetworkRole,
    NetworkSpace,
    Space,
    SpaceRole,
    SpaceRoleKind,
)
from coshore.spaces.selectors import (
    can_operate_network,
    network_ids_of_user,
    space_ids_of_user,
    space_standing,
)

from .errors import CommentNotFound, FeedNotFound, PostNotFound, ReportNotFound
from .models import EMOJI_NAMES, Comment, Emoji, FeedPost, Reaction, Report, ReportStatus

MAX_ID = 2**62
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
INLINE_COMMENTS = 3
MAX_PINS = 5


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


# --- Feeds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """One feed: a space's or a network's, with what the caller may do there."""

    space: Space | None
    network: Network | None
    can_post: bool = False
    can_moderate: bool = False

    @property
    def kind(self) -> str:
        return "space" if self.space is not None else "network"

    @property
    def owner(self) -> Space | Network:
        owner = self.space or self.network
        assert owner is not None
        return owner

    @property
    def name(self) -> str:
        return self.owner.name

    @property
    def slug(self) -> str:
        return self.owner.slug

    @property
    def url(self) -> str:
        if self.space is not None:
            return reverse("feed:space", args=[self.space.slug])
        return reverse("feed:network", args=[self.slug])

    def posts(self) -> QuerySet[FeedPost]:
        if self.space is not None:
            return FeedPost.objects.filter(space_id=self.space.pk)
        return FeedPost.objects.filter(network_id=self.owner.pk)


def _network_reader(user: Any, network: Network) -> tuple[bool, bool]:
    """(reads, posts) for a network's feed: members of its spaces and its operators read and
    post; staff read."""
    if not _authenticated(user):
        return False, False
    posts = (
        NetworkSpace.objects.filter(
            network_id=network.pk, space_id__in=space_ids_of_user(user)
        ).exists()
        or NetworkRole.objects.filter(network_id=network.pk, user_id=user.pk).exists()
    )
    return bool(posts or user.is_staff), posts


def scope_for_space(user: Any, space: Space) -> Scope:
    """The space's feed as `user` stands in it; not found when they may not read it."""
    standing = space_standing(user, space)
    if not (standing.belongs or standing.manages):
        raise FeedNotFound("No such feed.")
    return Scope(
        space=space, network=None, can_post=standing.belongs, can_moderate=standing.manages
    )


def scope_for_network(user: Any, network: Network) -> Scope:
    reads, posts = _network_reader(user, network)
    if not reads:
        raise FeedNotFound("No such feed.")
    return Scope(
        space=None,
        network=network,
        can_post=posts,
        can_moderate=can_operate_network(user, network),
    )


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 120:
        raise FeedNotFound("No such feed.")
    return value


def get_space_feed_for_user(*, user: Any, slug: Any) -> Scope:
    """The feed of the space `slug` if `user` may read it; missing and forbidden are both
    not-found."""
    space = Space.objects.filter(slug=_slug(slug), is_active=True).first()
    if space is None:
        raise FeedNotFound("No such feed.")
    return scope_for_space(user, space)


def get_network_feed_for_user(*, user: Any, slug: Any) -> Scope:
    network = Network.objects.filter(slug=_slug(slug)).first()
    if network is None:
        raise FeedNotFound("No such feed.")
    return scope_for_network(user, network)


def scope_of_post(user: Any, post: FeedPost) -> Scope:
    """The feed a post belongs to, as `user` stands there (the post was already gated)."""
    if post.space_id is not None:
        space = post.space
        assert space is not None
        standing = space_standing(user, space)
        return Scope(
            space=space, network=None, can_post=standing.belongs, can_moderate=standing.manages
        )
    network = post.network
    assert network is not None
    _, posts = _network_reader(user, network)
    return Scope(
        space=None, network=network, can_post=posts, can_moderate=can_operate_network(user, network)
    )


@dataclass
class FeedLink:
    scope: Scope
    post_count: int
    last_post_at: datetime | None


def list_feeds_of_user(user: Any) -> list[FeedLink]:
    """The feeds `user` belongs to: their spaces', then their networks', by name."""
    if not _authenticated(user):
        return []
    spaces = Space.objects.filter(pk__in=space_ids_of_user(user), is_active=True).order_by("name")
    networks = Network.objects.filter(pk__in=network_ids_of_user(user)).order_by("name")
    space_stats: dict[int, dict[str, Any]] = {
        row["space_id"]: dict(row)
        for row in FeedPost.objects.filter(space__in=spaces, hidden_at__isnull=True)
        .values("space_id")
        .annotate(n=Count("id"), last=_max_created())
    }
    network_stats: dict[int, dict[str, Any]] = {
        row["network_id"]: dict(row)
        for row in FeedPost.objects.filter(network__in=networks, hidden_at__isnull=True)
        .values("network_id")
        .annotate(n=Count("id"), last=_max_created())
    }
    # The rule of `can_manage_space`, for every space at once (not a query per space).
    managed = _managed_space_ids(user, spaces)
    operated = set(NetworkRole.objects.filter(user_id=user.pk).values_list("network_id", flat=True))
    links: list[FeedLink] = []
    for space in spaces:
        stats: dict[str, Any] = space_stats.get(space.pk, {})
        scope = Scope(space=space, network=None, can_post=True, can_moderate=space.pk in managed)
        links.append(FeedLink(scope, stats.get("n", 0), stats.get("last")))
    posting_networks = set(
        NetworkSpace.objects.filter(space_id__in=space_ids_of_user(user)).values_list(
            "network_id", flat=True
        )
    )
    for network in networks:
        stats = network_stats.get(network.pk, {})
        scope = Scope(
            space=None,
            network=network,
            can_post=network.pk in posting_networks or network.pk in operated,
            can_moderate=bool(user.is_staff or network.pk in operated),
        )
        links.append(FeedLink(scope, stats.get("n", 0), stats.get("last")))
    return links


def _managed_space_ids(user: Any, spaces: QuerySet[Space]) -> set[int]:
    """Which of `spaces` `user` manages, as `can_manage_space` says, in at most two queries:
    staff all, else those they manage and those of the networks they operate."""
    if user.is_staff:
        return {s.pk for s in spaces}
    managed = SpaceRole.objects.filter(
        user_id=user.pk, role=SpaceRoleKind.MANAGER, space__in=spaces
    ).values_list("space_id", flat=True)
    operated = _operated_space_ids(user).filter(space__in=spaces)
    return set(managed) | set(operated)


def _max_created() -> Any:
    return Max("created_at")


# --- The post and comment gates ----------------------------------------------------------------


def _operated_space_ids(user: Any) -> QuerySet[NetworkSpace, int]:
    return NetworkSpace.objects.filter(network__operators__user_id=user.pk).values_list(
        "space_id", flat=True
    )


def _own_feeds(user: Any) -> Q:
    """Posts of the feeds `user` reads by standing (their spaces', the spaces' of the networks
    they operate, their networks'), as one filter; staff's reading of every feed aside."""
    return (
        Q(space_id__in=space_ids_of_user(user))
        | Q(space_id__in=_operated_space_ids(user))
        | Q(network_id__in=network_ids_of_user(user))
    )


def _readable(user: Any) -> Q | None:
    """Posts of the feeds `user` reads, as one filter; None means all (staff)."""
    if user.is_staff:
        return None
    return _own_feeds(user)


def _moderated(user: Any) -> Q | None:
    """Posts of the feeds `user` moderates, as one filter; None means all (staff)."""
    if user.is_staff:
        return None
    managed = SpaceRole.objects.filter(user_id=user.pk, role=SpaceRoleKind.MANAGER).values_list(
        "space_id", flat=True
    )
    operated = NetworkRole.objects.filter(user_id=user.pk).values_list("network_id", flat=True)
    return (
        Q(space_id__in=managed)
        | Q(space_id__in=_operated_space_ids(user))
        | Q(network_id__in=operated)
    )


def visible_posts(user: Any) -> QuerySet[FeedPost]:
    """Every post `user` may read: the feeds they read, hidden posts only for their author and
    the moderators."""
    if not _authenticated(user):
        return FeedPost.objects.none()
    readable = _readable(user)
    if readable is None:
        return FeedPost.objects.all()
    moderated = _moderated(user)
    assert moderated is not None
    return FeedPost.objects.filter(
        readable & (Q(hidden_at__isnull=True) | Q(author_id=user.pk) | moderated)
    )


def moderated_posts(user: Any) -> QuerySet[FeedPost]:
    if not _authenticated(user):
        return FeedPost.objects.none()
    gate = _moderated(user)
    return FeedPost.objects.all() if gate is None else FeedPost.objects.filter(gate)


def get_post_for_user(*, user: Any, post_id: Any) -> FeedPost:
    """The post if `user` may read it; missing, in a feed they do not read, or hidden from
    them are all not-found."""
    if not _valid_id(post_id):
        raise PostNotFound("No such post.")
    post = (
        visible_posts(user)
        .select_related("author", "space", "network", "hidden_by")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise PostNotFound("No such post.")
    return post


def can_moderate_post(user: Any, post: FeedPost) -> bool:
    return moderated_posts(user).filter(pk=post.pk).exists()


def _comment_gate(user: Any, *, moderator: bool) -> Q:
    if moderator:
        return Q()
    return Q(hidden_at__isnull=True) | Q(author_id=user.pk)


def get_comment_for_user(*, user: Any, comment_id: Any) -> Comment:
    """The comment if `user` may read its post and the comment (hidden ones: its author and
    the moderators)."""
    if not _valid_id(comment_id):
        raise CommentNotFound("No such comment.")
    comment = (
        Comment.objects.select_related("post", "post__space", "post__network", "author")
        .filter(pk=comment_id, post__in=visible_posts(user))
        .first()
    )
    if comment is None:
        raise CommentNotFound("No such comment.")
    if (
        comment.is_hidden
        and comment.author_id != user.pk
        and not can_moderate_post(user, comment.post)
    ):
        raise CommentNotFound("No such comment.")
    return comment


# --- Reactions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    char: str
    count: int
    mine: bool

    @property
    def name(self) -> str:
        return EMOJI_NAMES.get(Emoji(self.emoji), self.emoji)


def _reaction_counts(
    user: Any, *, field_name: str, ids: list[int]
) -> dict[int, list[ReactionCount]]:
    """Per post (or comment) id, every emoji of the set with its count and whether `user`
    gave it, in one query."""
    rows = (
        Reaction.objects.filter(**{f"{field_name}_id__in": ids})
        .values(f"{field_name}_id", "emoji")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=getattr(user, "pk", None))))
    )
    found: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    for row in rows:
        found[row[f"{field_name}_id"]][row["emoji"]] = (row["n"], row["mine"] > 0)
    result: dict[int, list[ReactionCount]] = {}
    for target_id in ids:
        counts = found.get(target_id, {})
        result[target_id] = [
            ReactionCount(e.value, e.label, *counts.get(e.value, (0, False))) for e in Emoji
        ]
    return result


# --- The feed page -----------------------------------------------------------------------------


@dataclass
class FeedPage:
    items: list[FeedPost]
    next_cursor: str | None
    scope: Scope = field(repr=False)


def _limit(value: Any, default: int = DEFAULT_LIMIT) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
        raise Invalid(f"`limit` is from 1 to {MAX_LIMIT}.", code="pagination.invalid_limit")
    return value


def _comment_count() -> Any:
    return Coalesce(
        Subquery(
            Comment.objects.filter(post_id=OuterRef("pk"), hidden_at__isnull=True)
            .order_by()
            .values("post_id")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def decorate_posts(user: Any, posts: list[FeedPost], *, moderator: bool | None = None) -> None:
    """Give each post its reaction counts, the caller's reactions and its latest comments
    (hidden ones for their author and moderators), in a fixed number of queries.
    `moderator` is known for a single feed; None asks per post."""
    if not posts:
        return
    ids = [p.pk for p in posts]
    counts = _reaction_counts(user, field_name="post", ids=ids)
    if moderator is None:
        moderated_ids = set(moderated_posts(user).filter(pk__in=ids).values_list("pk", flat=True))
    else:
        moderated_ids = set(ids) if moderator else set()
    uid = getattr(user, "pk", None)
    shown = Q(hidden_at__isnull=True) | Q(author_id=uid) | Q(post_id__in=list(moderated_ids))
    recent = (
        Comment.objects.filter(shown, post_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("post_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=INLINE_COMMENTS)
        .select_related("author")
    )
    by_post: dict[int, list[Comment]] = defaultdict(list)
    comments = list(recent)
    comment_counts = _reaction_counts(user, field_name="comment", ids=[c.pk for c in comments])
    for c in comments:
        c.reaction_counts = comment_counts[c.pk]  # type: ignore[attr-defined]
        c.can_moderate = c.post_id in moderated_ids  # type: ignore[attr-defined]
        by_post[c.post_id].append(c)
    for post in posts:
        post.reaction_counts = counts[post.pk]  # type: ignore[attr-defined]
        post.can_moderate = post.pk in moderated_ids  # type: ignore[attr-defined]
        post.recent_comments = sorted(by_post[post.pk], key=lambda c: (c.created_at, c.pk))  # type: ignore[attr-defined]
        if not hasattr(post, "comment_count"):
            post.comment_count = Comment.objects.filter(  # type: ignore[attr-defined]
                post_id=post.pk, hidden_at__isnull=True
            ).count()


def _base(user: Any, scope: Scope) -> QuerySet[FeedPost]:
    qs = scope.posts()
    if not scope.can_moderate:
        qs = qs.filter(Q(hidden_at__isnull=True) | Q(author_id=user.pk))
    return qs.select_related("author", "space", "network").annotate(comment_count=_comment_count())


def list_feed(*, user: Any, scope: Scope, cursor: str | None = None, limit: Any = None) -> FeedPage:
    """A page of the feed: the pinned posts first (on the first page, at most `MAX_PINS`),
    then the others newest first, paged by a signed keyset cursor on (created_at, id)."""
    size = _limit(limit)
    base = _base(user, scope)
    items: list[FeedPost] = []
    rest = base.filter(pinned_at__isnull=True)
    if cursor:
        rest = rest.filter(_older_than(cursor))
    else:
        items = list(base.filter(pinned_at__isnull=False).order_by("-pinned_at", "-id")[:MAX_PINS])
    page, next_cursor = _newest_page(rest, size)
    items.extend(page)
    decorate_posts(user, items, moderator=scope.can_moderate)
    return FeedPage(items=items, next_cursor=next_cursor, scope=scope)


def _keyset(cursor: str) -> tuple[datetime, int]:
    """The (created_at, id) a cursor made by `_cursor_after` holds; else invalid."""
    values = decode_cursor(cursor, keys=("t", "id"))
    try:
        return datetime.fromisoformat(str(values["t"])), int(values["id"])
    except (TypeError, ValueError) as exc:
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor") from exc


def _cursor_after(item: FeedPost | Comment) -> str:
    return encode_cursor({"t": item.created_at.isoformat(), "id": item.pk})


def _older_than(cursor: str) -> Q:
    at, last_id = _keyset(cursor)
    return Q(created_at__lt=at) | Q(created_at=at, id__lt=last_id)


def _newest_page(qs: QuerySet[FeedPost], size: int) -> tuple[list[FeedPost], str | None]:
    """The first `size` posts newest first, and the cursor of the rest (None at the end)."""
    page = list(qs.order_by("-created_at", "-id")[: size + 1])
    if len(page) <= size:
        return page, None
    page = page[:size]
    return page, _cursor_after(page[-1])


# --- The timeline ------------------------------------------------------------------------------


@dataclass
class TimelinePage:
    items: list[FeedPost]
    next_cursor: str | None


def list_timeline(*, user: Any, cursor: str | None = None, limit: Any = None) -> TimelinePage:
    """One timeline of every feed `user` reads by standing (their spaces', the spaces' of the
    networks they operate, their networks'; staff too see only their own feeds here), newest
    first, keyset-paged on (created_at, id). A pin orders one feed, not the timeline: pinned
    posts keep their place in time, so none shows twice. Hidden posts as in each feed: for
    their author and that feed's moderators. Posts of a closed space are left out (its feed
    is gone). Each post carries its feed (`space` or `network`); a fixed number of queries
    whatever the number of feeds."""
    size = _limit(limit)
    after = _older_than(cursor) if cursor else Q()
    if not _authenticated(user):
        return TimelinePage(items=[], next_cursor=None)
    qs = FeedPost.objects.filter(_own_feeds(user), after).filter(
        Q(network_id__isnull=False) | Q(space__is_active=True)
    )
    moderated = _moderated(user)
    if moderated is not None:
        qs = qs.filter(Q(hidden_at__isnull=True) | Q(author_id=user.pk) | moderated)
    qs = qs.select_related("author", "space", "network").annotate(comment_count=_comment_count())
    items, next_cursor = _newest_page(qs, size)
    decorate_posts(user, items)
    return TimelinePage(items=items, next_cursor=next_cursor)


def get_post_view(*, user: Any, post_id: Any) -> FeedPost:
    """The post (gated) with its counts, ready to show."""
    post = get_post_for_user(user=user, post_id=post_id)
    post.comment_count = Comment.objects.filter(  # type: ignore[attr-defined]
        post_id=post.pk, hidden_at__isnull=True
    ).count()
    decorate_posts(user, [post])
    return post


@dataclass
class CommentPage:
    items: list[Comment]
    next_cursor: str | None


def list_comments(
    *, user: Any, post: FeedPost, cursor: str | None = None, limit: Any = None
) -> CommentPage:
    """The comments of a post the caller may read, oldest first (hidden ones only for their
    author and the moderators), keyset-paged on (created_at, id)."""
    size = _limit(limit, default=50)
    moderator = can_moderate_post(user, post)
    qs = post.comments.filter(_comment_gate(user, moderator=moderator)).select_related(
        "author", "hidden_by"
    )
    if cursor:
        at, last_id = _keyset(cursor)
        qs = qs.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=last_id))
    items = list(qs.order_by("created_at", "id")[: size + 1])
    next_cursor = None
    if len(items) > size:
        items = items[:size]
        next_cursor = _cursor_after(items[-1])
    counts = _reaction_counts(user, field_name="comment", ids=[c.pk for c in items])
    for c in items:
        c.reaction_counts = counts[c.pk]  # type: ignore[attr-defined]
        c.can_moderate = moderator  # type: ignore[attr-defined]
    return CommentPage(items=items, next_cursor=next_cursor)


def reaction_counts_of(
    user: Any, *, post: FeedPost | None = None, comment: Comment | None = None
) -> list[ReactionCount]:
    if post is not None:
        return _reaction_counts(user, field_name="post", ids=[post.pk])[post.pk]
    assert comment is not None
    return _reaction_counts(user, field_name="comment", ids=[comment.pk])[comment.pk]


# --- People ------------------------------------------------------------------------------------


def audience_of(*, space: Space | None, network: Network | None) -> QuerySet[User]:
    """The active people who read a feed as members: of a space, its members, managers and
    its networks' operators; of a network, the members and managers of its spaces and its
    operators (staff read every feed but are not its audience)."""
    if space is not None:
        in_space = Exists(SpaceRole.objects.filter(user_id=OuterRef("pk"), space_id=space.pk))
        operates = Exists(
            NetworkRole.objects.filter(
                user_id=OuterRef("pk"), network__memberships__space_id=space.pk
            )
        )
    else:
        assert network is not None
        in_space = Exists(
            SpaceRole.objects.filter(
                user_id=OuterRef("pk"), space__network_links__network_id=network.pk
            )
        )
        operates = Exists(NetworkRole.objects.filter(user_id=OuterRef("pk"), network_id=network.pk))
    return User.objects.filter(Q(in_space) | Q(operates), is_active=True)


def list_feed_moderators(*, space: Space | None, network: Network | None) -> QuerySet[User]:
    """The active people who moderate a feed, by the rule of `_moderated` read the other way:
    of a space, its managers and the operators of its networks; of a network, its operators.
    Staff moderate every feed but are not counted here (they would hear of every report in
    the deployment)."""
    if space is not None:
        manages = Exists(
            SpaceRole.objects.filter(
                user_id=OuterRef("pk"), space_id=space.pk, role=SpaceRoleKind.MANAGER
            )
        )
        operates = Exists(
            NetworkRole.objects.filter(
                user_id=OuterRef("pk"), network__memberships__space_id=space.pk
            )
        )
        return User.objects.filter(Q(manages) | Q(operates), is_active=True)
    assert network is not None
    operates = Exists(NetworkRole.objects.filter(user_id=OuterRef("pk"), network_id=network.pk))
    return User.objects.filter(operates, is_active=True)


def list_mentionable(*, user: Any, scope: Scope, q: Any, limit: int = 8) -> list[User]:
    """People of the feed's audience whose name or email begins with `q`, for the mention
    autocomplete: those whose profile the caller may see, and those who already wrote in this
    feed (their name is on the page anyway). Nobody else is revealed."""
    if not isinstance(q, str):
        return []
    q = q.strip().lstrip("@")[:60]
    if not q:
        return []
    scope_posts = scope.posts()
    wrote_here = Exists(scope_posts.filter(author_id=OuterRef("pk"))) | Exists(
        Comment.objects.filter(author_id=OuterRef("pk"), post__in=scope_posts)
    )
    people = audience_of(space=scope.space, network=scope.network).filter(
        Q(display_name__istartswith=q)
        | Q(display_name__icontains=f" {q}")
        | Q(email__istartswith=q),
    )
    people = people.filter(Q(profile__in=list_profiles_visible_to(user)) | wrote_here)
    return list(people.exclude(pk=user.pk).order_by("display_name", "id")[:limit])


# --- Reports -----------------------------------------------------------------------------------


def list_open_reports(*, user: Any, scope: Scope | None = None) -> list[Report]:
    """Open reports about posts and comments in the feeds `user` moderates (one feed with
    `scope`), oldest first."""
    posts = moderated_posts(user)
    if scope is not None:
        posts = posts.filter(pk__in=scope.posts().values("pk"))
    return list(
        Report.objects.filter(status=ReportStatus.OPEN)
        .filter(Q(post__in=posts) | Q(comment__post__in=posts))
        .select_related(
            "reporter",
            "post",
            "post__author",
            "post__space",
            "post__network",
            "comment",
            "comment__author",
            "comment__post",
            "comment__post__space",
            "comment__post__network",
        )
        .order_by("created_at", "id")[:500]
    )


def get_report_for_moderator(*, user: Any, report_id: Any) -> Report:
    """A report about a post or comment in a feed `user` moderates; else not found."""
    if not _valid_id(report_id):
        raise ReportNotFound("No such report.")
    posts = moderated_posts(user)
    report = (
        Report.objects.filter(pk=report_id)
        .filter(Q(post__in=posts) | Q(comment__post__in=posts))
        .select_related("post", "comment", "comment__post")
        .first()
    )
    if report is None:
        raise ReportNotFound("No such report.")
    return report


def report_target_post(report: Report) -> FeedPost:
    if report.post is not None:
        return report.post
    assert report.comment is not None
    return report.comment.post
