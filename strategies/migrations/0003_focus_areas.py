"""The focus areas every catalog starts with. Curators can add more in the admin."""

from django.db import migrations

FOCUS_AREAS = [
    ("alcohol", "Alcohol"),
    ("opioids", "Opioids"),
    ("stimulants", "Stimulants"),
    ("cannabis", "Cannabis"),
    ("benzodiazepines", "Benzodiazepines (benzos)"),
    ("nicotine", "Nicotine"),
    ("gambling", "Gambling"),
    ("other-behaviours", "Other behaviours"),
]


def add_focus_areas(apps, schema_editor):
    FocusArea = apps.get_model("strategies", "FocusArea")
    for position, (slug, name) in enumerate(FOCUS_AREAS, start=1):
        FocusArea.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("strategies", "0002_catalog")]

    operations = [migrations.RunPython(add_focus_areas, migrations.RunPython.noop)]
