"""Scoring a candidate against a query, and ranking candidates. Pure: no ORM, no Django.

A match's score (0-1) is the weighted mean of the factors known for the pair:

| factor | value (0-1) | weight |
|---|---|---|
| semantic | cosine of the two MiniLM embeddings, below 0 as 0; without an embedding on either side, the TF-IDF cosine of the texts (the lexical baseline) | 0.30 |
| skills | (exact shared ESCO skills + half of the candidate's skills related to the query's through ESCO occupations) / the skills of the need (the query's when it is a need, else the candidate's): how much of the need is covered, at most 1 | 0.25 |
| languages | 1 when they share a language, else 0 | 0.10 |
| reputation | the candidate's reputation / 100 | 0.05 |
| freshness | halves every 14 days since the post was posted or renewed | 0.10 |
| place | same space 1, same city 0.8, same network 0.5, anywhere 0.2 | on site 0.15, hybrid 0.10, remote 0.05 |
| working hours | hours both working windows share on the next weekday / 4, at most 1 | on site 0.05, hybrid 0.10, remote 0.15 |

"Known" means both sides carry the data: a pair without skills, languages, windows or
reputation (a member nobody endorsed yet) is scored on the other factors, so missing data
neither helps nor hurts. The locality (the poster's choice) is the stricter of the two sides:
on site when either side is on site, then hybrid, then remote; an on-site pair must share the
space or the city, else the candidate is not a match (`ineligible`). Remote work weighs
working hours more and place less ("local first" still breaks near-ties).

Each match carries its reasons in words, strongest first: "shares 3 skills: Python, SQL, data
analytics", "related skills: ...", "similar description", "4 h overlap with Asia/Jerusalem",
"speaks French, English", "same space: La Ruche" / "same city: Paris" / "same network: ...",
"reputation 72/100", "posted 2 days ago".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .features import Candidate, Locality, Query, Viewer, WorkWindow

W_SEMANTIC = 0.30
W_SKILLS = 0.25
W_LANGUAGES = 0.10
W_REPUTATION = 0.05
W_FRESHNESS = 0.10
# Place and working hours share 0.20, split by the pair's locality.
W_PLACE = {"on_site": 0.15, "hybrid": 0.10, "remote": 0.05}
W_HOURS = {"on_site": 0.05, "hybrid": 0.10, "remote": 0.15}

PLACE_SPACE = 1.0
PLACE_CITY = 0.8
PLACE_NETWORK = 0.5
PLACE_ANYWHERE = 0.2
RELATED_CREDIT = 0.5
HOURS_FOR_FULL = 4.0
FRESH_HALF_LIFE_DAYS = 14.0
SIMILAR_TEXT = 0.5
LISTED_SKILLS = 5

# ISO 639-1 codes of the languages most spoken by coworkers; others show as their code.
LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "ga": "Irish", "gl": "Galician", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "mt": "Maltese", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
    "zh": "Chinese",
}  # fmt: skip


@dataclass(frozen=True)
class Match:
    kind: str
    id: int
    score: float
    reasons: list[str] = field(default_factory=list)
    factors: Mapping[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """The API's item: `{"kind", "id", "score", "reasons"}`."""
        return {
            "kind": self.kind,
            "id": self.id,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
        }


# --- Visibility and eligibility ------------------------------------------------------------------


def can_see(viewer: Viewer, candidate: Candidate) -> bool:
    """Whether `viewer` may see `candidate`: `space` only for members of its spaces, `network`
    also for members of a space of one of its networks, `private` only for its owner."""
    if viewer.user_id is not None and viewer.user_id == candidate.owner_id:
        return True
    audience = candidate.audience_space_ids or (
        frozenset({candidate.space_id}) if candidate.space_id is not None else frozenset()
    )
    if candidate.visibility == "public":
        return True
    if candidate.visibility == "space":
        return bool(audience & viewer.space_ids)
    if candidate.visibility == "network":
        return bool(audience & viewer.space_ids) or bool(candidate.network_ids & viewer.network_ids)
    return False


