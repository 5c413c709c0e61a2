"""`coshore eval-skills PATH`: R-Precision@5 and recall@10 of skill extraction, per method."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coshore.skills.extraction import METHODS, rank, semantic
from coshore.skills.extraction.catalogue import get_catalogue
from coshore.skills.extraction.evaluation import evaluate, read_annotations


class Command(BaseCommand):
    help = (
        "Evaluate skill extraction on sentences with gold ESCO labels (a CSV with the columns "
        "sentence, span, sub_span, label): one line per method, "
        "`METHOD rp@5=0.xxx recall@10=0.xxx`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="annotations CSV (sentence, span, sub_span, label)")
        parser.add_argument(
            "--methods",
            default=",".join(METHODS),
            help="comma-separated methods among literal, semantic, combined (default: all)",
        )
        parser.add_argument(
            "--verbose", action="store_true", help="also print counts and time per sentence"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        methods = [m.strip() for m in options["methods"].split(",") if m.strip()]
        unknown = [m for m in methods if m not in METHODS]
        if unknown or not methods:
            raise CommandError(f"Unknown methods: {', '.join(unknown) or '(none)'}.")
        try:
            sentences = read_annotations(options["path"])
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        uris = get_catalogue().uris

        def ranker(method: str) -> Any:
            return lambda text: [uris[i] for i, _ in rank(text, limit=10, method=method)]

        if "semantic" in methods or "combined" in methods:
            rank("warm-up", limit=1, method="combined")  # load the model before timing
        results = []
        for method in methods:
            semantic.clear_cache()  # each method pays for its own embeddings
            results.append(evaluate(sentences, {method: ranker(method)}))
        result = results[0]
        result.results = [r for each in results for r in each.results]
        for line in result.results:
            self.stdout.write(line.line())
        if options["verbose"]:
            self.stdout.write(
                f"sentences={result.sentences} gold_labels={result.gold_labels} "
                f"not_in_esco={len(result.missing_labels)}"
            )
            for label in result.missing_labels:
                self.stdout.write(f"  not in ESCO: {label}")
            for line in result.results:
                per = 1000 * line.seconds / max(1, line.sentences)
                self.stdout.write(f"{line.method} ms/sentence={per:.1f}")
