"""Writes for people and access. Each function is one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import person_cache
from .access import record_access
from .models import (
    AccessEvent,
    CareAssignment,
    EmailChange,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
    hash_secret,
)

# No 0/O or 1/I/L: the code is read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class InvitationError(Exception):
    """Why an invitation cannot be used, in words for the person holding it."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str
    code: str

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@transaction.atomic
def invitation_create(
    *,
    invited_by: User,
    role: str = Role.CLIENT,
    counselor: User | None = None,
    ip: str | None = None,
) -> IssuedInvitation:
    organization = invited_by.organization
    if organization is None or not (invited_by.is_counselor or invited_by.is_org_admin):
        raise PermissionError("Only counselors and organization admins can invite people.")
    if role != Role.CLIENT and not invited_by.is_org_admin:
        raise PermissionError("Only organization admins can invite staff.")
    if role == Role.CLIENT and counselor is None and invited_by.is_counselor:
        counselor = invited_by
    if counselor and counselor.organization != organization:
        raise PermissionError("The counselor must work in the same organization.")
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invitation = Invitation.objects.create(
        organization=organization,
        role=role,
        invited_by=invited_by,
        counselor=counselor if role == Role.CLIENT else None,
        token_hash=hash_secret(token),
        code_hash=hash_secret(code),
        expires_at=timezone.now() + timedelta(days=settings.HARMPLAN["INVITATION_DAYS"]),
    )
    if role != Role.CLIENT:
        # A staff account can be put on any client's care team: inviting one is on the record.
        record_access(
            actor=invited_by,
            client=None,
            action=AccessEvent.Action.CREATE,
            object_type="staff invitation",
            object_id=invitation.pk,
            ip=ip,
        )
    return IssuedInvitation(invitation=invitation, token=token, code=code)


# One answer for an unknown, used or expired invitation, so a guesser learns nothing from it.
INVITATION_UNUSABLE = _(
    "This invitation cannot be used. Check the code or link. If you made your account with it "
    "already, sign in. If not, ask the person who invited you for a new one."
)


def invitation_check(invitation: Invitation | None) -> Invitation:
    if invitation is None or invitation.used_at or invitation.is_expired:
        raise InvitationError(INVITATION_UNUSABLE)
    return invitation


def invitation_find(*, token: str = "", code: str = "") -> Invitation:
    """The invitation behind a link token or short code, or InvitationError saying why not."""
    if token:
        lookup = {"token_hash": hash_secret(token)}
    else:
        lookup = {"code_hash": hash_secret(normalize_code(code))}
    invitation = Invitation.objects.select_related("organization").filter(**lookup).first()
    return invitation_check(invitation)


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    username: str,
    password: str,
    email: str = "",
    phone: str = "",
    preferred_name: str = "",
    ip: str | None = None,
) -> User:
    # Lock the row so that two people racing on one link cannot both get in.
    invitation = invitation_check(
        Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    )
    user = User(username=username, email=email, phone=phone, preferred_name=preferred_name)
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, organization=invitation.organization, role=invitation.role)
    if invitation.role != Role.CLIENT:
        record_access(
            actor=user,
            client=None,
            action=AccessEvent.Action.CREATE,
            object_type="staff account",
            object_id=invitation.pk,
            ip=ip,
        )
    elif invitation.counselor is not None:
        _assign(
            organization=invitation.organization,
            counselor=invitation.counselor,
            client=user,
            added_by=invitation.invited_by,
            ip=None,  # the client's own address, not the one of who added the counselor
        )
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return user


def _assign(
    *,
    organization: Organization,
    counselor: User,
    client: User,
    added_by: User | None,
    ip: str | None,
) -> CareAssignment:
    assignment, created = CareAssignment.objects.get_or_create(
        counselor=counselor,
        client=client,
        defaults={"organization": organization, "added_by": added_by},
    )
    if created and added_by is not None:
        record_access(
            actor=added_by,
            client=client,
            action=AccessEvent.Action.CREATE,
            object_type="care team",
            object_id=counselor.public_id,
            ip=ip,
        )
    return assignment


@transaction.atomic
def assignment_create(
    *,
    organization: Organization,
    counselor: User,
    client: User,
    by: User | None = None,
    ip: str | None = None,
) -> CareAssignment:
    """Put `client` on `counselor`'s caseload; `by` (an org admin) is in the client's access log
    and on their care team list."""
    if counselor.organization != organization or not counselor.is_counselor:
        raise PermissionError("That counselor is not in this organization.")
    if client.organization != organization or not client.is_client:
        raise PermissionError("That client is not in this organization.")
    return _assign(
        organization=organization, counselor=counselor, client=client, added_by=by, ip=ip
    )