def pair_locality(query: Query, candidate: Candidate) -> Locality:
    """The stricter of the two sides' localities (on site, then hybrid, then remote)."""
    sides = {query.subject.locality, candidate.locality}
    for loc in ("on_site", "hybrid"):
        if loc in sides:
            return loc  # type: ignore[return-value]
    return "remote"


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold().strip()


def same_space(a: Candidate, b: Candidate) -> bool:
    return a.space_id is not None and a.space_id == b.space_id


def same_city(a: Candidate, b: Candidate) -> bool:
    return bool(a.city) and _fold(a.city) == _fold(b.city)


def ineligible(query: Query, candidate: Candidate, *, now: datetime) -> str | None:
    """Why `candidate` is not a match for `query` (None when it is one): `self`, `own` (the
    same owner), `kind` (an offer for an offer), `closed` (closed or expired), `hidden` (the
    viewer cannot see it), `place` (an on-site pair in different cities)."""
    subject = query.subject
    if candidate.key == subject.key:
        return "self"
    if candidate.owner_id == subject.owner_id or candidate.owner_id == query.viewer.user_id:
        return "own"
    if (candidate.kind, candidate.post_kind) not in query.wants:
        return "kind"
    if candidate.closed or (candidate.expires_at is not None and candidate.expires_at <= now):
        return "closed"
    if not can_see(query.viewer, candidate):
        return "hidden"
    if pair_locality(query, candidate) == "on_site" and not (
        same_space(subject, candidate) or same_city(subject, candidate)
    ):
        return "place"
    return None


# --- Factors -------------------------------------------------------------------------------------


def cosine(a: object, b: object) -> float:
    """Cosine of two vectors (unit vectors: their dot product), 0 when either is zero."""
    va = np.asarray(a, dtype=np.float32)
    vb = np.asarray(b, dtype=np.float32)
    na = float(np.linalg.norm(va))
    nb = float(np.linalg.norm(vb))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.dot(va, vb)) / (na * nb)


_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "we",
        "with",
        "you",
        "your",
        "will",
        "can",
        "who",
        "need",
        "needs",
        "offer",
        "offers",
        "looking",
        "help",
        "de",
        "la",
        "le",
        "les",
        "et",
        "des",
        "du",
        "un",
        "une",
        "pour",
        "en",
        "au",
        "aux",
        "avec",
        "sur",
    ]
)


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """Folded word tokens of `text`, without stop words and one-letter words."""
    return tuple(t for t in _TOKEN.findall(_fold(text)) if len(t) > 1 and t not in STOPWORDS)


def idf_of(texts: Iterable[str]) -> dict[str, float]:
    """Smoothed inverse document frequencies over `texts`: log((1 + n) / (1 + df)) + 1."""
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update(set(tokens(text)))
    return {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}


def _tfidf(text: str, idf: Mapping[str, float] | None) -> dict[str, float]:
    counts = Counter(tokens(text))
    return {
        t: (1.0 + math.log(c)) * (idf.get(t, 1.0) if idf is not None else 1.0)
        for t, c in counts.items()
    }


def lexical_similarity(a: str, b: str, idf: Mapping[str, float] | None = None) -> float:
    """TF-IDF cosine of two texts (sublinear term frequency); plain TF without `idf`."""
    va, vb = _tfidf(a, idf), _tfidf(b, idf)
    if not va or not vb:
        return 0.0
    dot = sum(w * vb.get(t, 0.0) for t, w in va.items())
    na = math.sqrt(sum(w * w for w in va.values()))
    nb = math.sqrt(sum(w * w for w in vb.values()))
    return dot / (na * nb)


def _text(c: Candidate) -> str:
    return f"{c.title}\n{c.text}"


