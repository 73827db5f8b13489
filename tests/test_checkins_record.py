"""Recording check-ins: one per day however often the form is sent, corrections, bad input, other
people's goals, and the client's CSV download."""

from __future__ import annotations

import csv
import io
import re
import threading
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connections, transaction
from django.test import Client
from django.urls import reverse

from plans.checkins import services as checkins
from plans.goals import services
from plans.models import CheckIn, CheckInEntry, Period, Unit
from tests.factories import make_people
from tests.plan_factories import add_plans, make_goal, practice_goal_data
from tests.signin import sign_in

NOON = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)  # noon in New York
TODAY = date(2026, 3, 20)
URL = "/checkin/"


@pytest.fixture
def people(db):
    people = make_people()
    add_plans(people)
    people.practice = services.goal_create(
        plan=people.plan_a, author=people.client_a, data=practice_goal_data()
    )
    return people


def form_data(people, **extra) -> dict:
    return {
        "day": "2026-03-20",
        f"goal-{people.goal_a.public_id}": "3",
        f"goal-{people.practice.public_id}": "yes",
        "feeling": "4",
        "cravings": "2",
        "note": "Went for a walk instead.",
        **extra,
    }


def test_the_check_in_url_is_where_reminders_point():
    from plans.reminders import links

    assert reverse("plans:checkin") == URL
    assert links.checkin_url().endswith(URL)


