"""On PostgreSQL, refuse UPDATE and DELETE on the access log even from raw SQL.

TRUNCATE stays possible for the database owner only: it is how test databases are reset, and
anyone who can TRUNCATE can also drop the trigger.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION harmplan_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_accessevent is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_accessevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_accessevent
    FOR EACH ROW EXECUTE FUNCTION harmplan_access_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_accessevent_append_only ON accounts_accessevent;
DROP FUNCTION IF EXISTS harmplan_access_log_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
