from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class StrategiesConfig(AppConfig):
    name = "strategies"
    verbose_name = "Strategy catalog and local resources"

    def ready(self) -> None:
        from .help_resources import on_resource_change
        from .models import Resource

        for signal in (post_save, post_delete):
            signal.connect(on_resource_change, sender=Resource, dispatch_uid="help-resources")
