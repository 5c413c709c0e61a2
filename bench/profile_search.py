"""Where the time of one search request goes: cProfile, the SQL queries and their plans.

    DATABASE_URL=... .venv/bin/python bench/profile_search.py [--kind radius|bbox|ping]
        [--repeat 200] [--top 25]

Run it against the database `spaces_search.py` left behind (see the database URL in its
output; the manifest under bench/out/ gives the query points). Requests go through Django's
test client in this process (no server), so the profile shows the application's own work.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["radius", "bbox", "ping"], default="radius")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--manifest", type=Path, default=None)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    import benchlib
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from spaces_search import make_queries

    kind_db = "postgres" if connection.vendor == "postgresql" else "sqlite"
    manifest_path = args.manifest or benchlib.OUT_DIR / f"spaces_search.{kind_db}.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    queries = make_queries(manifest, 500, 43)
    paths = (
        ["/api/v1/ping"] * len(queries)
        if args.kind == "ping"
        else [q[f"{args.kind}_path"] for q in queries]
    )
    client = Client(HTTP_HOST="127.0.0.1")
    for p in paths[:20]:  # warm caches, connection, URL resolver
        assert client.get(p).status_code == 200
    reset_queries()

    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(paths[0])
    print(
        f"# one {args.kind} request: {len(ctx.captured_queries)} SQL queries, "
        f"{len(resp.content)} bytes"
    )
    for q in ctx.captured_queries:
        print(f"-- {q['time']} s\n{q['sql']}\n")
    if ctx.captured_queries and args.kind != "ping":
        sql = ctx.captured_queries[0]["sql"]
        explain = (
            "EXPLAIN (ANALYZE, BUFFERS) "
            if connection.vendor == "postgresql"
            else ("EXPLAIN QUERY PLAN ")
        )
        with connection.cursor() as cur:
            cur.execute(explain + sql)
            print("# plan of the first query")
            for row in cur.fetchall():
                print("  ", " | ".join(str(c) for c in row))

    t0 = time.perf_counter()
    for p in paths[: args.repeat]:
        client.get(p)
    wall = (time.perf_counter() - t0) / min(args.repeat, len(paths))
    print(
        f"\n# mean over {min(args.repeat, len(paths))} requests, in process: {wall * 1000:.2f} ms\n"
    )
    prof = cProfile.Profile()
    prof.enable()
    for p in paths[: args.repeat]:
        client.get(p)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    print_areas(stats, n=min(args.repeat, len(paths)))
    if args.top:
        stats.sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())


# Where a function's own time goes, by the file it lives in (first match wins).
AREAS = [
    ("SQL: compiling queries (Django ORM compiler)", "django/db/models/sql/"),
    ("ORM: expressions, lookups, fields", "django/db/models/"),
    ("database driver and cursor wrappers", "psycopg"),
    ("database driver and cursor wrappers", "django/db/backends/"),
    ("URL reversing", "django/urls/"),
    ("django-ninja and pydantic", "ninja/"),
    ("django-ninja and pydantic", "pydantic"),
    ("Django request/response and middleware", "django/"),
    ("Coshore code", "/coshore/"),
    ("Python standard library", "/lib/python3"),
]


def print_areas(stats: pstats.Stats, n: int) -> None:
    totals: dict[str, float] = {}
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        area = next((name for name, part in AREAS if part in filename), None)
        if area is None:
            area = "database driver and cursor wrappers" if "execute" in func else "other"
        totals[area] = totals.get(area, 0.0) + tt
    grand = sum(totals.values()) or 1.0
    print(f"# own time by area (cProfile, {n} requests; profiling inflates the total)")
    for area, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {100 * t / grand:5.1f}%  {1000 * t / n:7.3f} ms/request  {area}")
    print()


if __name__ == "__main__":
    main()
