"""Builders for services given in session and the data behind the program report."""

from __future__ import annotations

from datetime import date

from plans.models import ServiceKind
from plans.reports import services
from strategies.models import Resource


def make_resource(organization, name: str = "Harbor Clinic") -> Resource:
    return Resource.objects.create(
        organization=organization, name=name, kind=Resource.Kind.MOUD_CLINIC
    )


def give(plan, counselor, kind: str, count: int = 1, on: date | None = None, resource=None):
    return services.service_give(
        plan=plan,
        counselor=counselor,
        kind=kind,
        count=count,
        given_on=on or date.today(),
        resource=resource,
    )


def add_referrals(people) -> None:
    """A referral for client A (by their counselor) and one in the other organization."""
    people.resource = make_resource(people.org)
    people.referral = give(
        people.plan_a, people.counselor, ServiceKind.REFERRAL, resource=people.resource
    )
    other_resource = make_resource(people.other_org, "Hill Clinic")
    people.other_referral = give(
        people.other_plan, people.other_counselor, ServiceKind.REFERRAL, resource=other_resource
    )
