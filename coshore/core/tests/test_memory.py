"""Long-lived objects are frozen out of later garbage collections once a process warms up."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.test import Client

from coshore.core import memory


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """A request count from one; the request numbers that froze, recorded (undone after)."""
    memory.reset_request_count()
    gc.unfreeze()
    frozen_at: list[int] = []
    real = memory.freeze_long_lived
    served = [0]

    def record() -> None:
        frozen_at.append(served[0])
        real()

    def counting(sender: object = None, **kwargs: object) -> None:
        served[0] += 1
        on_request_finished(sender, **kwargs)

    on_request_finished = memory.on_request_finished
    monkeypatch.setattr(memory, "freeze_long_lived", record)
    monkeypatch.setattr(memory, "on_request_finished", counting)
    yield frozen_at
    gc.unfreeze()
    memory.reset_request_count()


def test_freezes_after_requests_1_10_100_and_1000_only(fresh_process: list[int]) -> None:
    for _ in range(1200):
        memory.on_request_finished()
    assert fresh_process == [1, 10, 100, 1000]


def test_frozen_objects_leave_the_collected_generations(fresh_process: list[int]) -> None:
    survivor = [object() for _ in range(1000)]
    memory.on_request_finished()
    assert gc.get_freeze_count() >= len(survivor)
    assert not any(survivor is o for o in gc.get_objects(generation=2))


@pytest.mark.django_db
def test_a_served_request_counts(fresh_process: list[int]) -> None:
    Client().get("/")
    assert len(fresh_process) == 1
    assert gc.get_freeze_count() > 0
