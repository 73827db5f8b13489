"""Benchmark reminders: N schedules due at once, through real Celery workers, to a null backend.

Starts throwaway PostgreSQL and Redis servers on loopback (like `manage.py test`), creates N
clients whose reminders all fall due at the same moment, runs a double beat (two dispatch tasks at
once) and real `celery worker` processes that send to Django's dummy email backend, then prints
reminders per second and the p50/p99 delay from due time to sent. Nothing touches your own data.

    python3 manage.py benchmark_reminders                 # 100,000 schedules, 1 worker × 4
    python3 manage.py benchmark_reminders --schedules 10000 --workers 2 --concurrency 2
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from harmplan.devtools.services import ServiceError, throwaway_services

BATCH = 5000


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--schedules", type=int, default=100_000)
        parser.add_argument("--workers", type=int, default=1, help="worker processes")
        parser.add_argument(
            "--concurrency", type=int, default=4, help="pool size per worker (docker-compose: 4)"
        )
        parser.add_argument("--channel", choices=["email", "sms"], default="email")
        parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait, at most")
        parser.add_argument("--inner", action="store_true", help=argparse_hidden())

    def handle(self, *args, inner: bool, **options):
        if settings.PRODUCTION:
            raise CommandError("benchmark_reminders starts its own servers; not in production.")
        if inner:
            return self.run_benchmark(**options)
        return self.run_outer(**options)

    # Outside: throwaway servers, then this command again inside them --------------------------

    def run_outer(self, **options) -> None:
        try:
            with throwaway_services("harmplan-benchmark-") as services:
                argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "benchmark_reminders"]
                for name in ("schedules", "workers", "concurrency", "channel", "timeout"):
                    argv += [f"--{name}", str(options[name])]
                code = subprocess.call(
                    [*argv, "--inner"], cwd=settings.BASE_DIR, env=services.environment()
                )
                if code:
                    raise CommandError(f"The benchmark failed (exit code {code}).")
        except (ServiceError, subprocess.CalledProcessError) as error:
            raise CommandError(f"A benchmark service could not start: {error}") from error

    # Inside: the benchmark itself ----------------------------------------------------------------

    def run_benchmark(
        self, *, schedules: int, workers: int, concurrency: int, channel: str, timeout: int, **_
    ) -> None:
        from django.utils import timezone

        from plans.models import DeliveryStatus, ReminderDelivery, ReminderSchedule
        from plans.reminders.tasks import dispatch_due

        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        self._create(schedules, channel)
        self.stdout.write(
            f"Created {schedules:,} clients and schedules in {time.monotonic() - started:.1f} s"
        )
        processes = self._start_workers(workers, concurrency)
        try:
            due = timezone.now().replace(microsecond=0)
            ReminderSchedule.objects.update(next_due_at=due)
            # A double beat: two dispatchers at once, claiming disjoint batches.
            dispatch_due.delay()
            dispatch_due.delay()
            self.stdout.write(
                f"{schedules:,} reminders due at {due:%H:%M:%S} UTC; "
                f"{workers} worker(s) × {concurrency} processes sending to a null backend …"
            )
            deadline = time.monotonic() + timeout
            sent = 0
            while sent < schedules:
                if time.monotonic() > deadline:
                    raise CommandError(f"Only {sent:,} of {schedules:,} sent in {timeout} s.")
                if any(process.poll() is not None for process in processes):
                    raise CommandError("A worker stopped; see its log above.")
                time.sleep(1)
                sent = ReminderDelivery.objects.filter(status=DeliveryStatus.SENT).count()
                self.stdout.write(f"  {sent:>9,} sent", ending="\r")
            self.stdout.write("")
            rss = worker_rss_mb(processes)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        self._report(due, schedules)
        self.stdout.write(
            "Worker memory (RSS) after the burst: "
            + ", ".join(f"{mb:.0f} MB" for mb in rss)
            + " (main process, then each pool process)\n"
        )

    def _create(self, count: int, channel: str) -> None:
        from harmplan.accounts.models import Membership, Organization, Role, User
        from plans.models import ReminderSchedule

        organization, _ = Organization.objects.get_or_create(name="Benchmark Program")
        for start in range(0, count, BATCH):
            numbers = range(start, min(count, start + BATCH))
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"bench-{n}",
                        email=f"bench-{n}@example.org",
                        phone=f"+1555{n:07d}",
                        password="!",
                    )
                    for n in numbers
                ]
            )
            Membership.objects.bulk_create(
                [Membership(user=u, organization=organization, role=Role.CLIENT) for u in users]
            )
            ReminderSchedule.objects.bulk_create(
                [ReminderSchedule(client=u, timezone="UTC", channel=channel) for u in users]
            )

    def _start_workers(self, workers: int, concurrency: int) -> list[subprocess.Popen]:
        env = {
            **os.environ,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "SMS_BACKEND": "plans.reminders.sms.NullBackend",
            "DATABASE_CONN_MAX_AGE": "60",  # as in production
        }
        logs = Path(settings.VAR_DIR) / "benchmark-logs"
        logs.mkdir(parents=True, exist_ok=True)
        processes = []
        for number in range(workers):
            log = logs / f"worker-{number}.log"
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "harmplan",
                        "worker",
                        "--loglevel",
                        "INFO",
                        "--concurrency",
                        str(concurrency),
                        "--without-mingle",
                        "--without-gossip",
                        "--hostname",
                        f"bench{number}@%h",
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 60
        for number, process in enumerate(processes):
            log = logs / f"worker-{number}.log"
            while " ready." not in log.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(f"A worker did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.2)
        return processes

    def _report(self, due, count: int) -> None:
        from plans.models import ReminderDelivery

        rows = [
            (slot, created, sent)
            for slot, created, sent in ReminderDelivery.objects.values_list(
                "slot", "created_at", "sent_at"
            )
            if sent is not None
        ]
        delays = sorted((sent - slot).total_seconds() for slot, _, sent in rows)
        elapsed = (max(sent for _, _, sent in rows) - due).total_seconds()
        dispatched = (max(created for _, created, _ in rows) - due).total_seconds()

        def percentile(p: float) -> float:
            return delays[min(len(delays) - 1, int(p * len(delays)))]

        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Reminders sent:        {len(rows):,} of {count:,}",
                    f"All dispatched after:  {dispatched:.1f} s",
                    f"All sent after:        {elapsed:.1f} s",
                    f"Reminders per second:  {len(rows) / max(elapsed, 0.001):,.0f}",
                    f"Due → sent p50:        {percentile(0.50):.1f} s",
                    f"Due → sent p99:        {percentile(0.99):.1f} s",
                    f"Due → sent max:        {delays[-1]:.1f} s",
                    "",
                ]
            )
        )


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_rss_mb(processes: list[subprocess.Popen]) -> list[float]:
    """RSS of each worker's main process and of its pool processes."""
    sizes = []
    for process in processes:
        sizes.append(rss_mb(process.pid))
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        sizes += [rss_mb(int(child)) for child in children]
    return sizes


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
