"""Print the 6-digit two-step sign-in code of the demo staff accounts, as their app would show it.

Demo only: refused in production, where no account has a known key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from harmplan import demo


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_code is refused in production.")
        self.stdout.write(demo.demo_code())
