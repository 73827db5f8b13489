"""Django's migrate, connected as the owner role when DATABASE_MIGRATE_URL is set.

The app itself connects as a role that owns nothing (DATABASE_URL); tables are created and
changed by the owner, and afterwards the app role is given its rights
(harmplan/accounts/dbroles.py).
"""

from __future__ import annotations

from django.core.management.commands import migrate

from harmplan.accounts.dbroles import use_migrate_role


class Command(migrate.Command):
    def handle(self, *args, **options):
        use_migrate_role(options["database"])
        return super().handle(*args, **options)
