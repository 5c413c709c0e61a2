from django.apps import AppConfig


class MembershipsConfig(AppConfig):
    name = "coshore.memberships"
    label = "memberships"
