"""Each check-in entry keeps its check-in's local day, with an index by goal and day.

The progress figures and the program report then read a goal's answers from one index, without
joining a million check-ins. On PostgreSQL a foreign key (checkin, day) → check-in (id, day)
keeps the copy equal to the check-in's day (ON UPDATE CASCADE should a day ever change).
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    entry = apps.get_model("plans", "CheckInEntry")._meta.db_table
    checkin = apps.get_model("plans", "CheckIn")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {entry} e SET day = c.day FROM {checkin} c WHERE c.id = e.checkin_id"
            )
        else:
            cursor.execute(
                f"UPDATE {entry} SET day = "
                f"(SELECT day FROM {checkin} c WHERE c.id = {entry}.checkin_id)"
            )


FOREIGN_KEY = (
    "ALTER TABLE plans_checkinentry ADD CONSTRAINT entry_checkin_day_fk "
    "FOREIGN KEY (checkin_id, day) REFERENCES plans_checkin (id, day) "
    "ON UPDATE CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
)


def add_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOREIGN_KEY)


def drop_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE plans_checkinentry DROP CONSTRAINT IF EXISTS entry_checkin_day_fk"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0010_admin_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkinentry",
            name="day",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="checkinentry",
            name="day",
            field=models.DateField(),
        ),
        migrations.AddConstraint(
            model_name="checkin",
            constraint=models.UniqueConstraint(fields=("id", "day"), name="checkin_id_day"),
        ),
        migrations.AddIndex(
            model_name="checkinentry",
            index=models.Index(
                fields=["goal", "day"], include=("amount", "done", "skipped"), name="entry_goal_day"
            ),
        ),
        migrations.RunPython(add_foreign_key, drop_foreign_key),
    ]
