from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coshore.core"
    label = "core"
