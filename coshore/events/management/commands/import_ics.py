"""`coshore import-ics PATH --space SLUG [--visibility public|network|space]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coshore.core.errors import DomainError
from coshore.events.ical.importer import import_calendar
from coshore.events.ical.parse import MAX_BYTES
from coshore.events.models import EventVisibility
from coshore.spaces.models import Space


class Command(BaseCommand):
    help = (
        "Import an iCalendar (.ics) file as a space's events. UIDs are kept: importing the "
        "file again updates its events and never duplicates them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="an .ics file")
        parser.add_argument("--space", metavar="SLUG", required=True, help="the hosting space")
        parser.add_argument(
            "--visibility",
            choices=EventVisibility.values,
            default=EventVisibility.PUBLIC,
            help="who sees the imported events (default: public)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            space = Space.objects.get(slug=options["space"])
        except Space.DoesNotExist:
            raise CommandError(f"No space with the slug {options['space']!r}.") from None
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = import_calendar(
                actor=None,
                space=space,
                data=data,
                name=path.stem,
                visibility=options["visibility"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            f"Imported {result.name!r} into {space.slug}: {result.events} events "
            f"({result.series} series, {result.overrides} overrides, "
            f"{result.exclusions} exclusions)"
        )
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged "
            f"{result.unchanged}, removed {result.removed}, cancelled {result.cancelled}, "
            f"skipped {result.skipped}"
        )
