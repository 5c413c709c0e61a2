"""In-process booking clients for `bookings.py`: the service layer and the psycopg ceiling.

    DATABASE_URL=... .venv/bin/python bench/booking_load.py --mode service|ceiling \\
        --job bench/out/bookings.job.json

The job file (written by `bookings.py`) holds one attempt stream per client, as
`[resource id, seats, hour]` triples (a booking from `base + hour` for one hour), the
client's account id, a warm-up stream and a time cap. One thread per client, each with its
own database connection; all threads start the measured stream together (a barrier) after
their warm-up (with `--sync`, after printing "ready" and reading "go" on stdin, so that
several processes start together). Prints one JSON object: attempts, booked, refused,
errors, start and end (`time.monotonic()`, system-wide), latencies, this process's CPU and
its database backends' CPU over the measured stream.

- `service`: `coshore.bookings.services.book_resource` through Django (the connection per
  thread is Django's), with the account and the resources loaded once per thread as the API
  would load them (`select_related("space")`). Refused = `SlotTaken` (409
  `booking.slot_taken` over HTTP); any other exception is an error.
- `ceiling`: plain psycopg, autocommit, one statement per attempt into the bench-owned table
  (`LIKE bookings_booking INCLUDING ALL`: same columns, checks, indexes and exclusion
  constraint, no foreign keys). A desk is one `INSERT ... VALUES` on seat 0; a pool is one
  `INSERT ... SELECT` of its lowest seat with no overlapping active booking. Refused = the
  exclusion constraint's violation for a desk, no row inserted for a pool; a pool's insert
  that loses a race (exclusion violation) is tried again, like the service does, and so is
  any insert PostgreSQL cancels as a deadlock (two concurrent inserts checking the exclusion
  constraint against each other's uncommitted row), as the service retries those.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from array import array
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchlib

HOUR = timedelta(hours=1)
RETRIES = 6  # as coshore.bookings.services.booking.ATTEMPTS

COLUMNS = (
    "resource_id, user_id, seat, starts_at, ends_at, blocked_until, status, cover, credits, "
    "room_minutes, currency, created_at"
)


def desk_insert(table: str) -> str:
    return (
        f"INSERT INTO {table} ({COLUMNS}) VALUES "
        "(%(r)s, %(u)s, 0, %(s)s, %(e)s, %(e)s, 'confirmed', '', 0, 0, '', now())"
    )


def pool_insert(table: str) -> str:
    return (
        f"INSERT INTO {table} ({COLUMNS}) "
        "SELECT %(r)s, %(u)s, seats.n, %(s)s, %(e)s, %(e)s, 'confirmed', '', 0, 0, '', now() "
        "FROM generate_series(0, %(seats)s - 1) AS seats(n) WHERE NOT EXISTS ("
        f"SELECT 1 FROM {table} AS b WHERE b.resource_id = %(r)s AND b.seat = seats.n "
        "AND b.status IN ('requested', 'confirmed') AND b.starts_at < %(e)s "
        "AND b.blocked_until > %(s)s) ORDER BY seats.n LIMIT 1"
    )


class Client:
    """One thread's tally."""

    def __init__(self) -> None:
        self.booked = 0
        self.refused = 0
        self.errors = 0
        self.samples: list[str] = []
        self.unsent = 0
        self.latencies_us = array("I")
        self.backend_pid = 0
        self.deadlocks = 0
        self.done_at = 0.0

    def error(self, exc: BaseException) -> None:
        self.errors += 1
        if len(self.samples) < 3:
            self.samples.append(f"{type(exc).__name__}: {exc}"[:300])


def _attempts(raw: list[list[int]], base: datetime) -> list[tuple[int, int, datetime, datetime]]:
    return [(r, seats, base + h * HOUR, base + (h + 1) * HOUR) for r, seats, h in raw]


