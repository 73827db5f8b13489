"""The client's records, the client's choice: sharing with consent, privacy, closing the account.

- RecordsPolicy: an organization's defaults (grace period before an account is deleted; whether
  check-in notes are private from the care team unless the client says otherwise).
- PrivacyChoice: one client's own choice about what their care team sees.
- Consent: a written consent to share outside the program (42 CFR Part 2 §2.31). Only a hash of
  a shared link's key is stored.
- Disclosure: one row for each time something was shared under a consent (the accounting of
  disclosures). Rows are never changed or deleted, and are kept when an account is closed.
- AccountClosure: a client's request to close their account, deleted after a grace period.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_GRACE_DAYS = 14


class RecordsPolicy(models.Model):
    """An organization's choices for its clients' records. No row: the defaults below."""

    organization = models.OneToOneField(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="records_policy",
        verbose_name=_("organization"),
    )
    closing_grace_days = models.PositiveSmallIntegerField(
        _("Days before a closed account is deleted"),
        default=DEFAULT_GRACE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("In this time the client can change their mind with one click."),
    )
    notes_private_by_default = models.BooleanField(
        _("Keep check-in notes and feelings from the care team unless the client shares them"),
        default=False,
    )

    class Meta:
        verbose_name = _("records policy")
        verbose_name_plural = _("records policies")

    def __str__(self) -> str:
        return f"Records policy of {self.organization}"


class PrivacyChoice(models.Model):
    """What one client lets their care team see. Null: the organization's default."""

    client = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_choice",
        verbose_name=_("client"),
    )
    notes_private = models.BooleanField(null=True, blank=True, verbose_name=_("notes kept private"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("privacy choice")
        verbose_name_plural = _("privacy choices")

    def __str__(self) -> str:
        return f"Privacy choice of {self.client}"


class Shares(models.TextChoices):
    PLAN = "plan", _("My plan")
    CHECKINS = "checkins", _("My check-ins")
    BOTH = "both", _("My plan and my check-ins")


class Method(models.TextChoices):
    PDF = "pdf", _("A PDF file that I give them")
    LINK = "link", _("A link they can open to read it")


class ConsentQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None):
        return self.filter(
            revoked_at__isnull=True, expired_at__isnull=True, expires_at__gt=now or timezone.now()
        )

    def due_to_expire(self, now: datetime):
        return self.filter(revoked_at__isnull=True, expired_at__isnull=True, expires_at__lte=now)


class Consent(models.Model):
    """A client's written consent to share records with someone outside the program.

    Kept when the account is closed: the law asks programs to keep the consent and the record
    of what was shared under it.
    """

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public id")
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("client"),
    )
    # The program that shares, at the time of signing (§2.31(a)(2)).
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("organization"),
    )
    recipient = models.CharField(_("Who you share with"), max_length=200)
    shares = models.CharField(_("What you share"), max_length=10, choices=Shares.choices)
    method = models.CharField(_("How you share it"), max_length=8, choices=Method.choices)
    purpose = models.CharField(_("Why you share it"), max_length=300)
    expires_on = models.DateField(_("Until"))
    expires_event = models.CharField(_("Or until this happens"), max_length=200, blank=True)
    # The end of `expires_on` in the client's time zone, so expiry needs no zone maths later.
    expires_at = models.DateTimeField(verbose_name=_("ends at"))
    signature = models.CharField(_("Your name, as your signature"), max_length=120)
    signed_on = models.DateField(verbose_name=_("signed on"))
    time_zone = models.CharField(max_length=64, verbose_name=_("time zone"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("stopped at"))
    expired_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))
    # Why it stopped early when the client did not revoke it themselves ("account closing").
    ended_reason = models.CharField(max_length=40, blank=True, verbose_name=_("why it ended"))
    # Only the SHA-256 of the link's key; null for PDF consents and once the link is stopped.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="consent_expiry")]

    def __str__(self) -> str:
        return f"Consent {self.public_id}"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expired_at or self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def includes_plan(self) -> bool:
        return self.shares in (Shares.PLAN, Shares.BOTH)

    @property
    def includes_checkins(self) -> bool:
        return self.shares in (Shares.CHECKINS, Shares.BOTH)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The accounting of disclosures is append-only.")

    def delete(self):
        raise PermissionError("The accounting of disclosures is append-only.")


class Disclosure(models.Model):
    """One time records left the program under a consent: a PDF made or a shared link opened."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF downloaded")
        LINK_VIEW = "link_view", _("Link opened")

    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("consent")
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("when"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("how"))
    # What was shared, copied from the consent at that moment.
    shares = models.CharField(max_length=10, choices=Shares.choices, verbose_name=_("what"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["consent", "-at"], name="disclosure_history")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The accounting of disclosures is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The accounting of disclosures is append-only.")


class AccountClosureQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(cancelled_at__isnull=True, completed_at__isnull=True)

    def due(self, now: datetime):
        return self.pending().filter(delete_after__lte=now)


class AccountClosure(models.Model):
    """A client asked to close their account. Deleted at `delete_after` unless cancelled.

    The row stays after deletion as the record that it happened, with the counts of what was
    deleted and kept (no content).
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_closures",
        verbose_name=_("client"),
    )
    requested_at = models.DateTimeField(default=timezone.now, verbose_name=_("asked at"))
    delete_after = models.DateTimeField(verbose_name=_("delete after"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("deleted at"))
    # The reminders' pause before closing, so cancelling puts reminders back as they were.
    paused_until_before = models.DateField(null=True, blank=True)
    had_reminders = models.BooleanField(default=False)
    # {"deleted": {"plan": 1, "check-ins": 40, …}, "kept": {"access log": 12, …}}
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))

    objects = AccountClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("account closure")
        verbose_name_plural = _("account closures")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(cancelled_at__isnull=True, completed_at__isnull=True),
                name="one_pending_closure_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"Account closure {self.pk}"
