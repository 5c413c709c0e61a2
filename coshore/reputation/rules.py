"""Pure rules of reputation: trust propagation over the endorsement graph (no ORM).

Trust is a personalised PageRank (python-igraph, PRPACK) over the graph whose edges go from an
endorser to an endorsee, weighted by how many endorsements the first gave the second. The walk
restarts at the *seeds*: people who were on the team of a delivered project the client paid
for, in proportion to how many such projects they have. So trust can only flow out of real,
paid work: a clique whose members endorse each other without any paid project is reached by no
walk and keeps a trust of 0, whatever it writes.

Dangling people (who endorsed nobody) send their walk back to the seeds, not to everyone:
igraph's PRPACK implementation restarts a walk stuck at a sink by the reset distribution (it
is checked in `tests/test_rules.py`, since a uniform jump would hand every clique a share).

A member's reputation in a skill sums, over the endorsements of that skill they received, the
trust each endorser passes along that endorsement (the endorser's trust divided by how many
endorsements the endorser gave): the same flow the PageRank step uses, split by skill. Endorsing
everyone for everything therefore dilutes an endorser's weight instead of multiplying it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import igraph

_FIRST, _SECOND = itemgetter(0), itemgetter(1)

DAMPING = 0.85
SCALE = 100.0
# Values below this are float noise of the solver, not trust.
EPSILON = 1e-12


@dataclass(frozen=True)
class SkillReputation:
    """A member's reputation in one skill: `score` 0-100 relative to the best member-skill of
    the deployment, `raw` the trust that flowed to them through endorsements of this skill."""

    score: float
    raw: float
    endorsements: int


@dataclass(frozen=True)
class ReputationResult:
    """`trust` sums to 1 over everyone when there are seeds (all 0 without); `overall` is the
    trust on a 0-100 scale relative to the most trusted member; `received` counts endorsements
    received; `skill_raw` and `skill_endorsements` hold, per (member, skill), the trust that
    flowed in through that skill and the endorsements of it (read them with `skill()` or
    `iter_skills()`, which put the score on the 0-100 scale)."""

    trust: dict[int, float]
    overall: dict[int, float]
    received: dict[int, int]
    skill_raw: dict[tuple[int, int], float]
    skill_endorsements: dict[tuple[int, int], int]
    top_skill_raw: float

    @property
    def members(self) -> set[int]:
        """Everyone who has some trust or received an endorsement."""
        return {m for m, t in self.trust.items() if t > 0} | set(self.received)

    def skill(self, member: int, skill: int) -> SkillReputation:
        raw = self.skill_raw[(member, skill)]
        return SkillReputation(
            score=_scaled(raw, self.top_skill_raw),
            raw=raw,
            endorsements=self.skill_endorsements[(member, skill)],
        )

    def iter_skills(self) -> Iterator[tuple[int, int, SkillReputation]]:
        """(member, skill, reputation) for every endorsed member-skill, in no set order."""
        top = self.top_skill_raw
        counts = self.skill_endorsements
        for key, raw in self.skill_raw.items():
            yield key[0], key[1], SkillReputation(_scaled(raw, top), raw, counts[key])

    @property
    def skills(self) -> dict[tuple[int, int], SkillReputation]:
        return {(m, s): rep for m, s, rep in self.iter_skills()}


def _scaled(value: float, top: float) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return min(SCALE, value / top * SCALE)


def _index(ids: set[int]) -> tuple[list[int], dict[int, int] | None]:
    """Graph vertices for member ids: the ids themselves when they are dense enough (ids
    from one table mostly are), which spares a lookup per endorsement; else 0..n-1."""
    if not ids:
        return [], None
    if min(ids) >= 0 and max(ids) < 2 * len(ids) + 1024:
        return list(range(max(ids) + 1)), None
    ordered = sorted(ids)
    return ordered, {m: i for i, m in enumerate(ordered)}


def _pagerank(
    vertices: list[int],
    pairs: list[tuple[int, int]],
    weights: list[float] | None,
    reset: list[float],
    damping: float,
) -> list[float]:
    graph = igraph.Graph(n=len(vertices), edges=pairs, directed=True)
    values: list[float] = graph.personalized_pagerank(
        directed=True, damping=damping, reset=reset, weights=weights
    )
    return values


def _reset(
    vertices: list[int], index: dict[int, int] | None, seeds: Mapping[int, float]
) -> list[float]:
    reset = [0.0] * len(vertices)
    for s, w in seeds.items():
        if w < 0:
            raise ValueError("seed weights must not be negative")
        reset[index[s] if index is not None else s] = float(w)
    return reset


def _check_damping(damping: float) -> None:
    if not 0 < damping < 1:
        raise ValueError("damping must be between 0 and 1")


def trust_scores(
    *,
    edges: Mapping[tuple[int, int], float],
    seeds: Mapping[int, float],
    damping: float = DAMPING,
) -> dict[int, float]:
    """Personalised PageRank of everyone named in `edges` or `seeds`.

    `edges` maps (endorser, endorsee) to a positive weight; `seeds` maps a member to a
    positive restart weight. Without any seed with a positive weight, everyone's trust is 0.
    Self-endorsements are ignored.
    """
    _check_damping(damping)
    named = {m for pair in edges for m in pair} | set(seeds)
    vertices, index = _index(named)
    reset = _reset(vertices, index, seeds)
    if not any(reset):
        return dict.fromkeys(named, 0.0)
    kept = [(a, b, float(w)) for (a, b), w in edges.items() if a != b]
    if any(w <= 0 for _, _, w in kept):
        raise ValueError("edge weights must be positive")
    if index is None:
        pairs = [(a, b) for a, b, _ in kept]
    else:
        pairs = [(index[a], index[b]) for a, b, _ in kept]
    values = _pagerank(vertices, pairs, [w for _, _, w in kept] or None, reset, damping)
    at = index.__getitem__ if index is not None else int
    return {m: (v if (v := values[at(m)]) > EPSILON else 0.0) for m in named}


def compute_reputation(
    *,
    endorsements: Sequence[tuple[int, int, int]],
    seeds: Mapping[int, float],
    damping: float = DAMPING,
) -> ReputationResult:
    """Trust and per-skill reputation from endorsements `(endorser, endorsee, skill)` (one per
    endorsement; the same triple may repeat, once per project) and seed weights (paid,
    delivered projects per member). See the module docstring for the rule.

    The graph holds one edge per endorsement (parallel edges weigh like summed weights), so
    an endorser's out-degree is how many endorsements they gave."""
    _check_damping(damping)
    endorsers = set(map(_FIRST, endorsements))
    endorsees = set(map(_SECOND, endorsements))
    named = endorsers | endorsees | set(seeds)
    vertices, index = _index(named)
    reset = _reset(vertices, index, seeds)
    if index is None:
        pairs = list(zip(map(_FIRST, endorsements), map(_SECOND, endorsements), strict=True))
    else:
        pairs = [(index[a], index[b]) for a, b, _ in endorsements]
    graph = igraph.Graph(n=len(vertices), edges=pairs, directed=True)
    del pairs
    graph.simplify(multiple=False, loops=True)  # self-endorsements count for nothing
    out_degree = graph.outdegree()
    in_degree = graph.indegree()
    if any(reset):
        values = graph.personalized_pagerank(directed=True, damping=damping, reset=reset)
    else:
        values = [0.0] * len(vertices)
    del graph
    at = index.__getitem__ if index is not None else int
    trust: dict[int, float] = {}
    received: dict[int, int] = {}
    for m in named:
        i = at(m)
        trust[m] = v if (v := values[i]) > EPSILON else 0.0
        if in_degree[i]:
            received[m] = in_degree[i]
    top_trust = max(trust.values(), default=0.0)
    # What each endorsement carries: the endorser's trust shared over all they gave.
    share = {e: trust[e] / d if (d := out_degree[at(e)]) else 0.0 for e in endorsers}
    raw: dict[tuple[int, int], float] = {}
    counts: dict[tuple[int, int], int] = {}
    raw_get, counts_get = raw.get, counts.get
    for endorser, endorsee, skill in endorsements:
        if endorser != endorsee:
            key = (endorsee, skill)
            raw[key] = raw_get(key, 0.0) + share[endorser]
            counts[key] = counts_get(key, 0) + 1
    return ReputationResult(
        trust=trust,
        overall={m: _scaled(t, top_trust) for m, t in trust.items()},
        received=received,
        skill_raw=raw,
        skill_endorsements=counts,
        top_skill_raw=max(raw.values(), default=0.0),
    )
