"""People, organizations, roles, caseloads, invitations and the access log."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.models import Device, ThrottlingMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    CLIENT = "client", _("Client")
    COUNSELOR = "counselor", _("Counselor")
    ORG_ADMIN = "org_admin", _("Organization admin")


# Neutral icons shipped in static/icons/: none of them hints at what the app is for.
ICON_CHOICES = [
    ("icons/check.svg", _("A tick in a circle")),
    ("icons/leaf.svg", _("A leaf")),
    ("icons/sun.svg", _("A sun")),
    ("icons/calendar.svg", _("A calendar page")),
]
DEFAULT_ICON = ICON_CHOICES[0][0]
DEFAULT_DISPLAY_NAME = "Check-in"
DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"


class Organization(models.Model):
    # The organization's own legal or internal name, for staff and the admin. Clients see
    # `display_name`, which may be someone else's phone screen: keep it neutral.
    name = models.CharField(_("name"), max_length=200, unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        default=DEFAULT_DISPLAY_NAME,
        help_text=_(
            "The name people see in tab titles, the header, emails and on the home screen. "
            "Keep it neutral: it may be seen on a shared phone."
        ),
    )
    icon = models.CharField(
        _("icon"),
        max_length=100,
        choices=ICON_CHOICES,
        default=DEFAULT_ICON,
        help_text=_("The icon in the browser tab and on the home screen."),
    )
    exit_url = models.URLField(
        _("Quick exit goes to"),
        default=DEFAULT_EXIT_URL,
        validators=[URLValidator(schemes=["https"])],
        help_text=_(
            "A neutral website that “Exit this page” opens, such as a weather or news page."
        ),
    )
    emergency_number = models.CharField(
        _("emergency number"),
        max_length=20,
        default="911",
        help_text=_("The number to call in an emergency where you are."),
    )
    client_idle_minutes = models.PositiveSmallIntegerField(
        _("minutes before an idle client is signed out"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(30)],
        help_text=_("Between 5 and 30. Shorter is safer on shared phones."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


# django-otp has no types, so the checker cannot follow its devices' relation to User.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who signs in. Email and phone are optional: many clients have neither for long."""

    # Set on the signed-in user by django-otp's OTPMiddleware: signed in with a second step.
    is_verified: Callable[[], bool]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=80,
        blank=True,
        help_text=_("What you would like to be called."),
    )
    # The language of this person's pages, emails and reminders. Empty: the browser's language.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    # Raised to end every session of this person at once ("Sign out everywhere", a second factor
    # reset). It is part of the session hash Django checks on every request, so it works with any
    # session engine, database or cache.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    def _get_session_auth_hash(self, secret=None) -> str:
        if not self.session_epoch:
            # Sessions from before epochs. A private Django method, which the stubs leave out.
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        key_salt = "harmplan.accounts.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_program_staff(self) -> bool:
        """Counselors, org admins and catalog staff: people who must use a second factor."""
        return self.is_staff or self.role in (Role.COUNSELOR, Role.ORG_ADMIN)

    @property
    def membership_or_none(self) -> Membership | None:
        # One query for the role and the organization together: every page shows the
        # organization's name (harmplan/branding.py). Kept where `user.membership` looks too.
        cache = self._state.fields_cache
        if self.pk is None:
            return None
        if "membership" not in cache:
            cache["membership"] = (
                Membership.objects.select_related("organization").filter(user=self).first()
            )
        return cache["membership"]

    @property
    def role(self) -> str | None:
        membership = self.membership_or_none
        return membership.role if membership else None

    @property
    def organization(self) -> Organization | None:
        membership = self.membership_or_none
        return membership.organization if membership else None

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_counselor(self) -> bool:
        return self.role == Role.COUNSELOR

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ORG_ADMIN

    @property
    def display_name(self) -> str:
        return person_name(self.preferred_name, self.first_name, self.last_name, self.username)


def person_name(preferred_name: str, first_name: str, last_name: str, username: str) -> str:
    """How a person is named to others: the name they chose, else their full name, else their
    username. Pages that list many people read these four columns instead of whole rows."""
    full_name = f"{first_name} {last_name}".strip()  # AbstractUser.get_full_name
    return preferred_name or full_name or username


