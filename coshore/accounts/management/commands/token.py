"""`coshore token --email E [--name N]`: print a new personal access token, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coshore.accounts.models import User
from coshore.accounts.services import create_token
from coshore.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a personal access token for an account and print it (only the token, on "
        "stdout). It cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account with the email {options['email']!r}.")
        try:
            issued = create_token(user=user, name=options["name"], via="command")
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        self.stdout.write(issued.plaintext)
