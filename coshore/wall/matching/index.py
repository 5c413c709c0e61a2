"""Nearest-neighbour search over candidate embeddings: an hnswlib index (cosine) updated
incrementally, an exact brute-force search (small sets, and recall measurement), and
candidate generation (the index's top-k re-scored by `scoring.rank`). No ORM.

Posts and profiles share one index: a candidate's label is `2 * id` for a post and
`2 * id + 1` for a profile (`label_of`, `key_of`). A closed, withdrawn or expired post is
marked deleted and never comes back from a search; adding it again (renewed) brings it back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from .features import Candidate, Kind, Query
from .scoring import Match, rank

DEFAULT_M = 16
DEFAULT_EF_CONSTRUCTION = 200
# At a million MiniLM-like vectors recall@10 reached 0.95 only from ef 1024 (about 1 ms a
# query, bench/RESULTS.md); small indexes are exact long before.
DEFAULT_EF = 1024
MIN_CAPACITY = 1024


def label_of(kind: Kind, id: int) -> int:
    return 2 * id + (1 if kind == "profile" else 0)


def key_of(label: int) -> tuple[Kind, int]:
    return ("profile" if label % 2 else "post", label // 2)


def normalise(vectors: Any) -> np.ndarray:
    """Rows scaled to unit length (float32, 2-D); zero rows stay zero."""
    v = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms


class VectorIndex:
    """An hnswlib HNSW index in cosine space over labelled unit vectors.

    `add` inserts or replaces vectors (growing the index as needed), `delete` marks labels
    deleted (they are never returned; adding one again revives it), `search` returns the
    nearest live labels with their cosine similarity, `save`/`load` persist it to a file.
    `ef` trades recall for speed at query time (at least k is used). Writes are serialised
    by a lock; hnswlib's searches run concurrently with each other.
    """

    def __init__(
        self,
        dim: int,
        *,
        capacity: int = MIN_CAPACITY,
        m: int = DEFAULT_M,
        ef_construction: int = DEFAULT_EF_CONSTRUCTION,
        ef: int = DEFAULT_EF,
        seed: int = 100,
        _index: Any = None,
    ) -> None:
        import hnswlib

        self.dim = dim
        self._lock = threading.Lock()
        if _index is None:
            _index = hnswlib.Index(space="cosine", dim=dim)
            _index.init_index(
                max_elements=max(capacity, MIN_CAPACITY),
                M=m,
                ef_construction=ef_construction,
                random_seed=seed,
                allow_replace_deleted=False,
            )
        self._index = _index
        self._deleted: set[int] = set()
        self.ef = ef
        self._index.set_ef(ef)

    # -- size --
    def __len__(self) -> int:
        """Live (not deleted) labels."""
        return int(self._index.get_current_count()) - len(self._deleted)

    def __contains__(self, label: int) -> bool:
        return self._has(label) and label not in self._deleted

    def _has(self, label: int) -> bool:
        try:
            self._index.get_items([label])
        except RuntimeError:
            return False
        return True

    def vectors(self, labels: Sequence[int]) -> tuple[list[int], np.ndarray]:
        """The stored unit vectors of the live ones among `labels` (and those labels)."""
        found = [label for label in labels if label not in self._deleted]
        if not found:
            return [], np.zeros((0, self.dim), dtype=np.float32)
        try:
            return found, np.asarray(self._index.get_items(found), dtype=np.float32)
        except RuntimeError:  # an unknown label among them: take them one by one
            known = [label for label in found if self._has(label)]
            if not known:
                return [], np.zeros((0, self.dim), dtype=np.float32)
            return known, np.asarray(self._index.get_items(known), dtype=np.float32)

    def search_within(self, vector: Any, labels: Sequence[int], k: int) -> list[tuple[int, float]]:
        """Exact search among `labels` only (a small pool the caller chose, e.g. the
        candidates in the query's city for an on-site need), with the stored vectors."""
        found, matrix = self.vectors(labels)
        if not found or k <= 0:
            return []
        sims = matrix @ normalise(vector)[0]
        k = min(k, len(found))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.lexsort((np.asarray(found)[top], -sims[top]))]
        return [(found[i], float(sims[i])) for i in top]

    def set_ef(self, ef: int) -> None:
        self.ef = ef
        self._index.set_ef(ef)

    # -- writes --
    def add(self, labels: Sequence[int], vectors: Any, *, num_threads: int = 1) -> None:
        """Insert or replace the vectors of `labels` (a deleted label comes back)."""
        if len(labels) == 0:
            return
        data = normalise(vectors)
        if data.shape != (len(labels), self.dim):
            raise ValueError(f"expected {len(labels)} vectors of {self.dim} dimensions")
        ids = np.asarray(labels, dtype=np.int64)
        with self._lock:
            for label in labels:
                if label in self._deleted:
                    self._index.unmark_deleted(label)
                    self._deleted.discard(label)
            needed = int(self._index.get_current_count()) + len(labels)
            capacity = int(self._index.get_max_elements())
            if needed > capacity:
                self._index.resize_index(max(needed, capacity * 2))
            self._index.add_items(data, ids, num_threads=num_threads)

    def delete(self, labels: Iterable[int]) -> None:
        """Mark `labels` deleted (closed, withdrawn or expired); unknown labels are ignored."""
        with self._lock:
            for label in labels:
                if label in self._deleted or not self._has(label):
                    continue
                self._index.mark_deleted(label)
                self._deleted.add(label)

    # -- reads --
    def search(
        self, vector: Any, k: int, *, filter: Callable[[int], bool] | None = None
    ) -> list[tuple[int, float]]:
        """The `k` nearest live labels to `vector` (best first) with their cosine similarity;
        fewer when the index holds fewer. `filter(label)` can restrict them during search."""
        live = len(self)
        k = min(k, live)
        if k <= 0:
            return []
        query = normalise(vector)
        self._index.set_ef(max(self.ef, k))
        while True:
            try:
                labels, distances = self._index.knn_query(query, k=k, filter=filter)
                break
            except RuntimeError:
                # Too few reachable live elements for k (many deleted, or a strict filter).
                if k == 1:
                    return []
                k = max(1, k // 2)
        return [
            (int(label), 1.0 - float(dist))
            for label, dist in zip(labels[0], distances[0], strict=True)
        ]

    # -- files --
    def save(self, path: Path | str) -> None:
        with self._lock:
            self._index.save_index(str(path))

    @classmethod
    def load(cls, path: Path | str, dim: int, *, ef: int = DEFAULT_EF) -> VectorIndex:
        """An index saved by `save`, with its deleted marks, ready for more additions."""
        import hnswlib

        raw = hnswlib.Index(space="cosine", dim=dim)
        raw.load_index(str(path), allow_replace_deleted=False)
        index = cls(dim, ef=ef, _index=raw)
        labels = raw.get_ids_list()
        if labels:
            # Deleted elements refuse get_items: that is how their marks are read back.
            for label in labels:
                try:
                    raw.get_items([label])
                except RuntimeError:
                    index._deleted.add(int(label))
        return index


class BruteForce:
    """Exact cosine search by one matrix product: small sets, and the reference for recall."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._labels: list[int] = []
        self._pos: dict[int, int] = {}
        self._rows: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self._live: np.ndarray | None = None
        self._deleted: set[int] = set()

    def __len__(self) -> int:
        return len(self._labels) - len(self._deleted)

    def add(self, labels: Sequence[int], vectors: Any) -> None:
        data = normalise(vectors)
        for label, row in zip(labels, data, strict=True):
            if label in self._pos:
                self._flush()
                assert self._matrix is not None
                self._matrix[self._pos[label]] = row
            else:
                self._pos[label] = len(self._labels)
                self._labels.append(label)
                self._rows.append(row)
            self._deleted.discard(label)
        self._live = None

    def delete(self, labels: Iterable[int]) -> None:
        self._deleted.update(label for label in labels if label in self._pos)
        self._live = None

    def _flush(self) -> None:
        if self._rows:
            new = np.vstack(self._rows)
            self._matrix = new if self._matrix is None else np.vstack([self._matrix, new])
            self._rows = []

    @classmethod
    def from_matrix(cls, labels: Sequence[int], matrix: np.ndarray) -> BruteForce:
        """Wrap an existing matrix of unit rows without copying it (benchmarks)."""
        bf = cls(matrix.shape[1])
        bf._labels = list(labels)
        bf._pos = {label: i for i, label in enumerate(bf._labels)}
        bf._matrix = matrix
        return bf

    def search(self, vector: Any, k: int) -> list[tuple[int, float]]:
        self._flush()
        if self._matrix is None or k <= 0:
            return []
        sims = self._matrix @ normalise(vector)[0]
        if self._deleted:
            if self._live is None:
                self._live = np.ones(len(self._labels), dtype=bool)
                self._live[[self._pos[label] for label in self._deleted]] = False
            sims = np.where(self._live, sims, -np.inf)
        k = min(k, len(self))
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.lexsort((top, -sims[top]))]
        return [(self._labels[i], float(sims[i])) for i in top]


def recall_at_k(found: Sequence[int], truth: Sequence[int]) -> float:
    """Share of the exact top-k that the approximate search found."""
    return len(set(found) & set(truth)) / len(truth) if truth else 1.0


def match(
    query: Query,
    index: VectorIndex | BruteForce,
    load: Callable[[list[tuple[Kind, int]]], Iterable[Candidate]],
    *,
    limit: int,
    now: datetime,
    k: int | None = None,
    max_k: int = 800,
    within: Sequence[int] | None = None,
) -> list[Match]:
    """Candidate generation then re-scoring: the `k` nearest labels to the query's embedding
    (default 10 x limit, at least 100), loaded by `load` (which applies the caller's
    visibility scope and may drop any), ranked by `scoring.rank`. When fewer than `limit`
    survive eligibility, k doubles up to `max_k`.

    `within` restricts the search to those labels, searched exactly (`search_within`): an
    on-site query, which only the same space or city can answer, passes the labels of the
    live candidates there (an indexed SQL read) rather than asking the whole world's index
    for a needle. Without an embedding the caller falls back to `scoring.rank` over
    candidates it chose otherwise (the lexical baseline)."""
    if query.subject.embedding is None:
        raise ValueError("the query has no embedding: rank candidates lexically instead")
    k = k or max(100, 10 * limit)
    while True:
        if within is not None:
            if not isinstance(index, VectorIndex):
                raise TypeError("`within` needs a VectorIndex")
            hits = index.search_within(query.subject.embedding, within, k)
        else:
            hits = index.search(query.subject.embedding, k)
        keys = [key_of(label) for label, _ in hits]
        ranked = rank(query, load(keys), limit=limit, now=now)
        if len(ranked) >= limit or len(hits) < k or k >= max_k:
            return ranked
        k = min(max_k, 2 * k)