@transaction.atomic
def assignment_remove(
    *, assignment: CareAssignment, by: User | None = None, ip: str | None = None
) -> None:
    if by is not None:
        record_access(
            actor=by,
            client=assignment.client,
            action=AccessEvent.Action.DELETE,
            object_type="care team",
            object_id=assignment.counselor.public_id,
            ip=ip,
        )
    assignment.delete()


@transaction.atomic
def membership_create(*, user: User, organization: Organization, role: str) -> Membership:
    return Membership.objects.update_or_create(
        user=user, defaults={"organization": organization, "role": role}
    )[0]


# Contact details: changed only after re-authentication (reauth.py); a new email address only
# after its confirmation link is opened.

EMAIL_CHANGE_SALT = "harmplan.accounts.email-change"
EMAIL_CHANGE_DAYS = 3


class EmailChangeError(Exception):
    """Why a confirmation link does not work, in words for the person holding it."""


def _enqueue(task: str, object_id: int) -> None:
    # By name (harmplan/accounts/tasks.py), so that services never import the tasks that use them.
    current_app.signature(f"harmplan.accounts.tasks.{task}").delay(object_id)


def email_change_token(change: EmailChange) -> str:
    return signing.dumps(change.pk, salt=EMAIL_CHANGE_SALT)


@transaction.atomic
def contact_change(*, user: User, email: str, phone: str) -> EmailChange | None:
    """Save a phone number now; start confirming a new email address. Re-authenticate first."""
    if phone != user.phone:
        user.phone = phone
        user.save(update_fields=["phone"])
    email = User.objects.normalize_email(email)
    if email.lower() == user.email.lower():
        return None
    change = EmailChange.objects.create(user=user, new_email=email, old_email=user.email)
    if not email:
        # Removing the address needs no link; the old address is told all the same.
        user.email = ""
        user.save(update_fields=["email"])
        change.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
    else:
        transaction.on_commit(lambda: _enqueue("send_email_change_confirmation", change.pk))
    if change.old_email:
        transaction.on_commit(lambda: _enqueue("send_email_change_notice", change.pk))
    return change


def email_change_find(token: str) -> EmailChange:
    """The pending change behind a confirmation link, or EmailChangeError."""
    problem = EmailChangeError(
        _("This link does not work any more. Sign in and enter your new email address again.")
    )
    try:
        pk = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=timedelta(days=EMAIL_CHANGE_DAYS))
    except signing.BadSignature:
        raise problem from None
    change = EmailChange.objects.select_related("user").filter(pk=pk).first()
    latest = change and change.user.email_changes.order_by("-created_at", "-pk").first()
    # Only the newest request counts, and only while the account still has the address it had.
    if (
        not change
        or change.confirmed_at
        or latest != change
        or change.user.email != change.old_email
    ):
        raise problem
    return change


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    change = email_change_find(token)
    change = EmailChange.objects.select_for_update().get(pk=change.pk)
    if change.confirmed_at:
        raise EmailChangeError(_("This address is confirmed already."))
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    user = change.user
    user.email = change.new_email
    user.save(update_fields=["email"])
    return user


@transaction.atomic
def organization_client_idle_save(*, admin: User, minutes: int) -> Organization:
    """An org admin shortens how long an idle client session lasts (5 to 30 minutes)."""
    organization = admin.organization
    if not admin.is_org_admin or organization is None:
        raise PermissionError("Only organization admins can change this.")
    if not 5 <= minutes <= 30:
        raise ValueError("Between 5 and 30 minutes.")
    Organization.objects.filter(pk=organization.pk).update(client_idle_minutes=minutes)
    person_cache.forget_organization()
    return Organization.objects.get(pk=organization.pk)


@transaction.atomic
def organization_appearance_save(
    *, organization: Organization, display_name: str, icon: str, exit_url: str
) -> Organization:
    """What the organization's clients see: the name, the icon and where quick exit goes."""
    organization.display_name, organization.icon, organization.exit_url = (
        display_name,
        icon,
        exit_url,
    )
    organization.full_clean(exclude=["name"])
    organization.save(update_fields=["display_name", "icon", "exit_url"])
    return organization
