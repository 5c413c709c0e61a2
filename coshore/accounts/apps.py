from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coshore.accounts"
    label = "accounts"
