from django.apps import AppConfig


class ReputationConfig(AppConfig):
    name = "coshore.reputation"
    label = "reputation"
