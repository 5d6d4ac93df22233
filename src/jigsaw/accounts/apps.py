from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jigsaw.accounts"
    label = "accounts"
    verbose_name = "Accounts"
