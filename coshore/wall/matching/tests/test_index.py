"""The hnswlib index: incremental additions, deletions that never come back, files, recall."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coshore.wall.matching.features import Viewer
from coshore.wall.matching.index import (
    BruteForce,
    VectorIndex,
    key_of,
    label_of,
    match,
    normalise,
    recall_at_k,
)

from .factories import NOW, PY, post, profile, query

DIM = 32


def clustered(n: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around 50 centres, like texts about a few dozen topics."""
    rng = np.random.default_rng(seed)
    centres = normalise(rng.normal(size=(50, DIM)))
    rows = centres[rng.integers(0, 50, n)] + 0.6 * rng.normal(size=(n, DIM)) / np.sqrt(DIM)
    return normalise(rows)


def test_labels_encode_kind_and_id():
    assert key_of(label_of("post", 41)) == ("post", 41)
    assert key_of(label_of("profile", 41)) == ("profile", 41)
    assert label_of("post", 41) != label_of("profile", 41)


def test_recall_at_10_against_brute_force():
    data = clustered(5000)
    index = VectorIndex(DIM)
    exact = BruteForce(DIM)
    labels = list(range(5000))
    for start in range(0, 5000, 500):  # incrementally, as posts arrive
        index.add(labels[start : start + 500], data[start : start + 500])
    exact.add(labels, data)
    queries = clustered(200, seed=1)
    recalls = [
        recall_at_k([x for x, _ in index.search(q, 10)], [x for x, _ in exact.search(q, 10)])
        for q in queries
    ]
    assert np.mean(recalls) >= 0.95


def test_similarities_are_cosines():
    index = VectorIndex(3)
    index.add([1, 2], np.array([[1, 0, 0], [1, 1, 0]], dtype=np.float32))
    (a, sa), (b, sb) = index.search(np.array([2, 0, 0]), 2)
    assert (a, b) == (1, 2)
    assert sa == pytest.approx(1.0, abs=1e-6)
    assert sb == pytest.approx(2**-0.5, abs=1e-6)


def test_deleted_items_never_come_back_and_revive_when_added_again(tmp_path):
    data = clustered(300)
    index = VectorIndex(DIM)
    index.add(list(range(300)), data)
    index.delete([7, 8, 9999])
    assert len(index) == 298
    assert 7 not in index and 8 not in index and 9 in index
    for q in (data[7], data[8]):
        assert not {7, 8} & {x for x, _ in index.search(q, 300)}
    path = tmp_path / "wall.hnsw"
    index.save(path)
    loaded = VectorIndex.load(path, DIM)
    assert len(loaded) == 298
    assert not {7, 8} & {x for x, _ in loaded.search(data[7], 300)}
    loaded.add([7], data[7:8])
    assert loaded.search(data[7], 1)[0][0] == 7
    assert 8 not in loaded


def test_the_index_grows_and_replaces():
    index = VectorIndex(DIM, capacity=10)
    data = clustered(3000)
    index.add(list(range(3000)), data)
    assert len(index) == 3000
    index.add([5], data[6:7])  # an edited post: new text, new vector
    assert {x for x, _ in index.search(data[6], 2)} == {5, 6}
    assert len(index) == 3000


def test_search_beyond_the_live_count_and_empty():
    index = VectorIndex(DIM)
    assert index.search(np.ones(DIM), 10) == []
    index.add([1, 2], clustered(2))
    index.delete([1])
    assert [x for x, _ in index.search(np.ones(DIM), 10)] == [2]


def test_wrong_dimensions_are_refused():
    with pytest.raises(ValueError):
        VectorIndex(DIM).add([1], np.ones((1, DIM + 1)))


