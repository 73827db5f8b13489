"""The program report: figures against a hand-built program, small-cell suppression (also
where a count could be worked out by subtraction), the CSV against the page, who may open it,
and a fixed number of queries however big the program."""

from __future__ import annotations

import csv
import html
import io
import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmplan.accounts.models import Role
from plans.goals import services
from plans.models import Plan, ServiceKind
from plans.reports.figures import build_report
from plans.reports.suppression import COMPLEMENT, SMALL, SMALLEST_SHOWN, Cell, suppress
from strategies.models import Approach
from tests.catalog_factories import make_strategy
from tests.factories import assign, make_user
from tests.plan_factories import add_checkins, amount_goal_data, practice_goal_data
from tests.report_factories import give, make_resource
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

BUILT = datetime(2026, 11, 10, 15, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)  # "last month" is November 2026
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
REPORT = reverse("plans:program_report") + "?period=last_month"


def shown(values, total=None):
    cells = [Cell(str(n), v) for n, v in enumerate(values)]
    total_cell = Cell("total", sum(values) if total is None else total)
    suppress(cells, total_cell)
    return [c.display for c in cells], total_cell.display


# Suppression -------------------------------------------------------------------------------------


def test_counts_from_1_to_10_read_fewer_than_11_and_zero_is_shown():
    cells = [Cell("a", 0), Cell("b", 1), Cell("c", 10), Cell("d", 11)]
    suppress(cells)
    assert [c.display for c in cells] == ["0", SMALL, SMALL, "11"]


def test_a_hidden_cell_cannot_be_worked_out_from_the_total():
    # 5 alone would be 55 - 20 - 30: the next smallest (20) is hidden too.
    assert shown([5, 20, 30]) == ([SMALL, COMPLEMENT, "30"], "55")
    # Two small cells that add up to less than 11 still tell too much: hide the next one.
    assert shown([3, 4, 0, 50, 60]) == ([SMALL, SMALL, "0", COMPLEMENT, "60"], "117")
    # Two small cells adding up to 11 or more: nothing more to hide.
    assert shown([6, 7, 40]) == ([SMALL, SMALL, "40"], "53")
    # A small total is hidden like any count.
    assert shown([2, 3]) == ([SMALL, SMALL], SMALL)
    # Nothing left to hide beside the small cells: the total goes.
    assert shown([3, 2], total=25) == ([SMALL, SMALL], COMPLEMENT)
    # No small cell: everything is shown.
    assert shown([0, 12, 40]) == (["0", "12", "40"], "52")


def test_no_hidden_count_can_be_worked_out_by_subtraction_in_any_group():
    rng = random.Random(13)
    for _ in range(2000):
        values = [rng.choice([0, 0, 1, 3, 7, 10, 11, 12, 25, 90]) for _ in range(rng.randint(1, 6))]
        cells = [Cell(str(n), v) for n, v in enumerate(values)]
        total = Cell("total", sum(values))
        suppress(cells, total)
        hidden = [c for c in cells if not c.shown]
        for cell in cells:
            assert cell.shown != (cell.display in (SMALL, COMPLEMENT))
            if 1 <= cell.value <= 10:
                assert not cell.shown
        if total.shown and hidden:
            # What subtraction gives is the sum of two or more hidden cells, never a small count.
            assert len(hidden) >= 2, values
            assert sum(c.value for c in hidden) >= SMALLEST_SHOWN, values


# A hand-built program ----------------------------------------------------------------------------


