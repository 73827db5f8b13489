"""Break-glass: a counselor covering for a colleague opens a client's records for 4 hours."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..access import record_access
from ..models import AccessEvent, EmergencyAccess, User

# What the client reads in "who saw my records": "Opened your records in an emergency".
OBJECT_TYPE = "records in an emergency"


@transaction.atomic
def emergency_access_grant(
    *, counselor: User, client: User, reason: str, ip: str | None
) -> EmergencyAccess:
    organization = counselor.organization
    if not counselor.is_counselor or organization is None:
        raise PermissionError("Only counselors can cover for a colleague.")
    if not client.is_client or client.organization != counselor.organization:
        raise PermissionError("That client is not in this counselor's organization.")
    if not reason.strip():
        raise ValueError("A reason is required.")
    start = timezone.now()
    grant = EmergencyAccess.objects.create(
        organization=organization,
        counselor=counselor,
        client=client,
        reason=reason,
        started_at=start,
        expires_at=EmergencyAccess.default_expiry(start),
    )
    record_access(
        actor=counselor,
        client=client,
        action=AccessEvent.Action.VIEW,
        object_type=OBJECT_TYPE,
        object_id=grant.pk,
        ip=ip,
    )
    return grant
