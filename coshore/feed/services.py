"""Every change to the feed: posting, editing and deleting posts and comments, reactions,
reports, and moderation (pin, hide, resolve or dismiss reports). Each service owns its
transaction and records one activity (metadata only, never the text); mentions and comments
notify people through `notifications.notify` in the same transaction.

Callers fetch posts and comments through the selectors' gates first, so a service is only
ever handed something its caller may read."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from coshore.accounts.models import User
from coshore.activity.services import record_activity
from coshore.core.errors import Unauthenticated
from coshore.notifications.services import notify
from coshore.spaces.models import Network, Space

from . import markup, selectors
from .errors import (
    AlreadyReported,
    InvalidPost,
    InvalidReaction,
    InvalidReport,
    NotAuthor,
    NotMember,
    NotModerator,
    ReportClosed,
    TooManyPins,
)
from .models import (
    Comment,
    Emoji,
    FeedPost,
    Mention,
    Reaction,
    Report,
    ReportReason,
    ReportStatus,
)

MAX_POST_BODY = 10_000
MAX_COMMENT_BODY = 5000
MAX_REASON = 500
MAX_NOTE = 1000
TOPIC = "feed"
REPORTS_TOPIC = "feed.reports"
_TOKEN = re.compile(r"@\[([^\[\]\n]{1,120})\]\(user:[0-9]{1,18}\)")


def _require_user(user: Any) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user  # type: ignore[no-any-return]


def _text(
    value: Any, *, field: str, max_len: int, required: bool = True, error: type = InvalidPost
) -> str:
    if value is not None and not isinstance(value, str):
        raise error(f"`{field}` must be text.", detail={"field": field})
    cleaned = (value or "").strip()
    if "\x00" in cleaned:
        raise error(f"`{field}` must not contain NUL characters.", detail={"field": field})
    if required and not cleaned:
        raise error(f"`{field}` is required.", detail={"field": field})
    if len(cleaned) > max_len:
        raise error(
            f"`{field}` is longer than {max_len} characters.",
            detail={"field": field, "max_length": max_len},
        )
    return cleaned


def _excerpt(body: str, limit: int = 200) -> str:
    """The text of a notification: mention tokens as `@Name`, at most `limit` characters."""
    plain = " ".join(_TOKEN.sub(lambda m: "@" + m.group(1), body).split())
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def post_url(post: FeedPost, comment: Comment | None = None) -> str:
    url = reverse("feed:post", args=[post.pk])
    return f"{url}#comment-{comment.pk}" if comment is not None else url


def _scope_kwargs(post: FeedPost) -> dict[str, Any]:
    return {"space": post.space, "network": post.network}


def _feed_name(post: FeedPost) -> str:
    owner = post.space or post.network
    return owner.name if owner is not None else "the feed"


# --- Mentions ----------------------------------------------------------------------------------


def _resolve(text: str, *, post: FeedPost) -> tuple[dict[str, markup.Person], list[User]]:
    """The mentions of `text` resolved among the people who read the post's feed as members;
    a handle that fits nobody, or more than one person, mentions nobody."""
    refs = markup.extract_mentions(text)
    if not refs:
        return {}, []
    audience = selectors.audience_of(space=post.space, network=post.network)
    ids = {r.user_id for r in refs if r.user_id is not None}
    handles = {r.handle for r in refs if r.user_id is None}
    found: dict[str, User] = {}
    if ids:
        for user in audience.filter(pk__in=ids):
            found[f"id:{user.pk}"] = user
    if handles:
        condition = Q()
        for handle in handles:
            condition |= Q(email__istartswith=f"{handle}@") | Q(
                display_name__iexact=handle.replace(".", " ")
            )
        candidates = list(audience.filter(condition)[:500])
        for handle in handles:
            fits = [
                u
                for u in candidates
                if u.email.lower().split("@", 1)[0] == handle
                or u.display_name.lower() == handle.replace(".", " ")
            ]
            if len(fits) == 1:
                found[f"handle:{handle}"] = fits[0]
    people = {
        key: markup.Person(
            user_id=user.pk, name=user.name, url=reverse("accounts:person", args=[user.pk])
        )
        for key, user in found.items()
    }
    mentioned = list({u.pk: u for u in found.values()}.values())
    return people, mentioned


def _set_mentions(
    *, post: FeedPost, comment: Comment | None, people: list[User], author: User, text: str
) -> int:
    """Replace the Mention rows of the post (or comment) and notify those mentioned (once per
    post or comment, whatever the edits). Nobody is told about a hidden post or comment."""
    target = {"comment": comment} if comment is not None else {"post": post, "comment": None}
    Mention.objects.filter(**target).delete()
    Mention.objects.bulk_create([Mention(user=u, **target) for u in people])
    hidden = post.is_hidden or (comment is not None and comment.is_hidden)
    if hidden:
        return 0
    where = f"a comment in {_feed_name(post)}" if comment else f"a post in {_feed_name(post)}"
    key = f"feed.mention.comment.{comment.pk}" if comment else f"feed.mention.post.{post.pk}"
    told = 0
    for person in people:
        note = notify(
            recipient=person,
            topic=TOPIC,
            kind="feed.mention",
            title=f"{author.name} mentioned you in {where}",
            body=_excerpt(text),
            url=post_url(post, comment),
            actor=author,
            key=key,
        )
        told += note is not None
    return told


# --- Posts -------------------------------------------------------------------------------------


def create_post(
    *, author: Any, body: Any, space: Space | None = None, network: Network | None = None
) -> FeedPost:
    """Post an update into a space's feed or a network's feed (exactly one). Posting needs
    membership: of the space; of a space of the network, or operating it. The body is
    Markdown (1 to 10,000 characters), stored with its sanitised HTML; the people it mentions
    among the feed's audience are notified."""
    user = _require_user(author)
    if (space is None) == (network is None):
        raise InvalidPost("Post into a space or a network.", detail={"field": "scope"})
    scope = (
        selectors.scope_for_space(user, space)
        if space is not None
        else selectors.scope_for_network(user, network)  # type: ignore[arg-type]
    )
    if not scope.can_post:
        raise NotMember(f"Only members can post in the feed of {scope.name}.")
    text = _text(body, field="body", max_len=MAX_POST_BODY)
    with transaction.atomic():
        post = FeedPost(author=user, space=space, network=network, body=text, html="")
        people, mentioned = _resolve(text, post=post)
        post.html = markup.render(text, people=people)
        post.save()
        _set_mentions(post=post, comment=None, people=mentioned, author=user, text=text)
        record_activity(
            actor=user,
            verb="feed.post_created",
            target=post,
            space=space,
            network=network,
            metadata={"mentions": len(mentioned)},
        )
    return post


