"""Local resources are edited by their organization's admins only: no group or person keeps the
admin permissions on them (the catalog curators group had every `strategies` permission)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("accounts", "User")
    resource = Permission.objects.filter(
        content_type__app_label="strategies", content_type__model="resource"
    )
    Group.permissions.through.objects.filter(permission__in=resource).delete()
    User.user_permissions.through.objects.filter(permission__in=resource).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("strategies", "0004_one_target_kind"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("accounts", "0004_care_team_added_by"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
