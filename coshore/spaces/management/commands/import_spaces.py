"""`coshore import-spaces PATH [--network SLUG] [--dry-run] [--report FILE.csv]`."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coshore.core.errors import DomainError
from coshore.spaces.importers import import_spaces, report_rows

SHOWN_ROWS = 50


class Command(BaseCommand):
    help = (
        "Import OpenStreetMap coworking spaces from a GeoJSON FeatureCollection of points or "
        "Overpass API JSON (optionally gzipped). Re-importing updates, never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="GeoJSON or Overpass JSON file, or the same gzipped")
        parser.add_argument("--network", metavar="SLUG", help="link every space to this network")
        parser.add_argument(
            "--dry-run", action="store_true", help="count and report, write nothing"
        )
        parser.add_argument(
            "--report", metavar="FILE.csv", help="write skipped and warned elements to a CSV file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report_file = None
        if options["report"]:
            try:
                report_file = open(options["report"], "w", newline="", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise CommandError(f"Cannot write the report {options['report']}: {exc}") from exc

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"{done}/{total} elements read")

        try:
            report = import_spaces(
                path_or_data=options["path"],
                network_slug=options["network"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except DomainError as exc:
            if report_file is not None:
                report_file.close()
            raise CommandError(exc.message) from exc

        if report_file is not None:
            with report_file:
                csv.writer(report_file).writerows(report_rows(report))

        for row in report.rows[:SHOWN_ROWS]:
            label = f"{row.ref} {row.name!r}" if row.name else row.ref
            self.stdout.write(f"{row.outcome} {label}: {row.reason}")
        if len(report.rows) > SHOWN_ROWS:
            more = len(report.rows) - SHOWN_ROWS
            self.stdout.write(f"... and {more} more reported elements (see --report)")
        if report.warnings:
            self.stdout.write(f"warnings {report.warnings}")
        if report.dry_run:
            self.stdout.write("dry run: nothing was written")
        self.stdout.write(report.summary())
