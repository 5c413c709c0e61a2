"""Calendar pages (month, week, list) of a space, a network, a city and "my events"
(`pages`); their iCalendar feeds and the "my events" secret feed (`feeds`); a space's
calendar import page (`imports`). Re-exported here for `urls_calendars`."""

from .feeds import city_ics, event_ics, my_feed, my_feed_link, network_ics, space_ics
from .imports import CalendarImportForm, import_page
from .pages import city_calendar, my_calendar, network_calendar, space_calendar

__all__ = [
    "CalendarImportForm",
    "city_calendar",
    "city_ics",
    "event_ics",
    "import_page",
    "my_calendar",
    "my_feed",
    "my_feed_link",
    "network_calendar",
    "network_ics",
    "space_calendar",
    "space_ics",
]
