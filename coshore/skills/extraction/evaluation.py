"""Evaluating extraction on sentences annotated with gold ESCO skills.

The annotation file is a CSV with the columns `sentence, span, sub_span, label`, one row per
annotated span (as the TECH test set of Decorte et al., 2022). A sentence's gold skills are the
`label` values of its rows, less `LABEL NOT PRESENT` and `UNDERSPECIFIED`; labels are ESCO
preferred labels. Only sentences with at least one gold label are evaluated.

- R-Precision@5 of a sentence: gold skills among the top 5, over min(5, number of gold skills).
- Recall@10 of a sentence: gold skills among the top 10, over the number of gold skills.
Both are averaged over sentences. A gold label that is not an ESCO preferred label can never be
found: it still counts in the denominators, and is reported.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Catalogue, get_catalogue

NO_LABEL = frozenset({"LABEL NOT PRESENT", "UNDERSPECIFIED"})
COLUMNS = ("sentence", "span", "sub_span", "label")


@dataclass(frozen=True)
class GoldSentence:
    text: str
    labels: frozenset[str]


@dataclass
class MethodResult:
    method: str
    rp5: float
    recall10: float
    sentences: int
    seconds: float

    def line(self) -> str:
        return f"{self.method} rp@5={self.rp5:.3f} recall@10={self.recall10:.3f}"


@dataclass
class Evaluation:
    results: list[MethodResult]
    sentences: int
    gold_labels: int
    missing_labels: list[str] = field(default_factory=list)


def read_annotations(path: str | Path) -> list[GoldSentence]:
    """Sentences in file order with their gold labels; sentences without any are dropped."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns: {', '.join(missing)}")
        order: list[str] = []
        gold: dict[str, set[str]] = {}
        for row in reader:
            text = row["sentence"] or ""
            if text not in gold:
                order.append(text)
                gold[text] = set()
            label = (row["label"] or "").strip()
            if label and label not in NO_LABEL:
                gold[text].add(label)
    return [GoldSentence(text=t, labels=frozenset(gold[t])) for t in order if gold[t]]


def rp_at(ranked: Sequence[str], gold: Iterable[str], k: int = 5) -> float:
    gold = set(gold)
    return len(gold.intersection(ranked[:k])) / min(k, len(gold))


def recall_at(ranked: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    gold = set(gold)
    return len(gold.intersection(ranked[:k])) / len(gold)


def evaluate(
    sentences: Sequence[GoldSentence],
    rankers: dict[str, Callable[[str], Sequence[str]]],
    catalogue: Catalogue | None = None,
) -> Evaluation:
    """Score each ranker (text → URIs, best first) on `sentences`."""
    catalogue = catalogue or get_catalogue()
    by_label = dict(zip(catalogue.labels, catalogue.uris, strict=True))
    known = [label in by_label for s in sentences for label in s.labels]
    missing = sorted({label for s in sentences for label in s.labels if label not in by_label})
    # A missing label keeps a place of its own in the gold set, so it counts but never matches.
    golds = [{by_label.get(label, f"missing:{label}") for label in s.labels} for s in sentences]
    results = []
    for method, ranker in rankers.items():
        started = time.perf_counter()
        rankings = [list(ranker(s.text)) for s in sentences]
        seconds = time.perf_counter() - started
        n = len(sentences) or 1
        results.append(
            MethodResult(
                method=method,
                rp5=sum(rp_at(r, g) for r, g in zip(rankings, golds, strict=True)) / n,
                recall10=sum(recall_at(r, g) for r, g in zip(rankings, golds, strict=True)) / n,
                sentences=len(sentences),
                seconds=seconds,
            )
        )
    return Evaluation(
        results=results,
        sentences=len(sentences),
        gold_labels=len(known),
        missing_labels=missing,
    )
