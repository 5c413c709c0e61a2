"""Posting and closing while matching runs: threads post offers and close them while other
threads ask for the matches of a need (the selector and the API), each thread on its own
database connection. A post closed before a match query started never appears in its
results, whatever the process's index has seen, and nothing errs."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from coshore.skills.extraction import semantic
from coshore.wall import selectors, services
from coshore.wall.models import Post, PostEmbedding
from coshore.wall.tests.factories import PYTHON_URI, World, post

WRITERS = 2
POSTS_PER_WRITER = 8
READERS = 2


def _offer(author: Any, space: Any, n: int) -> Post:
    return post(
        author, space, kind="offer", title=f"Python pipelines {n}",
        text=f"I build data pipelines in Python, offer number {n}.",
        locality="remote", skills=[PYTHON_URI],
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_post_closed_before_a_match_query_never_appears_in_it(w: World, client_for: Any) -> None:
    need = post(w.poster, w.paris, locality="remote", tz_name="Europe/Paris")
    selectors.get_matches(user=w.poster, post=need)  # the index exists before the race
    closed_at: dict[int, float] = {}  # post id -> when its close committed (monotonic)
    lock = threading.Lock()
    errors: list[str] = []
    violations: list[tuple[int, str]] = []
    seen: set[int] = set()
    writing = threading.Event()
    writing.set()
    api = client_for(w.poster)
    authors = [(w.network_member, w.lyon), (w.neighbour, w.paris)]

    def writer(author: Any, space: Any, offset: int) -> None:
        try:
            for n in range(offset, offset + POSTS_PER_WRITER):
                offer = _offer(author, space, n)
                time.sleep(0.01)
                services.close_post(post=offer, user=author, outcome="withdrawn")
                with lock:
                    closed_at[offer.pk] = time.monotonic()
        except Exception as exc:
            errors.append(f"writer: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    def reader(via_api: bool) -> None:
        client = Client() if via_api else None
        if client is not None:
            client.cookies = api.cookies
        try:
            while writing.is_set():
                started = time.monotonic()
                with lock:
                    closed_before = {pk for pk, at in closed_at.items() if at < started}
                if client is not None:
                    r = client.get(f"/api/v1/wall/posts/{need.pk}/matches?limit=50")
                    if r.status_code != 200:
                        errors.append(f"api {r.status_code}: {r.content[:200]!r}")
                        continue
                    ids = {i["id"] for i in r.json()["items"] if i["kind"] == "post"}
                else:
                    items = selectors.get_matches(user=w.poster, post=need, limit=50)
                    ids = {i.id for i in items if i.kind == "post"}
                with lock:
                    seen.update(ids)
                    violations.extend((pk, "api" if via_api else "selector")
                                      for pk in ids & closed_before)  # fmt: skip
        except Exception as exc:
            errors.append(f"reader: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    writers = [
        threading.Thread(target=writer, args=(a, s, 100 * i))
        for i, (a, s) in enumerate(authors[:WRITERS])
    ]
    readers = [threading.Thread(target=reader, args=(i % 2 == 1,)) for i in range(READERS)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(timeout=300)
    writing.clear()
    for t in readers:
        t.join(timeout=60)

    assert errors == []
    assert violations == []
    assert len(closed_at) == WRITERS * POSTS_PER_WRITER
    # The race was real: readers saw offers that were open at the time.
    assert seen
    assert selectors.get_matches(user=w.poster, post=need, limit=50) == []
    if semantic.is_available():  # the index path ran: every post was embedded on commit
        assert PostEmbedding.objects.count() == 1 + WRITERS * POSTS_PER_WRITER
