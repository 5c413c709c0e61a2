from django.apps import AppConfig


class WallConfig(AppConfig):
    name = "coshore.wall"
    label = "wall"
