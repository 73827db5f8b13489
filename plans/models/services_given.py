"""What a counselor handed over or arranged in session: supplies, vaccinations, tests, referrals.

Naloxone is counted in doses, not kits, as funders ask (a kit of two nasal sprays is 2 doses).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from harmplan.accounts.models import Organization
from strategies.models import Resource


class ServiceKind(models.TextChoices):
    NALOXONE = "naloxone", _("Naloxone doses")
    FENTANYL_STRIPS = "fentanyl_strips", _("Fentanyl test strips")
    XYLAZINE_STRIPS = "xylazine_strips", _("Xylazine test strips")
    SYRINGES = "syringes", _("Syringes")
    OTHER_SUPPLIES = "other_supplies", _("Other supplies")
    VACCINATION = "vaccination", _("Vaccination")
    TEST = "test", _("Test")
    REFERRAL = "referral", _("Referral")


# The kinds counted in items; the others are one event each.
COUNTED_KINDS = {
    ServiceKind.NALOXONE,
    ServiceKind.FENTANYL_STRIPS,
    ServiceKind.XYLAZINE_STRIPS,
    ServiceKind.SYRINGES,
    ServiceKind.OTHER_SUPPLIES,
}


class ReferralOutcome(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet")
    ATTENDED = "attended", _("Attended")


class ServiceGivenQuerySet(models.QuerySet):
    def for_client(self, client):
        return self.filter(client=client)


class ServiceGiven(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="services_given",
        verbose_name=_("client"),
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counselor"),
    )
    kind = models.CharField(_("What"), max_length=20, choices=ServiceKind.choices)
    count = models.PositiveIntegerField(
        _("How many"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    given_on = models.DateField(_("Date"))
    resource = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred to"),
    )
    outcome = models.CharField(
        _("Outcome"), max_length=10, choices=ReferralOutcome.choices, blank=True
    )
    outcome_at = models.DateTimeField(null=True, blank=True, verbose_name=_("outcome set at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    objects = ServiceGivenQuerySet.as_manager()

    class Meta:
        verbose_name = _("service given")
        verbose_name_plural = _("services given")
        ordering = ["-given_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "given_on"]),
            models.Index(fields=["client", "-given_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="service_count_positive"),
            # A referral names the resource and has an outcome; nothing else has either.
            models.CheckConstraint(
                condition=Q(
                    kind="referral", resource__isnull=False, outcome__in=["not_yet", "attended"]
                )
                | (~Q(kind="referral") & Q(resource__isnull=True, outcome="")),
                name="referral_has_resource_and_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.count} on {self.given_on}"
