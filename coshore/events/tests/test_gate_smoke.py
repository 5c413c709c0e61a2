"""The event gate compiles into one query for every kind of viewer (the matrix is in
test_visibility)."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.events.selectors import visible_events

pytestmark = pytest.mark.django_db


def test_the_gate_runs_for_anonymous_members_and_staff(make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert list(visible_events(AnonymousUser())) == []
    assert list(visible_events(make_user("m@example.org"))) == []
    assert list(visible_events(make_user("s@example.org", staff=True))) == []
