"""Every state change of projects: opening, invitations, agreements, tasks, the thread, time,
client payments, closing and gallery consent.

Each service owns its transaction and records an Activity (never message content). Logging time
locks the person's account row first (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE
transactions already serialise writers), so two concurrent time entries can neither both slip
under a budget nor add up to more than 24 hours on a day.

One module per topic; this package re-exports their public names so callers write
`from coshore.projects import services` and `services.open_project(...)`.
"""

from ._shared import MAX_BODY, MAX_BRIEF, MAX_NOTE, MAX_TEAM, MAX_TITLE, parse_decimal  # noqa: F401
from .agreements import *  # noqa: F403
from .money import *  # noqa: F403
from .projects import *  # noqa: F403
from .work import *  # noqa: F403
