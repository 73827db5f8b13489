"""The app's database role owns nothing; migrations run as the owner (deploy/postgres-roles.sh).

An owner can always rewrite a table it owns (TRUNCATE, ALTER TABLE … DISABLE TRIGGER), so the
append-only trigger on the access log only means something when the app is not the owner. After
every `migrate` (run as the owner, with DATABASE_MIGRATE_URL) the app role gets the ordinary
reads and writes on every table and only SELECT and INSERT on the access log and the accounting
of disclosures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections

# Append-only records (each also has a trigger refusing UPDATE and DELETE): the access log and
# the accounting of disclosures (42 CFR Part 2 §2.24).
APPEND_ONLY_TABLES = ("accounts_accessevent", "plans_disclosure")


def use_migrate_role(alias: str = "default") -> bool:
    """Connect `alias` as the owner role from DATABASE_MIGRATE_URL (same server and database).

    Only the user and password change, so a test database keeps its own name. True if switched.
    """
    owner = settings.DATABASE_MIGRATE
    connection = connections[alias]
    if not owner or connection.settings_dict["USER"] == owner["USER"]:
        return False
    connection.close()
    connection.settings_dict.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    return True


def grant_app_role(using: str = "default", **kwargs) -> None:
    """post_migrate: give the app role its rights on what this migrate created (idempotent)."""
    app_role = settings.HARMPLAN["DATABASE_APP_ROLE"]
    connection = connections[using]
    if connection.vendor != "postgresql" or not app_role:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == app_role:
            return  # migrating as the app role itself: a single-role setup, nothing to give
        role = connection.ops.quote_name(app_role)
        statements = [
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            # Tables made later by this owner, outside `migrate`, get the same.
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ]
        existing = connection.introspection.table_names(cursor)
        for table in APPEND_ONLY_TABLES:
            if table in existing:  # read and append, nothing else
                name = connection.ops.quote_name(table)
                statements += [
                    f"REVOKE ALL ON {name} FROM {role}",
                    f"GRANT SELECT, INSERT ON {name} TO {role}",
                ]
        for statement in statements:
            cursor.execute(statement)