def semantic(
    query: Query, candidate: Candidate, idf: Mapping[str, float] | None = None
) -> tuple[float | None, bool]:
    """(similarity 0-1, whether it came from embeddings); None when neither side has text."""
    a, b = query.subject.embedding, candidate.embedding
    if a is not None and b is not None:
        return max(0.0, min(1.0, cosine(a, b))), True
    ta, tb = _text(query.subject), _text(candidate)
    if not tokens(ta) or not tokens(tb):
        return None, False
    return max(0.0, min(1.0, lexical_similarity(ta, tb, idf))), False


def _label(uri: str, *labels: Mapping[str, str]) -> str:
    for mapping in labels:
        if uri in mapping:
            return mapping[uri]
    return uri.rsplit("/", 1)[-1]


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:LISTED_SKILLS])
    more = len(names) - LISTED_SKILLS
    return f"{shown} and {more} more" if more > 0 else shown


def skills_factor(query: Query, candidate: Candidate) -> tuple[float | None, list[str]]:
    """Exact and related ESCO skill overlap, with its reasons; None when a side has none."""
    qs, cs = query.subject.skills, candidate.skills
    if not qs or not cs:
        return None, []
    shared = qs & cs
    related_pool: set[str] = set()
    for s in qs:
        related_pool |= query.related_skills.get(s, frozenset())
    related = (cs & related_pool) - shared
    need_side = qs if query.subject.post_kind == "need" else cs
    value = min(1.0, (len(shared) + RELATED_CREDIT * len(related)) / len(need_side))
    labels = (query.subject.skill_labels, candidate.skill_labels)
    reasons = []
    if shared:
        names = sorted((_label(u, *labels) for u in shared), key=lambda s: (s.casefold(), s))
        noun = "skill" if len(shared) == 1 else "skills"
        reasons.append(f"shares {len(shared)} {noun}: {_listed(names)}")
    if related:
        names = sorted((_label(u, *labels) for u in related), key=lambda s: (s.casefold(), s))
        reasons.append(f"related skills: {_listed(names)}")
    return value, reasons


