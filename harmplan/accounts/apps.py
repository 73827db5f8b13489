from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harmplan.accounts"
    label = "accounts"
    verbose_name = "People and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions.limits import start

        user_logged_in.connect(start, dispatch_uid="harmplan-session-start")
