"""Where the time of one booking goes: its SQL, the CPU of each step, and a cProfile listing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coshore_bench_bookings \\
        .venv/bin/python bench/profile_bookings.py [--repeat 300] [--top 25]

Run it against the database `bookings.py` left behind (it reads bench/out/bookings.manifest.json
for the accounts and resources; it empties the booking and activity tables before and after).
One thread, no server: the service through `book_resource`, and the HTTP path through
Django's test client in this process (middleware, django-ninja, token authentication,
`get_resource_for_user`, the service, the response). For each step it reports CPU time
(`time.process_time`, this process only: PostgreSQL's share is not in it) and wall time per
call, so the Python cost of each query is visible beside its round trip; and the same
statements sent as raw SQL through Django's cursor, which is what the ORM adds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchlib
from profile_search import print_areas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coshore.accounts.models import User
    from coshore.accounts.services import authenticate_token
    from coshore.activity.services import record_activity
    from coshore.bookings.errors import SlotTaken
    from coshore.bookings.models import ACTIVE_STATUSES, Booking, Resource
    from coshore.bookings.selectors import get_resource_for_user
    from coshore.bookings.services import book_resource
    from coshore.bookings.services import booking as booking_service
    from coshore.memberships.selectors import get_active_membership
    from coshore.spaces.selectors import space_standing

    # Django logs every 4xx answer ("Conflict: /api/v1/bookings") on the root logger's
    # console; keep the cost, drop the noise.
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115
    manifest = json.loads((benchlib.OUT_DIR / "bookings.manifest.json").read_text())
    ids = [r["id"] for r in manifest["configs"]["uncontended"]["resources"]]
    resources = list(Resource.objects.select_related("space").filter(pk__in=ids))
    account = manifest["users"][0]
    user = User.objects.get(pk=account["id"])
    rng = random.Random(1)
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    used: set[tuple[int, int]] = set()

    def fresh() -> tuple[int, int]:
        """A (resource index, hour) not handed out before: a free slot."""
        while True:
            slot = (rng.randrange(len(resources)), rng.randrange(1440))
            if slot not in used:
                used.add(slot)
                return slot

    def empty() -> None:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE bookings_booking, activity_activity RESTART IDENTITY CASCADE")

    def next_slot() -> tuple[Resource, datetime, datetime]:
        r, h = fresh()
        start = base + timedelta(hours=h)
        return resources[r], start, start + timedelta(hours=1)

    def book_new() -> None:
        r, s, e = next_slot()
        book_resource(actor=user, resource=r, starts_at=s, ends_at=e)

    taken_r, taken_s, taken_e = next_slot()

    def book_taken() -> None:
        try:
            book_resource(actor=user, resource=taken_r, starts_at=taken_s, ends_at=taken_e)
        except SlotTaken:
            return
        raise AssertionError("the slot should be taken")

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {account['token']}")

    def http_new() -> None:
        r, s, e = next_slot()
        resp = client.post(
            "/api/v1/bookings",
            {"resource": r.pk, "starts_at": s.isoformat(), "ends_at": e.isoformat()},
            content_type="application/json",
        )
        assert resp.status_code == 201, resp.content

    def http_taken() -> None:
        resp = client.post(
            "/api/v1/bookings",
            {
                "resource": taken_r.pk,
                "starts_at": taken_s.isoformat(),
                "ends_at": taken_e.isoformat(),
            },
            content_type="application/json",
        )
        assert resp.status_code == 409, resp.content

    empty()
    book_resource(actor=user, resource=taken_r, starts_at=taken_s, ends_at=taken_e)
    for f in (book_new, book_taken, http_new, http_taken):
        for _ in range(20):  # warm caches and the connection
            f()

    for label, f in (
        ("book_resource, booked", book_new),
        ("book_resource, refused (slot taken)", book_taken),
        ("POST /api/v1/bookings, 201", http_new),
        ("POST /api/v1/bookings, 409", http_taken),
    ):
        with CaptureQueriesContext(connection) as ctx:
            f()
        print(f"# {label}: {len(ctx.captured_queries)} statements")
        for q in ctx.captured_queries:
            print(f"  {q['sql'][:160]}")
        print()

    # Each step alone, and the same statements as raw SQL.
    one_r, one_s, one_e = next_slot()
    activity_target = Booking.objects.first()

    def step_token() -> None:
        authenticate_token(token=account["token"])

    def step_resource() -> None:
        get_resource_for_user(user=user, resource_id=one_r.pk)

    def step_ping() -> None:
        client.get("/api/v1/ping")

    def step_standing() -> None:
        space_standing(user, one_r.space)

    def step_membership() -> None:
        get_active_membership(user=user, space=one_r.space, day=one_s.date())

    def step_allowed() -> None:
        frozenset(one_r.allowed_plans.values_list("pk", flat=True))

    def step_judge() -> None:
        booking_service._judge(
            actor=user, resource=one_r, starts_at=one_s, ends_at=one_e, network_pass=False
        )

    def step_taken_read() -> None:
        list(
            Booking.objects.filter(
                resource=one_r, status__in=ACTIVE_STATUSES, starts_at__lt=one_e,
                blocked_until__gt=one_s,
            ).values_list("seat", "starts_at", "blocked_until")
        )  # fmt: skip

    def step_atomic() -> None:
        with transaction.atomic():
            connection.cursor().execute("SELECT 1")

    def step_insert() -> None:
        r, s, e = next_slot()
        with transaction.atomic():
            Booking.objects.create(
                resource=r, user=user, seat=0, starts_at=s, ends_at=e, blocked_until=e,
                status="confirmed",
            )  # fmt: skip

    def step_activity() -> None:
        record_activity(
            actor=user, verb="booking.created", target=activity_target, space=one_r.space,
            metadata={"resource": one_r.pk, "status": "confirmed"},
        )  # fmt: skip

    def raw_booking() -> None:
        r, s, e = next_slot()
        with connection.cursor() as cur:
            cur.execute(
                "SELECT plan_id FROM bookings_resource_allowed_plans WHERE resource_id = %s",
                [r.pk],
            )
            cur.fetchall()
            cur.execute(
                "SELECT role FROM spaces_spacerole WHERE user_id = %s AND space_id = %s "
                "UNION ALL SELECT 'operator' FROM spaces_networkrole AS nr "
                "JOIN spaces_networkspace AS ns ON ns.network_id = nr.network_id "
                "WHERE nr.user_id = %s AND ns.space_id = %s",
                [user.pk, r.space_id, user.pk, r.space_id],
            )
            cur.fetchall()
            cur.execute(
                "SELECT m.plan_id, p.unlimited_desk, p.room_hours_included "
                "FROM memberships_membership AS m JOIN memberships_plan AS p ON p.id = m.plan_id "
                "WHERE m.user_id = %s AND m.space_id = %s AND m.status = 'active' "
                "AND m.starts_on <= %s AND (m.ends_on IS NULL OR m.ends_on >= %s) LIMIT 1",
                [user.pk, r.space_id, s.date(), s.date()],
            )
            cur.fetchone()
            with transaction.atomic():
                cur.execute(
                    "SELECT seat, starts_at, blocked_until FROM bookings_booking "
                    "WHERE resource_id = %s AND status IN ('requested', 'confirmed') "
                    "AND starts_at < %s AND blocked_until > %s",
                    [r.pk, e, s],
                )
                cur.fetchall()
                cur.execute(
                    "INSERT INTO bookings_booking (resource_id, user_id, seat, starts_at, "
                    "ends_at, blocked_until, status, cover, credits, room_minutes, currency, "
                    "created_at) VALUES (%s, %s, 0, %s, %s, %s, 'confirmed', '', 0, 0, '', "
                    "now()) RETURNING id",
                    [r.pk, user.pk, s, e, e],
                )
                new_id = cur.fetchone()[0]
                cur.execute(
                    "INSERT INTO activity_activity (actor_id, verb, target_type, target_id, "
                    "space_id, occurred_at, metadata) VALUES (%s, 'booking.created', "
                    "'bookings.booking', %s, %s, now(), %s)",
                    [user.pk, str(new_id), r.space_id, json.dumps({"resource": r.pk})],
                )

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = [cur.fetchone()[0]]
    print("# CPU of this process, CPU of its PostgreSQL backend, wall time; per call, one thread")
    print(f"  {'step':58} {'cpu ms':>7} {'db ms':>6} {'wall ms':>8}")
    for label, f in (
        ("book_resource, booked", book_new),
        ("book_resource, refused", book_taken),
        ("POST /api/v1/bookings, 201 (test client, in process)", http_new),
        ("POST /api/v1/bookings, 409 (test client, in process)", http_taken),
        ("GET /api/v1/ping (test client: middleware, django-ninja)", step_ping),
        ("authenticate_token (SELECT token JOIN user)", step_token),
        ("get_resource_for_user (SELECT resource JOIN space)", step_resource),
        ("_judge: every check before the transaction", step_judge),
        ("  resource.allowed_plans (SELECT ... JOIN)", step_allowed),
        ("  space_standing (SELECT role ... UNION ALL ...)", step_standing),
        ("  get_active_membership (SELECT ... JOIN plan)", step_membership),
        ("taken seats (SELECT ... values_list)", step_taken_read),
        ("atomic() around SELECT 1 (BEGIN, SELECT 1, COMMIT)", step_atomic),
        ("Booking.objects.create in atomic()", step_insert),
        ("record_activity (INSERT, autocommit)", step_activity),
        ("the booked path's 8 statements as raw SQL", raw_booking),
    ):
        n = args.repeat
        c0, d0, w0 = time.process_time(), benchlib.cpu_seconds(backend), time.perf_counter()
        for _ in range(n):
            f()
        cpu = (time.process_time() - c0) / n * 1000
        db = (benchlib.cpu_seconds(backend) - d0) / n * 1000
        wall = (time.perf_counter() - w0) / n * 1000
        print(f"  {label:58} {cpu:7.3f} {db:6.2f} {wall:8.3f}")
    print()

    for label, f in (("book_resource, booked", book_new), ("POST /api/v1/bookings", http_new)):
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        for _ in range(args.repeat):
            f()
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        print(f"## {label}")
        print_areas(stats, n=args.repeat)
        if args.top:
            stats.sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    empty()


if __name__ == "__main__":
    main()
