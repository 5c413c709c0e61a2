"""The process's ANN index of live wall posts and member profiles, kept in step with the
database without coordination between processes.

Three `matching.index.VectorIndex`es (offers, needs, profiles: a query only ever wants one or
two of them) are built lazily from the stored embeddings. Before each query `sync` reads what
changed since its last look, through indexed columns: posts whose row or embedding changed
(`Post.updated_at`, `PostEmbedding.updated_at`: open and unexpired ones are added or replaced,
closed ones deleted), posts that expired meanwhile (`Post.expires_at`) and profile embeddings
written meanwhile. The look goes back `OVERLAP` before the previous one, because a row's
timestamp is taken before its transaction commits; what the overlap reads again is skipped
when its version was already added.

The index is only candidate generation: the selectors load its hits from the database with
the viewer's visibility and the live filter in the same query, so a post closed a moment ago
or hidden from the viewer never comes back even when the index lags.

A process builds the index on first use, at once when there are at most
`WALL_INDEX_SYNC_BUILD_MAX` vectors, else in a background thread (queries use the lexical
path meanwhile).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from ..matching.codec import unpack_many
from ..matching.index import VectorIndex, label_of
from ..models import Post, PostEmbedding, PostKind, PostStatus, ProfileEmbedding

log = logging.getLogger(__name__)

DIM = 384
OVERLAP = timedelta(seconds=60)
BUILD_CHUNK = 20_000
EF_CONSTRUCTION = 64
# At a million MiniLM-like vectors recall@10 reaches 0.95 from about ef 1024 (bench).
EF = 1024
SYNC_BUILD_MAX = 50_000
PROFILE = "profile"


class LiveIndex:
    def __init__(self, *, ef: int = EF, ef_construction: int = EF_CONSTRUCTION) -> None:
        self.ef = ef
        self.ef_construction = ef_construction
        self.indexes: dict[str, VectorIndex] = {}
        self.ready = False
        self.synced_at: datetime | None = None
        self._recent: dict[int, datetime] = {}
        self._sync_lock = threading.Lock()
        # hnswlib may reallocate while adding (resize_index), which a search running at the
        # same moment must not see: searches and writes of the live indexes take turns.
        self._use_lock = threading.Lock()
        self._build_lock = threading.RLock()
        self._building = False

    def _new(self, capacity: int) -> VectorIndex:
        return VectorIndex(
            DIM, capacity=max(capacity, 1024), ef_construction=self.ef_construction, ef=self.ef
        )

    # -- build --
    def build(self, *, threads: int = 2) -> None:
        """Read every live post's and active profile's embedding and index them."""
        with self._build_lock:
            started = timezone.now()
            indexes: dict[str, VectorIndex] = {}
            posts = (
                PostEmbedding.objects.filter(
                    post__status=PostStatus.OPEN, post__expires_at__gt=started
                )
                .values_list("post_id", "post__kind", "vector")
                .order_by()
            )
            by_kind: dict[str, tuple[list[int], list[Any]]] = {
                k: ([], []) for k in (PostKind.OFFER, PostKind.NEED)
            }
            counts = dict(
                Post.objects.filter(
                    status=PostStatus.OPEN, expires_at__gt=started, embedding__isnull=False
                )
                .values_list("kind")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for kind in by_kind:
                indexes[kind] = self._new(int(counts.get(kind, 0)))
            for post_id, kind, vector in posts.iterator(chunk_size=BUILD_CHUNK):
                labels, rows = by_kind[kind]
                labels.append(label_of("post", post_id))
                rows.append(vector)
                if len(rows) >= BUILD_CHUNK:
                    self._flush(indexes[kind], labels, rows, threads)
            for kind, (labels, rows) in by_kind.items():
                self._flush(indexes[kind], labels, rows, threads)
            profiles = ProfileEmbedding.objects.filter(user__is_active=True)
            indexes[PROFILE] = self._new(profiles.count())
            labels, rows = [], []
            for user_id, vector in (
                profiles.values_list("user_id", "vector")
                .order_by()
                .iterator(chunk_size=BUILD_CHUNK)
            ):
                labels.append(label_of("profile", user_id))
                rows.append(vector)
                if len(rows) >= BUILD_CHUNK:
                    self._flush(indexes[PROFILE], labels, rows, threads)
            self._flush(indexes[PROFILE], labels, rows, threads)
            with self._sync_lock:
                self.indexes = indexes
                self.synced_at = started
                self._recent = {}
                self.ready = True

    @staticmethod
    def _flush(index: VectorIndex, labels: list[int], rows: list[Any], threads: int) -> None:
        if labels:
            index.add(list(labels), unpack_many(rows, DIM), num_threads=threads)
            labels.clear()
            rows.clear()

    def _build_in_background(self) -> None:
        if self._building:
            return
        self._building = True

        def run() -> None:
            try:
                self.build()
            except Exception:  # a failed build leaves the lexical path in place
                log.exception("building the wall's matching index failed")
            finally:
                self._building = False
                connection.close()

        threading.Thread(target=run, name="wall-index-build", daemon=True).start()

    def ensure(self) -> bool:
        """Whether the index is ready (building it first, or starting to, when it is not)."""
        if self.ready:
            return True
        with self._build_lock:
            if self.ready:
                return True
            vectors = PostEmbedding.objects.count() + ProfileEmbedding.objects.count()
            limit = int(getattr(settings, "WALL_INDEX_SYNC_BUILD_MAX", SYNC_BUILD_MAX))
            if vectors <= limit:
                self.build()
                return True
        self._build_in_background()
        return False

    # -- keeping in step --
    def sync(self, now: datetime | None = None) -> int:
        """Apply what changed in the database since the last look; how many labels changed.
        A sync already running in another thread is not waited for."""
        if not self.ready or not self._sync_lock.acquire(blocking=False):
            return 0
        try:
            return self._sync(now or timezone.now())
        finally:
            self._sync_lock.release()

    def _sync(self, now: datetime) -> int:
        assert self.synced_at is not None
        since = self.synced_at - OVERLAP
        changed = set(Post.objects.filter(updated_at__gt=since).values_list("pk", flat=True))
        changed |= set(
            PostEmbedding.objects.filter(updated_at__gt=since).values_list("post_id", flat=True)
        )
        n = 0
        # Versions first, vectors only for what is new: the overlap reads rows again.
        wanted: dict[int, tuple[str, datetime]] = {}
        rows = Post.objects.values_list(
            "pk", "kind", "status", "expires_at", "updated_at", "embedding__updated_at"
        )
        for pk, kind, status, expires_at, updated, vector_at in _chunks(rows, changed):
            label = label_of("post", pk)
            index = self.indexes[kind]
            if status == PostStatus.OPEN and expires_at > now and vector_at is not None:
                version = max(updated, vector_at)
                if self._recent.get(label) != version or label not in index:
                    wanted[pk] = (kind, version)
            elif label in index:
                with self._use_lock:
                    index.delete([label])
                n += 1
        adds: dict[str, tuple[list[int], list[Any]]] = {}
        vectors = PostEmbedding.objects.values_list("post_id", "vector")
        for pk, vector in _chunks(vectors, wanted, field="post_id"):
            kind, version = wanted[pk]
            label = label_of("post", pk)
            self._recent[label] = version
            labels, rows_ = adds.setdefault(kind, ([], []))
            labels.append(label)
            rows_.append(vector)
        for pk, kind in Post.objects.filter(expires_at__gt=since, expires_at__lte=now).values_list(
            "pk", "kind"
        ):
            label = label_of("post", pk)
            if label in self.indexes[kind]:
                with self._use_lock:
                    self.indexes[kind].delete([label])
                n += 1
        profiles: dict[int, datetime] = {}
        for user_id, updated, active in ProfileEmbedding.objects.filter(
            updated_at__gt=since
        ).values_list("user_id", "updated_at", "user__is_active"):
            label = label_of("profile", user_id)
            if not active:
                with self._use_lock:
                    self.indexes[PROFILE].delete([label])
            elif self._recent.get(label) != updated or label not in self.indexes[PROFILE]:
                profiles[user_id] = updated
        profile_vectors = ProfileEmbedding.objects.values_list("user_id", "vector")
        for user_id, vector in _chunks(profile_vectors, profiles, field="user_id"):
            label = label_of("profile", user_id)
            self._recent[label] = profiles[user_id]
            labels, rows_ = adds.setdefault(PROFILE, ([], []))
            labels.append(label)
            rows_.append(vector)
        for kind, (labels, rows_) in adds.items():
            matrix = unpack_many(rows_, DIM)
            with self._use_lock:
                self.indexes[kind].add(labels, matrix)
            n += len(labels)
        # Versions older than the overlap will not be read again.
        self._recent = {k: v for k, v in self._recent.items() if v > since}
        self.synced_at = now
        return n

    # -- reads --
    def search(self, kind: str, vector: Any, k: int) -> list[tuple[int, float]]:
        with self._use_lock:
            index = self.indexes.get(kind)
            return index.search(vector, k) if index is not None else []


def _chunks(rows: Any, ids: Iterable[int], field: str = "pk") -> Iterable[Any]:
    """The rows of `ids` in chunks (an IN list stays bounded on SQLite)."""
    ids = sorted(ids)
    for start in range(0, len(ids), 900):
        yield from rows.filter(**{f"{field}__in": ids[start : start + 900]})


_index: LiveIndex | None = None
_index_lock = threading.Lock()


def get_live_index() -> LiveIndex | None:
    """The process's index, synced with the database; None while it is being built."""
    global _index
    with _index_lock:
        if _index is None:
            _index = LiveIndex()
        index = _index
    if not index.ensure():
        return None
    index.sync()
    return index


def reset_live_index() -> None:
    """Forget the process's index (tests; a restore of the database)."""
    global _index
    with _index_lock:
        _index = None
