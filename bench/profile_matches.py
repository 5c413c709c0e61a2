"""Profile `GET /api/v1/wall/posts/{id}/matches` on the database `bench/matching_e2e.py`
left behind (coshore_ann_bench), without reloading it: the index is built from the database
once and saved under `--index-cache` (later runs load it in seconds), then `--queries`
random open posts are asked for their matches by their authors, through the test Client,
with DEBUG off. Prints wall-clock and thread CPU p50/p99, the load average, and (with
`--cprofile`) the hottest functions over all requests.

    .venv/bin/python bench/profile_matches.py --queries 100 --cprofile
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coshore_ann_bench"


def percentile(values: list[float], p: float) -> float:
    import numpy as np

    return float(np.percentile(values, p)) if values else float("nan")


def load_index(cache: Path) -> object:
    from datetime import datetime

    from coshore.wall.matching.index import VectorIndex
    from coshore.wall.selectors import live_index

    index = live_index.LiveIndex()
    stamp = cache / "synced_at"
    if stamp.exists():
        t0 = time.perf_counter()
        for kind in ("offer", "need", live_index.PROFILE):
            index.indexes[kind] = VectorIndex.load(
                cache / f"{kind}.bin", live_index.DIM, ef=live_index.EF
            )
        index.synced_at = datetime.fromisoformat(stamp.read_text().strip())
        index.ready = True
        print(f"index loaded from {cache} in {time.perf_counter() - t0:.0f} s", flush=True)
    else:
        t0 = time.perf_counter()
        index.build()
        cache.mkdir(parents=True, exist_ok=True)
        for kind, vi in index.indexes.items():
            vi.save(cache / f"{kind}.bin")
        assert index.synced_at is not None
        stamp.write_text(index.synced_at.isoformat())
        print(f"index built in {time.perf_counter() - t0:.0f} s, saved to {cache}", flush=True)
    live_index._index = index
    return index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-url", default=DEFAULT_URL)
    parser.add_argument("--index-cache", default="/tmp/coshore_bench_index")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument(
        "--gc-report", action="store_true", help="count and time garbage collections"
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--sql", action="store_true", help="time each SQL statement; show the slowest requests'"
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["WALL_INDEX_SYNC_BUILD_MAX"] = str(10**9)
    import django

    django.setup()
    import gc

    import numpy as np
    from django.conf import settings
    from django.test import Client

    from coshore.accounts.models import User
    from coshore.wall.models import Post

    settings.DEBUG = False
    load_index(Path(args.index_cache))
    rng = np.random.default_rng(args.seed)
    top = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = [int(i) for i in rng.choice(np.arange(1, top + 1), size=args.queries * 2, replace=False)]
    subjects = list(
        Post.objects.filter(pk__in=ids, status="open").values_list("pk", "author_id", "locality")
    )[: args.queries]
    clients: dict[int, Client] = {}
    handler = None
    for _, author, _ in subjects:
        if author not in clients:
            c = Client()
            c.force_login(User.objects.get(pk=author))
            # One handler for all: each test Client loads the middleware on its first request
            # (WhiteNoise scans the static files, 25 ms), which a server does once.
            if handler is None:
                handler = c.handler
            c.handler = handler
            clients[author] = c
    pid, author, _ = subjects[0]
    assert clients[author].get(f"/api/v1/wall/posts/{pid}/matches?limit=10").status_code == 200
    gc.collect()
    pauses: list[tuple[int, float]] = []
    if args.gc_report:
        started: list[float] = [0.0]

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                pauses.append((info["generation"], (time.perf_counter() - started[0]) * 1000))

        gc.callbacks.append(on_gc)
    prof = cProfile.Profile() if args.cprofile else None
    wall, cpu, loads = [], [], []
    statements: list[list[tuple[float, str]]] = []

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        s0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements[-1].append(((time.perf_counter() - s0) * 1000, sql))

    from contextlib import nullcontext

    from django.db import connection

    for pid, author, _ in subjects:
        c = clients[author]
        loads.append(os.getloadavg()[0])
        statements.append([])
        if prof:
            prof.enable()
        wrap = connection.execute_wrapper(timed) if args.sql else nullcontext()
        t0, c0 = time.perf_counter(), time.thread_time()
        with wrap:
            resp = c.get(f"/api/v1/wall/posts/{pid}/matches?limit=10")
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
        if prof:
            prof.disable()
        assert resp.status_code == 200, resp.content
    print(
        f"{len(wall)} requests: wall p50 {percentile(wall, 50):.1f} ms, p99 "
        f"{percentile(wall, 99):.1f} ms; thread CPU p50 {percentile(cpu, 50):.1f} ms, p99 "
        f"{percentile(cpu, 99):.1f} ms; load average {min(loads):.2f}-{max(loads):.2f}"
        + (" (cProfile on: slower)" if prof else "")
    )
    if args.gc_report:
        for gen in (0, 1, 2):
            ms = [t for g, t in pauses if g == gen]
            print(
                f"gc generation {gen}: {len(ms)} runs, {sum(ms):.1f} ms in all, "
                f"longest {max(ms, default=0):.1f} ms"
            )
        print(f"tracked objects: {len(gc.get_objects()):,}")
    if args.sql:
        sql_ms = [sum(t for t, _ in st) for st in statements]
        print(
            f"SQL per request: p50 {percentile(sql_ms, 50):.1f} ms, p99 "
            f"{percentile(sql_ms, 99):.1f} ms; statements p50 "
            f"{percentile([len(st) for st in statements], 50):.0f}"
        )
        for i in sorted(range(len(wall)), key=lambda i: -wall[i])[:5]:
            pid, _, locality = subjects[i]
            print(
                f"post {pid} ({locality}): {wall[i]:.1f} ms, CPU {cpu[i]:.1f} ms, SQL "
                f"{sql_ms[i]:.1f} ms in {len(statements[i])} statements"
            )
            for t, sql in sorted(statements[i], reverse=True)[:6]:
                print(f"    {t:6.1f} ms  {sql[:160]}")
    if prof:
        st = pstats.Stats(prof)
        st.sort_stats("cumulative").print_stats(args.top)
        st.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
