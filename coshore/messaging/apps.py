from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "coshore.messaging"
    label = "messaging"
    verbose_name = "Direct messages"
