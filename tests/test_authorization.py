"""Every URL, for every kind of person: who gets the page, who is refused, who gets a 404.

The table below must name every URL in the project. A new URL without an entry fails
`test_every_url_has_an_entry`, so nobody can add a page without deciding who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plans.models import Method
from plans.reminders import links as reminder_links
from plans.reminders import services as reminder_services
from strategies.models import Resource, Strategy
from tests.catalog_factories import make_strategy
from tests.factories import make_people
from tests.plan_factories import add_plans, make_goal
from tests.records_support import make_consent
from tests.report_factories import add_referrals
from tests.signin import sign_in

ROLES = ["anonymous", "client_a", "client_b", "counselor", "other_counselor", "org_admin", "staff"]
LOGIN = "login"  # redirected to the sign-in page


def expect(default, **overrides) -> dict[str, object]:
    table = dict.fromkeys(ROLES, default)
    table.update(overrides)
    return table


def signed_in(status, **overrides) -> dict[str, object]:
    return expect(status, anonymous=LOGIN, **overrides)


STAFF_PAGE = signed_in(403, counselor=200, other_counselor=200, org_admin=200)


@dataclass
class Case:
    name: str
    expected: dict[str, object]
    args: Callable = lambda p: []
    method: str = "get"
    data: Callable | dict = field(default_factory=dict)
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}{'-' + self.label if self.label else ''}"


def make_resource(organization):
    return Resource.objects.create(
        organization=organization, name="Night line", kind=Resource.Kind.CRISIS_LINE
    )


def reminder_schedule(client):
    return reminder_services.schedule_save(
        client=client, weekdays=0b1111111, local_time=time(9), timezone_name="UTC", channel="email"
    )


CASES = [
    # Each role has its own home page; a client's is Today, shown at "/" itself.
    Case("home", signed_in(302, client_a=200, client_b=200)),
    Case("help", expect(200)),
    Case("healthz", expect(200)),
    # The installable web app: the same for everyone, apart from the organization's name and icon.
    Case("manifest", expect(200)),
    Case("service_worker", expect(200)),
    Case("offline", expect(200)),
    # Anyone may choose a language (the sign-in page too); it redirects back.
    Case("language_switch", expect(302), method="post", data={"language": "es", "next": "/help/"}),
    Case("login", expect(302, anonymous=200)),
    Case("logout", signed_in(200), method="post"),
    Case("password_change", signed_in(200)),
    Case("password_change_done", signed_in(200)),
    Case("password_reset", expect(200)),
    Case("password_reset_done", expect(200)),
    Case("password_reset_confirm", expect(200), args=lambda p: ["MQ", "bad-token"]),
    Case("password_reset_complete", expect(200)),
    Case("accounts:invitation_code", expect(200)),
    Case("accounts:invitation_accept", expect(302)),
    Case("accounts:invitation_link", expect(410), args=lambda p: ["not-a-real-token"]),
    Case("accounts:invite_new", STAFF_PAGE),
    Case("accounts:client_list", STAFF_PAGE),
    Case(
        "accounts:client_detail",
        signed_in(403, counselor=200, other_counselor=404, org_admin=200),
        args=lambda p: [p.client_a.public_id],
        label="assigned",
    ),
    Case(
        "accounts:client_detail",
        signed_in(403, counselor=404, other_counselor=404, org_admin=200),
        args=lambda p: [p.client_b.public_id],
        label="unassigned",
    ),
    Case(
        "accounts:client_detail",
        signed_in(403, counselor=404, other_counselor=200, org_admin=404),
        args=lambda p: [p.other_client.public_id],
        label="other-organization",
    ),
    Case("accounts:my_access_log", signed_in(403, client_a=200, client_b=200)),
    Case("accounts:account", signed_in(200)),
    Case("accounts:session_status", signed_in(200)),
    Case("accounts:session_keepalive", signed_in(302), method="post"),
    Case("accounts:session_keepalive", signed_in(405), label="get"),
    # Everyone signed in is signed out, and sent to the sign-in page.
    Case("accounts:sign_out_everywhere", expect(LOGIN), method="post"),
    Case("accounts:emergency_access_new", signed_in(403, counselor=200, other_counselor=200)),
    Case(
        "accounts:emergency_access_new",
        signed_in(403, counselor=200, other_counselor=200),
        method="post",
        label="no-reason",
        data=lambda p: {"username": p.client_b.username, "reason": ""},
    ),
    Case("accounts:emergency_access_list", signed_in(403, org_admin=200)),
    Case(
        "accounts:twofactor_reset",
        signed_in(403, org_admin=302),
        args=lambda p: [p.counselor.public_id],
        method="post",
        label="own-organization",
    ),
    Case(
        "accounts:twofactor_reset",
        signed_in(403, org_admin=404),
        args=lambda p: [p.other_counselor.public_id],
        method="post",
        label="other-organization",
    ),
    Case(
        "accounts:twofactor_reset",
        signed_in(403, org_admin=404),
        args=lambda p: [p.client_a.public_id],
        method="post",
        label="client",
    ),
    # Two-step pages. Staff are verified here (tests/signin.py); clients have no app yet, so
    # the code pages send them on to set one up.
    Case("twofactor:verify", signed_in(302)),
    Case("twofactor:recovery", signed_in(302)),
    Case("twofactor:setup", signed_in(200)),
    Case("twofactor:recovery_codes", signed_in(302)),  # shown once, right after setting up
    Case("twofactor:recovery_codes_new", signed_in(302), method="post"),
    Case("twofactor:turn_off", signed_in(302), method="post"),
    Case("accounts:org_overview", signed_in(403, org_admin=200)),
    Case("accounts:org_appearance", signed_in(403, org_admin=200)),
    Case(
        "accounts:org_appearance",
        signed_in(403, org_admin=400),
        method="post",
        data={"display_name": "", "icon": "icons/check.svg", "exit_url": "http://x.example"},
        label="bad-input",
    ),
    Case(
        "accounts:assignment_new",
        signed_in(403, org_admin=400),
        method="post",
        label="empty-form",
    ),
    Case("accounts:assignment_new", signed_in(403, org_admin=405), label="get"),
    Case(
        "accounts:org_client_idle",
        signed_in(403, org_admin=302),
        method="post",
        data={"client_idle_minutes": "15"},
    ),
    Case(
        "accounts:org_client_idle",
        signed_in(403, org_admin=400),
        method="post",
        data={"client_idle_minutes": "90"},
        label="too-long",
    ),
    Case(
        "accounts:assignment_remove",
        signed_in(403, org_admin=302),
        args=lambda p: [p.assignment.pk],
        method="post",
        label="own-organization",
    ),
    Case(
        "accounts:assignment_remove",
        signed_in(403, org_admin=404),
        args=lambda p: [p.other_assignment.pk],
        method="post",
        label="other-organization",
    ),
    Case("accounts:contact", signed_in(200)),
    Case("accounts:confirm_password", signed_in(200)),
    Case("accounts:email_confirm", expect(410), args=lambda p: ["not-signed"]),
    Case("accounts:resource_list", signed_in(403, org_admin=200)),
    Case("accounts:resource_new", signed_in(403, org_admin=200)),
    Case(
        "accounts:resource_edit",
        signed_in(403, org_admin=200),
        args=lambda p: [make_resource(p.org).pk],
        label="own-organization",
    ),
    Case(
        "accounts:resource_edit",
        signed_in(403, org_admin=404),
        args=lambda p: [make_resource(p.other_org).pk],
        label="other-organization",
    ),
    Case(
        "accounts:resource_remove",
        signed_in(403, org_admin=302),
        args=lambda p: [make_resource(p.org).pk],
        method="post",
        label="own-organization",
    ),
    Case(
        "accounts:resource_remove",
        signed_in(403, org_admin=404),
        args=lambda p: [make_resource(p.other_org).pk],
        method="post",
        label="other-organization",
    ),
    Case("strategies:catalog", signed_in(200)),
    Case(
        "strategies:detail",
        signed_in(200),
        args=lambda p: [make_strategy("published-one").slug],
        label="published",
    ),
    Case(
        "strategies:detail",
        signed_in(200),  # goals may still link to it; the page says it is no longer recommended
        args=lambda p: [make_strategy("retired-one", status=Strategy.Status.RETIRED).slug],
        label="retired",
    ),
    Case(
        "strategies:detail",
        signed_in(404),
        args=lambda p: [make_strategy("draft-one", status=Strategy.Status.DRAFT).slug],
        label="draft",
    ),
    Case("plans:reminder_settings", signed_in(403, client_a=200, client_b=200)),
    Case(
        "plans:calendar_link_new",
        signed_in(403, client_a=200, client_b=200),
        method="post",
    ),
    Case(
        "plans:calendar_link_remove",
        signed_in(403, client_a=302, client_b=302),
        method="post",
    ),
    # Public by design: the signed link or the secret feed token is the key.
    Case(
        "plans:reminder_pause",
        expect(200),
        args=lambda p: [reminder_links.pause_token(reminder_schedule(p.client_a))],
        label="signed",
    ),
    Case("plans:reminder_pause", expect(400), args=lambda p: ["not-signed"], label="tampered"),
    Case(
        "plans:calendar_feed",
        expect(200),
        args=lambda p: [reminder_services.feed_token_create(client=p.client_a)],
        label="secret",
    ),
    Case("plans:calendar_feed", expect(404), args=lambda p: ["not-a-token"], label="unknown"),
]


# Plans: the client and their assigned counselor; everyone else gets a 404.
PLAN = signed_in(404, client_a=200, counselor=200)
PLAN_REDIRECT = signed_in(404, client_a=302, counselor=302)


def plan_args(p):
    return [p.plan_a.public_id]


def goal_args(p):
    return [p.plan_a.public_id, p.goal_a.public_id]


CASES += [
    Case("plans:my_plan", signed_in(403, client_a=302, client_b=302)),
    Case("plans:caseload", signed_in(403, counselor=200, other_counselor=200)),
    Case(
        "plans:client_plan",
        signed_in(403, counselor=302, other_counselor=404),
        args=lambda p: [p.client_a.public_id],
    ),
    Case("plans:plan", PLAN, args=plan_args),
    Case(
        "plans:plan",
        signed_in(404, other_counselor=200),
        args=lambda p: [p.other_plan.public_id],
        label="other-organization",
    ),
    Case(
        "plans:plan",
        signed_in(404, client_b=200),
        args=lambda p: [p.plan_b.public_id],
        label="unassigned-client",
    ),
    Case("plans:plan_section_edit", PLAN, args=lambda p: [p.plan_a.public_id, "about"]),
    Case(
        "plans:plan_agree",
        signed_in(403, client_a=302, client_b=404),
        args=plan_args,
        method="post",
        data=lambda p: {"content_version": p.plan_a.content_version},
    ),
    Case("plans:plan_history", PLAN, args=plan_args),
    Case(
        "plans:review_new",
        signed_in(403, counselor=200, other_counselor=404),
        args=plan_args,
    ),
    Case("plans:goal_new", PLAN_REDIRECT, args=plan_args),
    Case("plans:goal_check", PLAN_REDIRECT, args=plan_args, label="no-answers-yet"),
    Case("plans:goal_question", PLAN, args=lambda p: [p.plan_a.public_id, "focus"]),
    Case("plans:goal", PLAN, args=goal_args),
    Case(
        "plans:goal",
        signed_in(404, client_b=404),
        args=lambda p: [p.plan_b.public_id, p.goal_a.public_id],
        label="goal-of-another-plan",
    ),
    Case("plans:goal_edit", PLAN, args=goal_args),
    Case("plans:goal_step_planner", PLAN, args=goal_args),
    Case("plans:step_new", PLAN, args=goal_args),
    Case("plans:step_edit", PLAN, args=lambda p: [*goal_args(p), p.step_a.pk]),
    Case(
        "plans:step_delete",
        PLAN_REDIRECT,
        args=lambda p: [*goal_args(p), p.step_a.pk],
        method="post",
        data=lambda p: {"version": p.goal_a.version},
    ),
    Case(
        "plans:goal_strategy_add",
        PLAN_REDIRECT,
        args=goal_args,
        method="post",
        data=lambda p: {"version": p.goal_a.version, "strategy": p.strategy.pk},
    ),
    Case("plans:goal_strategy_edit", PLAN, args=lambda p: [*goal_args(p), p.link_a.pk]),
]

# Check-ins are the client's own; the counselor sees progress through the plan.
CLIENTS_ONLY = signed_in(403, client_a=200, client_b=200)
CASES += [
    Case("plans:checkin", CLIENTS_ONLY),
    Case(
        "plans:checkin",
        signed_in(403, client_a=404, client_b=404),
        method="post",
        data=lambda p: {"day": "2020-01-01", f"goal-{p.other_goal.public_id}": "1"},
        label="goal-of-another-client",
    ),
    Case("plans:checkin_settings", CLIENTS_ONLY),
    Case("plans:trusted_contacts", CLIENTS_ONLY),
    Case(
        "plans:trusted_contacts",
        signed_in(403, client_a=400, client_b=400),
        method="post",
        data={"name_1": "Sam"},
        label="no-number",
    ),
    Case("plans:plan_privacy", CLIENTS_ONLY),
    Case("plans:checkin_export", CLIENTS_ONLY),
    Case("plans:progress", CLIENTS_ONLY),
    Case("plans:goal_progress", PLAN, args=goal_args),
    Case(
        "plans:goal_progress",
        signed_in(404),
        args=lambda p: [p.plan_b.public_id, p.goal_a.public_id],
        label="goal-of-another-plan",
    ),
]


# Services given in session: the assigned counselor only. The report: org admins only.
CASES += [
    Case(
        "plans:service_new",
        signed_in(403, counselor=200, other_counselor=404),
        args=plan_args,
    ),
    Case(
        "plans:referral_outcome",
        signed_in(403, counselor=302, other_counselor=404),
        args=lambda p: [p.plan_a.public_id, p.referral.pk],
        method="post",
        data={"outcome": "attended"},
    ),
    Case(
        "plans:referral_outcome",
        signed_in(403, counselor=404, other_counselor=404),
        args=lambda p: [p.plan_a.public_id, p.other_referral.pk],
        method="post",
        data={"outcome": "attended"},
        label="referral-of-another-client",
    ),
    Case("plans:program_report", signed_in(403, org_admin=200)),
    Case("plans:program_report_csv", signed_in(403, org_admin=200)),
]


# Records: the client's own, except the printable plan (also their counselor, in session), the
# shared link (the key is the way in) and the program's consents (its org admin).
def consent_args(p):
    return [make_consent(p.client_a, method=Method.PDF).consent.public_id]


CASES += [
    Case("plans:records", CLIENTS_ONLY),
    Case("plans:records_export", CLIENTS_ONLY),
    Case("plans:records_privacy", CLIENTS_ONLY),
    Case(
        "plans:plan_pdf",
        signed_in(404, client_a=200, counselor=200, org_admin=403, staff=403),
        args=plan_args,
    ),
    Case("plans:sharing", CLIENTS_ONLY),
    Case("plans:consent_new", CLIENTS_ONLY),
    Case("plans:consent_detail", signed_in(403, client_a=200, client_b=404), args=consent_args),
    Case(
        "plans:consent_pdf",
        signed_in(403, client_a=200, client_b=404),
        args=consent_args,
        method="post",
    ),
    Case(
        "plans:consent_pdf",
        signed_in(403, client_a=405, client_b=405),
        args=consent_args,
        label="get",
    ),
    Case(
        "plans:consent_revoke",
        signed_in(403, client_a=302, client_b=404),
        args=consent_args,
        method="post",
    ),
    Case(
        "plans:shared_view",
        expect(200),
        data=lambda p: {"key": make_consent(p.client_a).token},
        label="key",
    ),
    Case("plans:shared_view", expect(404), data={"key": "a-guessed-key"}, label="guessed"),
    Case("plans:shared_view", expect(404), label="no-key"),
    Case("plans:program_records", signed_in(403, org_admin=200)),
    Case("plans:account_close", CLIENTS_ONLY),
    Case(
        "plans:account_close",
        signed_in(403, client_a=200, client_b=200),
        method="post",
        label="wrong-password",
        data={"password": "not-it"},
    ),
    Case(
        "plans:account_close_cancel",
        signed_in(403, client_a=302, client_b=302),
        method="post",
    ),
]


def make_everyone():
    """The people and records the table's URLs point at (tests/test_spanish_everywhere.py too)."""
    people = make_people()
    add_plans(people)
    people.other_goal = make_goal(people.other_plan)
    add_referrals(people)
    return people


@pytest.fixture
def people(db):
    return make_everyone()


def url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_has_an_entry():
    project_urls = {name for name in url_names() if not name.startswith("admin:")}
    covered = {case.name for case in CASES}
    assert project_urls - covered == set(), "URLs with no authorization entry"
    assert covered - project_urls == set(), "entries for URLs that no longer exist"


def outcome(response) -> object:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_who_may_open(case: Case, people, client):
    url = reverse(case.name, args=case.args(people))
    data = case.data(people) if callable(case.data) else case.data
    got = {}
    for role in ROLES:
        # Each person starts from the same data: one person's write is not the next one's state.
        with transaction.atomic():
            client.logout()
            if role != "anonymous":
                sign_in(client, getattr(people, role))
            got[role] = outcome(getattr(client, case.method)(url, data))
            transaction.set_rollback(True)
    assert got == case.expected


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_is_for_staff_only(model, people, client):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            sign_in(client, getattr(people, role))
        response = client.get(url)
        if role == "staff":
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302, role
            location = response["Location"]
            assert location.startswith((reverse("admin:login"), reverse("login"))), role
