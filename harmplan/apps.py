from django.apps import AppConfig


class HarmplanConfig(AppConfig):
    name = "harmplan"
    verbose_name = "HarmPlan"
