"""Recompute every member's reputation from the endorsements (run it hourly or nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coshore.reputation import services


class Command(BaseCommand):
    help = "Recompute reputation (trust propagation over endorsements) and replace its rows."

    def handle(self, *args: Any, **options: Any) -> None:
        stats = services.recompute_reputation()
        self.stdout.write(
            f"reputation of {stats.members} member(s) and {stats.skill_rows} member-skill(s) "
            f"from {stats.endorsements} endorsement(s) and {stats.seeds} seed(s) "
            f"in {stats.seconds:.2f} s"
        )
