"""The JSON API under /api/v1/: one NinjaAPI, one router per app."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema

from coshore.accounts.api import router as accounts_router
from coshore.accounts.auth import AUTH_OPTIONAL
from coshore.bookings.api import router as bookings_router
from coshore.core.api import StrictJsonParser, install_error_handlers
from coshore.events.api import router as events_router
from coshore.feed.api import router as feed_router
from coshore.memberships.api import router as memberships_router
from coshore.messaging.api import router as messaging_router
from coshore.notifications.api import router as notifications_router
from coshore.passes.api import router as passes_router
from coshore.projects.api import router as projects_router
from coshore.reputation.api import router as reputation_router
from coshore.skills.api import router as skills_router
from coshore.spaces.api import router as spaces_router
from coshore.wall.api import router as wall_router

api = NinjaAPI(
    title="Coshore API",
    version="1",
    description=(
        "Coshore: networks of coworking spaces. Errors share one shape "
        '`{"code", "message", "detail"}`. Authenticate with `Authorization: Bearer <token>` '
        "(personal access token) or the session cookie with CSRF."
    ),
    urls_namespace="api",
    parser=StrictJsonParser(),
    auth=AUTH_OPTIONAL,
)
install_error_handlers(api)


class PingOut(Schema):
    ok: bool


@api.get("/ping", response=PingOut, auth=None, tags=["meta"])
def ping(request: HttpRequest) -> dict[str, bool]:
    """A trivial endpoint: the baseline for benchmarks and a liveness probe."""
    return {"ok": True}


api.add_router("", accounts_router)
api.add_router("", spaces_router)
api.add_router("", skills_router)
api.add_router("", memberships_router)
api.add_router("", bookings_router)
api.add_router("", passes_router)
api.add_router("", projects_router)
api.add_router("", reputation_router)
api.add_router("", wall_router)
api.add_router("", events_router)
api.add_router("", notifications_router)
api.add_router("", messaging_router)
api.add_router("", feed_router)