class Membership(models.Model):
    """A person's one organization and role in it."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organization})"


class CareAssignment(models.Model):
    """A counselor's caseload: one row per counselor and client."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE
    )
    counselor = models.ForeignKey(
        User, verbose_name=_("counselor"), on_delete=models.CASCADE, related_name="caseload"
    )
    client = models.ForeignKey(
        User, verbose_name=_("client"), on_delete=models.CASCADE, related_name="care_team"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Shown to the client ("who saw my records"): an admin can give themselves a counselor
    # account, so who put someone on a care team is never hidden.
    added_by = models.ForeignKey(
        User,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("care assignment")
        verbose_name_plural = _("care assignments")
        constraints = [
            models.UniqueConstraint(fields=["counselor", "client"], name="one_assignment_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.counselor} → {self.client}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A one-time, expiring way in. Only hashes of the link token and short code are stored."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CLIENT)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    counselor = models.ForeignKey(
        User,
        verbose_name=_("counselor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The counselor the new client is assigned to."),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        User,
        verbose_name=_("used by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Invitation to {self.organization} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class EmailChange(models.Model):
    """A new email address waiting for its confirmation link to be opened.

    Until then reminders and password resets keep going to `old_email` (User.email): an address
    typed on someone else's phone never becomes the way into the account.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="email_changes"
    )
    new_email = models.EmailField(_("new email"))
    old_email = models.EmailField(_("old email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email change")
        verbose_name_plural = _("email changes")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"Email change for {self.user}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")


class AccessEvent(models.Model):
    """Who read or changed a client's records. Rows are never updated or deleted.

    On PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE too, so raw SQL cannot
    rewrite history either.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Added")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Removed")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    # Empty for the organization's own records: staff invitations and staff accounts.
    client = models.ForeignKey(
        User,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="access_events",
        null=True,
        blank=True,
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    # What was touched, in words a client understands ("plan", "goal"), and its id.
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")

    @property
    def description(self) -> str:
        """What happened, as one sentence the client reads ("Viewed your plan")."""
        return access_description(self.action, self.object_type)


def access_description(action: str, object_type: str) -> str:
    """An access event's action and object type as one sentence the client reads."""
    sentence = ACCESS_SENTENCES.get(action)
    thing = ACCESS_OBJECTS.get(object_type, object_type)
    if sentence is None:
        label = dict(AccessEvent.Action.choices).get(action, action)  # get_action_display
        return f"{label} {thing}"
    return str(sentence) % {"thing": thing}


# One whole sentence per action. Translators: %(thing)s is one of the "your records" nouns below,
# already with its own possessive in Spanish ("tu plan", "tus pasos").
ACCESS_SENTENCES: dict[str, StrOrPromise] = {
    AccessEvent.Action.VIEW: _("Viewed your %(thing)s"),
    AccessEvent.Action.CREATE: _("Added your %(thing)s"),
    AccessEvent.Action.UPDATE: _("Changed your %(thing)s"),
    AccessEvent.Action.DELETE: _("Removed your %(thing)s"),
    AccessEvent.Action.EXPORT: _("Exported your %(thing)s"),
}
# AccessEvent.object_type values (stored in English: they are part of the log) as the client
# reads them ("your records": the context, for translators); a type not listed shows as stored.
ACCESS_OBJECTS = {
    "plan": pgettext_lazy("your records", "plan"),
    "plan summary": pgettext_lazy("your records", "plan summary"),
    "plan PDF": pgettext_lazy("your records", "plan PDF"),
    "goal": pgettext_lazy("your records", "goal"),
    "goal step": pgettext_lazy("your records", "goal step"),
    "goal steps": pgettext_lazy("your records", "goal steps"),
    "goal strategy": pgettext_lazy("your records", "goal strategy"),
    "profile": pgettext_lazy("your records", "profile"),
    "care team": pgettext_lazy("your records", "care team"),
    "consents": pgettext_lazy("your records", "consents"),
    "account": pgettext_lazy("your records", "account"),
    "service given": pgettext_lazy("your records", "service given"),
    "records in an emergency": pgettext_lazy("your records", "records in an emergency"),
    "review": pgettext_lazy("your records", "review"),
    "outcome": pgettext_lazy("your records", "outcome"),
    "version": pgettext_lazy("your records", "version"),
    "check-ins": pgettext_lazy("your records", "check-ins"),
    "progress": pgettext_lazy("your records", "progress"),
}


class SecurityEvent(models.Model):
    """Changes to how a person signs in (second step set up or reset, sessions ended).

    Append-only, like the access log."""

    class Kind(models.TextChoices):
        TWOFACTOR_ON = "twofactor_on", _("Two-step sign-in set up")
        TWOFACTOR_OFF = "twofactor_off", _("Two-step sign-in turned off")
        TWOFACTOR_RESET = "twofactor_reset", _("Two-step sign-in reset by an admin")
        RECOVERY_CODES = "recovery_codes", _("New recovery codes made")
        RECOVERY_CODE_USED = "recovery_used", _("Recovery code used")
        SIGNED_OUT_EVERYWHERE = "signed_out_all", _("Signed out everywhere")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        User, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="security_events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.kind} {self.subject}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Security events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Security events are append-only.")


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """One-time recovery codes, for when the authenticator app is lost.

    django-otp's static tokens are stored as plain text; here only a hash of each code is kept,
    and a code is spent by a conditional update, so two requests cannot both use it.
    """

    class Meta(Device.Meta):
        verbose_name = _("recovery code device")

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _why = self.verify_is_allowed()
        if not allowed:
            return False
        code_hash = hash_secret(normalize_recovery_code(str(token)))
        spent = self.codes.filter(code_hash=code_hash, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if spent:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


def normalize_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "code_hash"])]


EMERGENCY_ACCESS_HOURS = 4


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class EmergencyAccess(models.Model):
    """A counselor covering for a colleague opens a client's plan for a few hours, with a reason.

    The client sees it in "who saw my records" and the org admin reviews every one.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE
    )
    counselor = models.ForeignKey(
        User, verbose_name=_("counselor"), on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        User, verbose_name=_("client"), on_delete=models.PROTECT, related_name="emergency_access"
    )
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency access")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["client", "counselor", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.counselor} → {self.client} until {self.expires_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def default_expiry(start):
        return start + timedelta(hours=EMERGENCY_ACCESS_HOURS)
