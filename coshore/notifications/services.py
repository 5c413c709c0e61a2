"""Notify people: every app calls `notify`; the person's preference for the topic decides the
email (at once, in the daily digest, or none). In-app notifications are always kept.

Also here: marking notifications read, choosing email preferences, one-click unsubscribe from
a signed link, and the daily digest run (`send_due_digests`).

Notifications record no Activity: they are a consequence of activities the apps already
record (and this app imports no app but accounts and core)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from coshore.accounts.models import User
from coshore.core.errors import Invalid, Unauthenticated

from . import selectors
from .errors import InvalidPreference, NotificationNotFound
from .models import DigestRun, Notification, Preference
from .rules import safe_local_url
from .topics import TOPICS, EmailMode, topic_of

__all__ = [
    "DIGEST_GAP",
    "DIGEST_LIST_LIMIT",
    "MAX_IDS",
    "Unsubscribed",
    "email_mode_for",
    "mark_all_read",
    "mark_read",
    "notify",
    "open_notification",
    "read_unsubscribe_token",
    "send_due_digests",
    "set_preferences",
    "unsubscribe",
    "unsubscribe_token",
]

MAX_TITLE = 200
MAX_BODY = 4000
MAX_IDS = 200
# A person gets at most one digest in this span, however often `send-digests` runs; a little
# under a day so a daily cron job that starts a few minutes early still sends.
DIGEST_GAP = timedelta(hours=23)
# A digest lists at most this many notifications; the rest are counted ("and 12 more").
DIGEST_LIST_LIMIT = 50
_DIGEST_BATCH = 500
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)
_UNSUBSCRIBE_SALT = "coshore.notifications.unsubscribe"


def _require_user(user: Any) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user  # type: ignore[no-any-return]


def email_mode_for(user: User, topic: str) -> EmailMode:
    """The person's choice for the topic, else the topic's default."""
    t = topic_of(topic)
    chosen = Preference.objects.filter(user=user, topic=topic).values_list("email", flat=True)
    mode = next(iter(chosen), None)
    if mode not in EmailMode.values or (mode == EmailMode.OFF and not t.can_mute):
        return t.default
    return EmailMode(mode)


def notify(
    *,
    recipient: User,
    topic: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor: Any = None,
    key: str = "",
) -> Notification | None:
    """Record a notification for `recipient` and, by their preference for `topic`, email it
    at once (a background task on commit) or leave it for the daily digest.

    Nothing for an inactive recipient or for the actor themself. With a `key`, the same
    (recipient, key) notifies once: a second call returns None. `url` is kept only if it is a
    path on this site (it is followed from the list and the emails). Called inside the
    caller's transaction, the notification exists exactly when the change it reports does."""
    if recipient is None or not recipient.is_active:
        return None
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    if actor_user is not None and actor_user.pk == recipient.pk:
        return None
    mode = email_mode_for(recipient, topic)
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient,
                actor=actor_user,
                topic=topic,
                kind=kind[:64],
                title=" ".join(title.split())[:MAX_TITLE],
                body=body.strip()[:MAX_BODY],
                url=safe_local_url(url),
                key=key[:200],
                email_mode=mode,
            )
    except IntegrityError:
        if key and Notification.objects.filter(recipient=recipient, key=key[:200]).exists():
            return None
        raise
    if mode == EmailMode.IMMEDIATE:
        from .emails import send_notification_email

        note_id = note.pk
        # robust: a mail server that is down must not undo a committed change.
        transaction.on_commit(lambda: send_notification_email.enqueue(note_id), robust=True)
    return note


# --- Reading ------------------------------------------------------------------------------


def _clean_ids(ids: Any) -> list[int]:
    if not isinstance(ids, list | tuple) or not ids or len(ids) > MAX_IDS:
        raise Invalid(
            f"Give between 1 and {MAX_IDS} notification ids.",
            code="notification.invalid_ids",
            detail={"field": "ids"},
        )
    clean: list[int] = []
    for value in ids:
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 1 <= value <= selectors.MAX_ID
        ):
            raise Invalid(
                "Notification ids are positive integers.",
                code="notification.invalid_ids",
                detail={"field": "ids"},
            )
        clean.append(value)
    return sorted(set(clean))


