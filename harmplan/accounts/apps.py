from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "harmplan.accounts"
    label = "accounts"
    verbose_name = _("People and access")

    def ready(self) -> None:
        from . import person_cache
        from .dbroles import grant_app_role
        from .language import keep_chosen_language
        from .models import Membership, Organization, User
        from .reauth import note_sign_in
        from .sessions.limits import start
        from .twofactor.services import note_at_sign_in

        # Django's login() is the one place every way of signing in passes through.
        user_logged_in.connect(note_sign_in, dispatch_uid="harmplan-note-sign-in")
        user_logged_in.connect(start, dispatch_uid="harmplan-session-start")
        user_logged_in.connect(note_at_sign_in, dispatch_uid="harmplan-twofactor-due")
        user_logged_in.connect(keep_chosen_language, dispatch_uid="harmplan-keep-language")
        # The cached signed-in person is forgotten when they, their membership, organization or
        # plan (its zone: plans/apps.py) change; queryset updates call person_cache themselves.
        for signal in (post_save, post_delete):
            signal.connect(person_cache.on_user_change, sender=User, dispatch_uid="person-u")
            signal.connect(
                person_cache.on_membership_or_plan_change,
                sender=Membership,
                dispatch_uid="person-membership",
            )
            signal.connect(
                person_cache.on_organization_change, sender=Organization, dispatch_uid="person-o"
            )
        # Once per migrate run (this app's signal), after every table exists.
        post_migrate.connect(grant_app_role, sender=self, dispatch_uid="harmplan-grant-app-role")
