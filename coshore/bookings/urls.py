"""Pages of the bookings app; each views module lists its own patterns."""

from .views.calendar import urlpatterns as calendar_urls
from .views.checkins import urlpatterns as checkin_urls

app_name = "bookings"
urlpatterns = [*calendar_urls, *checkin_urls]
