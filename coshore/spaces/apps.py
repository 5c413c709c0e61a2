from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "coshore.spaces"
    label = "spaces"
