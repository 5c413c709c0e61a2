"""Benchmark: bookings per second with 32 concurrent clients on PostgreSQL, against a ceiling.

    .venv/bin/python bench/bookings.py [--duration 15] [--rounds 3] [--clients 32]
        [--contended-desks 4] [--pool-seats 3] [--uncontended-desks 2000]
        [--workers 2] [--threads 16] [--reuse-data] [--no-write] [--strict]

1. Drops and recreates the PostgreSQL database `coshore_bench_bookings`, migrates it and sets
   it up through the services (`gen_bookings.py`): two spaces open 24/7, "contended" with
   4 desks and a desk pool of 3 seats, "uncontended" with 2,000 desks; 32 accounts, each with
   an active monthly membership (unlimited hot desk) in both and a personal access token.
   Adds the ceiling's own table, `LIKE bookings_booking INCLUDING ALL` (same columns, checks,
   indexes and exclusion constraint).
2. Draws, with a fixed seed, one attempt stream per client and configuration: one-hour
   bookings starting on a whole hour, at random over the next 60 days, on a resource drawn
   at random among the configuration's. Each stream is preceded by a warm-up stream on days
   61-88, outside the measured window.
3. Sizes the streams so that the service layer takes about `--duration` seconds (from a
   calibration run), unless `--attempts` fixes the length.
4. In each of `--rounds` rounds, for each configuration, runs the same streams three ways,
   each from empty tables (bookings and activities truncated):
   - ceiling: plain psycopg INSERTs, autocommit, into the ceiling's table (`booking_load.py`);
   - service: `book_resource` in 32 threads, each with its own Django connection;
   - HTTP: `POST /api/v1/bookings` with `Authorization: Bearer`, 32 keep-alive connections
     (`loadgen.run_streams`) against gunicorn (`gthread` workers, persistent connections).
   After each run, SQL proves there is no double booking (`booking_checks.py`), the rows
   match the successes the clients counted, and the successes match what the stream allows.
5. Reports the median over rounds and rewrites the "Bookings" section of bench/RESULTS.md.

Attempts/s counts every answered attempt (booked or refused as taken); booked/s counts the
successes. Every run handles the same stream, so both give the same ratio to the ceiling.

Exit status 1 on any double booking, any 5xx or other unexpected answer, any error, or any
mismatch between the clients' counts and the database; with `--strict`, also when a target is
missed.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
import booking_checks
import loadgen

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coshore_bench_bookings"
CEILING_TABLE = "bench_ceiling_booking"
CONFIGS = ("contended", "uncontended")
MODES = ("ceiling", "service", "http")
TARGETS = {"service": 0.50, "http": 0.25}
WINDOW_DAYS = 60
WARMUP_FIRST_DAY = 61  # warm-up bookings start on days 61..88, after the measured window
WARMUP_LAST_DAY = 88  # (and end by day 89: the resources are bookable 90 days ahead)
SECTION = "Bookings"
SECTION_INTRO = """\
`bench/bookings.py` (see `bench/README.md`): 32 concurrent clients book one-hour slots at
random over the next 60 days, on few resources (contended: many refusals, `409
booking.slot_taken`) and on many (uncontended), through the service layer
(`book_resource`, 32 threads) and through HTTP (`POST /api/v1/bookings`, gunicorn), each
compared in the same run with the ceiling: the same attempt stream as plain psycopg INSERTs
into a table with the same exclusion constraint. Targets: service layer at least 50% of the
ceiling, HTTP at least 25%, no double booking."""


# --- Streams -----------------------------------------------------------------------------------


def make_streams(
    resources: list[dict[str, Any]],
    clients: int,
    per_client: int,
    first_day: int,
    days: int,
    seed: int,
) -> list[list[list[int]]]:
    """Per client, `per_client` attempts `[resource id, seats, hour]` (hour 0 = the base)."""
    rng = random.Random(seed)
    hours = range(first_day * 24, (first_day + days) * 24)
    return [
        [
            [(r := rng.choice(resources))["id"], r["seats"], rng.choice(hours)]
            for _ in range(per_client)
        ]
        for _ in range(clients)
    ]


def make_prefill(
    resources: list[dict[str, Any]], share: float, days: int, seed: int
) -> list[tuple[int, int, int]]:
    """`(resource id, seat, hour)` of the bookings already there when a run starts: each seat
    of each resource, each hour of the window, is taken with probability `share`."""
    rng = random.Random(seed)
    return [
        (r["id"], seat, hour)
        for r in resources
        for hour in range(days * 24)
        for seat in range(r["seats"])
        if rng.random() < share
    ]


def bookable(streams: list[list[list[int]]], prefill: list[tuple[int, int, int]]) -> int:
    """How many attempts of the streams can succeed, whatever the order: per (resource,
    hour), as many as the resource has seats left free by the prefill."""
    wanted = Counter((r, h) for s in streams for r, _, h in s)
    seats = {r: n for s in streams for r, n, _ in s}
    held = Counter((r, h) for r, _, h in prefill)
    return sum(max(0, min(count, seats[r] - held[r, h])) for (r, h), count in wanted.items())


# --- Database ----------------------------------------------------------------------------------


def pg(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


def create_ceiling_table(url: str) -> None:
    with pg(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {CEILING_TABLE}")
        conn.execute(f"CREATE TABLE {CEILING_TABLE} (LIKE bookings_booking INCLUDING ALL)")


def reset_tables(
    url: str,
    prefill: Sequence[tuple[int, int, int]] = (),
    base: datetime | None = None,
    user_id: int = 0,
) -> None:
    """Empty what the runs write (bookings, both tables, and activities), put the prefilled
    bookings into both booking tables, and ANALYZE them."""
    with pg(url) as conn:
        conn.execute(
            f"TRUNCATE bookings_booking, {CEILING_TABLE}, activity_activity RESTART IDENTITY CASCADE"
        )
        for table in ("bookings_booking", CEILING_TABLE):
            if prefill and base is not None:
                with conn.cursor().copy(
                    f"COPY {table} (resource_id, user_id, seat, starts_at, ends_at, "
                    "blocked_until, status, cover, credits, room_minutes, currency, created_at) "
                    "FROM STDIN"
                ) as copy:
                    now = datetime.now(UTC)
                    for rid, seat, hour in prefill:
                        start = base + timedelta(hours=hour)
                        end = start + timedelta(hours=1)
                        copy.write_row(
                            (rid, user_id, seat, start, end, end, "confirmed", "unlimited_desk",
                             0, 0, "", now)
                        )  # fmt: skip
            conn.execute(f"ANALYZE {table}")


def verify(url: str, table: str, base: datetime) -> dict[str, int]:
    with pg(url) as conn, conn.cursor() as cur:
        out = booking_checks.check_bookings(cur, table)
        out["active_in_window"] = booking_checks.active_between(
            cur, table, base, base + timedelta(days=WINDOW_DAYS)
        )
    return out


def server_settings(url: str) -> dict[str, str]:
    with pg(url) as conn:
        return {
            name: str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
            for name in ("server_version", "synchronous_commit", "fsync", "shared_buffers")
        }


# --- Runs --------------------------------------------------------------------------------------


def run_inprocess(
    mode: str,
    env: dict[str, str],
    job: dict[str, Any],
    name: str,
    timeout: float,
    processes: int = 1,
) -> dict[str, Any]:
    """Run `booking_load.py` in `processes` processes (clients dealt out in turn), started
    together after their warm-up, and merge what they report."""
    procs = []
    for p in range(processes):
        part = dict(job, **{k: job[k][p::processes] for k in ("users", "warmup", "streams")})
        path = benchlib.OUT_DIR / f"bookings.job.{name}.{p}.json"
        path.write_text(json.dumps(part))
        procs.append(
            subprocess.Popen(
                [sys.executable, str(benchlib.BENCH_DIR / "booking_load.py"), "--mode", mode,
                 "--job", str(path), "--sync"],
                env=env, cwd=benchlib.ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            )
        )  # fmt: skip
    try:
        for pr in procs:
            assert pr.stdout is not None
            line = pr.stdout.readline().strip()
            if line != "ready":
                raise SystemExit(f"booking_load.py --mode {mode}: {line!r}\n{pr.communicate()[1]}")
        for pr in procs:
            assert pr.stdin is not None
            pr.stdin.write("go\n")
            pr.stdin.flush()
        parts = []
        for pr in procs:
            out, err = pr.communicate(timeout=timeout)
            if pr.returncode:
                raise SystemExit(f"booking_load.py --mode {mode} failed:\n{err[-3000:]}")
            parts.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for pr in procs:
            if pr.poll() is None:
                pr.kill()
                pr.wait(10)
    lat = sorted(x for p in parts for x in p["latencies_us"])
    start, end = min(p["start"] for p in parts), max(p["end"] for p in parts)
    merged: dict[str, Any] = {
        "mode": mode,
        "processes": processes,
        "elapsed_s": end - start,
        "error_samples": [e for p in parts for e in p["error_samples"]][:5],
        "p50_ms": percentile_ms(lat, 50),
        "p90_ms": percentile_ms(lat, 90),
        "p99_ms": percentile_ms(lat, 99),
    }
    for key in (
        "attempts", "booked", "refused", "errors", "unsent", "connections", "warmup_errors",
        "deadlocks_retried",
    ):  # fmt: skip
        merged[key] = sum(p[key] for p in parts)
    for key in ("client_cpu_s", "db_cpu_s"):
        merged[key] = sum(p[key] for p in parts)
    merged["machine_cpu_s"] = max(p["machine_cpu_s"] for p in parts)
    return merged


def percentile_ms(ordered: list[int], p: float) -> float:
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), -(-int(p * len(ordered)) // 100)))  # nearest rank
    return ordered[rank - 1] / 1000.0


def http_requests(
    port: int, streams: list[list[list[int]]], tokens: list[str], base: datetime
) -> list[list[bytes]]:
    out = []
    for stream, token in zip(streams, tokens, strict=True):
        headers = {"Authorization": f"Bearer {token}"}
        reqs = []
        for rid, _seats, hour in stream:
            start = base + timedelta(hours=hour)
            body = json.dumps(
                {
                    "resource": rid,
                    "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=1)).isoformat(),
                },
                separators=(",", ":"),
            ).encode()
            reqs.append(loadgen.post_request("127.0.0.1", port, "/api/v1/bookings", body, headers))
        out.append(reqs)
    return out


def run_http(
    port: int,
    proc: subprocess.Popen[bytes],
    url: str,
    warm: list[list[bytes]],
    measured: list[list[bytes]],
    max_seconds: float,
) -> dict[str, Any]:
    w = loadgen.run_streams("127.0.0.1", port, warm, max_seconds=max_seconds)
    pids = benchlib.server_pids(proc)
    db_pids = benchlib.postgres_backend_pids(url)
    app0, db0, all0 = (
        benchlib.cpu_seconds_exact(pids),
        benchlib.cpu_seconds_exact(db_pids),
        benchlib.machine_busy_seconds(),
    )
    r = loadgen.run_streams("127.0.0.1", port, measured, max_seconds=max_seconds)
    app = benchlib.cpu_seconds_exact(pids) - app0
    db = benchlib.cpu_seconds_exact(db_pids) - db0
    machine = benchlib.machine_busy_seconds() - all0
    booked = r.statuses.get(201, 0)
    refused = r.codes.get("booking.slot_taken", 0)
    unexpected = r.requests - booked - refused
    samples = list(r.error_samples) + [
        f"{code}: {n}" for code, n in r.codes.items() if code != "booking.slot_taken"
    ]
    warm_unexpected = w.requests - w.statuses.get(201, 0) - w.codes.get("booking.slot_taken", 0)
    samples += [f"warm-up: {e}" for e in w.error_samples] + [
        f"warm-up {code}: {n}" for code, n in w.codes.items() if code != "booking.slot_taken"
    ]
    return {
        "mode": "http",
        "attempts": booked + refused + unexpected + r.errors,
        "booked": booked,
        "refused": refused,
        "errors": unexpected + r.errors,
        "warmup_errors": warm_unexpected + w.errors,
        "http_5xx": sum(n for st, n in r.statuses.items() if st >= 500)
        + sum(n for st, n in w.statuses.items() if st >= 500),
        "statuses": {str(k): v for k, v in sorted(r.statuses.items())},
        "error_samples": samples[:5],
        "unsent": r.unsent + r.unanswered,
        "elapsed_s": r.elapsed_s,
        "p50_ms": r.percentile_ms(50),
        "p90_ms": r.percentile_ms(90),
        "p99_ms": r.percentile_ms(99),
        "client_cpu_s": r.client_cpu_s,
        "app_cpu_s": app,
        "db_cpu_s": db,
        "machine_cpu_s": machine,
        "connections": r.connections_opened,
    }


# --- Main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--contended-desks", type=int, default=4)
    parser.add_argument("--pool-seats", type=int, default=3, help="seats of the contended pool")
    parser.add_argument("--uncontended-desks", type=int, default=2000)
    parser.add_argument(
        "--duration", type=float, default=15.0, help="seconds the service layer should take"
    )
    parser.add_argument(
        "--attempts", type=int, default=0, help="attempts per client (0: from --duration)"
    )
    parser.add_argument("--warmup", type=int, default=20, help="warm-up attempts per client")
    parser.add_argument(
        "--prefill",
        type=float,
        default=0.5,
        help="share of the contended seat-hours already booked when a run starts",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--ceiling-seconds",
        type=float,
        default=5.0,
        help="run the ceiling's stream again (same start state) until measured this long",
    )
    parser.add_argument("--max-seconds", type=float, default=120.0, help="cap per run")
    parser.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto")
    parser.add_argument("--pg-url", default=DEFAULT_URL)
    parser.add_argument(
        "--service-processes",
        type=int,
        default=1,
        help="processes the service layer's client threads are spread over",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--wait-quiet", type=float, default=60.0)
    parser.add_argument("--reuse-data", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 1 <= args.rounds <= 9:
        parser.error("--clients must be 1..64 and --rounds 1..9")
    if not 1 <= args.uncontended_desks <= 20000 or not 0 <= args.attempts <= 20000:
        parser.error("--uncontended-desks must be 1..20,000 and --attempts 0..20,000")
    if not 1 <= args.duration <= 120 or not 1 <= args.max_seconds <= 120:
        parser.error("--duration and --max-seconds must be 1..120 s")
    if args.db == "sqlite":
        print("bookings: PostgreSQL only (the ceiling is its exclusion constraint); skipped")
        return 0
    if not benchlib.postgres_reachable(args.pg_url):
        if args.db == "auto":
            print(f"bookings: PostgreSQL not reachable at {args.pg_url}; skipped")
            return 0
        raise SystemExit(f"PostgreSQL not reachable at {args.pg_url}")
    command = " ".join(["python bench/bookings.py", shlex.join(sys.argv[1:])]).strip()
    t_start = time.monotonic()
    machine = benchlib.machine_info()
    benchlib.OUT_DIR.mkdir(parents=True, exist_ok=True)
    url = args.pg_url
    env = benchlib.base_env(url)

    # 1. Data.
    manifest_path = benchlib.OUT_DIR / "bookings.manifest.json"
    shape = [args.clients, args.contended_desks, args.pool_seats, args.uncontended_desks]
    manifest: dict[str, Any] | None = None
    if args.reuse_data and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("shape") != shape:
            manifest = None
    if manifest is None:
        benchlib.reset_postgres(url)
        print("migrating ...", file=sys.stderr)
        benchlib.coshore(
            "migrate", "--no-input", "--skip-checks", env=env,
            log=benchlib.OUT_DIR / "bookings.migrate.log",
        )  # fmt: skip
        print("setting up spaces, resources and members ...", file=sys.stderr)
        manifest_path.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, str(benchlib.BENCH_DIR / "gen_bookings.py"), "--manifest",
             str(manifest_path), "--clients", str(args.clients), "--contended-desks",
             str(args.contended_desks), "--contended-pool-seats", str(args.pool_seats),
             "--uncontended-desks", str(args.uncontended_desks)],
            env=env, cwd=benchlib.ROOT, check=True, timeout=900,
        )  # fmt: skip
        manifest = json.loads(manifest_path.read_text())
        manifest["shape"] = shape
        manifest_path.write_text(json.dumps(manifest, indent=1))
    else:
        print("reusing the previous run's data", file=sys.stderr)
    create_ceiling_table(url)
    db_settings = server_settings(url)
    users = [u["id"] for u in manifest["users"]]
    tokens = [u["token"] for u in manifest["users"]]
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    resources = {c: manifest["configs"][c]["resources"] for c in CONFIGS}
    warm_days = WARMUP_LAST_DAY - WARMUP_FIRST_DAY + 1
    warmups = {
        c: make_streams(
            resources[c], args.clients, args.warmup, WARMUP_FIRST_DAY, warm_days, args.seed + 100
        )
        for c in CONFIGS
    }

    def job(streams: list[list[list[int]]], warm: list[list[list[int]]]) -> dict[str, Any]:
        return {
            "base": base.timestamp(),
            "users": users,
            "warmup": warm,
            "streams": streams,
            "max_seconds": args.max_seconds,
            "ceiling_table": CEILING_TABLE,
        }

    # 2-3. Streams, sized from a calibration run of the service layer.
    per_client: dict[str, int] = {}
    calibration: dict[str, float] = {}
    for c in CONFIGS:
        if args.attempts:
            per_client[c] = args.attempts
            continue
        reset_tables(url)
        probe = make_streams(
            resources[c], args.clients, 25, WARMUP_FIRST_DAY, warm_days, args.seed + 200
        )
        r = run_inprocess(
            "service", env, job(probe, warmups[c]), f"{c}.calibration", 600,
            args.service_processes,
        )  # fmt: skip
        rate = r["attempts"] / max(r["elapsed_s"], 1e-6)
        calibration[c] = rate
        per_client[c] = max(20, min(20000, round(rate * args.duration / args.clients)))
        print(
            f"calibration {c}: service {rate:.0f} attempts/s -> {per_client[c]} per client",
            file=sys.stderr,
        )
    streams = {
        c: make_streams(resources[c], args.clients, per_client[c], 0, WINDOW_DAYS, args.seed)
        for c in CONFIGS
    }
    prefills = {
        "contended": make_prefill(
            resources["contended"], args.prefill, WINDOW_DAYS, args.seed + 300
        ),
        "uncontended": [],
    }
    expected = {c: bookable(streams[c], prefills[c]) for c in CONFIGS}

    # 4. Rounds.
    port = benchlib.free_port()
    server_env = dict(env, DB_CONN_MAX_AGE=str(args.conn_max_age))
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {c: {m: [] for m in MODES} for c in CONFIGS}
    problems: list[str] = []
    with benchlib.gunicorn(
        env=server_env,
        port=port,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        log=benchlib.OUT_DIR / "bookings.gunicorn.log",
    ) as proc:
        http = {
            c: (
                http_requests(port, warmups[c], tokens, base),
                http_requests(port, streams[c], tokens, base),
            )
            for c in CONFIGS
        }
        busy_before = benchlib.wait_until_quiet(args.wait_quiet)
        load_at_start = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        for rnd in range(1, args.rounds + 1):
            for c in CONFIGS:
                for mode in MODES:
                    print(f"round {rnd}/{args.rounds}: {c} {mode}", file=sys.stderr)
                    parts: list[dict[str, Any]] = []
                    # The ceiling is so much faster that one pass of the stream is over in
                    # a second or less: it runs the stream again, from the same start state,
                    # until it has been measured for --ceiling-seconds.
                    while not parts or (
                        mode == "ceiling"
                        and sum(p["elapsed_s"] for p in parts) < args.ceiling_seconds
                        and len(parts) < 20
                    ):
                        reset_tables(url, prefills[c], base, users[0])
                        if mode == "http":
                            r = run_http(port, proc, url, *http[c], args.max_seconds)
                        else:
                            r = run_inprocess(
                                mode, env, job(streams[c], warmups[c]), f"{c}.{mode}",
                                args.max_seconds + 600,
                                args.service_processes if mode == "service" else 1,
                            )  # fmt: skip
                        table = CEILING_TABLE if mode == "ceiling" else "bookings_booking"
                        r["checks"] = verify(url, table, base)
                        r["expected_booked"] = expected[c]
                        r["prefilled"] = len(prefills[c])
                        problems += judge(f"round {rnd} {c} {mode}", r)
                        parts.append(r)
                    r = merge_passes(parts)
                    r["round"] = rnd
                    runs[c][mode].append(r)
                    print(
                        f"  {r['attempts'] / r['elapsed_s']:.0f} attempts/s over "
                        f"{r['passes']} pass(es), {r['booked']} booked, {r['refused']} refused, "
                        f"{r['errors']} errors, checks {r['checks']}",
                        file=sys.stderr,
                    )

    # 5. Report.
    summary = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine,
        "database": db_settings,
        "coverage": manifest["coverage"],
        "setup": {
            "clients": args.clients,
            "rounds": args.rounds,
            "duration_s": args.duration,
            "warmup": args.warmup,
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": args.worker_class,
            "service_processes": args.service_processes,
            "ceiling_seconds": args.ceiling_seconds,
            "conn_max_age": args.conn_max_age,
            "per_client": per_client,
            "calibration_attempts_s": {k: round(v, 1) for k, v in calibration.items()},
            "expected_booked": expected,
            "prefill_share": args.prefill,
            "prefilled": {c: len(prefills[c]) for c in CONFIGS},
            "resources": {
                c: Counter(f"{r['kind']}:{r['seats']}" for r in resources[c]) for c in CONFIGS
            },
            "data_seconds": manifest.get("seconds"),
        },
        "busy_before_pct": round(100 * busy_before),
        "load_at_start": load_at_start,
        "runs": runs,
        "medians": medians(runs),
        "problems": problems,
        "total_s": round(time.monotonic() - t_start, 1),
    }
    summary["targets"] = {
        f"{c} {m} >= {TARGETS[m]:.0%} of ceiling": summary["medians"][c][m]["ratio"] >= TARGETS[m]
        for c in CONFIGS
        for m in ("service", "http")
    }
    (benchlib.OUT_DIR / "bookings.json").write_text(json.dumps(summary, indent=1, default=str))
    text = render(summary)
    print(text)
    if not args.no_write:
        benchlib.write_results(SECTION, SECTION_INTRO, "PostgreSQL", text)
        print(f"wrote {benchlib.RESULTS.relative_to(benchlib.ROOT)}", file=sys.stderr)
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    if args.strict and not all(summary["targets"].values()):
        print("FAILED: a target was missed", file=sys.stderr)
        return 1
    return 0


def merge_passes(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Passes of the same stream, added up (latencies: the median pass's)."""
    if len(parts) == 1:
        return dict(parts[0], passes=1)
    out = dict(parts[len(parts) // 2], passes=len(parts))
    summed = (
        "attempts", "booked", "refused", "errors", "unsent", "elapsed_s", "client_cpu_s",
        "db_cpu_s", "machine_cpu_s", "app_cpu_s", "http_5xx", "expected_booked", "prefilled",
        "warmup_errors", "deadlocks_retried",
    )  # fmt: skip
    for key in summed:
        if key in parts[0]:
            out[key] = sum(p[key] for p in parts)
    for key in ("p50_ms", "p90_ms", "p99_ms"):
        out[key] = statistics.median(p[key] for p in parts)
    out["checks"] = {k: sum(p["checks"][k] for p in parts) for k in parts[0]["checks"]}
    out["error_samples"] = [e for p in parts for e in p["error_samples"]][:5]
    return out


def judge(label: str, r: dict[str, Any]) -> list[str]:
    """What makes a run fail: double bookings, errors, 5xx, counts that do not add up."""
    out = []
    ch = r["checks"]
    for key in ("overlapping", "seat_out_of_range", "over_capacity"):
        if ch[key]:
            out.append(f"{label}: DOUBLE BOOKING, {key} = {ch[key]}")
    if r.get("http_5xx"):
        out.append(f"{label}: {r['http_5xx']} responses were 5xx: {r['error_samples']}")
    if r["errors"] or r.get("warmup_errors"):
        out.append(
            f"{label}: {r['errors']} errors, {r.get('warmup_errors', 0)} in the warm-up: "
            f"{r['error_samples']}"
        )
    if ch["active_in_window"] != r["booked"] + r["prefilled"]:
        out.append(
            f"{label}: the clients counted {r['booked']} bookings (and {r['prefilled']} were "
            f"there before), the table holds {ch['active_in_window']}"
        )
    if r["booked"] > r["expected_booked"]:
        out.append(f"{label}: {r['booked']} booked, but only {r['expected_booked']} can be")
    if r["unsent"]:
        out.append(f"{label}: the time cap struck with {r['unsent']} attempts left")
    return out


def medians(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c, by_mode in runs.items():
        out[c] = {}
        ceiling_rates = [r["attempts"] / r["elapsed_s"] for r in by_mode["ceiling"]]
        for m, rs in by_mode.items():
            rates = [r["attempts"] / r["elapsed_s"] for r in rs]
            booked = [r["booked"] / r["elapsed_s"] for r in rs]
            ratios = [x / y for x, y in zip(rates, ceiling_rates, strict=True)]
            n = sum(r["attempts"] for r in rs) or 1
            out[c][m] = {
                "attempts_s": statistics.median(rates),
                "booked_s": statistics.median(booked),
                "ratio": statistics.median(ratios),
                "ratios": ratios,
                "rates": rates,
                "attempts": statistics.median(r["attempts"] / r["passes"] for r in rs),
                "booked": statistics.median(r["booked"] / r["passes"] for r in rs),
                "refused": statistics.median(r["refused"] / r["passes"] for r in rs),
                "passes": statistics.median(r["passes"] for r in rs),
                "elapsed_s": statistics.median(r["elapsed_s"] for r in rs),
                "p50_ms": statistics.median(r["p50_ms"] for r in rs),
                "p99_ms": statistics.median(r["p99_ms"] for r in rs),
                "errors": sum(r["errors"] for r in rs),
                "http_5xx": sum(r.get("http_5xx", 0) for r in rs),
                "double": sum(
                    r["checks"][k]
                    for r in rs
                    for k in ("overlapping", "seat_out_of_range", "over_capacity")
                ),
                "missed": sum(r["expected_booked"] - r["booked"] for r in rs),
                "deadlocks_retried": sum(r.get("deadlocks_retried", 0) for r in rs),
                # CPU per attempt (ms), over all rounds
                "app_ms": 1000 * sum(r.get("app_cpu_s", 0.0) for r in rs) / n,
                "client_ms": 1000 * sum(r["client_cpu_s"] for r in rs) / n,
                "db_ms": 1000 * sum(r["db_cpu_s"] for r in rs) / n,
                "others_pct": statistics.median(
                    100
                    * max(
                        0.0,
                        r["machine_cpu_s"]
                        - r["client_cpu_s"]
                        - r["db_cpu_s"]
                        - r.get("app_cpu_s", 0.0),
                    )
                    / r["elapsed_s"]
                    for r in rs
                ),
            }
    return out


LABELS = {
    "ceiling": "ceiling: psycopg INSERT",
    "service": "service layer",
    "http": "HTTP `POST /api/v1/bookings`",
}


def render(s: dict[str, Any]) -> str:
    m, db, st = s["machine"], s["database"], s["setup"]
    lines = [
        f"Run {s['when']}, {s['total_s']:.0f} s in all:",
        "",
        "```",
        s["command"],
        "```",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, Linux {m['kernel']}; "
        f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, PostgreSQL "
        f"{db['server_version']} (`synchronous_commit={db['synchronous_commit']}`, "
        f"`fsync={db['fsync']}`, `shared_buffers={db['shared_buffers']}`). Load average at "
        f"start: {m['loadavg_at_start']}; before measuring: {s['load_at_start']}, other "
        f"processes kept {s['busy_before_pct']}% of the machine busy.",
        "",
        "Data: two spaces open 24/7; contended: "
        + ", ".join(f"{n} x {k}" for k, n in st["resources"]["contended"].items())
        + "; uncontended: "
        + ", ".join(f"{n} x {k}" for k, n in st["resources"]["uncontended"].items())
        + f" (`kind:seats`). {st['clients']} accounts; cover: {s['coverage']}.",
        "",
        f"Setup: {st['clients']} clients; per configuration one stream of "
        + ", ".join(f"{c} {n:,}" for c, n in st["per_client"].items())
        + " attempts per client (sized so the service layer takes about "
        f"{st['duration_s']:g} s), each after {st['warmup']} warm-up attempts per client on "
        "days 61-88; every run starts from empty tables, except that in the contended "
        f"configuration {st['prefill_share']:.0%} of the seat-hours of the 60 days "
        f"({st['prefilled']['contended']:,} bookings) are already booked; "
        f"{st['rounds']} rounds, medians shown. Service layer: {st['clients']} threads in "
        f"{st['service_processes']} process(es), each thread with its own database connection; "
        f"ceiling: {st['clients']} threads, one process. HTTP: gunicorn, {st['workers']} "
        f"`{st['worker_class']}` workers x {st['threads']} threads, "
        f"`DB_CONN_MAX_AGE={st['conn_max_age']}`, `DEBUG=false`, client `loadgen.run_streams` "
        f"({st['clients']} keep-alive connections, one process) on the same machine.",
        "",
        "| configuration | path | attempts | booked | refused (409) | passes | s | attempts/s "
        "| booked/s | vs ceiling | p50 ms | p99 ms | errors | 5xx | double bookings |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    med = s["medians"]
    for c in CONFIGS:
        for mode in MODES:
            x = med[c][mode]
            lines.append(
                f"| {c} | {LABELS[mode]} | {x['attempts']:,.0f} | {x['booked']:,.0f} "
                f"| {x['refused']:,.0f} | {x['passes']:g} | {x['elapsed_s']:.1f} "
                f"| {x['attempts_s']:,.0f} "
                f"| {x['booked_s']:,.0f} | {x['ratio']:.2f} | {x['p50_ms']:.1f} "
                f"| {x['p99_ms']:.1f} | {x['errors']} | {x['http_5xx']} | {x['double']} |"
            )
    lines += [
        "",
        "Attempts, booked, refused: per pass of the stream. Attempts/s: answered attempts "
        "(booked or refused because the slot was taken) per second, from the first attempt to "
        "the last answer; booked/s: successful bookings per second. Every path handles the "
        "same stream, so it books exactly as many and both measures give the same ratio to "
        "the ceiling ('vs ceiling': median of the per-round ratios). The ceiling is over in a "
        f"fraction of a second, so it runs the stream again, from the same start state each "
        f"time, until measured for {st['ceiling_seconds']:g} s ('passes'; 's' is the total). "
        "Per-round attempts/s: "
        + "; ".join(
            f"{c} {mode} " + ", ".join(f"{v:,.0f}" for v in med[c][mode]["rates"])
            for c in CONFIGS
            for mode in MODES
        )
        + ".",
        "",
        "CPU per attempt (ms, all rounds): "
        + "; ".join(
            f"{c} {mode}: "
            + (
                f"gunicorn {med[c][mode]['app_ms']:.2f}, client {med[c][mode]['client_ms']:.2f}"
                if mode == "http"
                else f"client process {med[c][mode]['client_ms']:.2f}"
            )
            + f", PostgreSQL {med[c][mode]['db_ms']:.2f}, others {med[c][mode]['others_pct']:.0f}%"
            for c in CONFIGS
            for mode in MODES
        )
        + " ('others': CPU other processes took during the run, in % of one core).",
        "",
        "Checks after every run (SQL in `bench/booking_checks.py`): active bookings "
        "overlapping on a (resource, seat), on a seat the resource lacks, or above a resource's "
        "seats at any instant: "
        + ", ".join(f"{c} {mode} {med[c][mode]['double']}" for c in CONFIGS for mode in MODES)
        + "; rows in the table equal the successes the clients counted; successes equal what "
        "the stream allows (per resource and hour, as many as it has seats: "
        + ", ".join(f"{c} {n:,}" for c, n in st["expected_booked"].items())
        + "), refused although free: "
        + ", ".join(f"{c} {mode} {med[c][mode]['missed']}" for c in CONFIGS for mode in MODES)
        + ".",
        "",
        "Deadlocks: PostgreSQL cancelled "
        + ", ".join(f"{c} {med[c]['ceiling']['deadlocks_retried']}" for c in CONFIGS)
        + " of the ceiling's inserts (all rounds) as deadlocks: two concurrent inserts each "
        "waiting, in the exclusion constraint's check, for the other's uncommitted row. The "
        "ceiling tries them again, as `book_resource` does with its retries.",
        "",
        "Targets: "
        + "; ".join(f"{name}: {'met' if ok else '**missed**'}" for name, ok in s["targets"].items())
        + "; zero double bookings: "
        + ("met" if not any(med[c][m]["double"] for c in CONFIGS for m in MODES) else "**FAILED**")
        + "; zero 5xx: "
        + ("met" if not any(med[c]["http"]["http_5xx"] for c in CONFIGS) else "**FAILED**")
        + ".",
    ]
    if s["problems"]:
        lines += ["", "Problems:", ""] + [f"- {p}" for p in s["problems"][:20]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
