"""One time-zone preference per client, kept on the plan.

A client who chose a zone only for reminders gets that zone on the plan; where the two differ,
the plan's choice (the one check-ins already used) wins and the reminder's next time is worked
out again in that zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.db import migrations

from plans.reminders.schedule import next_occurrence


def one_zone(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    ReminderSchedule = apps.get_model("plans", "ReminderSchedule")
    now = datetime.now(UTC)
    for schedule in ReminderSchedule.objects.iterator():
        plan = Plan.objects.filter(client_id=schedule.client_id).first()
        if plan is None:
            Plan.objects.create(client_id=schedule.client_id, time_zone=schedule.timezone)
        elif not plan.time_zone:
            Plan.objects.filter(pk=plan.pk).update(time_zone=schedule.timezone)
        elif plan.time_zone != schedule.timezone:
            schedule.timezone = plan.time_zone
            if schedule.next_due_at is not None:
                schedule.next_due_at = next_occurrence(
                    weekdays=schedule.weekdays,
                    local_time=schedule.local_time,
                    zone=ZoneInfo(plan.time_zone),
                    after=now,
                    not_before=schedule.paused_until,
                )
            schedule.save(update_fields=["timezone", "next_due_at"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0007_merge_20261201_2038")]

    operations = [migrations.RunPython(one_zone, migrations.RunPython.noop)]
