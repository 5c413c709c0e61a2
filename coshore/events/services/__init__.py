"""Every state change of events: creating, proposing, approving, editing and cancelling events
and single occurrences (events.py), their rooms held through the booking service (rooms.py),
registrations, the waitlist and check-in (registrations.py).

Each service owns its transaction and records an Activity; this package re-exports their
public names so callers write `from coshore.events import services`.
"""

from .events import *  # noqa: F403
from .registrations import *  # noqa: F403
from .rooms import *  # noqa: F403
