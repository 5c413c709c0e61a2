"""Send the daily email digests that are due (run it from cron, e.g. hourly: each person gets
at most one digest in 23 hours, and running it twice or on two machines sends once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from coshore.notifications import services


class Command(BaseCommand):
    help = "Email each person with notifications waiting for the digest their daily digest."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_due_digests()
        self.stdout.write(f"sent {sent} digest(s)")