@pytest.fixture
def program(people):
    """In November 2026: 14 managed-use goals (12 with two weeks of check-ins at the target),
    12 safer-use goals, 2 abstinence goals; supplies, referrals and reviews."""
    water = make_strategy("water", approaches=(Approach.MANAGED_USE,), focus_areas=("alcohol",))
    naloxone = make_strategy("carry-naloxone", title="Carry naloxone")
    clinic = make_resource(people.org)
    counselor, other = people.counselor, make_user("second", people.org, Role.COUNSELOR)
    plans = {"managed": [], "safer": [], "abstinence": []}
    with time_machine.travel(BUILT, tick=False):
        for kind, count in (("managed", 14), ("safer", 12), ("abstinence", 2)):
            for n in range(count):
                person = make_user(f"{kind}-{n}", people.org, Role.CLIENT)
                assign(counselor if kind == "managed" else other, person)
                plan = services.plan_for_client(person)
                data = {
                    "managed": amount_goal_data(),
                    "safer": practice_goal_data(),
                    "abstinence": amount_goal_data(
                        approach=Approach.ABSTINENCE, target_value=0, baseline_value=3
                    ),
                }[kind]
                goal = services.goal_create(plan=plan, author=person, data=data)
                if kind == "managed" and n < 3:
                    services.goal_strategy_add(
                        goal=goal, expected_version=1, strategy=water, note="", author=person
                    )
                if kind == "safer":
                    services.goal_strategy_add(
                        goal=goal, expected_version=1, strategy=naloxone, note="", author=person
                    )
                if kind == "managed" and n < 12:
                    add_checkins(
                        goal, {date(2026, 11, 30) - timedelta(days=d): 1 for d in range(14)}
                    )
                if kind == "safer":
                    give(plan, other, ServiceKind.NALOXONE, count=2, on=date(2026, 11, 12))
                plans[kind].append(plan)
        # Reviews: 3 held in November; 12 plans (the safer-use ones) past their review date.
        for plan in plans["managed"][:3]:
            services.review_record(
                plan=plan,
                counselor=counselor,
                held_on=date(2026, 11, 10),
                went_well="ok",
                next_review_on=date(2026, 12, 20),
            )
        Plan.objects.filter(pk__in=[p.pk for p in plans["safer"]]).update(
            next_review_on=date(2026, 11, 20)
        )
        give(plans["managed"][0], counselor, ServiceKind.FENTANYL_STRIPS, 5, date(2026, 11, 3))
        give(
            plans["managed"][0], counselor, ServiceKind.SYRINGES, 40, date(2026, 10, 30)
        )  # October
        # 15 referrals in November, 3 attended.
        for n in range(15):
            referral = give(
                plans["managed"][n % 14],
                counselor,
                ServiceKind.REFERRAL,
                on=date(2026, 11, 14),
                resource=clinic,
            )
            if n < 3:
                from plans.reports import services as report_services

                report_services.referral_outcome_set(
                    service=referral, counselor=counselor, outcome="attended"
                )
    people.second_counselor = other
    return people


def figures(report) -> dict[tuple[str, str], str]:
    return {(group, label): value for group, label, value in report.rows()}


@time_machine.travel(NOW, tick=False)
def test_figures_of_a_hand_built_program(program):
    report = build_report(organization=program.org, first=NOVEMBER[0], last=NOVEMBER[1])
    got = figures(report)
    expected = {
        ("People and plans", "People with an active plan"): "28",
        ("People and plans", "New plans"): "28",
        ("People and plans", "Check-ins made"): "168",
        ("People and plans", "Reviews held"): SMALL,
        ("People and plans", "Reviews overdue"): "12",
        # 2 abstinence goals: hidden; safer use (12) is the next smallest, so it is hidden too.
        ("Goals by approach", "Abstinence"): SMALL,
        ("Goals by approach", "Managed use"): "14",
        ("Goals by approach", "Safer use"): COMPLEMENT,
        ("Goals by approach", "All goals in progress"): "28",
        ("Goals by focus area", "Alcohol"): "16",
        ("Goals by focus area", "Opioids"): "12",
        ("Goals by focus area", "All goals in progress"): "28",
        ("Active goals by how they are going", "At the target"): "12",
        ("Active goals by how they are going", "Working on it"): "16",
        ("Active goals by how they are going", "All active goals"): "28",
        ("Strategies on the most goals", "Carry naloxone"): "12",
        ("Strategies on the most goals", "Water"): SMALL,
        ("Supplies and services given", "Naloxone doses"): "24",
        ("Supplies and services given", "Fentanyl test strips"): SMALL,
        ("Supplies and services given", "Syringes"): "0",  # the 40 were in October
        ("Referrals", "Attended"): SMALL,
        ("Referrals", "Not yet"): COMPLEMENT,  # else 15 - 12 would give the 3
        ("Referrals", "Referrals made"): "15",
    }
    for key, value in expected.items():
        assert got[key] == value, key
    for group, label, value in report.rows():
        if value not in (SMALL, COMPLEMENT):
            assert re.fullmatch(r"[\d,]+", value), (group, label, value)

    # One counselor's caseload: the 14 managed-use clients.
    mine = figures(
        build_report(
            organization=program.org,
            first=NOVEMBER[0],
            last=NOVEMBER[1],
            counselor=program.counselor,
        )
    )
    assert mine[("People and plans", "People with an active plan")] == "14"
    assert mine[("Goals by approach", "Managed use")] == "14"
    assert mine[("Goals by approach", "Safer use")] == "0"
    assert mine[("Supplies and services given", "Naloxone doses")] == "0"


