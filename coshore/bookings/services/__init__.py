"""Every state change about resources, bookings, check-ins and calendar feeds.

One module per topic; this package re-exports their public functions so callers write
`from coshore.bookings import services` and `services.book_resource(...)`.
"""

from .booking import *  # noqa: F403
from .checkins import *  # noqa: F403
from .desks import *  # noqa: F403
from .feeds import *  # noqa: F403
from .holds import *  # noqa: F403
from .resources import *  # noqa: F403
