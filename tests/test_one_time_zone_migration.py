"""Migration 0008 merges the two zone choices into the plan's one preference."""

from __future__ import annotations

import importlib
from datetime import time

from django.apps import apps

from plans.goals import services
from plans.models import Plan, ReminderSchedule

one_zone = importlib.import_module("plans.migrations.0008_one_time_zone").one_zone


def test_a_zone_chosen_only_for_reminders_moves_to_the_plan(people):
    ReminderSchedule.objects.create(client=people.client_a, timezone="Asia/Kolkata")
    ReminderSchedule.objects.create(client=people.client_b, timezone="Europe/London")
    plan_b = services.plan_for_client(people.client_b)
    Plan.objects.filter(pk=plan_b.pk).update(time_zone="America/Chicago")
    schedule_b = ReminderSchedule.objects.get(client=people.client_b)
    schedule_b.local_time = time(9)
    schedule_b.next_due_at = None
    schedule_b.save()
    one_zone(apps, None)
    assert Plan.objects.get(client=people.client_a).time_zone == "Asia/Kolkata"
    # Both chosen: the plan's (the one check-ins used) wins, and reminders follow it.
    assert Plan.objects.get(client=people.client_b).time_zone == "America/Chicago"
    assert ReminderSchedule.objects.get(client=people.client_b).timezone == "America/Chicago"
