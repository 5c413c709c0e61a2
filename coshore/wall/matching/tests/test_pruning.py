"""`rank` scores fully only the candidates whose upper bound can still reach the top: its
answer must be the one full scoring of every candidate gives (same matches, same order, same
scores and reasons), on varied fixture sets."""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pytest

from coshore.wall.matching import scoring
from coshore.wall.matching.features import Viewer, WorkWindow
from coshore.wall.matching.scoring import rank, score, upper_bound

from .factories import NOW, post, profile, query

ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Europe/London", "Not/AZone", ""]
SKILLS = [f"http://data.europa.eu/esco/skill/s{i}" for i in range(40)]
LANGS = ["fr", "en", "de", "es", "it"]


def _unit(rng: np.random.Generator, base: np.ndarray, noise: float) -> np.ndarray:
    v = base + noise * rng.normal(size=base.shape).astype(np.float32)
    return (v / np.linalg.norm(v)).astype(np.float32)


def _fixture(seed: int, n: int):
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    topic = rng.normal(size=32).astype(np.float32)

    def features() -> dict:
        zone = pick.choice(ZONES)
        start = pick.randrange(0, 24)
        return dict(
            embedding=_unit(rng, topic, pick.choice([0.3, 1.0, 3.0])),
            skills=frozenset(pick.sample(SKILLS, pick.randrange(0, 6))),
            window=WorkWindow(zone, start, (start + pick.randrange(4, 12)) % 24) if zone else None,
            languages=tuple(pick.sample(LANGS, pick.randrange(0, 3))),
            locality=pick.choice(["remote", "hybrid", "on_site"]),
            space_id=pick.randrange(1, 6),
            city=pick.choice(["Paris", "Lyon", "Paris "]),
            network_ids=frozenset(pick.sample(range(4), pick.randrange(0, 3))),
            reputation=pick.choice([None, pick.uniform(0, 100)]),
            fresh_at=NOW - timedelta(days=pick.uniform(0, 60)),
        )

    related = {s: frozenset(pick.sample(SKILLS, 3)) for s in SKILLS}
    subject = post("need", **features())
    q = query(
        subject,
        Viewer(user_id=subject.owner_id, space_ids=frozenset({1}), network_ids=frozenset({0})),
        related_skills={s: related[s] for s in subject.skills},
    )
    candidates = []
    for i in range(n):
        f = features()
        if i % 3 == 0:
            f["fresh_at"] = pick.choice([None, f["fresh_at"]])
            candidates.append(profile(**f))
        else:
            candidates.append(post("offer", visibility=pick.choice(["public", "network"]), **f))
    return q, candidates


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("limit", [1, 10, 50])
def test_pruned_top_k_is_the_fully_scored_top_k(seed, limit):
    q, candidates = _fixture(seed, 400)
    full = rank(q, candidates, limit=limit, now=NOW, prune=False)
    pruned = rank(q, candidates, limit=limit, now=NOW)
    assert [(m.kind, m.id, m.score, m.reasons) for m in pruned] == [
        (m.kind, m.id, m.score, m.reasons) for m in full
    ]


def test_pruning_scores_fewer_candidates(monkeypatch):
    q, candidates = _fixture(3, 400)
    calls = 0
    real = scoring.score

    def counting(*args, **kw):
        nonlocal calls
        calls += 1
        return real(*args, **kw)

    monkeypatch.setattr(scoring, "score", counting)
    rank(q, candidates, limit=10, now=NOW)
    assert 10 <= calls < 200


def test_the_bound_is_never_below_the_score():
    for seed in range(10):
        q, candidates = _fixture(seed, 200)
        for c in candidates:
            sim = max(0.0, min(1.0, scoring.cosine(q.subject.embedding, c.embedding)))
            assert upper_bound(q, c, sim, now=NOW) >= score(q, c, now=NOW).score - 1e-6


def test_without_embeddings_everything_is_scored_lexically():
    q, candidates = _fixture(1, 60)
    candidates = [c if i % 2 else type(c)(**{**vars(c), "embedding": None})
                  for i, c in enumerate(candidates)]  # fmt: skip
    full = rank(q, candidates, limit=10, now=NOW, prune=False)
    assert rank(q, candidates, limit=10, now=NOW) == full
