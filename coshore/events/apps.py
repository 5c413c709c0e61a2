from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "coshore.events"
    label = "events"
