"""`coshore build-skill-embeddings`: embed every shipped ESCO skill with MiniLM, offline."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from coshore.skills.extraction import semantic


class Command(BaseCommand):
    help = (
        "Embed the shipped ESCO skills (preferred label, alternative labels, description) with "
        "all-MiniLM-L6-v2 and write coshore/data/esco/skill_embeddings_minilm.* (a few minutes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            manifest = semantic.build_embeddings(progress=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{manifest['skills']} skills, {len(manifest['kinds'])} vectors each, "
            f"in {time.perf_counter() - started:.0f} s: {semantic.EMBEDDINGS_FILE}"
        )
