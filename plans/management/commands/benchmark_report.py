"""Benchmark the program report: 20,000 clients and 1,000,000 check-ins, one org admin.

Starts a throwaway PostgreSQL on loopback, builds the program (users, plans and goals in bulk;
check-ins and their entries with generate_series in the database), then opens the report page
and its CSV as the org admin, in this process (DEBUG off), and prints each one's time.

    python3 manage.py benchmark_report                         # 20,000 clients, 50 check-ins each
    python3 manage.py benchmark_report --clients 2000 --checkins 50
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from harmplan.devtools.services import ServiceError, throwaway_services, vacuum_analyze

RUNS = 7


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=20_000)
        parser.add_argument("--checkins", type=int, default=50, help="check-ins per client")
        parser.add_argument("--queries", action="store_true", help="print each query's time")
        parser.add_argument(
            "--profile", action="store_true", help="print where one report's Python time goes"
        )
        parser.add_argument("--inner", action="store_true", help="(used by the command itself)")

    def handle(
        self,
        *args,
        inner: bool,
        clients: int,
        checkins: int,
        queries: bool,
        profile: bool,
        **options,
    ):
        if settings.PRODUCTION:
            raise CommandError("benchmark_report starts its own database; not in production.")
        if inner:
            self.run_inner(clients, checkins, queries, profile)
            return
        try:
            with throwaway_services("harmplan-bench-report-", redis=False) as services:
                env = {
                    **services.environment(),
                    "CELERY_BROKER_URL": "memory://",
                    # The admin signs in with a password only: the benchmark measures the report,
                    # not the second step (refused in production, where this never runs).
                    "HARMPLAN_STAFF_2FA": "optional",
                }
                manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
                subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env)
                subprocess.run(
                    [*manage, "benchmark_report", "--inner", *sys.argv[2:]], check=True, env=env
                )
        except (ServiceError, subprocess.CalledProcessError) as error:
            raise CommandError(f"The benchmark could not run: {error}") from error

    def run_inner(self, clients: int, checkins: int, queries: bool, profile: bool) -> None:
        from django.test import Client

        started = time.monotonic()
        admin, counselor_id = seed(clients, checkins)
        vacuum_analyze()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM plans_checkin")
            total = cursor.fetchone()[0]
        self.stdout.write(
            f"Built {clients:,} clients and {total:,} check-ins in "
            f"{time.monotonic() - started:.0f} s"
        )
        browser = Client()
        browser.force_login(admin)
        pages = [
            ("report, this month", "/program/report/"),
            ("report, last quarter", "/program/report/?period=last_quarter"),
            ("report, one counselor", "/program/report/?period=last_quarter&counselor=%d"),
            ("CSV, last quarter", "/program/report.csv?period=last_quarter"),
        ]
        self.stdout.write(f"\n{'page':<26}{'median ms':>11}{'slowest ms':>12}")
        slowest = 0.0
        for label, url in pages:
            url = url.replace("%d", str(counselor_id))
            browser.get(url)  # warm up
            times = []
            for _ in range(RUNS):
                begin = time.perf_counter()
                response = browser.get(url)
                times.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            slowest = max(slowest, max(times))
            self.stdout.write(f"{label:<26}{statistics.median(times):>11.0f}{max(times):>12.0f}")
        load = os.getloadavg()
        self.stdout.write(
            f"\n{RUNS} runs a page after one warm-up; {os.cpu_count()} CPU cores, load average "
            f"{load[0]:.1f} (other work on the machine shows here)."
        )
        if queries:
            self.print_queries(browser, pages[1][1])
        if profile:
            self.print_profile(browser, pages[1][1])
        if slowest >= 1000:
            raise CommandError(f"The report took {slowest:.0f} ms: over one second.")

    def print_profile(self, browser, url: str) -> None:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(browser.get, url)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        self.stdout.write(f"\nWhere the time of one {url} goes (own time, top 25):\n")
        self.stdout.write(out.getvalue())

    def print_queries(self, browser, url: str) -> None:
        timings = []

        def timed(execute, sql, params, many, context):
            begin = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(((time.perf_counter() - begin) * 1000, sql, params))

        with connection.execute_wrapper(timed):
            browser.get(url)
        # Round trip as seen from Django, then PostgreSQL's own execution time (EXPLAIN ANALYZE),
        # which other work on the machine disturbs less; the plan of each slow one, to see why.
        self.stdout.write(f"\n{'round trip':>10} {'in PostgreSQL':>14}  query of {url}")
        for ms, sql, params in timings:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + sql, params)
                plan = [line for (line,) in cursor.fetchall()]
            executed = next((line for line in plan if line.startswith("Execution Time")), "")
            inside = executed.split(":")[-1].strip()
            self.stdout.write(f"{ms:7.1f} ms {inside:>14}  {sql[:150]}")
            if ms > 50:
                for line in plan:
                    self.stdout.write(f"            {line}")


def seed(count: int, checkins: int):  # the admin and the first counselor's id
    """A program of `count` clients over 40 counselors. Returns the org admin."""
    from django.contrib.auth.hashers import make_password

    from harmplan.accounts.models import CareAssignment, Membership, Organization, Role, User
    from plans.models import (
        CheckIn,
        CheckInEntry,
        Goal,
        GoalStrategy,
        Plan,
        Review,
        ServiceGiven,
        ServiceKind,
    )
    from strategies.catalog_files import SEED_FILE, catalog_load, read_catalog
    from strategies.models import FocusArea, Resource, Strategy

    catalog_load(catalog=read_catalog(SEED_FILE))
    areas = list(FocusArea.objects.all())
    strategies = list(Strategy.objects.filter(status=Strategy.Status.PUBLISHED)[:12])
    org = Organization.objects.create(name="Benchmark Program")
    password = make_password("benchmark-password-7")
    admin = User.objects.create(username="bench-admin", password=password)
    Membership.objects.create(user=admin, organization=org, role=Role.ORG_ADMIN)
    counselors = User.objects.bulk_create(
        User(username=f"bench-counselor-{n}", password=password) for n in range(40)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=org, role=Role.COUNSELOR) for u in counselors
    )
    first_counselor_id = counselors[0].pk
    clinic = Resource.objects.create(organization=org, name="Clinic", kind="moud_clinic")
    batch = 5000
    users = User.objects.bulk_create(
        (User(username=f"bench-client-{n:05d}", password=password) for n in range(count)),
        batch_size=batch,
    )
    Membership.objects.bulk_create(
        (Membership(user=u, organization=org, role=Role.CLIENT) for u in users), batch_size=batch
    )
    CareAssignment.objects.bulk_create(
        (
            CareAssignment(organization=org, counselor=counselors[n % 40], client=u)
            for n, u in enumerate(users)
        ),
        batch_size=batch,
    )
    today = date.today()
    plans = Plan.objects.bulk_create(
        (
            Plan(client=u, next_review_on=today + timedelta(days=n % 60 - 20))
            for n, u in enumerate(users)
        ),
        batch_size=batch,
    )
    approaches = ["abstinence", "managed-use", "safer-use"]
    goals = []
    for n, plan in enumerate(plans):
        goals.append(
            Goal(
                plan=plan,
                focus_area=areas[n % len(areas)],
                approach=approaches[n % 3],
                statement="A goal",
                target_kind="amount",
                target_value=Decimal(10),
                target_unit="standard drinks",
                target_period="week",
                baseline_value=Decimal(24),
                proposed_by="client",
            )
        )
        if n % 2:
            goals.append(
                Goal(
                    plan=plan,
                    focus_area=areas[(n + 1) % len(areas)],
                    approach="safer-use",
                    statement="A practice",
                    target_kind="practice",
                    practice="A practice",
                    proposed_by="client",
                    position=1,
                )
            )
    goals = Goal.objects.bulk_create(goals, batch_size=batch)
    GoalStrategy.objects.bulk_create(
        (
            GoalStrategy(goal=g, strategy=strategies[n % len(strategies)])
            for n, g in enumerate(goals)
        ),
        batch_size=batch,
    )
    Review.objects.bulk_create(
        (
            Review(
                plan=p,
                counselor=counselors[n % 40],
                held_on=today - timedelta(days=n % 90),
                went_well="ok",
            )
            for n, p in enumerate(plans)
        ),
        batch_size=batch,
    )
    kinds = [k for k in ServiceKind.values if k != ServiceKind.REFERRAL]
    services = []
    for n, u in enumerate(users):
        day = today - timedelta(days=n % 100)
        services.append(
            ServiceGiven(
                organization=org,
                client=u,
                counselor=counselors[n % 40],
                kind=kinds[n % len(kinds)],
                count=1 + n % 4,
                given_on=day,
            )
        )
        services.append(
            ServiceGiven(
                organization=org,
                client=u,
                counselor=counselors[n % 40],
                kind="referral",
                given_on=day,
                resource=clinic,
                outcome="attended" if n % 3 else "not_yet",
            )
        )
    ServiceGiven.objects.bulk_create(services, batch_size=batch)

    # Check-ins every other day, back from today; one entry each for the client's first goal.
    checkin, entry = CheckIn._meta.db_table, CheckInEntry._meta.db_table
    goal_table, plan_table = Goal._meta.db_table, Plan._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {checkin} (client_id, day, note, created_at, updated_at)
            SELECT p.client_id, CURRENT_DATE - 2 * d, '', now(), now()
            FROM {plan_table} p CROSS JOIN generate_series(0, %s - 1) AS d
            """,
            [checkins],
        )
        cursor.execute(
            f"""
            INSERT INTO {entry} (checkin_id, day, goal_id, amount, done, skipped)
            SELECT c.id, c.day, g.id, ((c.day - DATE '2000-01-01') + c.client_id) % 4, NULL, false
            FROM {checkin} c
            JOIN {plan_table} p ON p.client_id = c.client_id
            JOIN {goal_table} g ON g.plan_id = p.id AND g.position = 0
            """
        )
    return admin, first_counselor_id
