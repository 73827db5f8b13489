from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from harmplan.accounts import person_cache

        from .models import Plan

        # The signed-in person is cached with their plan's zone (harmplan/accounts/person_cache.py).
        for signal in (post_save, post_delete):
            signal.connect(
                person_cache.on_membership_or_plan_change, sender=Plan, dispatch_uid="person-plan"
            )