def _require_author(user: Any, obj: FeedPost | Comment) -> User:
    person = _require_user(user)
    if obj.author_id != person.pk:
        raise NotAuthor("Only its author can change this.")
    return person


def update_post(*, post: FeedPost, user: Any, body: Any) -> FeedPost:
    """The author edits the text; it is rendered again and its mentions resolved again
    (people already told are not told twice)."""
    person = _require_author(user, post)
    text = _text(body, field="body", max_len=MAX_POST_BODY)
    with transaction.atomic():
        people, mentioned = _resolve(text, post=post)
        post.body = text
        post.html = markup.render(text, people=people)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "html", "edited_at"])
        _set_mentions(post=post, comment=None, people=mentioned, author=person, text=text)
        record_activity(
            actor=person,
            verb="feed.post_edited",
            target=post,
            **_scope_kwargs(post),
            metadata={"mentions": len(mentioned)},
        )
    return post


def delete_post(*, post: FeedPost, user: Any) -> None:
    """The author deletes the post, with its comments, reactions and reports."""
    person = _require_author(user, post)
    with transaction.atomic():
        record_activity(actor=person, verb="feed.post_deleted", target=post, **_scope_kwargs(post))
        post.delete()


# --- Comments ----------------------------------------------------------------------------------


def add_comment(*, post: FeedPost, user: Any, body: Any) -> Comment:
    """Anyone who reads the post comments on it (Markdown, 1 to 5,000 characters). The post's
    author is told (unless mentioned, then the mention tells them), and so is everyone the
    comment mentions."""
    person = _require_user(user)
    text = _text(body, field="body", max_len=MAX_COMMENT_BODY)
    with transaction.atomic():
        people, mentioned = _resolve(text, post=post)
        comment = Comment.objects.create(
            post=post, author=person, body=text, html=markup.render(text, people=people)
        )
        _set_mentions(post=post, comment=comment, people=mentioned, author=person, text=text)
        if not post.is_hidden and post.author_id not in {u.pk for u in mentioned}:
            notify(
                recipient=post.author,
                topic=TOPIC,
                kind="feed.comment",
                title=f"{person.name} commented on your post in {_feed_name(post)}",
                body=_excerpt(text),
                url=post_url(post, comment),
                actor=person,
                key=f"feed.comment.{comment.pk}",
            )
        record_activity(
            actor=person,
            verb="feed.commented",
            target=comment,
            **_scope_kwargs(post),
            metadata={"post": post.pk, "mentions": len(mentioned)},
        )
    return comment


