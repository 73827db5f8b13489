"""Builders for records tests: consents, a client with a full plan and check-ins."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from plans.checkins.services import Entry, checkin_record
from plans.goals import services as plan_services
from plans.models import Method, ServiceKind, Shares
from plans.records import sharing
from tests.plan_factories import make_goal, practice_goal_data
from tests.report_factories import give


def make_consent(client, *, method: str = Method.LINK, shares: str = Shares.BOTH, **overrides):
    data = {
        "recipient": "Dr Ana Ruiz, Eastside Clinic",
        "shares": shares,
        "method": method,
        "purpose": "So my doctor knows my plan",
        "expires_on": date.today() + timedelta(days=30),
        "signature": "Alex Example",
        **overrides,
    }
    return sharing.consent_create(client=client, **data)


def fill_plan(people) -> None:
    """Client A's plan with every part filled in: sections, a second goal, a review, check-ins,
    someone they trust."""
    from plans.models import TrustedContact

    TrustedContact.objects.create(plan=people.plan_a, name="Sam", phone="555 0101")
    plan = people.plan_a
    plan = plan_services.plan_update(
        plan=plan,
        expected_version=plan.version,
        data={
            "what_matters": "My kids and my job",
            "strengths": "I keep going",
            "supports": "My sister Maria",
        },
        author=people.client_a,
    )
    plan = plan_services.plan_update(
        plan=plan,
        expected_version=plan.version,
        data={"safety_plan": "Naloxone is in the kitchen drawer"},
        author=people.client_a,
    )
    plan_services.review_record(
        plan=plan,
        counselor=people.counselor,
        held_on=date.today(),
        went_well="Talked about weekends",
        next_review_on=date.today() + timedelta(days=28),
    )
    give(plan, people.counselor, ServiceKind.NALOXONE, count=2)
    plan.refresh_from_db()
    people.plan_a = plan
    people.practice_goal = make_goal(plan, **practice_goal_data())
    today = date.today()
    for days_ago in range(1, 4):
        checkin_record(
            client=people.client_a,
            day=today - timedelta(days=days_ago),
            entries={
                people.goal_a: Entry(amount=Decimal(days_ago)),
                people.practice_goal: Entry(done=days_ago % 2 == 0),
            },
            feeling=3,
            cravings=days_ago,
            note=f"Note from day {days_ago}",
        )
