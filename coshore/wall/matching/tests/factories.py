"""Builders of matching features for the tests (plain dataclasses, no database)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from coshore.wall.matching.features import Candidate, Query, Viewer, WorkWindow

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)  # a Wednesday in winter
PY = "http://data.europa.eu/esco/skill/py"
SQL = "http://data.europa.eu/esco/skill/sql"
DA = "http://data.europa.eu/esco/skill/da"
JS = "http://data.europa.eu/esco/skill/js"
RUBY = "http://data.europa.eu/esco/skill/ruby"
LABELS = {PY: "Python", SQL: "SQL", DA: "data analytics", JS: "JavaScript", RUBY: "Ruby"}
_ids = itertools.count(1)


def post(kind: str = "offer", **kw: Any) -> Candidate:
    base: dict[str, Any] = dict(
        kind="post",
        id=next(_ids),
        owner_id=next(_ids) + 10_000,
        post_kind=kind,
        title="",
        text="",
        locality="remote",
        visibility="public",
        space_id=1,
        space_name="La Ruche",
        city="Paris",
        fresh_at=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=30),
        skill_labels=LABELS,
    )
    base.update(kw)
    return Candidate(**base)


def profile(**kw: Any) -> Candidate:
    base: dict[str, Any] = dict(
        kind="profile",
        id=next(_ids),
        owner_id=next(_ids) + 10_000,
        locality="remote",
        visibility="public",
        space_id=2,
        space_name="Morning",
        city="Lyon",
        skill_labels=LABELS,
    )
    base.update(kw)
    return Candidate(**base)


def query(subject: Candidate | None = None, viewer: Viewer | None = None, **kw: Any) -> Query:
    subject = subject or post("need")
    viewer = viewer or Viewer(user_id=subject.owner_id, space_ids=frozenset({1}))
    return Query(subject=subject, viewer=viewer, **kw)


def bare(c: Candidate) -> Candidate:
    """Without the factors a test does not look at (no freshness, no place)."""
    return replace(c, fresh_at=None, space_id=None, city="", space_name="")


def window(tz: str, start: int = 9, end: int = 18) -> WorkWindow:
    return WorkWindow(tz, start, end)
