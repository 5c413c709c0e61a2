"""`coshore createuser --email E --password P [--staff] [--name N]`: a verified account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coshore.accounts.services import create_user
from coshore.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a verified account (for operators and scripts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="", help="display name (default: from the email)")
        parser.add_argument("--staff", action="store_true", help="give staff rights")
        parser.add_argument(
            "--skip-password-validation",
            action="store_true",
            help="accept a password the configured validators reject (demo accounts)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = create_user(
                actor=None,
                email=options["email"],
                password=options["password"],
                display_name=options["name"],
                is_staff=options["staff"],
                enforce_password_validators=not options["skip_password_validation"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        role = "staff account" if user.is_staff else "account"
        self.stdout.write(f"Created {role} {user.email} (id {user.pk}).")
