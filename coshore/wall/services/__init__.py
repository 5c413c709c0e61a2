"""Every state change of the wall: posting, editing, closing and renewing posts, replies, and
the space screen.

Each service owns its transaction and records an Activity (metadata only: never a post's or a
message's text). One module per topic; this package re-exports their public names so callers
write `from coshore.wall import services` and `services.create_post(...)`.
"""

from ._shared import MAX_BODY, MAX_TEXT, MAX_TITLE, parse_amount  # noqa: F401
from .introductions import *  # noqa: F403
from .posts import *  # noqa: F403
from .replies import *  # noqa: F403
from .screens import *  # noqa: F403