def next_weekday(day: date) -> date:
    """`day` itself on Monday to Friday, else the next Monday (as projects.rules)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _interval(w: WorkWindow, zone: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(w.start % 24), zone)
    end_day = day + timedelta(days=1) if w.end <= w.start or w.end == 24 else day
    end = datetime.combine(end_day, time(w.end % 24), zone)
    return start, end


@lru_cache(maxsize=4096)
def overlap_hours(a: WorkWindow, b: WorkWindow, day: date) -> float | None:
    """Hours of `a`'s working window on `day` (in its zone) during which `b` also works, its
    window taken on the day before, the same day and the day after (in its own zone), so
    Tokyo's morning meets Los Angeles' previous afternoon. Each window is placed on its own
    local date, as `projects.rules.shared_working_hours` does, so clock changes shift it
    (Paris and New York share 3 h, except in the weeks when only one has changed its
    clocks). None when a zone is unknown."""
    za, zb = _zone(a.tz_name), _zone(b.tz_name)
    if za is None or zb is None:
        return None
    s, e = _interval(a, za, day)
    total = 0.0
    for offset in (-1, 0, 1):
        bs, be = _interval(b, zb, day + timedelta(days=offset))
        lo, hi = max(s, bs), min(e, be)
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total / 3600


def _hours_text(h: float) -> str:
    rounded = round(h * 2) / 2
    return f"{rounded:g}"


def hours_factor(
    query: Query, candidate: Candidate, *, now: datetime
) -> tuple[float | None, list[str]]:
    a, b = query.subject.window, candidate.window
    if a is None or b is None:
        return None, []
    h = overlap_hours(a, b, next_weekday(now.date()))
    if h is None:
        return None, []
    reasons = [f"{_hours_text(h)} h overlap with {b.tz_name}"] if h >= 0.5 else []
    return min(1.0, h / HOURS_FOR_FULL), reasons


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.lower(), code)


def languages_factor(query: Query, candidate: Candidate) -> tuple[float | None, list[str]]:
    qa, cb = query.subject.languages, candidate.languages
    if not qa or not cb:
        return None, []
    theirs = {c.lower() for c in cb}
    shared = [c for c in dict.fromkeys(x.lower() for x in qa) if c in theirs]
    if not shared:
        return 0.0, []
    return 1.0, ["speaks " + ", ".join(language_name(c) for c in shared)]


def place_factor(query: Query, candidate: Candidate) -> tuple[float, list[str]]:
    subject = query.subject
    if same_space(subject, candidate):
        name = candidate.space_name or subject.space_name
        return PLACE_SPACE, [f"same space: {name}" if name else "same space"]
    if same_city(subject, candidate):
        return PLACE_CITY, [f"same city: {candidate.city}"]
    shared = subject.network_ids & candidate.network_ids
    if shared:
        names = sorted(
            {candidate.network_names.get(n) or subject.network_names.get(n) or "" for n in shared}
            - {""},
            key=lambda s: (s.casefold(), s),
        )
        return PLACE_NETWORK, [f"same network: {', '.join(names)}" if names else "same network"]
    return PLACE_ANYWHERE, []


def reputation_factor(candidate: Candidate) -> tuple[float | None, list[str]]:
    r = candidate.reputation
    if r is None or math.isnan(r):
        return None, []
    r = max(0.0, min(100.0, r))
    return r / 100.0, [f"reputation {round(r)}/100"] if round(r) >= 1 else []


def freshness_factor(candidate: Candidate, *, now: datetime) -> tuple[float | None, list[str]]:
    if candidate.fresh_at is None:
        return None, []
    age = max(0.0, (now - candidate.fresh_at).total_seconds() / 86400)
    value = 0.5 ** (age / FRESH_HALF_LIFE_DAYS)
    if candidate.kind != "post":
        return value, []
    days = int(age)
    when = "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"
    return value, [f"posted {when}"]


# --- Score and rank ------------------------------------------------------------------------------


def score(
    query: Query,
    candidate: Candidate,
    *,
    now: datetime,
    idf: Mapping[str, float] | None = None,
) -> Match:
    """The candidate's score (0-1) for `query` and its reasons (see the module's table). It
    does not check eligibility: `rank` drops what `ineligible` refuses."""
    loc = pair_locality(query, candidate)
    weighted: list[tuple[str, float, float]] = []  # (factor, weight, value)
    reasons: list[str] = []

    sem, from_embeddings = semantic(query, candidate, idf)
    skills, skill_reasons = skills_factor(query, candidate)
    hours, hour_reasons = hours_factor(query, candidate, now=now)
    langs, lang_reasons = languages_factor(query, candidate)
    place, place_reasons = place_factor(query, candidate)
    rep, rep_reasons = reputation_factor(candidate)
    fresh, fresh_reasons = freshness_factor(candidate, now=now)

    reasons += skill_reasons
    if sem is not None:
        weighted.append(("semantic" if from_embeddings else "lexical", W_SEMANTIC, sem))
        if sem >= SIMILAR_TEXT:
            reasons.append("similar description")
    for name, weight, value in (
        ("skills", W_SKILLS, skills),
        ("hours", W_HOURS[loc], hours),
        ("languages", W_LANGUAGES, langs),
        ("place", W_PLACE[loc], place),
        ("reputation", W_REPUTATION, rep),
        ("freshness", W_FRESHNESS, fresh),
    ):
        if value is not None:
            weighted.append((name, weight, value))
    reasons += hour_reasons + lang_reasons + place_reasons + rep_reasons + fresh_reasons
    total_w = sum(w for _, w, _ in weighted)
    value = sum(w * v for _, w, v in weighted) / total_w if total_w else 0.0
    return Match(
        kind=candidate.kind,
        id=candidate.id,
        score=max(0.0, min(1.0, value)),
        reasons=reasons,
        factors={name: v for name, _, v in weighted},
    )


def _fresh_key(c: Candidate) -> float:
    return -c.fresh_at.timestamp() if c.fresh_at is not None else math.inf


# Exact pruning in `rank`: a candidate whose score cannot reach the current `limit`-th best
# (by more than float noise) is never fully scored.
_PRUNE_MARGIN = 1e-6
PRUNE_FROM = 2


def _similarities(query: Query, pool: Sequence[Candidate]) -> np.ndarray | None:
    """The cosine of the query's embedding with each candidate's, in one product; None when a
    side has none."""
    if query.subject.embedding is None or not pool:
        return None
    if any(c.embedding is None for c in pool):
        return None
    matrix = np.asarray([c.embedding for c in pool], dtype=np.float32)
    q = np.asarray(query.subject.embedding, dtype=np.float32).ravel()
    norms = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(q))
    with np.errstate(divide="ignore", invalid="ignore"):
        sims = np.where(norms > 0, (matrix @ q) / np.where(norms > 0, norms, 1.0), 0.0)
    return np.clip(sims, 0.0, 1.0)


def upper_bound(query: Query, candidate: Candidate, similarity: float, *, now: datetime) -> float:
    """A score `score` cannot exceed, cheaply: every factor as `score` computes it except the
    working hours, counted as 1 whenever both sides have a window (a factor at its maximum
    can only raise a weighted mean, so the bound holds whether the zones turn out valid or
    not), with `similarity` the embeddings' cosine."""
    loc = pair_locality(query, candidate)
    num = W_SEMANTIC * similarity
    den = W_SEMANTIC
    skills, _ = skills_factor(query, candidate)
    langs, _ = languages_factor(query, candidate)
    place, _ = place_factor(query, candidate)
    rep, _ = reputation_factor(candidate)
    fresh, _ = freshness_factor(candidate, now=now)
    for weight, value in (
        (W_SKILLS, skills),
        (W_LANGUAGES, langs),
        (W_PLACE[loc], place),
        (W_REPUTATION, rep),
        (W_FRESHNESS, fresh),
    ):
        if value is not None:
            num += weight * value
            den += weight
    if query.subject.window is not None and candidate.window is not None:
        num += W_HOURS[loc]
        den += W_HOURS[loc]
    return min(1.0, num / den)


