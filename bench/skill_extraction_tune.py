"""Choose the literal weight of the combined skill extraction on ESCO-derived data.

Development set (never the evaluation file): 200 ESCO occupations drawn with a fixed seed; the
text is the occupation's description, the gold skills are its essential skills
(`esco_v1.1.1_occupationSkillRelations.csv.gz` in ../shared/data). For each weight in a grid it
prints R-Precision@5 and recall@10 of the blend; the weight with the best R-Precision@5 is the
one to put in `coshore/skills/extraction/combine.py`.

    .venv/bin/python bench/skill_extraction_tune.py [--occupations 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

RELATIONS = ROOT.parent / "shared" / "data" / "esco_v1.1.1_occupationSkillRelations.csv.gz"
OCCUPATIONS = ROOT / "coshore" / "data" / "esco" / "esco_v1.1.1_occupations_en.csv.gz"


def dev_set(n: int, seed: int) -> list[tuple[str, set[str]]]:
    essential: dict[str, set[str]] = defaultdict(set)
    with gzip.open(RELATIONS, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["relationType"] == "essential":
                essential[row["occupationUri"]].add(row["skillUri"])
    with gzip.open(OCCUPATIONS, "rt", encoding="utf-8", newline="") as handle:
        rows = [
            (r["description"], essential[r["conceptUri"]])
            for r in csv.DictReader(handle)
            if r["description"].strip() and essential[r["conceptUri"]]
        ]
    rows.sort(key=lambda r: r[0])
    return random.Random(seed).sample(rows, n)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--occupations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import django

    django.setup()
    from coshore.skills.extraction import combine, literal, semantic
    from coshore.skills.extraction.catalogue import get_catalogue
    from coshore.skills.extraction.evaluation import recall_at, rp_at

    uris = get_catalogue().uris
    data = dev_set(args.occupations, args.seed)
    started = time.perf_counter()
    scored = [(literal.match_labels(t), semantic.similarities(t), gold) for t, gold in data]
    print(f"{len(data)} occupations scored in {time.perf_counter() - started:.0f} s")

    def top(scores: dict[int, float]) -> list[str]:
        order = sorted(scores.items(), key=lambda kv: -kv[1])[:10]
        return [uris[i] for i, _ in order]

    best = (-1.0, 0.0)
    for step in range(11):
        weight = step / 10
        rankings = [
            (top(combine.fuse(lit, sem, literal_weight=weight)), g) for lit, sem, g in scored
        ]
        rp5 = sum(rp_at(r, g) for r, g in rankings) / len(rankings)
        rec = sum(recall_at(r, g) for r, g in rankings) / len(rankings)
        print(f"literal_weight={weight:.1f} rp@5={rp5:.3f} recall@10={rec:.3f}")
        best = max(best, (rp5, weight))
    print(f"best literal_weight={best[1]:.1f} (rp@5={best[0]:.3f})")


if __name__ == "__main__":
    main()
