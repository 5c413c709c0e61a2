from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "coshore.feed"
    label = "feed"
