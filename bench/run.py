"""Run every benchmark in bench/ (what `make bench` calls).

    .venv/bin/python bench/run.py [--only NAME] [--strict] [--db auto|postgres|sqlite]

Each benchmark is a script in bench/ that rewrites its own section of bench/RESULTS.md and
exits non-zero when a response was an error or an answer was wrong (with `--strict`, also
when a target is missed). This runner stops at nothing: it runs them all and fails if any did.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

# name -> script and its default arguments (each bounded to a few minutes).
BENCHMARKS: dict[str, list[str]] = {
    "spaces_search": ["spaces_search.py", "--spaces", "50000", "--duration", "10",
                      "--concurrency", "16"],
    # PostgreSQL only: with --db sqlite, or no server under --db auto, it says so and passes.
    "bookings": ["bookings.py", "--clients", "32", "--duration", "15", "--rounds", "3"],
    # In memory; about a minute and a half on 2 cores.
    "reputation": ["reputation.py", "--members", "100000", "--endorsements", "1000000"],
    "payouts": ["payouts.py", "--members", "50", "--entries", "10000"],
    # In memory; about 5-8 minutes on 2 cores for a million candidates (the index build).
    "matching": ["matching.py", "--n", "1000000"],
    # PostgreSQL only (COPY of a million rows, then the real endpoint); about 15-20 minutes on
    # 2 cores, most of it the index build. Without a server it says so and passes.
    "matching_e2e": ["matching_e2e.py", "--n", "1000000"],
    # SQLite by default (about a minute and a half on 2 cores): a network feed of 10,000 events.
    "ical_export": ["ical_export.py", "--events", "10000", "--runs", "5"],
    # PostgreSQL only: 200 concurrent registrations for a 50-seat event over HTTP, 5 rounds;
    # about a minute. Without a server it says so and passes.
    "events_registrations": ["events_registrations.py", "--clients", "200", "--capacity", "50",
                             "--rounds", "5"],
}  # fmt: skip
# Benchmarks that need longer than PER_BENCHMARK_TIMEOUT_S.
TIMEOUTS_S = {"matching_e2e": 2400}
PER_BENCHMARK_TIMEOUT_S = 900


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--strict", action="store_true", help="fail when a target is missed")
    parser.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto")
    args = parser.parse_args()
    failed = []
    for name in args.only or list(BENCHMARKS):
        script, *rest = BENCHMARKS[name]
        cmd = [sys.executable, str(BENCH_DIR / script), *rest, "--db", args.db]
        if args.strict:
            cmd.append("--strict")
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.monotonic()
        try:
            limit = TIMEOUTS_S.get(name, PER_BENCHMARK_TIMEOUT_S)
            code = subprocess.run(cmd, timeout=limit).returncode
        except subprocess.TimeoutExpired:
            code = -1
            print(f"== {name}: timed out after {limit} s", flush=True)
        print(f"== {name}: exit {code} in {time.monotonic() - t0:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
