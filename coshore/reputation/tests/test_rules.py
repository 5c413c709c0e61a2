"""The trust-propagation rule: exact small cases, igraph's handling of dead ends, and
properties over random endorsement graphs."""

from __future__ import annotations

import math

import igraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coshore.reputation.rules import DAMPING, compute_reputation, trust_scores

SKILL = 1


def test_without_seeds_everyone_has_zero() -> None:
    result = compute_reputation(endorsements=[(1, 2, SKILL), (2, 1, SKILL)], seeds={})
    assert result.trust == {1: 0.0, 2: 0.0}
    assert result.overall == {1: 0.0, 2: 0.0}
    assert result.skills[(1, SKILL)].score == 0.0
    assert result.skills[(2, SKILL)].endorsements == 1
    assert result.members == {1, 2}


def test_a_lone_seed_holds_all_the_trust() -> None:
    result = compute_reputation(endorsements=[], seeds={7: 2})
    assert result.trust == {7: 1.0}
    assert result.overall == {7: 100.0}
    assert result.skills == {}


def test_seed_endorsing_a_dead_end_gets_the_walk_back() -> None:
    # 1 -> 2, 2 endorses nobody: from 2 the walk restarts at the seed 1.
    # x1 = (1 - d) + d * x2, x2 = d * x1  =>  x1 = 1 / (1 + d).
    result = compute_reputation(endorsements=[(1, 2, SKILL)], seeds={1: 1})
    assert result.trust[1] == pytest.approx(1 / (1 + DAMPING))
    assert result.trust[2] == pytest.approx(DAMPING / (1 + DAMPING))
    assert result.skills[(2, SKILL)].raw == pytest.approx(result.trust[1])
    assert result.skills[(2, SKILL)].score == 100.0
    assert result.overall[1] == 100.0
    assert result.overall[2] == pytest.approx(100 * DAMPING)


def test_igraph_restarts_dead_ends_at_the_seeds_not_everywhere() -> None:
    """The collusion resistance depends on this: PRPACK sends a walk stuck at a sink back by
    the reset vector. Were it uniform, the unreachable clique 2-3-4 would get a share."""
    graph = igraph.Graph(n=5, edges=[(0, 1), (2, 3), (3, 4), (4, 2)], directed=True)
    values = graph.personalized_pagerank(reset=[1, 0, 0, 0, 0], damping=DAMPING)
    assert values[2:] == [0.0, 0.0, 0.0]
    assert math.fsum(values) == pytest.approx(1.0)


def test_a_clique_without_paid_projects_gains_nothing() -> None:
    clique = [10, 11, 12, 13, 14]
    loud = [(a, b, s) for a in clique for b in clique if a != b for s in (1, 2, 3)]
    honest = [(1, 2, SKILL), (3, 2, SKILL), (2, 1, SKILL)]
    result = compute_reputation(endorsements=loud + honest, seeds={1: 1, 3: 1})
    for member in clique:
        assert result.trust[member] == 0.0
        assert result.overall[member] == 0.0
        for s in (1, 2, 3):
            assert result.skills[(member, s)].score == 0.0
            assert result.skills[(member, s)].endorsements == 4
    assert result.overall[2] > 0
    assert result.skills[(2, SKILL)].score == 100.0


def test_a_clique_endorsing_an_honest_member_changes_nothing() -> None:
    base = [(1, 2, SKILL), (2, 1, SKILL)]
    spam = [(10, 2, SKILL), (11, 2, SKILL), (10, 11, SKILL), (11, 10, SKILL)]
    clean = compute_reputation(endorsements=base, seeds={1: 1})
    spammed = compute_reputation(endorsements=base + spam, seeds={1: 1})
    assert spammed.trust[2] == pytest.approx(clean.trust[2])
    assert spammed.skills[(2, SKILL)].raw == pytest.approx(clean.skills[(2, SKILL)].raw)
    assert spammed.skills[(2, SKILL)].endorsements == 3


def test_endorsing_everyone_dilutes_the_endorser() -> None:
    # Seed 1 endorses 2 for one skill, and 3 for four skills: 3's skills share the flow.
    endorsements = [(1, 2, 1), (1, 3, 1), (1, 3, 2), (1, 3, 3), (1, 3, 4)]
    result = compute_reputation(endorsements=endorsements, seeds={1: 1})
    per_endorsement = result.trust[1] / 5
    assert result.skills[(2, 1)].raw == pytest.approx(per_endorsement)
    assert result.skills[(3, 4)].raw == pytest.approx(per_endorsement)
    assert result.trust[3] == pytest.approx(4 * result.trust[2])


def test_the_same_endorsement_on_two_projects_counts_twice() -> None:
    result = compute_reputation(endorsements=[(1, 2, 5), (1, 2, 5), (1, 3, 5)], seeds={1: 1})
    assert result.skills[(2, 5)].endorsements == 2
    assert result.skills[(2, 5)].raw == pytest.approx(2 * result.skills[(3, 5)].raw)
    assert result.received == {2: 2, 3: 1}


def test_self_endorsements_are_ignored() -> None:
    result = compute_reputation(endorsements=[(1, 1, SKILL)], seeds={1: 1})
    assert result.skills == {}
    assert result.received == {}
    assert result.trust == {1: 1.0}


def test_seeds_weigh_by_paid_projects() -> None:
    result = compute_reputation(endorsements=[], seeds={1: 3, 2: 1})
    assert result.trust[1] == pytest.approx(0.75)
    assert result.trust[2] == pytest.approx(0.25)
    assert result.overall[2] == pytest.approx(100 / 3)