def page_rows(page: str) -> list[tuple[str, str, str]]:
    rows = []
    for section in re.findall(r'<section class="panel report-group".*?</section>', page, re.S):
        title = html.unescape(re.search(r"<h2[^>]*>(.*?)</h2>", section).group(1))
        for label, value in re.findall(
            r'<th scope="row">(.*?)</th><td class="numeric">(.*?)</td>', section
        ):
            rows.append((title, html.unescape(label), html.unescape(value)))
    return rows


@time_machine.travel(NOW, tick=False)
def test_the_csv_shows_what_the_page_shows(program, client):
    sign_in(client, program.org_admin)
    page = client.get(REPORT).content.decode()
    assert "From 1 November 2026 to 30 November 2026." in page
    assert '<svg viewBox="0 0 720' in page and 'role="img"' in page
    on_page = page_rows(page)
    assert ("Referrals", "Not yet", "not shown") in on_page
    response = client.get(reverse("plans:program_report_csv") + "?period=last_month")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="report-2026-11-01-to-2026-11-30.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[:3] == [
        ["Section", "Figure", "Count"],
        ["Period", "From", "2026-11-01"],
        ["Period", "To", "2026-11-30"],
    ]
    assert [tuple(row) for row in rows[3:]] == on_page
    # Never a name or free text.
    for text in (page, response.content.decode()):
        assert "managed-0" not in text and "client-a" not in text and "ok" not in text.split()


@time_machine.travel(NOW, tick=False)
def test_report_periods_and_a_chosen_range(program, client):
    sign_in(client, program.org_admin)
    page = client.get(reverse("plans:program_report")).content.decode()
    assert "From 1 December 2026 to 1 December 2026." in page  # this month, so far
    page = client.get(reverse("plans:program_report") + "?period=last_quarter").content.decode()
    assert "From 1 July 2026 to 30 September 2026." in page
    url = reverse("plans:program_report") + "?period=range&first=2026-11-10&last=2026-11-12"
    assert "From 10 November 2026 to 12 November 2026." in client.get(url).content.decode()
    bad = client.get(reverse("plans:program_report") + "?period=range&first=2026-11-10&last=x")
    assert bad.status_code == 400
    assert "Enter the last day as a real date" in bad.content.decode()
    assert 'value="2026-11-10"' in bad.content.decode()
    backwards = "?period=range&first=2026-11-10&last=2026-11-01"
    page = client.get(reverse("plans:program_report") + backwards).content.decode()
    assert "The last day must be on or after the first day" in page


def test_counselors_and_clients_cannot_open_the_report(people, client):
    for person in (people.counselor, people.client_a, people.other_admin):
        sign_in(client, person)
        for name in ("plans:program_report", "plans:program_report_csv"):
            status = client.get(reverse(name)).status_code
            assert status == (200 if person == people.other_admin else 403), (person, name)


def report_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_program_clients(people, clinic, names):
    with time_machine.travel(BUILT, tick=False):
        for name in names:
            person = make_user(name, people.org, Role.CLIENT)
            plan = services.plan_for_client(person)
            goal = services.goal_create(plan=plan, author=person, data=amount_goal_data())
            add_checkins(goal, {date(2026, 11, 30) - timedelta(days=d): d % 3 for d in range(20)})
            give(plan, people.counselor, ServiceKind.NALOXONE, 2, date(2026, 11, 5))
            give(
                plan, people.counselor, ServiceKind.REFERRAL, on=date(2026, 11, 5), resource=clinic
            )


@time_machine.travel(NOW, tick=False)
def test_the_report_makes_the_same_queries_for_a_small_and_a_bigger_program(people, client):
    sign_in(client, people.org_admin)
    clinic = make_resource(people.org)
    add_program_clients(people, clinic, ["p0", "p1"])
    small = report_queries(client, REPORT)
    add_program_clients(people, clinic, [f"q{n}" for n in range(60)])
    assert report_queries(client, REPORT) == small
    csv_url = reverse("plans:program_report_csv") + "?period=last_month"
    assert report_queries(client, csv_url) <= small
    print(f"report queries: {small}")


@time_machine.travel(NOW, tick=False)
def test_the_achievement_tallies_read_entries_without_joining_check_ins(people, client):
    # A million check-ins made that join the report's slowest query: entries carry their day.
    sign_in(client, people.org_admin)
    add_program_clients(people, make_resource(people.org), ["p0"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORT).status_code == 200
    tallies = [q["sql"] for q in queries if 'FROM "plans_checkinentry"' in q["sql"]]
    assert len(tallies) == 1
    assert '"plans_checkin"' not in tallies[0]
