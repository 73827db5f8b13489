from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harmplan.accounts"
    label = "accounts"
    verbose_name = "People and access"
