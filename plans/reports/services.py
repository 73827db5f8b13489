"""Writes for services given in session: each one transaction with its access-log entry."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from harmplan.accounts.access import record_access
from harmplan.accounts.models import AccessEvent
from plans.models import Plan, ReferralOutcome, ServiceGiven, ServiceKind
from strategies.models import Resource


@transaction.atomic
def service_give(
    *,
    plan: Plan,
    counselor,
    kind: str,
    count: int,
    given_on: date,
    resource: Resource | None = None,
    ip: str | None = None,
) -> ServiceGiven:
    organization = plan.client.organization
    if organization is None:
        raise ValueError("Services are given to clients of an organization.")
    if resource is not None and resource.organization_id != organization.pk:
        raise ValueError("A referral goes to one of the client's organization's services.")
    referral = kind == ServiceKind.REFERRAL
    service = ServiceGiven.objects.create(
        organization=organization,
        client=plan.client,
        counselor=counselor,
        kind=kind,
        count=count if not referral else 1,
        given_on=given_on,
        resource=resource if referral else None,
        outcome=ReferralOutcome.NOT_YET if referral else "",
    )
    record_access(
        actor=counselor,
        client=plan.client,
        action=AccessEvent.Action.CREATE,
        object_type="service given",
        object_id=service.pk,
        ip=ip,
    )
    return service


@transaction.atomic
def referral_outcome_set(
    *, service: ServiceGiven, counselor, outcome: str, ip: str | None = None
) -> ServiceGiven:
    locked = ServiceGiven.objects.select_for_update().get(pk=service.pk)
    if locked.kind != ServiceKind.REFERRAL:
        raise ValueError("Only a referral has an outcome.")
    locked.outcome = ReferralOutcome(outcome)
    locked.outcome_at = timezone.now()
    locked.save(update_fields=["outcome", "outcome_at"])
    record_access(
        actor=counselor,
        client=locked.client,
        action=AccessEvent.Action.UPDATE,
        object_type="service given",
        object_id=locked.pk,
        ip=ip,
    )
    return locked
