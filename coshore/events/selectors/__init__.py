"""Reads of events: the gate (events.py) and occurrences in a window (occurrences.py)."""

from .events import *  # noqa: F403
from .occurrences import *  # noqa: F403