def mark_read(*, user: Any, ids: Any) -> int:
    """The recipient marks some of their notifications read; the number that were unread.
    All or nothing: an id that is missing or someone else's is not found and nothing is
    marked."""
    person = _require_user(user)
    wanted = _clean_ids(ids)
    with transaction.atomic():
        mine = set(
            Notification.objects.filter(recipient_id=person.pk, pk__in=wanted).values_list(
                "pk", flat=True
            )
        )
        missing = [i for i in wanted if i not in mine]
        if missing:
            raise NotificationNotFound("No such notification.", detail={"ids": missing[:MAX_IDS]})
        return Notification.objects.filter(
            recipient_id=person.pk, pk__in=wanted, read_at__isnull=True
        ).update(read_at=timezone.now())


def mark_all_read(*, user: Any) -> int:
    """The recipient marks every notification of theirs read; the number that were unread."""
    person = _require_user(user)
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=person.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def open_notification(*, user: Any, notification_id: Any) -> tuple[Notification, str]:
    """The recipient follows a notification: it is read from now on. Returns it and the
    local path to go to (its url when that is a path on this site, else "")."""
    person = _require_user(user)
    note = selectors.get_notification_for_user(user=person, notification_id=notification_id)
    if note.read_at is None:
        note.read_at = timezone.now()
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=note.read_at)
    return note, safe_local_url(note.url)


# --- Preferences --------------------------------------------------------------------------


def _validate_preferences(topics: Any) -> dict[str, EmailMode]:
    if not isinstance(topics, Mapping) or len(topics) > len(TOPICS):
        raise InvalidPreference(
            "Give an object of topic: mode.", detail={"field": "topics", "topics": list(TOPICS)}
        )
    clean: dict[str, EmailMode] = {}
    for key, mode in topics.items():
        topic = TOPICS.get(key) if isinstance(key, str) else None
        if topic is None:
            raise InvalidPreference(
                "There is no such topic.",
                detail={"field": "topics", "topic": str(key)[:64], "topics": list(TOPICS)},
            )
        if not isinstance(mode, str) or mode not in EmailMode.values:
            raise InvalidPreference(
                "Choose immediate, digest or off.",
                detail={"field": "topics", "topic": key, "modes": list(EmailMode.values)},
            )
        if mode == EmailMode.OFF and not topic.can_mute:
            raise InvalidPreference(
                "The emails of this topic cannot be turned off.",
                detail={"field": "topics", "topic": key},
            )
        clean[key] = EmailMode(mode)
    return clean


def set_preferences(*, user: Any, topics: Any) -> dict[str, EmailMode]:
    """A person chooses, per topic, whether its emails come at once, in the daily digest or
    not at all; topics left out keep their choice. All or nothing: an unknown topic or mode
    (or turning off a topic that cannot be muted) is `notification.invalid_preference` and
    nothing changes. Turning a topic off also drops its notifications still waiting for a
    digest from it. Returns every topic's mode."""
    person = _require_user(user)
    clean = _validate_preferences(topics)
    with transaction.atomic():
        _save_preferences(person, clean)
    return selectors.get_preferences(user=person)


def _save_preferences(person: User, modes: Mapping[str, EmailMode]) -> None:
    for key, mode in modes.items():
        Preference.objects.update_or_create(user=person, topic=key, defaults={"email": mode})
    off = [key for key, mode in modes.items() if mode == EmailMode.OFF]
    if off:
        Notification.objects.filter(
            recipient_id=person.pk,
            topic__in=off,
            email_mode=EmailMode.DIGEST,
            emailed_at__isnull=True,
        ).update(email_mode=EmailMode.OFF)


# --- One-click unsubscribe ----------------------------------------------------------------