@time_machine.travel(NOON, tick=False)
def test_two_identical_posts_make_one_check_in(people, client):
    sign_in(client, people.client_a)
    first = client.post(URL, form_data(people))
    second = client.post(URL, form_data(people))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("home")  # today lands on Today's "Done for today"
    checkin = CheckIn.objects.get()
    assert (checkin.day, checkin.feeling, checkin.cravings) == (TODAY, 4, 2)
    assert checkin.note == "Went for a walk instead."
    entries = {e.goal_id: e for e in checkin.entries.all()}
    assert entries[people.goal_a.pk].amount == Decimal(3)
    assert entries[people.practice.pk].done is True
    assert CheckInEntry.objects.count() == 2
    page = client.get(reverse("plans:progress")).content.decode()
    assert "Thank you. Your check-in for today is saved." in page


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_make_one_check_in():
    people = make_people()
    add_plans(people)
    barrier = threading.Barrier(2)
    results = []

    def post(amount: str):
        try:
            browser = Client()
            sign_in(browser, people.client_a)
            data = {"day": "2026-03-20", f"goal-{people.goal_a.public_id}": amount}
            barrier.wait(timeout=10)
            results.append(browser.post(URL, data).status_code)
        finally:
            connections.close_all()

    with time_machine.travel(NOON, tick=False):
        threads = [threading.Thread(target=post, args=(amount,)) for amount in ("2", "5")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert results == [302, 302]
    assert CheckIn.objects.count() == 1
    entry = CheckInEntry.objects.get()
    assert entry.amount in (Decimal(2), Decimal(5))  # the later save wins, whole


def test_the_service_is_idempotent_and_corrects_a_day(people):
    entries = {people.goal_a: checkins.Entry(amount=Decimal("2.5"))}
    with time_machine.travel(NOON, tick=False):
        first, created = checkins.checkin_record(
            client=people.client_a, day=date(2026, 3, 18), entries=entries, feeling=2
        )
        assert created
        again, created = checkins.checkin_record(
            client=people.client_a, day=date(2026, 3, 18), entries=entries, feeling=2
        )
        assert not created and again.pk == first.pk
        # A correction: the amount was wrong, and the practice is skipped.
        checkins.checkin_record(
            client=people.client_a,
            day=date(2026, 3, 18),
            entries={
                people.goal_a: checkins.Entry(amount=Decimal(1)),
                people.practice: checkins.Entry(),
            },
        )
    checkin = CheckIn.objects.get()
    assert checkin.feeling is None
    assert list(checkin.entries.order_by("goal_id").values_list("amount", "skipped")) == [
        (Decimal(1), False),
        (None, True),
    ]
    # Each entry keeps its check-in's day (what progress and the report read).
    assert set(checkin.entries.values_list("day", flat=True)) == {date(2026, 3, 18)}


def test_an_offline_check_in_entry_keeps_its_day(people):
    key = uuid.uuid4()
    with time_machine.travel(NOON, tick=False):
        for _ in range(2):  # sent again: still one entry with the check-in's day
            checkins.checkin_record(
                client=people.client_a,
                day=date(2026, 3, 17),
                entries={people.goal_a: checkins.Entry(amount=Decimal(3))},
                key=key,
            )
    assert list(CheckInEntry.objects.values_list("day", "checkin__day")) == [
        (date(2026, 3, 17), date(2026, 3, 17))
    ]


def test_the_database_refuses_an_entry_day_other_than_its_check_ins(people):
    with time_machine.travel(NOON, tick=False):
        checkin, _ = checkins.checkin_record(
            client=people.client_a,
            day=date(2026, 3, 18),
            entries={people.goal_a: checkins.Entry(amount=Decimal(1))},
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckInEntry.objects.filter(checkin=checkin).update(day=date(2026, 3, 19))
        connections["default"].check_constraints()  # the foreign key is checked at commit
    # Should a check-in's day ever change, its entries follow.
    CheckIn.objects.filter(pk=checkin.pk).update(day=date(2026, 3, 16))
    assert list(CheckInEntry.objects.values_list("day", flat=True)) == [date(2026, 3, 16)]


@time_machine.travel(NOON, tick=False)
def test_a_partial_check_in_is_fine(people, client):
    sign_in(client, people.client_a)
    response = client.post(URL, {"day": "2026-03-20", "feeling": "3"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.feeling == 3 and checkin.cravings is None
    assert sorted(checkin.entries.values_list("skipped", flat=True)) == [True, True]


@time_machine.travel(NOON, tick=False)
def test_an_earlier_check_in_fills_the_form_again(people, client):
    sign_in(client, people.client_a)
    client.post(URL, form_data(people, day="2026-03-19"))
    page = client.get(URL, {"day": "2026-03-19"}).content.decode()
    assert 'value="3"' in page and "Went for a walk instead." in page
    yes = re.search(
        rf'<input type="radio" name="goal-{people.practice.public_id}" value="yes"[^>]*>', page
    )
    assert yes and "checked" in yes.group(0)
    fragment = client.get(URL, {"day": "2026-03-18"}, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="checkin-day"')
    assert "HX-Request" in fragment["Vary"]


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Enter 0 or more"),
        ("61", "Enter a number from 0 to 60"),
        ("two", "Enter a number, like 2 or 2.5"),
        ("2.25", "Use at most one number after the point"),
    ],
)
def test_amounts_must_be_sensible_for_the_unit(people, client, value, message):
    daily = make_goal(people.plan_a, statement="Per day", target_period=Period.DAY)
    sign_in(client, people.client_a)
    response = client.post(URL, {"day": "2026-03-20", f"goal-{daily.public_id}": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "There is a problem" in page
    assert "<title>Error: Check-in" in page
    assert not CheckIn.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_a_day_that_is_not_a_date_is_explained(people, client):
    sign_in(client, people.client_a)
    response = client.post(URL, form_data(people, day="20 March"))
    assert response.status_code == 200
    assert "Enter a real date, like 2026-03-08" in response.content.decode()
    page = client.get(URL, {"day": "yesterday"}).content.decode()
    assert "Enter a real date, like 2026-03-08" in page
    assert not CheckIn.objects.exists()


def test_bounds_follow_the_unit(people):
    money = make_goal(people.plan_a, target_unit=Unit.MONEY, target_value=Decimal(20))
    days = make_goal(people.plan_a, target_unit=Unit.USING_DAYS, target_value=Decimal(3))
    with time_machine.travel(NOON, tick=False):
        checkins.checkin_record(
            client=people.client_a,
            day=TODAY,
            entries={
                money: checkins.Entry(amount=Decimal(9000)),
                days: checkins.Entry(done=True),  # "Did you use today?" counts as 1 day
            },
        )
        with pytest.raises(checkins.CheckInError, match="from 0 to 10000"):
            checkins.checkin_record(
                client=people.client_a,
                day=TODAY,
                entries={money: checkins.Entry(amount=Decimal(10001))},
            )
        with pytest.raises(checkins.CheckInError, match="more than a year ago"):
            checkins.checkin_record(client=people.client_a, day=date(2025, 3, 1), entries={})
    assert days.checkin_entries.get().amount == Decimal(1)


@time_machine.travel(NOON, tick=False)
def test_a_goal_that_is_not_the_clients_is_a_404(people, client):
    other_goal = make_goal(people.plan_b)
    sign_in(client, people.client_a)
    for key in (f"goal-{other_goal.public_id}", "goal-not-a-uuid"):
        response = client.post(URL, form_data(people, **{key: "1"}))
        assert response.status_code == 404
    assert not CheckIn.objects.exists()
    with pytest.raises(people.goal_a.DoesNotExist):
        checkins.checkin_record(
            client=people.client_a, day=TODAY, entries={other_goal: checkins.Entry(amount=1)}
        )
    # The other client's own progress page is a 404 too.
    url = reverse("plans:goal_progress", args=[people.plan_b.public_id, other_goal.public_id])
    assert client.get(url).status_code == 404


@time_machine.travel(NOON, tick=False)
def test_settings_form_refuses_unknown_values(people, client):
    sign_in(client, people.client_a)
    response = client.post(
        reverse("plans:checkin_settings"), {"time_zone": "Mars/Olympus", "day_starts_at": "13"}
    )
    page = response.content.decode()
    assert "Choose a time zone from the list" in page and "Choose a time from the list" in page
    people.plan_a.refresh_from_db()
    assert (people.plan_a.time_zone, people.plan_a.day_starts_at) == ("", 4)
    version = people.plan_a.content_version
    client.post(
        reverse("plans:checkin_settings"), {"time_zone": "Europe/London", "day_starts_at": "5"}
    )
    people.plan_a.refresh_from_db()
    assert (people.plan_a.time_zone, people.plan_a.day_starts_at) == ("Europe/London", 5)
    assert people.plan_a.content_version == version  # not a change to the plan's content


@time_machine.travel(NOON, tick=False)
def test_the_client_downloads_their_own_check_ins(people, client):
    sign_in(client, people.client_a)
    client.post(URL, form_data(people, day="2026-03-19", note="=HYPERLINK(bad)"))
    client.post(URL, {"day": "2026-03-20", "cravings": "0"})
    client_b = Client()
    sign_in(client_b, people.client_b)
    client_b.post(URL, {"day": "2026-03-20", "note": "Not in A's file"})

    response = client.get(reverse("plans:checkin_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="check-ins.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["day", "goal", "answer"]
    assert rows[1:] == [
        [
            "2026-03-19",
            "Drink less on weeknights",
            "3",
            "standard drinks",
            "4",
            "2",
            "'=HYPERLINK(bad)",
        ],
        ["2026-03-19", "Never use alone", "yes", "", "4", "2", "'=HYPERLINK(bad)"],
        ["2026-03-20", "Drink less on weeknights", "skipped", "", "", "0", ""],
        ["2026-03-20", "Never use alone", "skipped", "", "", "0", ""],
    ]
