"""Reads of events: the gate and occurrence ids (events.py), registrations
(registrations.py), and a minimal window listing (listing.py) until the calendar's
occurrences selector exists."""

from .events import *  # noqa: F403
from .listing import *  # noqa: F403
from .occurrences import *  # noqa: F403
from .registrations import *  # noqa: F403