def unsubscribe_token(*, user: User, topics: list[str]) -> str:
    """A signed token (no expiry: old emails keep working) that turns off the emails of
    `topics` for `user`, with no login (RFC 8058 one-click unsubscribe)."""
    return signing.dumps({"u": user.pk, "t": sorted(set(topics))}, salt=_UNSUBSCRIBE_SALT)


@dataclass(frozen=True)
class Unsubscribed:
    user: User
    topics: list[str]


def read_unsubscribe_token(token: str) -> Unsubscribed:
    """Who and which topics a token made by `unsubscribe_token` names; a bad, altered or
    stale token (unknown person or topics) is not found."""
    try:
        data = signing.loads(token[:2000], salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise NotificationNotFound("This unsubscribe link is not valid.") from None
    user_id = data.get("u") if isinstance(data, dict) else None
    topics = data.get("t") if isinstance(data, dict) else None
    if not isinstance(user_id, int) or not isinstance(topics, list):
        raise NotificationNotFound("This unsubscribe link is not valid.")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    known = [t for t in topics if isinstance(t, str) and t in TOPICS and TOPICS[t].can_mute]
    if user is None or not known:
        raise NotificationNotFound("This unsubscribe link is not valid.")
    return Unsubscribed(user=user, topics=known)


def unsubscribe(*, token: str) -> Unsubscribed:
    """The person a signed unsubscribe link names turns off the emails of its topics (no
    login: the signature is the proof). Idempotent."""
    target = read_unsubscribe_token(token)
    with transaction.atomic():
        _save_preferences(target.user, {t: EmailMode.OFF for t in target.topics})
    return target


# --- Daily digest -------------------------------------------------------------------------


def _pending_digest() -> Any:
    # Read in-app before the digest goes out: left out (the person has seen it already).
    return Notification.objects.filter(
        email_mode=EmailMode.DIGEST, emailed_at__isnull=True, read_at__isnull=True
    )


def send_due_digests(*, now: datetime | None = None) -> int:
    """Email each person with notifications waiting for the digest (digest mode, not emailed,
    not read in-app) one digest listing them, unless they had one within DIGEST_GAP; the
    notifications are marked emailed. Returns how many digests were sent.

    Safe to run concurrently and repeatedly: each person's digest is claimed in a
    transaction on their DigestRun row (locked with SKIP LOCKED on PostgreSQL, serialised
    by SQLite's IMMEDIATE transactions), so two runs never send the same digest twice. The
    email itself is a task enqueued when the claim commits (at most once: a failed delivery
    is not repeated)."""
    now = now or timezone.now()
    cutoff = now - DIGEST_GAP
    recent = DigestRun.objects.filter(sent_at__gt=cutoff).values("user_id")
    sent = 0
    last = 0
    while True:
        batch = list(
            _pending_digest()
            .filter(created_at__lte=now, recipient_id__gt=last, recipient__is_active=True)
            .exclude(recipient_id__in=recent)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:_DIGEST_BATCH]
        )
        if not batch:
            return sent
        for user_id in batch:
            sent += _send_digest(user_id, now=now, cutoff=cutoff)
        last = batch[-1]


def _send_digest(user_id: int, *, now: datetime, cutoff: datetime) -> int:
    DigestRun.objects.bulk_create(
        [DigestRun(user_id=user_id, sent_at=_NEVER)], ignore_conflicts=True
    )
    with transaction.atomic():
        claimed = (
            DigestRun.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, sent_at__lte=cutoff)
            .first()
        )
        if claimed is None:
            return 0  # another run holds or just sent this person's digest
        ids = list(
            _pending_digest()
            .filter(recipient_id=user_id, created_at__lte=now)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        for start in range(0, len(ids), _DIGEST_BATCH):
            Notification.objects.filter(pk__in=ids[start : start + _DIGEST_BATCH]).update(
                emailed_at=now
            )
        DigestRun.objects.filter(user_id=user_id).update(sent_at=now)
        from .emails import send_digest_email

        listed, total = ids[:DIGEST_LIST_LIMIT], len(ids)
        transaction.on_commit(
            lambda: send_digest_email.enqueue(user_id, listed, total), robust=True
        )
    return 1
