"""The counselor's desk: structured reviews, the history's marked differences in local time,
services given in session (and what the client sees of them), and the desk page itself."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, translation

from harmplan.accounts.models import AccessEvent, Role
from plans.goals import services
from plans.goals.diff import ADDED, REMOVED, SAME, Piece, word_diff
from plans.models import Review, ServiceGiven, ServiceKind
from tests.factories import assign, make_user
from tests.plan_factories import add_checkins, add_plans, make_goal
from tests.report_factories import give, make_resource
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

# 1 December 2026, 15:30 UTC: 10:30 in New York (the program's zone), 1 December there too.
NOW = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
TODAY = date(2026, 12, 1)


@pytest.fixture
def plans(people):
    add_plans(people)
    return people


# Reviews -----------------------------------------------------------------------------------------


def review_url(plan):
    return reverse("plans:review_new", args=[plan.public_id])


@time_machine.travel(NOW, tick=False)
def test_an_empty_review_is_refused_with_a_message_beside_the_fields(plans, client):
    sign_in(client, plans.counselor)
    response = client.post(
        review_url(plans.plan_a),
        {"held_on": "2026-12-01", "went_well": "  ", "was_hard": "", "changes_agreed": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page  # the error summary
    message = "a review needs at least one of them"
    assert message in page
    assert 'href="#id_went_well"' in page  # the summary links to the field
    assert page.count(message) == 2  # in the summary and beside the field
    assert not Review.objects.exists()
    with pytest.raises(services.EmptyReview):
        services.review_record(
            plan=plans.plan_a, counselor=plans.counselor, held_on=TODAY, next_review_on=None
        )


@time_machine.travel(NOW, tick=False)
def test_a_review_keeps_what_was_typed_when_another_part_is_wrong(plans, client):
    sign_in(client, plans.counselor)
    response = client.post(
        review_url(plans.plan_a),
        {"held_on": "2026-12-01", "was_hard": "The weekend", "next_review_on": "2026-11-01"},
    )
    page = response.content.decode()
    assert "The next review must be after this one" in page
    assert "The weekend" in page


@time_machine.travel(NOW, tick=False)
def test_the_client_reads_the_review_in_plain_words(plans, client):
    sign_in(client, plans.counselor)
    response = client.post(
        review_url(plans.plan_a),
        {
            "held_on": "2026-12-01",
            "went_well": "Three calm evenings",
            "was_hard": "Friday with friends",
            "changes_agreed": "Water between drinks",
            "next_review_on": "2026-12-15",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.went_well, review.was_hard, review.changes_agreed) == (
        "Three calm evenings",
        "Friday with friends",
        "Water between drinks",
    )
    sign_in(client, plans.client_a)
    page = client.get(plans.plan_a.get_absolute_url()).content.decode()
    assert "Your review on 1 December 2026 with counselor:" in page
    for words in ("What went well", "Three calm evenings", "What was hard", "Friday with friends"):
        assert words in page
    assert "What we agreed to change" in page and "Water between drinks" in page
    assert "15 December 2026" in page


# History -----------------------------------------------------------------------------------------


def test_word_diff_marks_added_and_removed_words():
    assert word_diff("Drink less on weeknights", "Drink less at weekends") == [
        Piece(SAME, "Drink less "),
        Piece(REMOVED, "on weeknights"),
        Piece(ADDED, "at weekends"),
    ]
    assert word_diff("(empty)", "My kids") == [Piece(ADDED, "My kids")]
    assert word_diff("14", "(empty)") == [Piece(REMOVED, "14")]


def test_history_marks_the_difference_with_words_for_screen_readers_in_local_time(plans, client):
    goal = plans.goal_a
    # 23:30 UTC on 1 December is 18:30 in New York: the page must not say 23:30.
    with time_machine.travel(datetime(2026, 12, 1, 23, 30, tzinfo=UTC), tick=False):
        services.goal_update(
            goal=goal,
            expected_version=goal.version,
            data={"statement": "Drink less at weekends"},
            author=plans.counselor,
        )
    plans.plan_a.time_zone = "Europe/Berlin"  # the client's own zone: 00:30 on 2 December
    plans.plan_a.save()
    url = reverse("plans:plan_history", args=[plans.plan_a.public_id])

    sign_in(client, plans.counselor)
    page = client.get(url).content.decode()
    assert '<del><span class="visually-hidden">removed: </span>on weeknights</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>at weekends</ins>' in page
    assert "1 December 2026, 18:30" in page and "America/New_York" in page
    # As a time people read (not the seconds of a machine-readable datetime made at hh:23:30).
    assert not re.search(r"(?<![\d:])23:30(?!:)", page)

    sign_in(client, plans.client_a)
    page = client.get(url).content.decode()
    assert "2 December 2026, 00:30" in page and "Europe/Berlin" in page


def test_the_cached_history_shows_every_new_change_and_never_another_plans(plans, client):
    """The history's list is cached; a new change, a new name and another language show on the
    next view, another client's plan never shows this one's list, and each staff read is still
    logged."""
    goal = plans.goal_a
    url = reverse("plans:plan_history", args=[plans.plan_a.public_id])
    sign_in(client, plans.counselor)
    assert "Drink less at weekends" not in client.get(url).content.decode()
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "Drink less at weekends"},
        author=plans.counselor,
    )
    assert "at weekends" in client.get(url).content.decode()
    plans.counselor.preferred_name = "Robin Counselor"
    plans.counselor.save()
    assert "Robin Counselor" in client.get(url).content.decode()
    views = AccessEvent.objects.filter(actor=plans.counselor, object_type="plan history")
    assert views.count() == 3

    other_url = reverse("plans:plan_history", args=[plans.plan_b.public_id])
    assert "at weekends" not in client.get(other_url).content.decode()

    # The dates inside the cached list are written in the language of the page.
    month = plans.plan_a.revisions.first().at.astimezone(ZoneInfo("America/New_York"))
    with translation.override("es"):
        spanish_month = dateformat.format(month, "F")
    client.post(reverse("language_switch"), {"language": "es"})
    page = client.get(url).content.decode()
    assert '<html lang="es">' in page and f" {spanish_month} " in page


# Services given ----------------------------------------------------------------------------------


def service_url(plan):
    return reverse("plans:service_new", args=[plan.public_id])


@time_machine.travel(NOW, tick=False)
def test_services_given_are_recorded_logged_and_shown_to_the_client(plans, client):
    clinic = make_resource(plans.org, "Harbor Clinic")
    sign_in(client, plans.counselor)
    assert client.get(service_url(plans.plan_a)).status_code == 200
    response = client.post(
        service_url(plans.plan_a), {"kind": "naloxone", "count": "2", "given_on": "2026-12-01"}
    )
    assert response.status_code == 302
    client.post(
        service_url(plans.plan_a),
        {"kind": "referral", "resource": clinic.pk, "given_on": "2026-11-30", "count": ""},
    )
    naloxone, referral = ServiceGiven.objects.order_by("pk")
    assert (naloxone.kind, naloxone.count, naloxone.counselor) == ("naloxone", 2, plans.counselor)
    assert (referral.resource, referral.outcome, referral.count) == (clinic, "not_yet", 1)
    assert (
        AccessEvent.objects.filter(
            object_type="service given", action="create", actor=plans.counselor
        ).count()
        == 2
    )

    # The counselor records later that the client went.
    outcome = reverse("plans:referral_outcome", args=[plans.plan_a.public_id, referral.pk])
    assert client.post(outcome, {"outcome": "attended"}).status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "attended"

    sign_in(client, plans.client_a)
    page = client.get(plans.plan_a.get_absolute_url()).content.decode()
    assert "Your counselor gave you 2 naloxone doses on 1 December." in page
    assert "Your counselor referred you to Harbor Clinic on 30 November. You went there." in page


@time_machine.travel(NOW, tick=False)
def test_a_service_form_explains_what_is_missing_and_keeps_the_input(plans, client):
    other_clinic = make_resource(plans.other_org, "Hill Clinic")
    sign_in(client, plans.counselor)
    cases = [
        ({"kind": "naloxone", "count": "", "given_on": "2026-12-01"}, "Enter how many you gave"),
        ({"kind": "syringes", "count": "0", "given_on": "2026-12-01"}, "from 1 to 1000"),
        ({"kind": "referral", "given_on": "2026-12-01"}, "Choose the service you referred to"),
        (
            {"kind": "referral", "resource": other_clinic.pk, "given_on": "2026-12-01"},
            "Choose one of your organization",
        ),
        ({"kind": "test", "given_on": "2026-12-02"}, "cannot be in the future"),
        ({"count": "3", "given_on": "someday"}, "Choose what you gave or arranged"),
    ]
    for data, message in cases:
        response = client.post(service_url(plans.plan_a), data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
    assert not ServiceGiven.objects.exists()
    page = client.post(
        service_url(plans.plan_a), {"kind": "naloxone", "count": "", "given_on": "2026-11-29"}
    ).content.decode()
    assert 'value="2026-11-29"' in page


# The desk ----------------------------------------------------------------------------------------


def desk_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_desk_shows_charts_changes_since_the_review_and_services(plans, client):
    plan, goal = plans.plan_a, plans.goal_a
    services.plan_update(
        plan=plan,
        expected_version=plan.version,
        data={"what_matters": "Being there for my kids"},
        author=plans.client_a,
    )
    add_checkins(goal, {TODAY - timedelta(days=n): 2 for n in range(10)})
    services.review_record(
        plan=plan,
        counselor=plans.counselor,
        held_on=TODAY - timedelta(days=1),
        went_well="Steady week",
        next_review_on=TODAY + timedelta(days=14),
    )
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        goal.refresh_from_db()
        services.goal_update(
            goal=goal,
            expected_version=goal.version,
            data={"statement": "Drink less at weekends"},
            author=plans.counselor,
        )
    give(plan, plans.counselor, ServiceKind.FENTANYL_STRIPS, count=5, on=TODAY)

    sign_in(client, plans.counselor)
    count, page = desk_queries(client, plan.get_absolute_url())
    assert "client-a’s plan" in page
    # The client's own words come before the goals.
    assert page.index("Being there for my kids") < page.index('id="goals"')
    assert 'class="chart-svg"' in page and "the last 4 weeks" in page
    assert 'data-answered="10"' in page
    assert "Changed since the last review" in page
    assert "counselor, <time" in page and "1 Dec, 10:35" in page  # who, and when in New York
    assert '<ins><span class="visually-hidden">added: </span>at weekends</ins>' in page
    assert "Next review:" in page and "15 December 2026" in page
    assert "Fentanyl test strips × 5" in page
    assert "Not agreed yet by client-a." in page
    assert AccessEvent.objects.filter(actor=plans.counselor, object_type="plan").exists()


@time_machine.travel(NOW, tick=False)
def test_the_desk_makes_the_same_queries_for_1_and_12_goals_with_many_checkins(people, client):
    small = services.plan_for_client(people.client_a)
    make_goal(small, steps=True)
    big_client = make_user("big-client", people.org, Role.CLIENT)
    assign(people.counselor, big_client)
    big = services.plan_for_client(big_client)
    for n in range(12):
        goal = make_goal(big, steps=True, statement=f"Goal number {n}")
        add_checkins(goal, {TODAY - timedelta(days=d): d % 5 for d in range(60)})
        give(big, people.counselor, ServiceKind.NALOXONE, count=2, on=TODAY)
        services.goal_update(
            goal=goal,
            expected_version=goal.version,
            data={"why": f"Reason {n}"},
            author=people.counselor,
        )
    services.review_record(
        plan=big, counselor=people.counselor, held_on=TODAY, went_well="ok", next_review_on=None
    )
    sign_in(client, people.counselor)
    small_count, _ = desk_queries(client, small.get_absolute_url())
    big_count, page = desk_queries(client, big.get_absolute_url())
    assert page.count('class="chart-svg"') == 12
    assert small_count == big_count
    print(f"desk queries: {big_count}")


def test_a_cached_history_is_shown_without_loading_the_changes_again(plans, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("plans:plan_history", args=[plans.plan_a.public_id])
    sign_in(client, plans.client_a)
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).content.decode()

    def listed(page: str) -> str:
        return page[page.index('<ol class="card-list">') : page.index("</ol>")]

    assert listed(again) == listed(first) and "<li" in listed(first)
    assert not [q["sql"] for q in queries if '"changes"' in q["sql"]]


@time_machine.travel(NOW, tick=False)
def test_the_desks_goal_cards_are_cached_and_never_stale(plans, client):
    """The goal cards are one cached fragment (plans/goals/desk.py): a second look renders
    none of their templates, and a changed goal, a new language or another plan shows at once."""
    plan, goal = plans.plan_a, plans.goal_a
    sign_in(client, plans.counselor)
    client.get(plan.get_absolute_url())
    again = client.get(plan.get_absolute_url())
    names = {template.name for template in again.templates}
    assert "plans/goals/_desk_goals.html" not in names
    assert "plans/progress/_line.html" not in names
    assert goal.statement in again.content.decode()

    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "Only on Saturdays", "why": "My sister's visits"},
        author=plans.counselor,
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Only on Saturdays" in page and "“My sister&#x27;s visits”" in page
    # The change since the last look, inside the card, from the cached fragment too.
    assert "Changed since the last review" in page

    plans.counselor.language = "es"
    plans.counselor.save(update_fields=["language"])
    spanish = client.get(plan.get_absolute_url()).content.decode()
    assert "Objetivo:" in spanish and "Target:" not in spanish

    other = client.get(plans.plan_b.get_absolute_url()).content.decode()
    assert "Only on Saturdays" not in other


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_goal_cards_choice_labels_are_those_django_shows(plans, language):
    """cards._display gives what get_FOO_display() gives, for every choice of each field."""
    from plans.goals.cards import _display

    goal = plans.goal_a
    with translation.override(language):
        for name in ["approach", "lifecycle", "target_unit", "target_period"]:
            field = goal._meta.get_field(name)
            for value in [value for value, _label in field.flatchoices] + ["", "unknown"]:
                setattr(goal, name, value)
                assert _display(goal, name) == getattr(goal, f"get_{name}_display")()


@time_machine.travel(NOW, tick=False)
def test_a_cached_list_of_changes_works_out_no_difference_again(plans, client, monkeypatch):
    """The desk's changes are cached under the words before and after (plans/goals/desk.py):
    the word-by-word differences are worked out only when the list is rendered, and a new
    change shows at once."""
    from plans.goals import desk

    plan, goal = plans.plan_a, plans.goal_a
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "Drink less at weekends"},
        author=plans.counselor,
    )
    sign_in(client, plans.counselor)
    client.get(plan.get_absolute_url())
    calls = []
    monkeypatch.setattr(
        desk, "word_diff", lambda old, new: calls.append(old) or word_diff(old, new)
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert calls == []
    assert '<ins><span class="visually-hidden">added: </span>at weekends</ins>' in page

    goal.refresh_from_db()
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "Drink less on Sundays"},
        author=plans.counselor,
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert calls  # a new list: rendered, with its differences
    assert '<ins><span class="visually-hidden">added: </span>on Sundays</ins>' in page


@time_machine.travel(NOW, tick=False)
def test_the_desks_recent_checkins_are_cached_and_never_stale(plans, client):
    """The care team's table of recent check-ins is a cached fragment (plans/goals/desk.py): a
    second look renders no template for it, and a new check-in shows at once."""
    from plans.models import CheckIn

    plan = plans.plan_a
    CheckIn.objects.create(client=plans.client_a, day=TODAY - timedelta(days=1), note="Quiet day")
    sign_in(client, plans.counselor)
    client.get(plan.get_absolute_url())
    again = client.get(plan.get_absolute_url())
    assert "plans/records/_team_checkins.html" not in {t.name for t in again.templates}
    assert "Recent check-ins" in again.content.decode()

    CheckIn.objects.create(client=plans.client_a, day=TODAY, note="Went for a walk", cravings=3)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Went for a walk" in page and "Quiet day" in page
