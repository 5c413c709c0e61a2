"""Payout computation for a project with 50 members and 10,000 time entries.

    .venv/bin/python bench/payouts.py [--members 50] [--entries 10000] [--runs 50] [--db sqlite|postgres|auto]

1. The pure rule (`coshore.projects.rules.compute_payouts`, exact to the cent by largest
   remainder, hours summed as Decimals) against a naive float split of the same hours in the
   same run (faster, and its parts do not add up to the income).
2. The full database path (`coshore.projects.selectors.get_payouts`: the agreement in force,
   hours summed by SQL `SUM ... GROUP BY`, the exact split) on a generated project in a fresh
   database (SQLite under bench/out/, or PostgreSQL `coshore_rep_bench` with `--db postgres`),
   against the same split with the hours summed in Python over every time entry.
Writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from benchlib import (  # noqa: E402
    OUT_DIR,
    machine_info,
    postgres_reachable,
    reset_postgres,
    reset_sqlite,
    write_results,
)

PG_URL = "postgres://postgres@127.0.0.1:5432/coshore_rep_bench"
INCOME = Decimal("123456.78")


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median milliseconds of `runs` calls (after one warm-up), and the last result."""
    result = fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), result


def generate(members: int, entries: int, seed: int) -> list[tuple[int, date, Decimal]]:
    rng = random.Random(seed)
    start = date(2026, 1, 5)
    return [
        (rng.randrange(members), start + timedelta(days=rng.randrange(200)),
         Decimal(rng.randint(1, 32)) / 4)
        for _ in range(entries)
    ]  # fmt: skip


def pure(members: int, rows: list[tuple[int, date, Decimal]], runs: int) -> dict[str, Any]:
    from coshore.projects.rules import compute_payouts

    def ours() -> Any:
        hours: dict[int, Decimal] = defaultdict(Decimal)
        for m, _, h in rows:
            hours[m] += h
        return compute_payouts(
            income=INCOME, currency="EUR", coordinator="0", coordinator_share=Decimal(10),
            pool_share=Decimal(5), hours=[(str(m), h) for m, h in sorted(hours.items())],
        )  # fmt: skip

    def naive() -> Any:
        hours: dict[int, float] = defaultdict(float)
        for m, _, h in rows:
            hours[m] += float(h)
        total = sum(hours.values())
        income = float(INCOME)
        parts = [round(income * 0.10, 2), round(income * 0.05, 2)]
        parts += [round(income * 0.85 * h / total, 2) for h in hours.values()]
        return parts

    ours_ms, lines = timed(ours, runs)
    naive_ms, parts = timed(naive, runs)
    exact_sum = sum(line.amount for line in lines)
    naive_off = round(sum(Decimal(str(p)) for p in parts) - INCOME, 2)
    return {"ours_ms": ours_ms, "naive_ms": naive_ms, "lines": len(lines),
            "exact_ok": exact_sum == INCOME, "naive_off": naive_off}  # fmt: skip


