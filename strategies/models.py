"""The strategy catalog and each organization's local resources."""

from __future__ import annotations

from django.db import models

from harmplan.accounts.models import Organization


class ResourceQuerySet(models.QuerySet):
    def for_organization(self, organization: Organization):
        return self.filter(organization=organization)

    def for_help_page(self, organization: Organization):
        """Crisis lines first, then the other services, each group by name."""
        return (
            self.for_organization(organization)
            .annotate(
                crisis_first=models.Case(
                    models.When(kind=Resource.Kind.CRISIS_LINE, then=0), default=1
                )
            )
            .order_by("crisis_first", "name")
        )


class Resource(models.Model):
    """A local service an organization points its clients to."""

    class Kind(models.TextChoices):
        CRISIS_LINE = "crisis_line", "Crisis line"
        SYRINGE_SERVICES = "syringe_services", "Syringe services"
        NALOXONE = "naloxone", "Naloxone pick-up"
        DRUG_CHECKING = "drug_checking", "Drug checking"
        MOUD_CLINIC = "moud_clinic", "MOUD clinic (medications for opioid use disorder)"
        HOUSING = "housing", "Housing"
        MENTAL_HEALTH = "mental_health", "Mental health"
        OTHER = "other", "Other service"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="resources"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    hours = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def tel_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
