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

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import igraph

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
    received; `skills` maps (member, skill) to the skill reputation."""

    trust: dict[int, float]
    overall: dict[int, float]
    received: dict[int, int]
    skills: dict[tuple[int, int], SkillReputation]

    @property
    def members(self) -> set[int]:
        """Everyone who has some trust or received an endorsement."""
        return {m for m, t in self.trust.items() if t > 0} | set(self.received)


def _scaled(value: float, top: float) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return min(SCALE, value / top * SCALE)


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
    if not 0 < damping < 1:
        raise ValueError("damping must be between 0 and 1")
    index: dict[int, int] = {}
    for a, b in edges:
        index.setdefault(a, len(index))
        index.setdefault(b, len(index))
    for s in seeds:
        index.setdefault(s, len(index))
    ids = list(index)
    reset = [0.0] * len(ids)
    for s, w in seeds.items():
        if w < 0:
            raise ValueError("seed weights must not be negative")
        reset[index[s]] = float(w)
    if not any(reset):
        return dict.fromkeys(ids, 0.0)
    pairs = [(index[a], index[b]) for (a, b) in edges if a != b]
    weights = [float(w) for (a, b), w in edges.items() if a != b]
    if any(w <= 0 for w in weights):
        raise ValueError("edge weights must be positive")
    graph = igraph.Graph(n=len(ids), edges=pairs, directed=True)
    values = graph.personalized_pagerank(
        directed=True, damping=damping, reset=reset, weights=weights or None
    )
    return {m: (v if v > EPSILON else 0.0) for m, v in zip(ids, values, strict=True)}


def compute_reputation(
    *,
    endorsements: Iterable[tuple[int, int, int]],
    seeds: Mapping[int, float],
    damping: float = DAMPING,
) -> ReputationResult:
    """Trust and per-skill reputation from endorsements `(endorser, endorsee, skill)` (one per
    endorsement; the same triple may repeat, once per project) and seed weights (paid,
    delivered projects per member). See the module docstring for the rule."""
    triples: Counter[tuple[int, int, int]] = Counter()
    for endorser, endorsee, skill in endorsements:
        if endorser != endorsee:
            triples[(endorser, endorsee, skill)] += 1
    edges: Counter[tuple[int, int]] = Counter()
    given: Counter[int] = Counter()
    received: Counter[int] = Counter()
    for (endorser, endorsee, _skill), n in triples.items():
        edges[(endorser, endorsee)] += n
        given[endorser] += n
        received[endorsee] += n
    trust = trust_scores(edges=edges, seeds=seeds, damping=damping)
    top_trust = max(trust.values(), default=0.0)
    raw: dict[tuple[int, int], float] = {}
    counts: dict[tuple[int, int], int] = {}
    for (endorser, endorsee, skill), n in triples.items():
        key = (endorsee, skill)
        raw[key] = raw.get(key, 0.0) + trust[endorser] * n / given[endorser]
        counts[key] = counts.get(key, 0) + n
    top_raw = max(raw.values(), default=0.0)
    return ReputationResult(
        trust=trust,
        overall={m: _scaled(t, top_trust) for m, t in trust.items()},
        received=dict(received),
        skills={
            key: SkillReputation(score=_scaled(r, top_raw), raw=r, endorsements=counts[key])
            for key, r in raw.items()
        },
    )
