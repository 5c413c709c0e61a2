"""Posting offers and needs, editing, closing and renewing them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from coshore.accounts.models import Organisation
from coshore.accounts.selectors import is_organisation_person
from coshore.activity.services import record_activity
from coshore.core.text import fold
from coshore.memberships.rules import normalise_currency
from coshore.skills.extraction import extract_skills
from coshore.skills.models import Skill
from coshore.spaces.models import Space
from coshore.spaces.selectors import is_space_member

from ..embeddings import enqueue_embed_post
from ..errors import InvalidPost, NotPoster, NotSpaceMember, PostClosed, UnknownSkill
from ..models import (
    Locality,
    Post,
    PostKind,
    PostSkill,
    PostStatus,
    PostVisibility,
    RateUnit,
)
from ..rules import (
    DEFAULT_EXPIRY_DAYS,
    MAX_SKILLS,
    encode_languages,
    expiry_problem,
    is_valid_window,
    is_valid_zone,
    normalise_languages,
)
from ..tasks import enqueue_alert_matches
from ._shared import MAX_TEXT, MAX_TITLE, _require_user, _text, parse_amount

__all__ = [
    "EDITABLE",
    "close_post",
    "create_post",
    "renew_post",
    "suggest_skills",
    "update_post",
]

# What PATCH may change (the kind never changes: post a new one).
EDITABLE = (
    "title",
    "text",
    "space",
    "visibility",
    "organisation",
    "skills",
    "currency",
    "budget_min",
    "budget_max",
    "rate_amount",
    "rate_unit",
    "deadline",
    "available_from",
    "locality",
    "tz_name",
    "tz_earliest",
    "tz_latest",
    "languages",
    "expires_at",
)


# --- Skills ------------------------------------------------------------------------------------


def _suggest_skills(text: str) -> list[tuple[str, str]]:
    """ESCO skills (uri, label) suggested from a post's text, best first (the skills app's
    extraction: MiniLM and ESCO labels, or the labels alone without the model)."""
    return [(s.uri, s.label) for s in extract_skills(text, limit=10)]


def suggest_skills(text: str) -> list[Skill]:
    """The suggested skills of `text` that are in the skills table, best first."""
    text = (text or "").strip()[:MAX_TEXT]
    if len(text) < 3:
        return []
    uris = [uri for uri, _ in _suggest_skills(text)]
    found = {s.uri: s for s in Skill.objects.filter(uri__in=uris)}
    return [found[u] for u in uris if u in found]


def _resolve_skills(uris: Any) -> list[Skill]:
    if not isinstance(uris, list | tuple) or not all(isinstance(u, str) for u in uris):
        raise InvalidPost("`skills` is a list of ESCO skill URIs.", detail={"field": "skills"})
    ordered = list(dict.fromkeys(u.strip() for u in uris if u.strip()))
    if len(ordered) > MAX_SKILLS:
        raise InvalidPost(
            f"A post has at most {MAX_SKILLS} skills.",
            detail={"field": "skills", "max": MAX_SKILLS},
        )
    if any(len(u) > 255 for u in ordered):
        raise UnknownSkill("Unknown ESCO skill.", detail={"field": "skills"})
    found = {s.uri: s for s in Skill.objects.filter(uri__in=ordered)}
    unknown = [u for u in ordered if u not in found]
    if unknown:
        raise UnknownSkill(
            "Unknown ESCO skill: " + ", ".join(unknown[:3]),
            detail={"field": "skills", "unknown": unknown[:10]},
        )
    return [found[u] for u in ordered]


def _set_skills(post: Post, skills: list[Skill], *, suggested: bool) -> None:
    PostSkill.objects.filter(post=post).delete()
    PostSkill.objects.bulk_create(
        [
            PostSkill(post=post, skill=skill, position=i, suggested=suggested)
            for i, skill in enumerate(skills)
        ]
    )


# --- Validation --------------------------------------------------------------------------------


def _choice(value: Any, *, field: str, choices: list[str]) -> str:
    if value not in choices:
        raise InvalidPost(
            f"`{field}` is one of: {', '.join(choices)}.",
            detail={"field": field, "choices": choices},
        )
    return str(value)


def _hour(value: Any, *, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 24:
        raise InvalidPost(f"`{field}` is an hour from 0 to 24.", detail={"field": field})
    return value


def _clean(
    *, user: Any, kind: str, values: dict[str, Any], changed: set[str], now: datetime
) -> dict[str, Any]:
    """Validate a post's fields (all of them, as they will be saved); the checks that depend on
    the moment (past dates, membership) run only for the fields being changed."""
    out: dict[str, Any] = {}
    out["title"] = _text(
        values.get("title"), field="title", max_len=MAX_TITLE, required=True, error=InvalidPost
    )
    out["text"] = _text(
        values.get("text"), field="text", max_len=MAX_TEXT, required=True, error=InvalidPost
    )
    out["visibility"] = _choice(
        values.get("visibility"), field="visibility", choices=PostVisibility.values
    )
    out["locality"] = _choice(values.get("locality"), field="locality", choices=Locality.values)

    space = values.get("space")
    if not isinstance(space, Space):
        raise InvalidPost("`space` is required.", detail={"field": "space"})
    if "space" in changed and not is_space_member(user, space):
        raise NotSpaceMember(
            "You can post only into a space you are a member of.",
            detail={"field": "space", "space": space.slug},
        )
    out["space"] = space

    organisation = values.get("organisation")
    if (
        "organisation" in changed
        and organisation is not None
        and not (
            isinstance(organisation, Organisation) and is_organisation_person(user, organisation)
        )
    ):
        raise InvalidPost(
            "You can post only on behalf of an organisation you belong to.",
            detail={"field": "organisation"},
        )
    out["organisation"] = organisation

    budget_min = parse_amount(values.get("budget_min"), field="budget_min")
    budget_max = parse_amount(values.get("budget_max"), field="budget_max")
    rate_amount = parse_amount(values.get("rate_amount"), field="rate_amount")
    rate_unit = values.get("rate_unit") or ""
    if kind == PostKind.OFFER and (budget_min is not None or budget_max is not None):
        raise InvalidPost("An offer has a rate, not a budget.", detail={"field": "budget_min"})
    if kind == PostKind.NEED and (rate_amount is not None or rate_unit):
        raise InvalidPost("A need has a budget, not a rate.", detail={"field": "rate_amount"})
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        raise InvalidPost(
            "The budget's minimum is above its maximum.",
            detail={"field": "budget_min", "budget_min": str(budget_min)},
        )
    if rate_unit:
        rate_unit = _choice(rate_unit, field="rate_unit", choices=RateUnit.values)
    if rate_amount is not None and not rate_unit:
        raise InvalidPost(
            "A rate needs its unit: hour, day or project.", detail={"field": "rate_unit"}
        )
    money = any(v is not None for v in (budget_min, budget_max, rate_amount))
    raw_currency = values.get("currency") or ""
    currency = ""
    if raw_currency or money:
        if not isinstance(raw_currency, str) or len(raw_currency) > 8:
            currency = ""
        else:
            currency = normalise_currency(raw_currency) or ""
        if not currency:
            raise InvalidPost(
                "`currency` must be an active ISO 4217 code such as EUR.",
                detail={"field": "currency"},
            )
    out.update(
        budget_min=budget_min,
        budget_max=budget_max,
        rate_amount=rate_amount,
        rate_unit=rate_unit,
        currency=currency,
    )

    deadline = values.get("deadline")
    available_from = values.get("available_from")
    for name, value in (("deadline", deadline), ("available_from", available_from)):
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise InvalidPost(f"`{name}` is a date (YYYY-MM-DD).", detail={"field": name})
    if kind == PostKind.OFFER and deadline is not None:
        raise InvalidPost(
            "An offer has an availability, not a deadline.", detail={"field": "deadline"}
        )
    if kind == PostKind.NEED and available_from is not None:
        raise InvalidPost(
            "A need has a deadline, not an availability.", detail={"field": "available_from"}
        )
    if "deadline" in changed and deadline is not None and deadline < now.date() - timedelta(days=1):
        raise InvalidPost("The deadline is in the past.", detail={"field": "deadline"})
    out.update(deadline=deadline, available_from=available_from)

    tz_name = values.get("tz_name") or ""
    if not isinstance(tz_name, str) or (tz_name and not is_valid_zone(tz_name)):
        raise InvalidPost(
            "`tz_name` must be an IANA timezone such as Europe/Paris.",
            detail={"field": "tz_name"},
        )
    earliest = _hour(values.get("tz_earliest"), field="tz_earliest")
    latest = _hour(values.get("tz_latest"), field="tz_latest")
    if (earliest is None) != (latest is None):
        raise InvalidPost(
            "A working window has both its earliest and latest hour.",
            detail={"field": "tz_earliest"},
        )
    if earliest is not None and latest is not None:
        if not is_valid_window(earliest, latest):
            raise InvalidPost(
                "The window's earliest hour comes before its latest (0-24).",
                detail={"field": "tz_earliest"},
            )
        if not tz_name:
            raise InvalidPost("A working window needs its timezone.", detail={"field": "tz_name"})
    out.update(tz_name=tz_name, tz_earliest=earliest, tz_latest=latest)

    raw_languages = values.get("languages") or []
    languages = (
        normalise_languages(list(raw_languages))
        if isinstance(raw_languages, list | tuple)
        and all(isinstance(c, str) and len(c) <= 8 for c in raw_languages)
        else None
    )
    if languages is None:
        raise InvalidPost(
            "`languages` is a list of ISO 639-1 codes such as en, fr (at most 10).",
            detail={"field": "languages"},
        )
    out["languages"] = encode_languages(languages)

    expires_at = values.get("expires_at")
    if expires_at is None:
        expires_at = now + timedelta(days=DEFAULT_EXPIRY_DAYS)
    if not isinstance(expires_at, datetime):
        raise InvalidPost("`expires_at` is a date and time.", detail={"field": "expires_at"})
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if "expires_at" in changed:
        problem = expiry_problem(expires_at, now)
        if problem:
            raise InvalidPost(problem, detail={"field": "expires_at"})
    out["expires_at"] = expires_at
    out["search_text"] = fold(f"{out['title']}\n{out['text']}")
    return out


# --- Posting -----------------------------------------------------------------------------------


def create_post(
    *,
    author: Any,
    kind: str,
    title: str,
    text: str,
    space: Space,
    visibility: str = PostVisibility.NETWORK,
    skills: list[str] | None = None,
    organisation: Organisation | None = None,
    currency: str = "",
    budget_min: Any = None,
    budget_max: Any = None,
    rate_amount: Any = None,
    rate_unit: str = "",
    deadline: date | None = None,
    available_from: date | None = None,
    locality: str = Locality.ON_SITE,
    tz_name: str = "",
    tz_earliest: int | None = None,
    tz_latest: int | None = None,
    languages: list[str] | None = None,
    expires_at: datetime | None = None,
) -> Post:
    """A member posts an offer ("I do X") or a need ("we need Y") into a space they are a
    member of, for themselves or on behalf of an organisation they belong to. Needs carry a
    budget range, offers a rate; both in an ISO 4217 currency. Without skills, the skills are
    suggested from the text. It expires in 30 days unless told otherwise (never in the past).
    Once committed, it is embedded for matching (a background task, with the model)."""
    user = _require_user(author)
    kind = _choice(kind, field="kind", choices=PostKind.values)
    values = {
        "title": title,
        "text": text,
        "space": space,
        "visibility": visibility,
        "organisation": organisation,
        "currency": currency,
        "budget_min": budget_min,
        "budget_max": budget_max,
        "rate_amount": rate_amount,
        "rate_unit": rate_unit,
        "deadline": deadline,
        "available_from": available_from,
        "locality": locality,
        "tz_name": tz_name,
        "tz_earliest": tz_earliest,
        "tz_latest": tz_latest,
        "languages": languages or [],
        "expires_at": expires_at,
    }
    now = timezone.now()
    clean = _clean(user=user, kind=kind, values=values, changed=set(values), now=now)
    chosen = _resolve_skills(skills) if skills else []
    suggested = not chosen
    if suggested:
        chosen = suggest_skills(f"{clean['title']}\n{clean['text']}")
    with transaction.atomic():
        post = Post.objects.create(kind=kind, author=user, fresh_at=now, **clean)
        _set_skills(post, chosen, suggested=suggested)
        record_activity(
            actor=user,
            verb="wall.post_created",
            target=post,
            space=post.space,
            metadata={
                "kind": kind,
                "visibility": post.visibility,
                "skills": [s.uri for s in chosen][:MAX_SKILLS],
                "suggested": suggested and bool(chosen),
                "organisation": post.organisation_id,
            },
        )
        enqueue_embed_post(post)
        enqueue_alert_matches(post)
    return post


def _own_open_post(post: Post, user: Any) -> Post:
    """The post, locked and fresh from the database, if `user` posted it and it is open."""
    person = _require_user(user)
    locked = Post.objects.select_for_update().select_related("space").get(pk=post.pk)
    if locked.author_id != person.pk:
        raise NotPoster("Only the poster can change this post.")
    if locked.status != PostStatus.OPEN:
        raise PostClosed(
            f"This post is {locked.get_status_display().lower()}.",
            detail={"status": locked.status},
        )
    return locked


def update_post(*, post: Post, user: Any, **changes: Any) -> Post:
    """The poster edits an open post; only the fields given change (see `EDITABLE`). The same
    rules as posting apply to the result; `skills` replaces the list (empty: suggested again)."""
    person = _require_user(user)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidPost(
            f"`{sorted(unknown)[0]}` cannot be changed.", detail={"field": sorted(unknown)[0]}
        )
    now = timezone.now()
    with transaction.atomic():
        locked = _own_open_post(post, person)
        values = {name: getattr(locked, name) for name in EDITABLE if name != "skills"}
        values["languages"] = locked.language_list
        values.update({k: v for k, v in changes.items() if k != "skills"})
        clean = _clean(user=person, kind=locked.kind, values=values, changed=set(changes), now=now)
        changed = sorted(
            name for name in changes if name == "skills" or getattr(locked, name) != clean[name]
        )
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
        if "skills" in changes:
            chosen = _resolve_skills(changes["skills"] or [])
            suggested = not chosen
            if suggested:
                chosen = suggest_skills(f"{locked.title}\n{locked.text}")
            _set_skills(locked, chosen, suggested=suggested)
        record_activity(
            actor=person,
            verb="wall.post_edited",
            target=locked,
            space=locked.space,
            metadata={"fields": changed},
        )
        if "title" in changed or "text" in changed:
            enqueue_embed_post(locked)
        if changed:
            enqueue_alert_matches(locked)
    return locked


def close_post(*, post: Post, user: Any, outcome: str) -> Post:
    """The poster closes an open post as fulfilled (it found its match) or withdrawn; it leaves
    the walls, and its reply threads stay readable."""
    person = _require_user(user)
    outcome = _choice(
        outcome, field="outcome", choices=[PostStatus.FULFILLED, PostStatus.WITHDRAWN]
    )
    with transaction.atomic():
        locked = _own_open_post(post, person)
        locked.status = outcome
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        record_activity(
            actor=person,
            verb="wall.post_closed",
            target=locked,
            space=locked.space,
            metadata={"outcome": outcome, "threads": locked.threads.count()},
        )
    return locked


def renew_post(*, post: Post, user: Any, expires_at: datetime | None = None) -> Post:
    """The poster renews an open post (expired or not): it expires 30 days from now (or at
    `expires_at`, never in the past) and moves back to the top of the walls."""
    person = _require_user(user)
    now = timezone.now()
    until = expires_at or now + timedelta(days=DEFAULT_EXPIRY_DAYS)
    if timezone.is_naive(until):
        until = timezone.make_aware(until)
    problem = expiry_problem(until, now)
    if problem:
        raise InvalidPost(problem, detail={"field": "expires_at"})
    with transaction.atomic():
        locked = _own_open_post(post, person)
        locked.expires_at = until
        locked.fresh_at = now
        locked.save(update_fields=["expires_at", "fresh_at", "updated_at"])
        record_activity(
            actor=person,
            verb="wall.post_renewed",
            target=locked,
            space=locked.space,
            metadata={"expires_at": until.isoformat()},
        )
        enqueue_alert_matches(locked)
    return locked