@pytest.mark.parametrize("damping", [0.0, 1.0, -0.1, 1.5])
def test_rejects_a_damping_outside_0_1(damping: float) -> None:
    with pytest.raises(ValueError):
        trust_scores(edges={}, seeds={1: 1}, damping=damping)


def test_rejects_negative_weights() -> None:
    with pytest.raises(ValueError):
        trust_scores(edges={}, seeds={1: -1})
    with pytest.raises(ValueError):
        trust_scores(edges={(1, 2): 0}, seeds={1: 1})


# --- Properties ----------------------------------------------------------------------------------

people = st.integers(min_value=1, max_value=12)
endorsement_lists = st.lists(st.tuples(people, people, st.integers(1, 3)), max_size=60)
seed_maps = st.dictionaries(people, st.integers(1, 4), max_size=5)


def _reachable(endorsements: list[tuple[int, int, int]], seeds: set[int]) -> set[int]:
    seen = set(seeds)
    frontier = list(seeds)
    while frontier:
        a = frontier.pop()
        for e, b, _ in endorsements:
            if e == a and e != b and b not in seen:
                seen.add(b)
                frontier.append(b)
    return seen


@settings(max_examples=200, deadline=None)
@given(endorsement_lists, seed_maps)
def test_trust_is_a_distribution_held_by_those_reachable_from_seeds(
    endorsements: list[tuple[int, int, int]], seeds: dict[int, int]
) -> None:
    result = compute_reputation(endorsements=endorsements, seeds=seeds)
    values = list(result.trust.values())
    assert all(v >= 0 for v in values)
    if seeds:
        assert math.fsum(values) == pytest.approx(1.0)
        assert max(result.overall.values()) == 100.0
    else:
        assert not any(values)
    reachable = _reachable(endorsements, set(seeds))
    for member, t in result.trust.items():
        if member not in reachable:
            assert t == 0.0
    for rep in result.skills.values():
        assert 0.0 <= rep.score <= 100.0
        assert rep.endorsements >= 1
    assert all(0.0 <= s <= 100.0 for s in result.overall.values())


@settings(max_examples=200, deadline=None)
@given(endorsement_lists, seed_maps)
def test_trust_is_the_stationary_walk_split_by_skill(
    endorsements: list[tuple[int, int, int]], seeds: dict[int, int]
) -> None:
    """trust(u) = d * sum of u's skill flows + (1 - d + d * mass at dead ends) * reset(u)."""
    if not seeds:
        return
    result = compute_reputation(endorsements=endorsements, seeds=seeds)
    total_seed = sum(seeds.values())
    gives = {e for e, b, _ in endorsements if e != b}
    dead_mass = math.fsum(t for m, t in result.trust.items() if m not in gives)
    for member, t in result.trust.items():
        inflow = math.fsum(r.raw for (m, _), r in result.skills.items() if m == member)
        reset = seeds.get(member, 0) / total_seed
        expected = DAMPING * inflow + (1 - DAMPING + DAMPING * dead_mass) * reset
        assert t == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(endorsement_lists, seed_maps, st.integers(1, 1000))
def test_renaming_members_changes_nothing(
    endorsements: list[tuple[int, int, int]], seeds: dict[int, int], shift: int
) -> None:
    result = compute_reputation(endorsements=endorsements, seeds=seeds)
    moved = compute_reputation(
        endorsements=[(a + shift, b + shift, s) for a, b, s in endorsements],
        seeds={m + shift: w for m, w in seeds.items()},
    )
    for member, t in result.trust.items():
        assert moved.trust[member + shift] == pytest.approx(t, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(endorsement_lists, seed_maps, endorsement_lists)
def test_an_unseeded_outside_group_cannot_move_anyone(
    endorsements: list[tuple[int, int, int]],
    seeds: dict[int, int],
    outside: list[tuple[int, int, int]],
) -> None:
    """People 101-112 have no paid project and nobody inside endorses them: whatever they
    endorse (each other or insiders), nobody's trust changes."""
    spam = [(a + 100, b + 100 if i % 2 else b, s) for i, (a, b, s) in enumerate(outside)]
    clean = compute_reputation(endorsements=endorsements, seeds=seeds)
    spammed = compute_reputation(endorsements=endorsements + spam, seeds=seeds)
    for member, t in clean.trust.items():
        assert spammed.trust[member] == pytest.approx(t, abs=1e-12)
    for member, t in spammed.trust.items():
        if member > 100:
            assert t == 0.0


@settings(max_examples=100, deadline=None)
@given(endorsement_lists, seed_maps)
def test_sparse_ids_give_the_same_result_as_dense_ones(
    endorsements: list[tuple[int, int, int]], seeds: dict[int, int]
) -> None:
    big = 10**12
    dense = compute_reputation(endorsements=endorsements, seeds=seeds)
    sparse = compute_reputation(
        endorsements=[(a * big, b * big, s) for a, b, s in endorsements],
        seeds={m * big: w for m, w in seeds.items()},
    )
    for member, t in dense.trust.items():
        assert sparse.trust[member * big] == pytest.approx(t, abs=1e-12)
    assert sparse.received == {m * big: n for m, n in dense.received.items()}
    for (member, skill), rep in dense.skills.items():
        assert sparse.skill(member * big, skill).score == pytest.approx(rep.score)


def test_weighted_trust_matches_parallel_endorsements() -> None:
    weighted = trust_scores(edges={(1, 2): 3, (1, 3): 1, (2, 1): 1}, seeds={1: 1})
    parallel = compute_reputation(
        endorsements=[(1, 2, 1), (1, 2, 2), (1, 2, 3), (1, 3, 1), (2, 1, 1)], seeds={1: 1}
    )
    for member in (1, 2, 3):
        assert parallel.trust[member] == pytest.approx(weighted[member])
