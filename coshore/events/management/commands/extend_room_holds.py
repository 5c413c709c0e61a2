"""coshore extend-room-holds: hold rooms for the occurrences of series that came within the
rooms' booking horizons (run daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coshore.events.services.rooms import extend_room_holds


class Command(BaseCommand):
    help = "Hold event rooms for series occurrences now within the rooms' booking horizon."

    def handle(self, *args: Any, **options: Any) -> None:
        held, clashes = extend_room_holds()
        self.stdout.write(f"held {held} occurrence(s); {clashes} already booked by others")
