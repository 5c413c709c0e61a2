from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coshore.notifications"
    label = "notifications"
