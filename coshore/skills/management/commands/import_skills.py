"""`coshore import-skills PATH [--occupations PATH]`: load the ESCO taxonomy."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coshore.core.errors import DomainError
from coshore.skills.importers import import_esco


class Command(BaseCommand):
    help = (
        "Load ESCO skills (and occupations) from the official CSV or CSV.gz files, "
        "upserting by concept URI. ESCO © European Union, CC BY 4.0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="ESCO skills CSV, e.g. esco_v1.1.1_skills_en.csv.gz")
        parser.add_argument(
            "--occupations", metavar="PATH", help="ESCO occupations CSV (or CSV.gz)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            reports = import_esco(
                skills_path=options["path"], occupations_path=options["occupations"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for report in reports:
            self.stdout.write(report.summary())
            for reason, count in sorted(report.skipped_reasons.items()):
                self.stdout.write(f"  skipped {count}: {reason}")