def update_comment(*, comment: Comment, user: Any, body: Any) -> Comment:
    person = _require_author(user, comment)
    text = _text(body, field="body", max_len=MAX_COMMENT_BODY)
    post = comment.post
    with transaction.atomic():
        people, mentioned = _resolve(text, post=post)
        comment.body = text
        comment.html = markup.render(text, people=people)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "html", "edited_at"])
        _set_mentions(post=post, comment=comment, people=mentioned, author=person, text=text)
        record_activity(
            actor=person,
            verb="feed.comment_edited",
            target=comment,
            **_scope_kwargs(post),
            metadata={"post": post.pk, "mentions": len(mentioned)},
        )
    return comment


def delete_comment(*, comment: Comment, user: Any) -> None:
    """The author deletes their comment."""
    person = _require_author(user, comment)
    post = comment.post
    with transaction.atomic():
        record_activity(
            actor=person,
            verb="feed.comment_deleted",
            target=comment,
            **_scope_kwargs(post),
            metadata={"post": post.pk},
        )
        comment.delete()


# --- Reactions ---------------------------------------------------------------------------------


def _emoji(value: Any) -> str:
    if value not in Emoji.values:
        raise InvalidReaction(
            f"`emoji` is one of: {', '.join(Emoji.values)}.",
            detail={"field": "emoji", "choices": list(Emoji.values)},
        )
    return str(value)


def _target(post: FeedPost | None, comment: Comment | None) -> tuple[dict[str, Any], FeedPost]:
    if (post is None) == (comment is None):
        raise ValueError("a reaction or report is on a post or on a comment")
    if comment is not None:
        return {"comment": comment}, comment.post
    assert post is not None
    return {"post": post}, post


def react(
    *, user: Any, emoji: Any, post: FeedPost | None = None, comment: Comment | None = None
) -> bool:
    """Add the caller's emoji to a post or comment they read; True if it was not there yet
    (reacting twice is harmless)."""
    person = _require_user(user)
    key = _emoji(emoji)
    target, parent = _target(post, comment)
    if Reaction.objects.filter(user=person, emoji=key, **target).exists():
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(user=person, emoji=key, **target)
            record_activity(
                actor=person,
                verb="feed.reacted",
                target=comment or post,
                **_scope_kwargs(parent),
                metadata={"emoji": key},
            )
    except IntegrityError:
        return False  # a concurrent request of the same person added it
    return True


def unreact(
    *, user: Any, emoji: Any, post: FeedPost | None = None, comment: Comment | None = None
) -> bool:
    """Take the caller's emoji back; True if there was one."""
    person = _require_user(user)
    key = _emoji(emoji)
    target, _ = _target(post, comment)
    deleted, _ = Reaction.objects.filter(user=person, emoji=key, **target).delete()
    return deleted > 0


def toggle_reaction(
    *, user: Any, emoji: Any, post: FeedPost | None = None, comment: Comment | None = None
) -> bool:
    """Add the emoji, or take it back if the caller already gave it; True when added."""
    person = _require_user(user)
    key = _emoji(emoji)
    target, _ = _target(post, comment)
    if Reaction.objects.filter(user=person, emoji=key, **target).exists():
        unreact(user=person, emoji=key, post=post, comment=comment)
        return False
    react(user=person, emoji=key, post=post, comment=comment)
    return True


# --- Reports -----------------------------------------------------------------------------------