def database(members: int, rows: list[tuple[int, date, Decimal]], runs: int) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection
    from django.utils import timezone

    from coshore.accounts.models import User
    from coshore.projects.models import (
        Agreement,
        ClientPayment,
        HourBudget,
        Project,
        SplitBy,
        TeamMember,
        TimeEntry,
    )
    from coshore.projects.rules import compute_payouts
    from coshore.projects.selectors import agreement_in_force, get_payouts

    t0 = time.perf_counter()
    users = User.objects.bulk_create(
        [User(email=f"m{i}@bench.example", display_name=f"Member {i}") for i in range(members)]
    )
    users = list(User.objects.order_by("id"))
    project = Project.objects.create(title="Bench", currency="EUR", created_by=users[0])
    TeamMember.objects.bulk_create([TeamMember(project=project, user=u) for u in users])
    agreement = Agreement.objects.create(
        project=project, version=1, coordinator=users[0], coordinator_share=Decimal(10),
        pool_share=Decimal(5), split_by=SplitBy.LOGGED_HOURS, proposed_by=users[0],
        accepted_at=timezone.now(),
    )  # fmt: skip
    HourBudget.objects.bulk_create(
        [HourBudget(agreement=agreement, user=u, hours=Decimal(2000)) for u in users]
    )
    TimeEntry.objects.bulk_create(
        [TimeEntry(project=project, user=users[m], date=d, hours=h, agreement=agreement)
         for m, d, h in rows],
        batch_size=2000,
    )  # fmt: skip
    for part in (Decimal("100000.00"), INCOME - Decimal("100000.00")):
        ClientPayment.objects.create(
            project=project, amount=part, currency="EUR", received_at=date(2026, 6, 1),
            recorded_by=users[0],
        )  # fmt: skip
    setup_s = time.perf_counter() - t0
    coordinator = users[0]

    def ours() -> Any:
        return get_payouts(project=Project.objects.get(pk=project.pk), user=coordinator)

    def python_sum() -> Any:
        p = Project.objects.get(pk=project.pk)
        agr = agreement_in_force(p)
        assert agr is not None
        hours: dict[int, Decimal] = defaultdict(Decimal)
        for uid, h in TimeEntry.objects.filter(project=p, status="approved").values_list(
            "user_id", "hours"
        ):
            hours[uid] += h
        income = sum((pay.amount for pay in ClientPayment.objects.filter(project=p)), Decimal(0))
        emails = dict(User.objects.filter(pk__in=hours).values_list("pk", "email"))
        ordered = sorted(hours.items(), key=lambda kv: (emails[kv[0]], kv[0]))
        return compute_payouts(
            income=income, currency=p.currency, coordinator=str(agr.coordinator_id),
            coordinator_share=agr.coordinator_share, pool_share=agr.pool_share,
            hours=[(str(u), h) for u, h in ordered],
        )  # fmt: skip

    ours_ms, payouts = timed(ours, runs)
    python_ms, lines = timed(python_sum, runs)
    same = [i.amount for i in payouts.items] == [line.amount for line in lines]
    vendor = connection.vendor
    version = (
        ".".join(map(str, connection.Database.sqlite_version_info))
        if vendor == "sqlite"
        else (connection.cursor().connection.info.server_version)
    )
    return {"ours_ms": ours_ms, "python_ms": python_ms, "same": same, "setup_s": setup_s,
            "vendor": vendor, "version": version,
            "exact_ok": sum(i.amount for i in payouts.items) == INCOME}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="sqlite")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    use_pg = args.db == "postgres" or (args.db == "auto" and postgres_reachable(PG_URL))
    OUT_DIR.mkdir(exist_ok=True)
    if use_pg:
        reset_postgres(PG_URL)
        os.environ["DATABASE_URL"] = PG_URL
    else:
        path = OUT_DIR / "payouts.sqlite3"
        reset_sqlite(path)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    started = datetime.now(UTC)
    machine = machine_info()
    rows = generate(args.members, args.entries, args.seed)
    p = pure(args.members, rows, args.runs)
    d = database(args.members, rows, args.runs)
    ok = p["exact_ok"] and d["exact_ok"] and d["same"]
    db_name = "PostgreSQL" if d["vendor"] == "postgresql" else "SQLite"
    cmd = (f"python bench/payouts.py --members {args.members} --entries {args.entries} "
           f"--runs {args.runs} --db {args.db}")  # fmt: skip
    body = f"""Run {started:%Y-%m-%d %H:%M} UTC:

```
{cmd}
```

Machine: {machine["nproc"]} CPUs ({machine["cpu"]}), {machine["memory"]} RAM, Linux {machine["kernel"]}; Python {machine["python"]}, Django {machine["django"]}, {db_name} {d["version"]}. Load average at start: {machine["loadavg_at_start"]}.

Data: one project, {args.members} members, {args.entries:,} approved time entries (0.25-8 h), an accepted agreement (coordinator 10%, pool 5%, the rest by logged hours), income {INCOME} EUR in two payments; set up in {d["setup_s"]:.1f} s, seed {args.seed}. Median of {args.runs} calls after one warm-up.

| what | median ms | ratio |
|---|---:|---:|
| rule: hours summed as Decimals + `compute_payouts` (exact, largest remainder) | {p["ours_ms"]:.2f} | {p["ours_ms"] / p["naive_ms"]:.2f} |
| baseline: naive float split (`round(income * share, 2)` per part) | {p["naive_ms"]:.2f} | 1.0 |
| database: `get_payouts` (SQL `SUM ... GROUP BY`, then the exact split) | {d["ours_ms"]:.2f} | {d["ours_ms"] / d["python_ms"]:.2f} |
| baseline: the same with every time entry fetched and summed in Python | {d["python_ms"]:.2f} | 1.0 |

The exact parts add up to the income: {"yes" if p["exact_ok"] and d["exact_ok"] else "NO"}; the naive float parts are off by {p["naive_off"]} EUR in total. `get_payouts` and the Python-sum baseline give the same amounts: {"yes" if d["same"] else "NO"}. {p["lines"]} payout lines.
"""
    intro = """`bench/payouts.py` (see its docstring): the exact payout split for one project of
50 members and 10,000 time entries, as a pure rule and through the database, each against a
baseline in the same run."""
    if not args.no_write:
        write_results("Payouts", intro, db_name, body)
    print(body)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
