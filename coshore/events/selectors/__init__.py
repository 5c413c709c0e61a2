"""Reads of events: the gate and occurrence ids (events.py), registrations
(registrations.py), occurrences in a window (occurrences.py: the calendars', the feeds' and
the API's one read) and the API's query over it (listing.py)."""

from .events import *  # noqa: F403
from .listing import *  # noqa: F403
from .occurrences import *  # noqa: F403
from .registrations import *  # noqa: F403
