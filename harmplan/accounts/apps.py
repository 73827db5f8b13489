from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "harmplan.accounts"
    label = "accounts"
    verbose_name = "People and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions.limits import start
        from .twofactor.services import note_at_sign_in

        # Django's login() is the one place every way of signing in passes through.
        user_logged_in.connect(start, dispatch_uid="harmplan-session-start")
        user_logged_in.connect(note_at_sign_in, dispatch_uid="harmplan-twofactor-due")
