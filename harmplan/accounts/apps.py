from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "harmplan.accounts"
    label = "accounts"
    verbose_name = "People and access"

    def ready(self) -> None:
        from .dbroles import grant_app_role

        # Once per migrate run (this app's signal), after every table exists.
        post_migrate.connect(grant_app_role, sender=self, dispatch_uid="harmplan-grant-app-role")
