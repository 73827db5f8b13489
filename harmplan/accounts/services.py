"""Writes for people and access. Each function is one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .access import record_access
from .models import (
    AccessEvent,
    CareAssignment,
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
    *, invited_by: User, role: str = Role.CLIENT, counselor: User | None = None
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
    return IssuedInvitation(invitation=invitation, token=token, code=code)


def invitation_check(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationError(
            "We could not find that invitation. Check the link or code, or ask for a new one."
        )
    if invitation.used_at:
        raise InvitationError(
            "This invitation has already been used. If that was you, sign in. "
            "If not, ask for a new invitation."
        )
    if invitation.is_expired:
        raise InvitationError(
            "This invitation has expired. Ask the person who invited you for a new one."
        )
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
) -> User:
    # Lock the row so that two people racing on one link cannot both get in.
    invitation = invitation_check(
        Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    )
    user = User(username=username, email=email, phone=phone, preferred_name=preferred_name)
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, organization=invitation.organization, role=invitation.role)
    if invitation.role == Role.CLIENT and invitation.counselor_id:
        CareAssignment.objects.create(
            organization=invitation.organization, counselor_id=invitation.counselor_id, client=user
        )
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return user


@transaction.atomic
def assignment_create(
    *,
    organization: Organization,
    counselor: User,
    client: User,
    by: User | None = None,
    ip: str | None = None,
) -> CareAssignment:
    """Put `client` on `counselor`'s caseload; `by` (an org admin) is in the client's access log."""
    if counselor.organization != organization or not counselor.is_counselor:
        raise PermissionError("That counselor is not in this organization.")
    if client.organization != organization or not client.is_client:
        raise PermissionError("That client is not in this organization.")
    assignment, _ = CareAssignment.objects.get_or_create(
        counselor=counselor, client=client, defaults={"organization": organization}
    )
    if by is not None:
        record_access(
            actor=by,
            client=client,
            action=AccessEvent.Action.CREATE,
            object_type="care team",
            object_id=assignment.pk,
            ip=ip,
        )
    return assignment


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
            object_id=assignment.pk,
            ip=ip,
        )
    assignment.delete()


@transaction.atomic
def membership_create(*, user: User, organization: Organization, role: str) -> Membership:
    return Membership.objects.update_or_create(
        user=user, defaults={"organization": organization, "role": role}
    )[0]
