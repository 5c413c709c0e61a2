"""Calendar pages, iCalendar feeds and the calendar import (see views/calendars.py)."""

from django.urls import path

from .views import calendars as views

app_name = "calendars"
urlpatterns = [
    path("spaces/<slug:slug>/events/", views.space_calendar, name="space"),
    path("spaces/<slug:slug>/events.ics", views.space_ics, name="space_ics"),
    path("spaces/<slug:slug>/events/import/", views.import_page, name="import"),
    path("networks/<slug:slug>/events/", views.network_calendar, name="network"),
    path("networks/<slug:slug>/events.ics", views.network_ics, name="network_ics"),
    path("events/city/<str:city>.ics", views.city_ics, name="city_ics"),
    path("events/city/<str:city>/", views.city_calendar, name="city"),
    path("events/mine/", views.my_calendar, name="mine"),
    path("events/mine/feed/", views.my_feed_link, name="my_feed_link"),
    path("events/feed/<str:secret>.ics", views.my_feed, name="my_feed"),
    path("events/<int:event_id>.ics", views.event_ics, name="event_ics"),
]
