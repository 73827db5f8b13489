"""Services write their own access-log entry: a write by staff is logged whoever calls it.

Each write service is called here as a counselor, outside any view (as a command, an admin
action or a future API would), and must leave exactly one row in the client's access log.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from harmplan.accounts import services as account_services
from harmplan.accounts.models import AccessEvent
from plans.goals import services
from plans.goals.stepdown import PlannedStep
from plans.models import ServiceGiven, ServiceKind, Step
from plans.reports import services as report_services
from strategies.models import Approach
from tests.catalog_factories import make_strategy
from tests.plan_factories import amount_goal_data, make_goal
from tests.report_factories import give, make_resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(people):
    return services.plan_for_client(people.client_a)


@pytest.fixture
def goal(plan):
    return make_goal(plan)  # written by the client: not in the log


def fitting_strategy():
    return make_strategy("log-test", approaches=(Approach.MANAGED_USE,), focus_areas=("alcohol",))


def _calls(people, plan, goal):
    counselor = people.counselor
    tomorrow = date.today() + timedelta(days=1)

    def step():
        return Step.objects.create(goal=goal, starts_on=tomorrow, value=Decimal(20))

    def linked():
        return services.goal_strategy_add(
            goal=goal,
            expected_version=goal.version,
            strategy=fitting_strategy(),
            note="",
            author=plan.client,
        )

    return {
        "plan_update": lambda: services.plan_update(
            plan=plan,
            expected_version=plan.version,
            data={"strengths": "Patient"},
            author=counselor,
        ),
        "review_record": lambda: services.review_record(
            plan=plan,
            counselor=counselor,
            held_on=date.today(),
            went_well="Went well",
            next_review_on=None,
        ),
        "goal_create": lambda: services.goal_create(
            plan=plan, author=counselor, data=amount_goal_data(statement="Another goal")
        ),
        "goal_update": lambda: services.goal_update(
            goal=goal,
            expected_version=goal.version,
            data={"statement": "Fewer drinks"},
            author=counselor,
        ),
        "goal_steps_replace": lambda: services.goal_steps_replace(
            goal=goal,
            expected_version=goal.version,
            steps=[PlannedStep(starts_on=tomorrow, value=Decimal(20))],
            author=counselor,
        ),
        "step_save (new)": lambda: services.step_save(
            goal=goal,
            expected_version=goal.version,
            author=counselor,
            step=None,
            data={"starts_on": tomorrow, "value": Decimal(20), "note": ""},
        ),
        "step_save (change)": lambda: (
            lambda s: services.step_save(
                goal=goal,
                expected_version=goal.version,
                author=counselor,
                step=s,
                data={"starts_on": tomorrow, "value": Decimal(18), "note": ""},
            )
        )(step()),
        "step_delete": lambda: (
            lambda s: services.step_delete(
                goal=goal, expected_version=goal.version, author=counselor, step=s
            )
        )(step()),
        "goal_strategy_add": lambda: services.goal_strategy_add(
            goal=goal,
            expected_version=goal.version,
            strategy=fitting_strategy(),
            note="",
            author=counselor,
        ),
        "goal_strategy_note": lambda: (
            lambda link: services.goal_strategy_note(
                goal=goal,
                expected_version=goal.refresh_from_db() or goal.version,
                link=link,
                note="Works for me",
                author=counselor,
            )
        )(linked()),
        "goal_strategy_remove": lambda: (
            lambda link: services.goal_strategy_remove(
                goal=goal,
                expected_version=goal.refresh_from_db() or goal.version,
                link=link,
                author=counselor,
            )
        )(linked()),
        "assignment_create": lambda: account_services.assignment_create(
            organization=people.client_b.organization,
            counselor=counselor,
            client=people.client_b,
            by=people.org_admin,
        ),
        "assignment_remove": lambda: account_services.assignment_remove(
            assignment=people.assignment, by=people.org_admin
        ),
        "service_give": lambda: give(plan, counselor, ServiceKind.NALOXONE, count=2),
        "referral_outcome_set": lambda: (
            lambda referral: report_services.referral_outcome_set(
                service=referral, counselor=counselor, outcome="attended"
            )
        )(
            ServiceGiven.objects.create(
                organization=people.org,
                client=plan.client,
                counselor=counselor,
                kind=ServiceKind.REFERRAL,
                given_on=date.today(),
                resource=make_resource(people.org),
                outcome="not_yet",
            )
        ),
    }


SERVICES = [
    "plan_update",
    "review_record",
    "goal_create",
    "goal_update",
    "goal_steps_replace",
    "step_save (new)",
    "step_save (change)",
    "step_delete",
    "goal_strategy_add",
    "goal_strategy_note",
    "goal_strategy_remove",
    "assignment_create",
    "assignment_remove",
    "service_give",
    "referral_outcome_set",
]


@pytest.mark.parametrize("name", SERVICES)
def test_a_write_by_staff_leaves_one_access_log_row(people, plan, goal, name):
    call = _calls(people, plan, goal)[name]
    before = set(AccessEvent.objects.values_list("pk", flat=True))
    call()
    new = AccessEvent.objects.exclude(pk__in=before)
    assert new.count() == 1, name
    event = new.get()
    assert event.action in (
        AccessEvent.Action.CREATE,
        AccessEvent.Action.UPDATE,
        AccessEvent.Action.DELETE,
    )
    assert event.actor in (people.counselor, people.org_admin)


def test_every_write_service_is_covered():
    public = {
        name
        for name in dir(services)
        if name.startswith(("plan_", "goal_", "step_", "review_"))
        and callable(getattr(services, name))
    }
    # plan_agree, plan_privacy_save (and trusted_contacts_save): only the client calls them;
    # review_has_content: a check, no write.
    reads = {
        "plan_for_client",
        "plan_mark_seen",
        "plan_agree",
        "plan_privacy_save",
        "review_has_content",
    }
    covered = {name.split(" ")[0] for name in SERVICES}
    assert public - reads - covered == set()


def test_every_report_write_service_is_covered():
    public = {
        name
        for name in dir(report_services)
        if name.startswith(("service_", "referral_")) and callable(getattr(report_services, name))
    }
    assert public - set(SERVICES) == set()


def test_the_clients_own_writes_are_not_logged(people, plan, goal):
    services.goal_update(
        goal=goal, expected_version=goal.version, data={"statement": "Mine"}, author=plan.client
    )
    assert not AccessEvent.objects.exists()