def test_brute_force_deletes_and_replaces():
    bf = BruteForce(3)
    bf.add([1, 2, 3], np.eye(3))
    bf.delete([1])
    assert [x for x, _ in bf.search([1, 0, 0], 3)] == [2, 3]  # equal similarity: by label
    bf.add([1], np.array([[0, 1, 0]]))  # back, with a new vector
    assert [x for x, _ in bf.search([0, 1, 0], 2)] == [1, 2]
    assert len(bf) == 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 199), unique=True, max_size=120),
    st.lists(st.integers(0, 199), max_size=60),
)
def test_property_a_deleted_item_never_comes_back(deleted, revived):
    data = clustered(200, seed=5)
    index = VectorIndex(DIM)
    index.add(list(range(200)), data)
    index.delete(deleted)
    revived_set = set(revived)
    if revived_set:
        rv = sorted(revived_set)
        index.add(rv, data[rv])
    gone = set(deleted) - revived_set
    assert len(index) == 200 - len(gone)
    for q in data[::20]:
        found = {x for x, _ in index.search(q, 50)}
        assert not found & gone


def test_match_generates_candidates_then_rescores():
    subject = post("need", embedding=np.eye(DIM)[0], skills=frozenset({PY}))
    near = [
        post(embedding=np.eye(DIM)[0] + 0.1 * np.eye(DIM)[i], skills=frozenset({PY}))
        for i in range(1, 6)
    ]
    hidden = post(embedding=np.eye(DIM)[0], visibility="space", space_id=77)
    person = profile(embedding=np.eye(DIM)[0] + 0.2 * np.eye(DIM)[9])
    far = [post(embedding=np.eye(DIM)[i]) for i in range(10, 30)]
    everyone = [*near, hidden, person, *far]
    by_key = {c.key: c for c in everyone}
    index = VectorIndex(DIM)
    index.add([label_of(c.kind, c.id) for c in everyone], np.stack([c.embedding for c in everyone]))
    closed = near[0]
    index.delete([label_of("post", closed.id)])
    viewer = Viewer(user_id=subject.owner_id, space_ids=frozenset({1}))
    q = query(subject, viewer)
    loaded: list[int] = []

    def load(keys):
        loaded.append(len(keys))
        return [by_key[k] for k in keys]

    out = match(q, index, load, limit=5, now=NOW, k=3)
    ids = [m.id for m in out]
    assert len(out) == 5
    assert closed.id not in ids and hidden.id not in ids
    assert ids[:4] == sorted(ids[:4], key=lambda i: -next(m.score for m in out if m.id == i))
    assert loaded[0] == 3 and len(loaded) > 1  # k doubled until five eligible came back
    with pytest.raises(ValueError):
        match(query(replace(subject, embedding=None)), index, load, limit=5, now=NOW)


def test_search_within_a_pool_is_exact_and_skips_deleted_and_unknown():
    data = clustered(400)
    index = VectorIndex(DIM)
    index.add(list(range(400)), data)
    index.delete([3])
    pool = [3, 5, 9, 11, 17, 12345]
    exact = BruteForce(DIM)
    exact.add([5, 9, 11, 17], data[[5, 9, 11, 17]])
    got = index.search_within(data[3], pool, 3)
    assert [x for x, _ in got] == [x for x, _ in exact.search(data[3], 3)]
    assert index.search_within(data[3], [3], 3) == []
    labels, vectors = index.vectors([5, 3])
    assert labels == [5] and np.allclose(vectors[0], data[5], atol=1e-6)


def test_match_within_the_city():
    subject = post("need", embedding=np.eye(DIM)[0], locality="on_site", city="Paris")
    here = [post(embedding=np.eye(DIM)[0] + 0.1 * np.eye(DIM)[i], city="Paris", space_id=4) for i in range(1, 4)]  # fmt: skip
    there = [post(embedding=np.eye(DIM)[0], city="Lyon", space_id=5) for _ in range(20)]
    by_key = {c.key: c for c in here + there}
    index = VectorIndex(DIM)
    index.add([label_of(c.kind, c.id) for c in by_key.values()], np.stack([c.embedding for c in by_key.values()]))  # fmt: skip
    q = query(subject)
    within = [label_of("post", c.id) for c in here]
    out = match(q, index, lambda keys: [by_key[k] for k in keys], limit=5, now=NOW, within=within)
    assert {m.id for m in out} == {c.id for c in here}
