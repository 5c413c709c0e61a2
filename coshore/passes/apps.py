from django.apps import AppConfig


class PassesConfig(AppConfig):
    name = "coshore.passes"
    label = "passes"
