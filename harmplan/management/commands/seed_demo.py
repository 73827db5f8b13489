"""Create or refresh the demo organizations, people and data. Safe to run again."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from harmplan import demo
from plans.demo import seed_plans
from plans.reminders.demo import seed_reminders


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo is refused in production: it sets known passwords.")
        users = demo.seed_people()
        seed_plans(users)
        seed_reminders(users)
        self.stdout.write(f"Demo people ready: {', '.join(users)}")
        self.stdout.write(f"Demo password for all of them: {demo.DEMO_PASSWORD}")
        self.stdout.write(
            f"Staff two-step sign-in key (add it to an authenticator app): {demo.DEMO_TOTP_KEY}"
            " — or run `python3 manage.py demo_code` for the current code."
        )