def rank(
    query: Query,
    candidates: Iterable[Candidate],
    *,
    limit: int,
    now: datetime,
    prune: bool = True,
) -> list[Match]:
    """The best `limit` eligible candidates: by score, then the fresher, then profiles after
    posts and the smaller id, so equal inputs always give the same order. Without embeddings on
    both sides, the lexical baseline's IDF is computed over the query and these candidates.

    With embeddings on every side (and `prune`), the candidates are first ordered by
    `upper_bound` (the embeddings' cosines in one matrix product) and fully scored, reasons
    and all, in that order until the next bound falls below the `limit`-th best score: the
    answer is the one full scoring of every candidate gives, for a fraction of the work."""
    pool = [c for c in candidates if ineligible(query, c, now=now) is None]
    idf = None
    if query.subject.embedding is None or any(c.embedding is None for c in pool):
        idf = idf_of([_text(query.subject), *(_text(c) for c in pool)])
    sims = _similarities(query, pool) if prune and idf is None and limit > 0 else None
    if sims is None or len(pool) <= limit * PRUNE_FROM:
        scored = [(score(query, c, now=now, idf=idf), c) for c in pool]
    else:
        bounds = sorted(
            ((upper_bound(query, c, float(sim), now=now), i) for i, (c, sim) in
             enumerate(zip(pool, sims, strict=True))),
            reverse=True,
        )  # fmt: skip
        scored = []
        best: list[float] = []  # the `limit` best scores so far, ascending
        for bound, i in bounds:
            if len(best) >= limit and bound < best[0] - _PRUNE_MARGIN:
                break
            m = score(query, pool[i], now=now)
            scored.append((m, pool[i]))
            if len(best) < limit:
                best.append(m.score)
                best.sort()
            elif m.score > best[0]:
                best[0] = m.score
                best.sort()
    scored.sort(key=lambda mc: (-mc[0].score, _fresh_key(mc[1]), mc[1].kind, mc[1].id))
    return [m for m, _ in scored[: max(0, limit)]]
