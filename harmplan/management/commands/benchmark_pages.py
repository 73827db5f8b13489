"""Benchmark server-rendered pages: latency at 16 concurrent connections on this machine.

Starts a throwaway PostgreSQL on loopback, creates a counselor with a 500-client caseload (each
client with a plan of 3 goals, steps and strategies), serves HarmPlan with gunicorn (4 workers × 4
threads, as on a 2-core host), signs in as a client and as the counselor, and requests each page
with 16 connections at once. Prints requests per second and p50/p95/p99 latency per page.

    python3 manage.py benchmark_pages                       # 500 clients, 1,600 requests a page
    python3 manage.py benchmark_pages --clients 50 --requests 400
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from harmplan.devtools.services import (
    ServiceError,
    free_port,
    throwaway_services,
    wait_for_port,
)

PASSWORD = "benchmark-password-7"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=500)
        parser.add_argument("--requests", type=int, default=1600, help="requests per page")
        parser.add_argument("--concurrency", type=int, default=16)
        parser.add_argument("--inner", action="store_true", help="(used by the command itself)")

    def handle(self, *args, inner: bool, **options):
        if settings.PRODUCTION:
            raise CommandError("benchmark_pages starts its own database; not in production.")
        if inner:
            self.run_inner(**options)
        else:
            self.run_outer()

    def run_outer(self) -> None:
        try:
            with throwaway_services("harmplan-bench-pages-", redis=False) as services:
                # Keep database connections open between requests, as production does.
                env = {
                    **services.environment(),
                    "CELERY_BROKER_URL": "memory://",
                    "DATABASE_CONN_MAX_AGE": "60",
                }
                manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
                subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env)
                subprocess.run(
                    [*manage, "benchmark_pages", "--inner", *sys.argv[2:]], check=True, env=env
                )
        except (ServiceError, subprocess.CalledProcessError) as error:
            raise CommandError(f"The benchmark could not run: {error}") from error

    def run_inner(self, *, clients: int, requests: int, concurrency: int, **_) -> None:
        started = time.monotonic()
        client_name, counselor_name = seed(clients)
        self.stdout.write(f"Seeded {clients} clients in {time.monotonic() - started:.1f} s")
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "harmplan.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "4",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
        )
        try:
            wait_for_port(port, timeout=30)
            client = sign_in(port, client_name)
            counselor = sign_in(port, counselor_name)
            plan_url = follow(port, client, "/plan/")
            goal_url = found(r'href="(/plans/[^"]+/goals/[^"]+/)"', get(port, client, plan_url)[1])
            pages = [
                ("client: plan page", client, plan_url),
                ("client: goal page", client, goal_url),
                ("counselor: plan in session", counselor, plan_url),
                (f"counselor: caseload of {clients}", counselor, "/caseload/?sort=review"),
                ("anyone: help page", None, "/help/"),
            ]
            self.stdout.write(f"\n{'page':<36}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
            for label, cookie, url in pages:
                rate, times = load(port, cookie, url, requests, concurrency)
                p = statistics.quantiles(times, n=100)
                self.stdout.write(f"{label:<36}{rate:>8.0f}{p[49]:>9.1f}{p[94]:>9.1f}{p[98]:>9.1f}")
            self.stdout.write(
                f"\n{concurrency} concurrent connections, {requests} requests a page, "
                f"gunicorn 4 workers × 4 threads, {os.cpu_count()} CPU cores."
            )
        finally:
            server.terminate()
            server.wait(timeout=20)


def seed(count: int) -> tuple[str, str]:
    """A counselor with `count` clients, each with a realistic plan. Bulk writes, for speed."""
    from django.contrib.auth.hashers import make_password

    from harmplan.accounts.models import CareAssignment, Membership, Organization, Role, User
    from plans.models import Goal, GoalStrategy, Plan, Step
    from strategies.catalog_files import SEED_FILE, catalog_load, read_catalog
    from strategies.models import FocusArea, Strategy

    catalog_load(catalog=read_catalog(SEED_FILE))
    alcohol = FocusArea.objects.get(slug="alcohol")
    opioids = FocusArea.objects.get(slug="opioids")
    water = Strategy.objects.get(slug="alternate-with-water")
    naloxone = Strategy.objects.get(slug="naloxone-kit")
    org = Organization.objects.create(name="Benchmark Program")
    password = make_password(PASSWORD)
    counselor = User.objects.create(username="bench-counselor", password=password)
    Membership.objects.create(user=counselor, organization=org, role=Role.COUNSELOR)
    users = User.objects.bulk_create(
        User(username=f"bench-client-{n:04d}", preferred_name=f"Client {n}", password=password)
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=org, role=Role.CLIENT) for u in users
    )
    CareAssignment.objects.bulk_create(
        CareAssignment(organization=org, counselor=counselor, client=u) for u in users
    )
    today = date.today()
    plans = Plan.objects.bulk_create(
        Plan(
            client=u, what_matters="Family and work.", next_review_on=today + timedelta(days=n % 30)
        )
        for n, u in enumerate(users)
    )
    goals = []
    for plan in plans:
        goals += [
            Goal(
                plan=plan,
                focus_area=alcohol,
                approach="managed-use",
                statement="Drink less",
                target_kind="amount",
                target_value=Decimal(10),
                target_unit="standard drinks",
                target_period="week",
                baseline_value=Decimal(24),
                proposed_by="client",
            ),
            Goal(
                plan=plan,
                focus_area=opioids,
                approach="safer-use",
                statement="Never use alone",
                target_kind="practice",
                practice="Carry naloxone",
                proposed_by="client",
                position=1,
            ),
            Goal(
                plan=plan,
                focus_area=alcohol,
                approach="managed-use",
                statement="Two free days",
                target_kind="none",
                proposed_by="counselor",
                position=2,
            ),
        ]
    goals = Goal.objects.bulk_create(goals)
    Step.objects.bulk_create(
        Step(goal=g, starts_on=today + timedelta(weeks=2 * k), value=Decimal(24 - 3 * k))
        for g in goals
        if g.target_kind == "amount"
        for k in range(5)
    )
    GoalStrategy.objects.bulk_create(
        GoalStrategy(goal=g, strategy=water if g.target_kind != "practice" else naloxone)
        for g in goals
    )
    return users[0].username, counselor.username


def get(port: int, cookie: str | None, url: str, conn=None) -> tuple[int, str]:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    return response.status, response.read().decode()


def follow(port: int, cookie: str, url: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", url, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return response.getheader("Location") or url


def found(pattern: str, text: str) -> str:
    """The first group of `pattern` in a page the benchmark depends on."""
    match = re.search(pattern, text)
    if match is None:
        raise CommandError(f"The page did not have what the benchmark needs: {pattern}")
    return match.group(1)


def sign_in(port: int, username: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/account/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = found(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
    conn.request(
        "POST",
        "/account/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://127.0.0.1:{port}/account/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        raise CommandError(f"Could not sign in as {username} (HTTP {response.status}).")
    return f"sessionid={session.group(1)}; csrftoken={csrf_cookie}"


def load(port, cookie, url, total, concurrency) -> tuple[float, list[float]]:
    """`total` GETs of `url` over `concurrency` keep-alive connections; latencies in ms."""
    times: list[float] = []
    lock = threading.Lock()
    per_thread = total // concurrency

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_thread):
            begin = time.perf_counter()
            status, _body = get(port, cookie, url, conn)
            mine.append((time.perf_counter() - begin) * 1000)
            if status != 200:
                raise RuntimeError(f"{url} answered {status}")
        with lock:
            times.extend(mine)

    get(port, cookie, url)  # warm up
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    if len(times) != per_thread * concurrency:
        raise CommandError(f"Some requests to {url} failed; see the log above.")
    return len(times) / elapsed, times
