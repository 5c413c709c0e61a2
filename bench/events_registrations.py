"""200 people register at once for a 50-seat event, over real HTTP, on PostgreSQL.

    .venv/bin/python bench/events_registrations.py [--clients 200] [--capacity 50]
        [--rounds 5] [--workers 2] [--threads 16] [--db auto|postgres|sqlite] [--no-write]

Each round creates a fresh public event (capacity `--capacity`) and lets `--clients` threads,
each with its own personal access token (and a fresh `httpx` connection per request), wait on a
barrier and then `POST /api/v1/events/{id}/registrations` once, all together, against gunicorn
(`gthread` workers). Checked after every round, from the answers and from the database:
exactly `capacity` answers `registered` and the rest `waitlisted`, zero 5xx and no other
status; the waitlist positions are 1..N, each once; the registration rows in id order (the
order the event's lock let them in) are the registered ones first, then the waitlisted ones
by position, with `created_at` non-decreasing: strict arrival order. Throughput is
registrations per second of the burst (first request sent to last answer received), compared
with the same clients hammering `GET /api/v1/ping` on the same server in the same round (each
client sends `--ping-per-client` pings). Writes the "Events" section of bench/RESULTS.md.

PostgreSQL only (the lock is a row lock): with `--db sqlite`, or no server under `--db auto`,
it says so and exits 0. The database's name must contain "bench"; it is dropped and created.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchlib

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coshore_bench_events"


# --- Seeding (runs in a child process with the benchmark database's environment) --------------


def seed(out: Path, clients: int, rounds: int, capacity: int) -> None:
    import django

    django.setup()
    from coshore.accounts.models import User
    from coshore.accounts.services import create_token
    from coshore.events import services as event_services
    from coshore.spaces.models import Space, SpaceRole, SpaceRoleKind

    space = Space.objects.create(
        slug="bench-hall",
        name="Bench Hall",
        lat=48.85,
        lon=2.35,
        city="Paris",
        country="FR",
        timezone="Europe/Paris",
    )
    manager = User.objects.create_user(email="manager@bench.example", password="x" * 12)
    SpaceRole.objects.create(space=space, user=manager, role=SpaceRoleKind.MANAGER)
    tokens = []
    for k in range(clients):
        user = User.objects.create_user(email=f"p{k}@bench.example", password="x" * 12)
        tokens.append(create_token(user=user, name="bench").plaintext)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    events = []
    for r in range(rounds + 1):  # one more for the warm-up
        e = event_services.create_event(
            actor=manager,
            space=space,
            title=f"Bench talk {r}",
            kind="talk",
            visibility="public",
            capacity=capacity,
            starts_at=start + timedelta(days=r),
            ends_at=start + timedelta(days=r, hours=2),
        )
        events.append(e.pk)
    out.write_text(json.dumps({"tokens": tokens, "events": events}))


# --- Load ------------------------------------------------------------------------------------


def burst(port: int, tokens: list[str], path: str, method: str, per_client: int) -> dict[str, Any]:
    """Every client sends `per_client` requests after a common barrier; returns the answers
    (status, body) in client order, the burst's wall time and latencies."""
    import httpx

    n = len(tokens)
    barrier = threading.Barrier(n + 1, timeout=120)
    answers: list[list[tuple[int, Any]]] = [[] for _ in range(n)]
    latencies: list[float] = []
    first_sent: list[float] = []
    last_done: list[float] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        headers = {
            "Authorization": f"Bearer {tokens[k]}",
            "Content-Type": "application/json",
            "Connection": "close",
        }
        # One client per thread (building one costs milliseconds of CPU), a fresh connection
        # per request (`Connection: close`), timed with it: kept-alive connections were
        # sometimes reset by gunicorn's gthread worker under this burst.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120.0) as c:
            barrier.wait()
            for _ in range(per_client):
                t0 = time.monotonic()
                try:
                    r = c.request(
                        method, path, headers=headers, content=b"{}" if method == "POST" else None
                    )
                    is_json = r.headers.get("content-type", "").startswith("application/json")
                    body: Any = r.json() if is_json else r.text[:200]
                    status = r.status_code
                except httpx.HTTPError as exc:
                    status, body = 0, f"{type(exc).__name__}: {exc}"
                t1 = time.monotonic()
                answers[k].append((status, body))
                with lock:
                    latencies.append(t1 - t0)
                    first_sent.append(t0)
                    last_done.append(t1)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    for t in threads:
        t.join(timeout=300)
    wall = max(last_done) - min(first_sent) if last_done else float("nan")
    return {"answers": answers, "wall": wall, "latencies": sorted(latencies)}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def check_round(
    env: dict[str, str], event_id: int, answers: list[tuple[int, Any]], capacity: int
) -> dict[str, Any]:
    """What the answers and the database say about one round."""
    statuses = [s for s, _ in answers]
    bodies = [b for s, b in answers if s == 201]
    registered = sum(1 for b in bodies if b.get("status") == "registered")
    waitlisted = sorted(b["position"] for b in bodies if b.get("status") == "waitlisted")
    problems = []
    if registered != capacity:
        problems.append(f"{registered} registered, not {capacity}")
    if waitlisted != list(range(1, len(answers) - capacity + 1)):
        problems.append("waitlist positions are not 1..N once each")
    others = sorted({s for s in statuses if s != 201})
    if others:
        problems.append(f"other statuses: {others}")
    code = (
        "import json,sys,django; django.setup()\n"
        "from coshore.events.models import Registration\n"
        f"rows=list(Registration.objects.filter(event_id={event_id}).order_by('id'))\n"
        "from coshore.events.services import waitlist_position\n"
        "print(json.dumps([[r.pk, r.status, waitlist_position(r), r.created_at.isoformat()]"
        " for r in rows]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=benchlib.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = json.loads(out.stdout or "[]")
    order = [r[1] for r in rows]
    expected = ["registered"] * capacity + ["waitlisted"] * (len(answers) - capacity)
    if order != expected:
        problems.append("rows in id order are not registered-then-waitlisted")
    if [r[2] for r in rows[capacity:]] != list(range(1, len(rows) - capacity + 1)):
        problems.append("waitlist positions do not follow ids")
    if [r[3] for r in rows] != sorted(r[3] for r in rows):
        problems.append("created_at is not in id order")
    return {
        "registered": registered,
        "waitlisted": len(waitlisted),
        "five_xx": sum(1 for s in statuses if s >= 500),
        "errors": sum(1 for s in statuses if s == 0),
        "problems": problems,
        "samples": [str(b)[:200] for s, b in answers if s == 0 or s >= 500][:3],
    }


def commit_ms(url: str, n: int = 200) -> float:
    """What one small committed transaction costs on this server (its WAL flush): the floor
    under a critical section that commits once per registration."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (x int)")
        conn.commit()
        t0 = time.perf_counter()
        for _ in range(n):
            conn.execute("INSERT INTO bench_commit_probe VALUES (1)")
            conn.commit()
        took = (time.perf_counter() - t0) * 1000 / n
        conn.execute("DROP TABLE bench_commit_probe")
        conn.commit()
    return took


def _pg_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn gthread workers")
    parser.add_argument("--threads", type=int, default=16, help="threads per worker")
    parser.add_argument("--ping-per-client", type=int, default=5)
    parser.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto")
    parser.add_argument("--pg-url", default=DEFAULT_URL)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--strict", action="store_true", help="(no target: same as without)")
    parser.add_argument("--_seed", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._seed:
        seed(Path(args._seed), args.clients, args.rounds, args.capacity)
        return 0
    if args.db == "sqlite" or not benchlib.postgres_reachable(args.pg_url):
        print("events_registrations: PostgreSQL only; no server (or --db sqlite): skipped")
        return 0
    t_start = time.monotonic()
    machine = benchlib.machine_info()
    load = Path("/proc/loadavg").read_text().split()[:3]
    benchlib.reset_postgres(args.pg_url)
    env = benchlib.base_env(args.pg_url)
    env["DB_CONN_MAX_AGE"] = "600"
    log = benchlib.OUT_DIR / "events_registrations.log"
    benchlib.coshore("migrate", "--no-input", env=env, log=log)
    seed_file = benchlib.OUT_DIR / "events_registrations.seed.json"
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--_seed",
            str(seed_file),
            "--clients",
            str(args.clients),
            "--rounds",
            str(args.rounds),
            "--capacity",
            str(args.capacity),
        ],
        env=env,
        cwd=benchlib.ROOT,
        check=True,
        timeout=900,
    )
    data = json.loads(seed_file.read_text())
    pg_version = _pg_version(args.pg_url)
    flush_ms = commit_ms(args.pg_url)
    tokens, events = data["tokens"], data["events"]
    port = benchlib.free_port()
    rows = []
    failed = False
    with benchlib.gunicorn(
        env=env,
        port=port,
        workers=args.workers,
        log=log,
        worker_class="gthread",
        threads=args.threads,
    ):
        # Warm-up: every worker thread opens its database connection.
        burst(port, tokens, f"/api/v1/events/{events[0]}/registrations", "POST", 1)
        for r in range(1, args.rounds + 1):
            ping = burst(port, tokens, "/api/v1/ping", "GET", args.ping_per_client)
            ping_5xx = sum(1 for a in ping["answers"] for s, _ in a if s >= 500 or s == 0)
            reg = burst(port, tokens, f"/api/v1/events/{events[r]}/registrations", "POST", 1)
            answers = [a[0] for a in reg["answers"]]
            verdict = check_round(env, events[r], answers, args.capacity)
            ping_rps = len(ping["latencies"]) / ping["wall"]
            reg_rps = len(reg["latencies"]) / reg["wall"]
            row = {
                "round": r,
                "ping_rps": ping_rps,
                "reg_rps": reg_rps,
                "ratio": reg_rps / ping_rps,
                "wall": reg["wall"],
                "p50": pct(reg["latencies"], 0.5),
                "p95": pct(reg["latencies"], 0.95),
                "max": pct(reg["latencies"], 1.0),
                "ping_p50": pct(ping["latencies"], 0.5),
                "ping_5xx": ping_5xx,
                **verdict,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
            failed |= bool(verdict["problems"] or verdict["five_xx"] or verdict["errors"])
    med = {
        k: statistics.median(r[k] for r in rows)
        for k in ("ping_rps", "reg_rps", "ratio", "wall", "p50", "p95", "max")
    }
    table = [
        "| round | registered | waitlisted | 5xx | burst s | registrations/s | ping req/s | "
        "ratio | p50 ms | p95 ms | max ms | order checks |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        table.append(
            f"| {r['round']} | {r['registered']} | {r['waitlisted']} | {r['five_xx']} | "
            f"{r['wall']:.2f} | {r['reg_rps']:.0f} | {r['ping_rps']:.0f} | {r['ratio']:.2f} | "
            f"{r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | "
            f"{'ok' if not r['problems'] else '; '.join(r['problems'])} |"
        )
    table.append(
        f"| **median** | | | | {med['wall']:.2f} | **{med['reg_rps']:.0f}** | "
        f"{med['ping_rps']:.0f} | **{med['ratio']:.2f}** | {med['p50']:.0f} | "
        f"{med['p95']:.0f} | {med['max']:.0f} | |"
    )
    verdict_text = (
        f"Every round: exactly {args.capacity} registered and {args.clients - args.capacity} "
        f"waitlisted with positions 1..{args.clients - args.capacity}; rows in id order (the "
        "order the event's row lock admitted them) registered first, then the waitlist by "
        "position, `created_at` in the same order; no 5xx and no transport error."
        if not failed
        else "FAILED: see the order checks column (status 0 = no answer, a transport error)."
    )
    cmd = "python bench/events_registrations.py " + " ".join(
        f"--{k} {v}"
        for k, v in (
            ("clients", args.clients),
            ("capacity", args.capacity),
            ("rounds", args.rounds),
            ("workers", args.workers),
            ("threads", args.threads),
        )
    )
    body = f"""Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {time.monotonic() - t_start:.0f} s in all:

```
{cmd}
```

Machine: {machine["nproc"]} CPUs ({machine["cpu"]}), {machine["memory"]} RAM, Linux {machine["kernel"]}; Python {machine["python"]}, Django {machine["django"]}, gunicorn {machine["gunicorn"]}, PostgreSQL {pg_version}. Load average at start: {" ".join(load)}.

Setup: gunicorn, {args.workers} `gthread` workers x {args.threads} threads,
`DB_CONN_MAX_AGE=600`, `DEBUG=false`; {args.clients} client threads in one process on the same
machine, each with its own personal access token and a fresh `httpx` connection per request
(`Connection: close`, the connection timed with the request); per round
a fresh public event of {args.capacity} seats, one `POST /api/v1/events/{{id}}/registrations`
per client released together by a barrier, then the database is read back. Baseline in the
same round: the same clients send {args.ping_per_client} `GET /api/v1/ping` each.

{chr(10).join(table)}

{verdict_text} The registrations take turns on one row lock by design (that is what makes
the count and the order exact), so their throughput is that of one serial critical section
(lock, one aggregate read, two inserts, the commit's WAL flush: a bare committed insert took
{flush_ms:.1f} ms on this server just before the run) plus the request around it, on
{machine["nproc"]} cores shared by {args.clients} client threads, gunicorn and PostgreSQL.
Other events never wait on this lock.
"""
    if not args.no_write:
        benchlib.write_results(
            "Events",
            "`bench/events_registrations.py`: concurrent registrations for one event over HTTP "
            "on PostgreSQL, checked for exact capacity and strict arrival order, against "
            "`GET /api/v1/ping` in the same run.",
            "PostgreSQL",
            body,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
