"""Reads about resources, bookings, check-ins and feeds, already scoped to the caller.

One module per topic, re-exported here.
"""

from .booking import *  # noqa: F403
from .checkins import *  # noqa: F403
from .feeds import *  # noqa: F403