def run(mode: str, job: dict[str, Any], sync: bool = False) -> dict[str, Any]:
    base = datetime.fromtimestamp(job["base"], UTC)
    n = len(job["streams"])
    warm = [_attempts(s, base) for s in job["warmup"]]
    measured = [_attempts(s, base) for s in job["streams"]]
    clients = [Client() for _ in range(n)]
    warmups = [Client() for _ in range(n)]
    warmed = threading.Barrier(n + 1, timeout=600)
    ready = threading.Barrier(n + 1, timeout=600)
    finished = threading.Barrier(n + 1, timeout=job["max_seconds"] + 120)
    counted = threading.Barrier(n + 1, timeout=120)  # connections stay open until then
    deadline = [0.0]

    if mode == "service":
        import django

        django.setup()
        from django.db import connection

        from coshore.accounts.models import User
        from coshore.bookings.errors import SlotTaken
        from coshore.bookings.models import Resource
        from coshore.bookings.services import book_resource

        ids = sorted({r for s in job["streams"] + job["warmup"] for r, _, _ in s})

        def client(k: int) -> None:
            c = clients[k]
            book = None
            try:
                user = User.objects.get(pk=job["users"][k])
                resources = {
                    r.pk: r for r in Resource.objects.select_related("space").filter(pk__in=ids)
                }
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_backend_pid()")
                    c.backend_pid = cur.fetchone()[0]

                def book(stream: list[Any], tally: Client, timed: bool) -> None:
                    for i, (rid, _seats, start, end) in enumerate(stream):
                        if timed and time.monotonic() >= deadline[0]:
                            tally.unsent += len(stream) - i
                            return
                        t0 = time.perf_counter()
                        try:
                            book_resource(
                                actor=user, resource=resources[rid], starts_at=start, ends_at=end
                            )
                            tally.booked += 1
                        except SlotTaken:
                            tally.refused += 1
                        except Exception as exc:
                            tally.error(exc)
                        tally.latencies_us.append(int((time.perf_counter() - t0) * 1e6))

                book(warm[k], warmups[k], False)
            except Exception as exc:
                c.error(exc)
                book = None
            warmed.wait()
            ready.wait()
            if book is not None:
                book(measured[k], c, True)
            c.done_at = time.monotonic()
            finished.wait()
            counted.wait()
            connection.close()

    elif mode == "ceiling":
        import psycopg

        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        table = job["ceiling_table"]
        desk_sql, pool_sql = desk_insert(table), pool_insert(table)

        def client(k: int) -> None:
            c = clients[k]
            uid = job["users"][k]
            conn = None
            book = None
            try:
                conn = psycopg.connect(url, autocommit=True)
                c.backend_pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]

                def book(stream: list[Any], tally: Client, timed: bool) -> None:
                    for i, (rid, seats, start, end) in enumerate(stream):
                        if timed and time.monotonic() >= deadline[0]:
                            tally.unsent += len(stream) - i
                            return
                        t0 = time.perf_counter()
                        params = {"r": rid, "u": uid, "s": start, "e": end, "seats": seats}
                        sql = desk_sql if seats == 1 else pool_sql
                        try:
                            for attempt in range(RETRIES):
                                try:
                                    inserted = conn.execute(sql, params).rowcount
                                    break
                                except psycopg.errors.ExclusionViolation:
                                    # A desk's slot is taken; a pool's seat went to a
                                    # concurrent insert: look for another.
                                    inserted = 0
                                    if seats == 1 or attempt == RETRIES - 1:
                                        break
                                except psycopg.errors.DeadlockDetected:
                                    # Two inserts checking the exclusion constraint against
                                    # each other's uncommitted row: PostgreSQL cancels one.
                                    # The service retries these too.
                                    if attempt == RETRIES - 1:
                                        raise
                                    tally.deadlocks += 1
                            if inserted:
                                tally.booked += 1
                            else:
                                tally.refused += 1
                        except Exception as exc:
                            tally.error(exc)
                        tally.latencies_us.append(int((time.perf_counter() - t0) * 1e6))

                book(warm[k], warmups[k], False)
            except Exception as exc:
                c.error(exc)
                book = None
            warmed.wait()
            ready.wait()
            if book is not None:
                book(measured[k], c, True)
            c.done_at = time.monotonic()
            finished.wait()
            counted.wait()
            if conn is not None:
                conn.close()

    else:
        raise SystemExit(f"unknown mode {mode!r}")

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + 900 + job["max_seconds"]  # warm-ups are not timed
    warmed.wait()  # every client warmed up and connected
    if sync:  # several processes start together: say so, wait for the word
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            raise SystemExit("no go")
    ready.wait()  # this releases the clients
    start = time.monotonic()
    deadline[0] = start + job["max_seconds"]
    pids = [c.backend_pid for c in clients if c.backend_pid]
    db0 = benchlib.cpu_seconds_exact(pids)
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    all0 = benchlib.machine_busy_seconds()
    finished.wait()  # this thread only waits meanwhile
    end = max(c.done_at for c in clients)
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    db1 = benchlib.cpu_seconds_exact(pids)
    all1 = benchlib.machine_busy_seconds()
    counted.wait()  # the backends' CPU is read: the clients may close their connections
    for t in threads:
        t.join(30)
    lat: list[int] = []
    for c in clients:
        lat.extend(c.latencies_us)
    booked = sum(c.booked for c in clients)
    refused = sum(c.refused for c in clients)
    errors = sum(c.errors for c in clients)
    return {
        "mode": mode,
        "attempts": booked + refused + errors,
        "booked": booked,
        "refused": refused,
        "errors": errors,
        "error_samples": [s for c in clients + warmups for s in c.samples][:5],
        "warmup_errors": sum(c.errors for c in warmups),
        "deadlocks_retried": sum(c.deadlocks for c in clients),
        "unsent": sum(c.unsent for c in clients),
        "start": start,
        "end": end,
        "elapsed_s": end - start,
        "latencies_us": lat,
        "client_cpu_s": (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime),
        "db_cpu_s": db1 - db0,
        "machine_cpu_s": all1 - all0,
        "connections": len(pids),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["service", "ceiling"], required=True)
    parser.add_argument("--job", type=Path, required=True)
    parser.add_argument(
        "--sync", action="store_true", help='print "ready" after warm-up, start on "go" (stdin)'
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    job = json.loads(args.job.read_text())
    print(json.dumps(run(args.mode, job, args.sync)), flush=True)


if __name__ == "__main__":
    main()
