from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from .api import api


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        {"code": "not_found", "message": "No such API endpoint.", "detail": {}}, status=404
    )


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("accounts/", include("coshore.accounts.urls")),
    path("", include("coshore.bookings.urls")),
    path("", include("coshore.memberships.urls")),
    path("", include("coshore.passes.urls")),
    path("", include("coshore.projects.urls")),
    path("", include("coshore.reputation.urls")),
    path("", include("coshore.wall.urls")),
    # Calendars first: their fixed paths (events/mine/, events/city/...) before events/<id>/.
    path("", include("coshore.events.urls_calendars")),
    path("", include("coshore.events.urls")),
    path("", include("coshore.notifications.urls")),
    path("", include("coshore.messaging.urls")),
    path("", include("coshore.feed.urls")),
    path("", include("coshore.spaces.urls")),
]
