"""Expire pass requests their host left unanswered until the day passed (run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coshore.passes import services


class Command(BaseCommand):
    help = "Expire pass requests whose day has passed at the host without an answer."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        while True:
            count = services.expire_pass_requests()
            total += count
            if count == 0:
                break
        self.stdout.write(f"expired {total} pass request(s)")