def report(
    *,
    user: Any,
    reason: Any,
    note: Any = "",
    post: FeedPost | None = None,
    comment: Comment | None = None,
) -> Report:
    """Ask the feed's moderators to look at a post or comment (not one's own). One open
    report per person and target: a second is a conflict. The feed's moderators hear of it
    (`_tell_moderators`: once per item until it is handled)."""
    person = _require_user(user)
    target, parent = _target(post, comment)
    if reason not in ReportReason.values:
        raise InvalidReport(
            f"`reason` is one of: {', '.join(ReportReason.values)}.",
            detail={"field": "reason", "choices": list(ReportReason.values)},
        )
    text = _text(note, field="note", max_len=MAX_NOTE, required=False, error=InvalidReport)
    owner = (comment or post).author_id  # type: ignore[union-attr]
    if owner == person.pk:
        raise InvalidReport("You cannot report what you wrote.", detail={"field": "reason"})
    if Report.objects.filter(reporter=person, status=ReportStatus.OPEN, **target).exists():
        raise AlreadyReported("You already reported this; the moderators will look at it.")
    try:
        with transaction.atomic():
            # Reports of one item take turns, so the first of them is the same for all.
            locked = Comment if comment is not None else FeedPost
            list(locked.objects.select_for_update().filter(pk=(comment or parent).pk).values("pk"))
            made = Report.objects.create(reporter=person, reason=reason, note=text, **target)
            record_activity(
                actor=person,
                verb="feed.reported",
                target=made,
                **_scope_kwargs(parent),
                metadata={"reason": reason, "on": "comment" if comment else "post"},
            )
            _tell_moderators(made, parent=parent, reporter=person)
    except IntegrityError:
        raise AlreadyReported(
            "You already reported this; the moderators will look at it."
        ) from None
    return made


