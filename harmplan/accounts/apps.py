from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "harmplan.accounts"
    label = "accounts"
    verbose_name = "People and access"

    def ready(self) -> None:
        from .dbroles import grant_app_role
        from .language import keep_chosen_language
        from .reauth import note_sign_in
        from .sessions.limits import start
        from .twofactor.services import note_at_sign_in

        # Django's login() is the one place every way of signing in passes through.
        user_logged_in.connect(note_sign_in, dispatch_uid="harmplan-note-sign-in")
        user_logged_in.connect(start, dispatch_uid="harmplan-session-start")
        user_logged_in.connect(note_at_sign_in, dispatch_uid="harmplan-twofactor-due")
        user_logged_in.connect(keep_chosen_language, dispatch_uid="harmplan-keep-language")
        # Once per migrate run (this app's signal), after every table exists.
        post_migrate.connect(grant_app_role, sender=self, dispatch_uid="harmplan-grant-app-role")
