"""Expire booking requests their space's managers left unanswered (run it every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coshore.bookings import services


class Command(BaseCommand):
    help = "Expire booking requests left unanswered past their expiry; frees their seats."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        while True:
            count = services.expire_requests()
            total += count
            if count == 0:
                break
        self.stdout.write(f"expired {total} booking request(s)")
