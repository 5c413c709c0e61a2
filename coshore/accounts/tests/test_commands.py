"""The `coshore createuser` and `coshore token` console commands."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coshore.accounts.models import AccessToken, User
from coshore.accounts.services import authenticate_token

from .factories import UserFactory

pytestmark = pytest.mark.django_db
STRONG = "Tramontana-1987-sails"


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_createuser_makes_a_verified_account() -> None:
    output = _run("createuser", "--email", "Ops@Example.org", "--password", STRONG, "--name", "Ops")
    user = User.objects.get()
    assert output == f"Created account ops@example.org (id {user.pk}).\n"
    assert (user.email, user.display_name, user.is_staff) == ("ops@example.org", "Ops", False)
    assert user.is_verified
    assert user.check_password(STRONG)


def test_createuser_staff() -> None:
    output = _run("createuser", "--email", "root@example.org", "--password", STRONG, "--staff")
    assert output.startswith("Created staff account root@example.org")
    assert User.objects.get().is_staff


def test_createuser_refuses_a_taken_email_and_weak_passwords() -> None:
    UserFactory(email="taken@example.org")
    with pytest.raises(CommandError, match=r"accounts\.email_taken"):
        _run("createuser", "--email", "TAKEN@example.org", "--password", STRONG)
    with pytest.raises(CommandError, match=r"accounts\.weak_password"):
        _run("createuser", "--email", "new@example.org", "--password", "1234")
    assert User.objects.count() == 1


def test_createuser_can_skip_validators_for_demo_accounts() -> None:
    _run(
        "createuser",
        "--email",
        "demo@example.org",
        "--password",
        "demo",
        "--skip-password-validation",
    )
    assert User.objects.get().check_password("demo")


def test_token_prints_only_the_token() -> None:
    user = UserFactory(email="ops@example.org")

    output = _run("token", "--email", "OPS@example.org", "--name", "deploy")

    token = output.strip()
    assert output == token + "\n"
    assert token.startswith("csh_")
    assert authenticate_token(token=token) == user
    assert AccessToken.objects.get().name == "deploy"


def test_token_for_an_unknown_account_fails() -> None:
    with pytest.raises(CommandError, match="No active account"):
        _run("token", "--email", "nobody@example.org")
    assert not AccessToken.objects.exists()


def test_console_entry_point_runs_the_commands(tmp_path: object) -> None:
    """`coshore token` goes through the same entry point as every management command."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "coshore", "token", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "--email" in result.stdout
