"""Autocomplete over ESCO skills and occupations (preferred and alternative labels).

Ranking, best first:
1. a label equal to the query (the preferred label before an alternative one);
2. the preferred label starts with the query;
3. an alternative label starts with the query, or a word of a label does;
4. a label contains the query, or contains every word of the query;
ties go to the shorter matching label, then alphabetically. Matching ignores case and accents.

The database narrows the candidates (LIKE on the folded `search_text`, bounded), Python ranks
them: a full scan of a few ten thousand short rows is fast on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length

from coshore.core.errors import Invalid
from coshore.core.text import fold

from .models import Occupation, Skill

MAX_QUERY_CHARS = 100
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
CANDIDATES = 500

EXACT_PREFERRED = 1.0
EXACT_ALTERNATIVE = 0.95
PREFIX_PREFERRED = 0.8
PREFIX_ALTERNATIVE = 0.7
WORD_PREFIX_PREFERRED = 0.65
WORD_PREFIX_ALTERNATIVE = 0.6
SUBSTRING_PREFERRED = 0.4
SUBSTRING_ALTERNATIVE = 0.35
ALL_WORDS = 0.2

_WORD_START = re.compile(r"[\w]+")


@dataclass(frozen=True)
class SkillHit:
    uri: str
    label: str  # the preferred label
    matched_label: str  # the label that matched (preferred or alternative)
    score: float


def _invalid(message: str, **detail: Any) -> Invalid:
    return Invalid(message, code="skills.invalid_query", detail=detail)


def parse_label_query(q: Any, limit: Any = None) -> tuple[str, int]:
    """A checked autocomplete query: the text (1..100 characters) and the limit (1..50)."""
    if q is None or not str(q).strip():
        raise _invalid("`q` is required.", param="q")
    text = " ".join(str(q).split())
    if len(text) > MAX_QUERY_CHARS:
        raise _invalid(
            f"`q` is longer than {MAX_QUERY_CHARS} characters.", param="q", max=MAX_QUERY_CHARS
        )
    if limit is None or (isinstance(limit, str) and not limit.strip()):
        return text, DEFAULT_LIMIT
    try:
        number = int(str(limit).strip()) if not isinstance(limit, int) else limit
    except ValueError as exc:
        raise _invalid("`limit` must be an integer.", param="limit") from exc
    if isinstance(limit, bool) or not 1 <= number <= MAX_LIMIT:
        raise _invalid(
            f"`limit` must be between 1 and {MAX_LIMIT}.", param="limit", min=1, max=MAX_LIMIT
        )
    return text, number


def _words(folded: str) -> list[str]:
    return _WORD_START.findall(folded)


def _fold(label: str) -> str:
    return label.lower() if label.isascii() else fold(label)


def _label_score(label: str, query: str, words: list[str], preferred: bool) -> float:
    folded = _fold(label)
    if folded == query:
        return EXACT_PREFERRED if preferred else EXACT_ALTERNATIVE
    if folded.startswith(query):
        return PREFIX_PREFERRED if preferred else PREFIX_ALTERNATIVE
    position = folded.find(query)
    if position > 0:
        if not folded[position - 1].isalnum():
            return WORD_PREFIX_PREFERRED if preferred else WORD_PREFIX_ALTERNATIVE
        return SUBSTRING_PREFERRED if preferred else SUBSTRING_ALTERNATIVE
    if len(words) > 1 and all(w in folded for w in words):
        return ALL_WORDS
    return 0.0


def _rank(rows: Iterable[Mapping[str, Any]], query: str, limit: int) -> list[SkillHit]:
    words = _words(query)
    scored: list[tuple[float, int, str, SkillHit]] = []
    for row in rows:
        best: tuple[float, int, str] | None = None
        labels = [(row["preferred_label"], True)]
        labels += [(alt, False) for alt in row["alt_labels"].splitlines() if alt.strip()]
        for label, preferred in labels:
            score = _label_score(label, query, words, preferred)
            if score and (best is None or (score, -len(label)) > (best[0], -best[1])):
                best = (score, len(label), label)
        if best is None:
            continue
        hit = SkillHit(
            uri=row["uri"], label=row["preferred_label"], matched_label=best[2], score=best[0]
        )
        scored.append((-best[0], best[1], row["preferred_label"].lower(), hit))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


def _search(model: type[Skill] | type[Occupation], q: Any, limit: Any) -> list[SkillHit]:
    text, limit = parse_label_query(q, limit)
    query = fold(text)
    tokens = _words(query)
    words = [w for w in tokens if len(w) > 1]
    exact = (
        Q(search_text=query)
        | Q(search_text__startswith=f"{query}\n")
        | Q(search_text__contains=f"\n{query}\n")
        | Q(search_text__endswith=f"\n{query}")
    )
    word_prefix = (
        Q(search_text__contains=f"\n{query}")
        | Q(search_text__contains=f" {query}")
        | Q(search_text__contains=f"({query}")
        | Q(search_text__contains=f"-{query}")
    )
    # One scan over the rows holding the query (or each of its words), sorted by roughly the
    # ranking's tiers so that a common query cannot crowd the best labels out of the bounded
    # candidate set. A single character only matches at the start of a label or a word.
    if len(query) < 2:
        candidates = Q(search_text__startswith=query) | word_prefix
    elif len(tokens) > 1 and words:
        candidates = Q()
        for word in words:
            candidates &= Q(search_text__contains=word)
    else:
        candidates = Q(search_text__contains=query)
    tier = Case(
        When(exact, then=Value(0)),
        When(search_text__startswith=query, then=Value(1)),
        When(word_prefix, then=Value(2)),
        default=Value(3),
    )
    rows = list(
        model._default_manager.filter(candidates)
        .annotate(tier=tier)
        .order_by("tier", Length("preferred_label"), "id")
        .values("uri", "preferred_label", "alt_labels")[:CANDIDATES]
    )
    return _rank(rows, query, limit)


def search_skills(*, q: str, limit: int | str | None = DEFAULT_LIMIT) -> list[SkillHit]:
    """ESCO skills whose labels match `q`, best first (see the module docstring).

    Raises Invalid (`skills.invalid_query`) unless `q` has 1 to 100 characters and `limit` is
    1 to 50 (None: 10).
    """
    return _search(Skill, q, limit)


def search_occupations(*, q: str, limit: int | str | None = DEFAULT_LIMIT) -> list[SkillHit]:
    """ESCO occupations whose labels match `q`, best first."""
    return _search(Occupation, q, limit)


MAX_URIS = 100


def list_skills_by_uri(uris: Iterable[str]) -> list[Skill]:
    """The skills of these ESCO URIs (the first MAX_URIS), in the given order, each once;
    unknown URIs are left out (one query)."""
    wanted = list(dict.fromkeys(u[:255] for u in uris if isinstance(u, str)))[:MAX_URIS]
    by_uri = {s.uri: s for s in Skill.objects.filter(uri__in=wanted)}
    return [by_uri[u] for u in wanted if u in by_uri]
