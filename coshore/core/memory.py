"""Garbage collection in a long-running web process.

A collection of Python's oldest generation walks every object the collector tracks, and a
warmed-up process holds a few hundred thousand long-lived ones (modules, URL patterns, API
schemas, caches, a loaded model's layers): at a million wall posts one such collection took
114 ms, once every 150 requests or so, the whole tail of the matches endpoint.

What is alive once the process has warmed up lives as long as the process. It is moved to the
permanent generation (`gc.freeze`), which later collections skip: after the process's
requests number 1, 10, 100 and 1,000 (lazy imports and caches fill on first use, and a
request may build the wall's index). Collections then walk only what requests created since.
The cost: a reference cycle that was already garbage at a freeze is never collected, a
bounded amount at four moments in a process's life.
"""

from __future__ import annotations

import gc
import itertools
from typing import Any

FREEZE_AFTER = frozenset({1, 10, 100, 1000})

_requests = itertools.count(1)


def freeze_long_lived() -> None:
    """Move every object alive now to the permanent generation."""
    gc.freeze()


def on_request_finished(sender: Any = None, **kwargs: Any) -> None:
    """`request_finished` receiver: freeze after the requests counted in FREEZE_AFTER."""
    if next(_requests) in FREEZE_AFTER:
        freeze_long_lived()


def reset_request_count() -> None:
    """Count requests from one again (tests)."""
    global _requests
    _requests = itertools.count(1)
