from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "coshore.activity"
    label = "activity"
