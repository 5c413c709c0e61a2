"""What matching knows about a candidate (a wall post or a member profile) and about the query
(the post being matched, or the member asking for "matches for you"), plus the ESCO
related-skills map. Pure: no ORM, no Django; the wall's selectors build these from rows.

Related skills are skills that co-occur in the same ESCO occupations: two skills are related
when many occupations list both (Jaccard similarity of their occupation sets). The map is
derived once from ESCO's occupation-skill relations (`build_related_skills`) and shipped as a
compact file under `coshore/data/esco/` (`write_related_skills`, `load_related_skills`).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

Kind = Literal["post", "profile"]
PostKind = Literal["offer", "need"]
Locality = Literal["on_site", "hybrid", "remote"]
# Who may see a candidate: the wall's post visibility (space, network, public) and the
# profile's (private, space, network, public).
Visibility = Literal["private", "space", "network", "public"]

SKILL_URI_PREFIX = "http://data.europa.eu/esco/skill/"
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "esco"
RELATED_SKILLS_FILE = DATA_DIR / "related_skills_v1.1.1.tsv.gz"
RELATED_PER_SKILL = 15


@dataclass(frozen=True)
class WorkWindow:
    """Daily working hours in a zone: `start` to `end` local hours (0-24); `end` below
    `start` runs past midnight (22 to 6). The default is the 09:00-18:00 working day."""

    tz_name: str
    start: int = 9
    end: int = 18


@dataclass(frozen=True)
class Candidate:
    """A post or a discoverable profile that may be offered as a match.

    `embedding` is a unit float32 vector (numpy) or None without the model; `text` (title and
    text, or headline and bio) feeds the lexical fallback. `space_id` is the post's space or the
    profile's home space (locality); `audience_space_ids` are the spaces whose members may see
    it at `space` visibility (a post's space, a member's spaces; empty means `space_id`);
    `network_ids` the networks of those spaces, `network_names` their names for reasons.
    `fresh_at` is when a post was posted or renewed (profiles: last update, or None).
    """

    kind: Kind
    id: int
    owner_id: int
    post_kind: PostKind | None = None
    title: str = ""
    text: str = ""
    embedding: Any = None
    skills: frozenset[str] = frozenset()
    window: WorkWindow | None = None
    languages: tuple[str, ...] = ()
    locality: Locality = "remote"
    visibility: Visibility = "public"
    space_id: int | None = None
    space_name: str = ""
    audience_space_ids: frozenset[int] = frozenset()
    city: str = ""
    network_ids: frozenset[int] = frozenset()
    network_names: Mapping[int, str] = field(default_factory=dict)
    reputation: float | None = None
    fresh_at: datetime | None = None
    expires_at: datetime | None = None
    closed: bool = False
    skill_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


@dataclass(frozen=True)
class Viewer:
    """Who asks. `space_ids`: spaces the viewer is a member of (a wall screen: its one space);
    `network_ids`: the networks of those spaces. `user_id` None for a screen or anonymous."""

    user_id: int | None
    space_ids: frozenset[int] = frozenset()
    network_ids: frozenset[int] = frozenset()
    is_staff: bool = False


@dataclass(frozen=True)
class Query:
    """What is being matched: a need (offers and profiles come back), an offer (needs come
    back) or a member's profile ("matches for you": needs come back), seen by `viewer`.

    `subject` carries the query's own features (skills, window, languages, place, embedding);
    `related_skills` maps each of its skills to the skills that co-occur with it in ESCO
    occupations (see `related_for`).
    """

    subject: Candidate
    viewer: Viewer
    related_skills: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def wants(self) -> frozenset[tuple[Kind, PostKind | None]]:
        """The kinds of candidate this query is answered with."""
        if self.subject.kind == "post" and self.subject.post_kind == "need":
            return frozenset({("post", "offer"), ("profile", None)})
        return frozenset({("post", "need")})


def related_for(
    skills: Iterable[str], related: Mapping[str, Iterable[str]]
) -> dict[str, frozenset[str]]:
    """The related skills of each of `skills` (what `Query.related_skills` holds)."""
    return {s: frozenset(related.get(s, ())) for s in skills}


# --- ESCO related skills -------------------------------------------------------------------------


def build_related_skills(
    relations_csv_gz: Path | str,
    *,
    per_skill: int = RELATED_PER_SKILL,
    min_shared: int = 2,
) -> dict[str, list[str]]:
    """Skills that co-occur in the same ESCO occupations, from
    `esco_v1.1.1_occupationSkillRelations.csv.gz` (columns occupationUri, relationType,
    skillType, skillUri): for each skill, up to `per_skill` other skills listed by at least
    `min_shared` of the same occupations, by decreasing Jaccard similarity of the two skills'
    occupation sets (ties by URI). Essential and optional relations count alike."""
    by_occupation: dict[str, set[str]] = defaultdict(set)
    with gzip.open(relations_csv_gz, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            by_occupation[row["occupationUri"]].add(row["skillUri"])
    occupations_of: Counter[str] = Counter()
    for skills in by_occupation.values():
        occupations_of.update(skills)
    pairs: dict[str, Counter[str]] = defaultdict(Counter)
    for skills in by_occupation.values():
        ordered = sorted(skills)
        for a in ordered:
            pairs[a].update(ordered)
    related: dict[str, list[str]] = {}
    for a, counter in pairs.items():
        scored = []
        for b, shared in counter.items():
            if b == a or shared < min_shared:
                continue
            jaccard = shared / (occupations_of[a] + occupations_of[b] - shared)
            scored.append((-jaccard, b))
        scored.sort()
        if scored:
            related[a] = [b for _, b in scored[:per_skill]]
    return related


def _short(uri: str) -> str:
    return uri.removeprefix(SKILL_URI_PREFIX)


def write_related_skills(related: Mapping[str, list[str]], path: Path | str) -> None:
    """Write the map as gzip'd TSV: a skill's id (the URI after the ESCO skill prefix), a tab,
    its related skills' ids separated by spaces. Deterministic (sorted, no gzip timestamp)."""
    buf = io.StringIO()
    buf.write(
        "# Skills that co-occur in the same ESCO v1.1.1 occupations (Jaccard of occupation "
        "sets, derived by coshore.wall.matching.features.build_related_skills). "
        "This service uses the ESCO classification of the European Commission (CC BY 4.0).\n"
    )
    for a in sorted(related):
        buf.write(f"{_short(a)}\t{' '.join(_short(b) for b in related[a])}\n")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def load_related_skills(path: Path | str | None = None) -> Mapping[str, frozenset[str]]:
    """The shipped map (or the one at `path`), full URIs; an absent file gives an empty map.
    Read once per path and process, shared read-only (every match query uses it)."""
    return _load_related(str(path or RELATED_SKILLS_FILE))


@lru_cache(maxsize=4)
def _load_related(path: str) -> Mapping[str, frozenset[str]]:
    if not Path(path).exists():
        return MappingProxyType({})
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            a, _, rest = line.rstrip("\n").partition("\t")
            out[SKILL_URI_PREFIX + a] = frozenset(SKILL_URI_PREFIX + b for b in rest.split())
    return MappingProxyType(out)
