"""seed_demo gives the demo clients several weeks of check-ins with a trend that shows."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Avg, Max, Min
from django.urls import reverse

from harmplan.accounts.models import User
from plans.models import CheckIn, CheckInEntry
from plans.progress.stats import Achievement, achievement, goal_stats
from plans.timezones import client_today
from tests.signin import sign_in


# The trend must show whatever the weekday: on 7 December 2026 the weekend bumps and the noise
# once hid it. Each date is travelled to before the demo is seeded.
@pytest.mark.parametrize("seeded_on", ["2026-12-07 23:30Z", "2027-03-29 09:00Z", None])
def test_seed_demo_adds_weeks_of_check_ins_once(db, client, seeded_on):
    with time_machine.travel(seeded_on, tick=False) if seeded_on else nullcontext():
        _check_seeded_trend(client)


def _check_seeded_trend(client):
    call_command("seed_demo", verbosity=0)
    counts = (CheckIn.objects.count(), CheckInEntry.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (CheckIn.objects.count(), CheckInEntry.objects.count()) == counts

    alex = User.objects.get(username="demo-client")
    span = CheckIn.objects.filter(client=alex).aggregate(first=Min("day"), last=Max("day"))
    assert span["last"] - span["first"] >= timedelta(weeks=5)
    assert CheckIn.objects.filter(client=alex).count() >= 25
    today = client_today(alex.plan)
    drinks = alex.plan.goals.get(statement="Drink less on weeknights")
    entries = CheckInEntry.objects.filter(goal=drinks)
    early = entries.filter(checkin__day__lt=span["first"] + timedelta(days=14))
    late = entries.filter(checkin__day__gte=today - timedelta(days=14))
    early_average = early.aggregate(a=Avg("amount"))["a"]
    late_average = late.aggregate(a=Avg("amount"))["a"]
    assert late_average < early_average * 2 / 3  # drinking less, visibly
    state = achievement(drinks, goal_stats([drinks], today)[drinks.pk])
    assert state in (Achievement.IMPROVING, Achievement.ACHIEVED, Achievement.SUSTAINING)

    for username in ("demo-client2", "demo-client-other"):
        assert CheckIn.objects.filter(client__username=username).count() >= 20

    # The demo caseload shows the quiet marker for the client who stopped checking in.
    sign_in(client, User.objects.get(username="demo-counselor"))
    page = client.get(reverse("plans:caseload")).content.decode()
    assert page.count("No check-in for 14 days") == 1
    jordan = page.split("Jordan")[1].split("</tr>")[0]
    assert "No check-in for 14 days" in jordan