def _tell_moderators(made: Report, *, parent: FeedPost, reporter: User) -> int:
    """Notify the feed's moderators (`selectors.list_feed_moderators`), never the reporter,
    that an item of their feed was reported; how many were told. Once per item and
    moderator until the item is handled: the notification's key is the item's first open
    report, which every further report of it shares (`notify` keeps one per key and
    recipient), and the first report after its reports are closed (hidden or dismissed)
    starts a new key. The text names the feed and the reason, not the reported words."""
    on = {"comment_id": made.comment_id} if made.comment_id else {"post_id": made.post_id}
    first_open = (
        Report.objects.filter(status=ReportStatus.OPEN, **on)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    what = "A comment" if made.comment_id else "A post"
    told = 0
    moderators = selectors.list_feed_moderators(space=parent.space, network=parent.network)
    for moderator in moderators.exclude(pk=reporter.pk).order_by("pk"):
        note = notify(
            recipient=moderator,
            topic=REPORTS_TOPIC,
            kind="feed.report",
            title=f"{what} in {_feed_name(parent)} was reported: {ReportReason(made.reason).label}",
            body="Open the report queue to hide it or dismiss the report.",
            url=f"{reverse('feed:reports')}#report-{first_open}",
            actor=reporter,
            key=f"feed.report.{first_open}",
        )
        told += note is not None
    return told


# --- Moderation --------------------------------------------------------------------------------


def _require_moderator(user: Any, post: FeedPost) -> User:
    person = _require_user(user)
    if not selectors.can_moderate_post(person, post):
        raise NotModerator("Only the feed's moderators can do this.")
    return person


def pin_post(*, post: FeedPost, user: Any) -> FeedPost:
    """A moderator pins a (visible) post to the top of its feed; at most `MAX_PINS` per feed."""
    person = _require_moderator(user, post)
    if post.is_pinned:
        return post
    if post.is_hidden:
        raise InvalidPost("A hidden post cannot be pinned.", detail={"field": "pinned"})
    with transaction.atomic():
        scope_posts = FeedPost.objects.filter(
            Q(space_id=post.space_id) if post.space_id else Q(network_id=post.network_id)
        )
        if scope_posts.filter(pinned_at__isnull=False).count() >= selectors.MAX_PINS:
            raise TooManyPins(
                f"A feed has at most {selectors.MAX_PINS} pinned posts; unpin one first.",
                detail={"max": selectors.MAX_PINS},
            )
        post.pinned_at = timezone.now()
        post.pinned_by = person
        post.save(update_fields=["pinned_at", "pinned_by"])
        record_activity(actor=person, verb="feed.post_pinned", target=post, **_scope_kwargs(post))
    return post


def unpin_post(*, post: FeedPost, user: Any) -> FeedPost:
    person = _require_moderator(user, post)
    if not post.is_pinned:
        return post
    with transaction.atomic():
        post.pinned_at = None
        post.pinned_by = None
        post.save(update_fields=["pinned_at", "pinned_by"])
        record_activity(actor=person, verb="feed.post_unpinned", target=post, **_scope_kwargs(post))
    return post


def _reason(value: Any) -> str:
    return _text(value, field="reason", max_len=MAX_REASON, error=InvalidPost)


def hide_post(*, post: FeedPost, user: Any, reason: Any) -> FeedPost:
    """A moderator hides a post with a reason (it leaves the feed for everyone but its
    author and the moderators, and is unpinned); the open reports about it are resolved, as
    when the hiding starts from the queue, so a later report notifies the moderators again."""
    person = _require_moderator(user, post)
    why = _reason(reason)
    with transaction.atomic():
        post.hidden_at = timezone.now()
        post.hidden_by = person
        post.hidden_reason = why
        post.pinned_at = None
        post.pinned_by = None
        post.save(
            update_fields=["hidden_at", "hidden_by", "hidden_reason", "pinned_at", "pinned_by"]
        )
        _close_open_reports({"post_id": post.pk}, person=person, status=ReportStatus.RESOLVED)
        record_activity(actor=person, verb="feed.post_hidden", target=post, **_scope_kwargs(post))
    return post


def unhide_post(*, post: FeedPost, user: Any) -> FeedPost:
    person = _require_moderator(user, post)
    with transaction.atomic():
        post.hidden_at = None
        post.hidden_by = None
        post.hidden_reason = ""
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        record_activity(actor=person, verb="feed.post_unhidden", target=post, **_scope_kwargs(post))
    return post


def hide_comment(*, comment: Comment, user: Any, reason: Any) -> Comment:
    """`hide_post` for a comment (its open reports are resolved)."""
    person = _require_moderator(user, comment.post)
    why = _reason(reason)
    with transaction.atomic():
        comment.hidden_at = timezone.now()
        comment.hidden_by = person
        comment.hidden_reason = why
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _close_open_reports({"comment_id": comment.pk}, person=person, status=ReportStatus.RESOLVED)
        record_activity(
            actor=person,
            verb="feed.comment_hidden",
            target=comment,
            **_scope_kwargs(comment.post),
            metadata={"post": comment.post_id},
        )
    return comment


def unhide_comment(*, comment: Comment, user: Any) -> Comment:
    person = _require_moderator(user, comment.post)
    with transaction.atomic():
        comment.hidden_at = None
        comment.hidden_by = None
        comment.hidden_reason = ""
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        record_activity(
            actor=person,
            verb="feed.comment_unhidden",
            target=comment,
            **_scope_kwargs(comment.post),
            metadata={"post": comment.post_id},
        )
    return comment


def _close_open_reports(target: dict[str, int | None], *, person: User, status: str) -> int:
    """Close every open report about `target` (`{"post_id": ...}` or `{"comment_id": ...}`:
    a report is about exactly one); how many were closed."""
    return Report.objects.filter(status=ReportStatus.OPEN, **target).update(
        status=status, handled_by=person, handled_at=timezone.now()
    )


def _close_reports(report_: Report, *, person: User, status: str) -> int:
    """Close every open report about the same target; how many were closed."""
    target: dict[str, int | None] = (
        {"comment_id": report_.comment_id} if report_.comment_id else {"post_id": report_.post_id}
    )
    return _close_open_reports(target, person=person, status=status)


def resolve_report(*, report: Report, user: Any) -> Report:
    """A moderator upholds a report: the post or comment is hidden (the reason is the
    report's) and every open report about it is resolved."""
    post = selectors.report_target_post(report)
    person = _require_moderator(user, post)
    if report.status != ReportStatus.OPEN:
        raise ReportClosed("This report was already handled.")
    reason = f"Reported: {ReportReason(report.reason).label}"
    with transaction.atomic():
        if report.comment is not None:
            if not report.comment.is_hidden:
                hide_comment(comment=report.comment, user=person, reason=reason)
        elif not post.is_hidden:
            hide_post(post=post, user=person, reason=reason)
        _close_reports(report, person=person, status=ReportStatus.RESOLVED)
        record_activity(
            actor=person, verb="feed.report_resolved", target=report, **_scope_kwargs(post)
        )
    report.refresh_from_db()
    return report


def dismiss_report(*, report: Report, user: Any) -> Report:
    """A moderator finds nothing wrong: every open report about the target is dismissed."""
    post = selectors.report_target_post(report)
    person = _require_moderator(user, post)
    if report.status != ReportStatus.OPEN:
        raise ReportClosed("This report was already handled.")
    with transaction.atomic():
        _close_reports(report, person=person, status=ReportStatus.DISMISSED)
        record_activity(
            actor=person, verb="feed.report_dismissed", target=report, **_scope_kwargs(post)
        )
    report.refresh_from_db()
    return report
