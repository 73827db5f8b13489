"""Benchmark server-rendered pages: cost per request and latency at 16 connections.

Starts a throwaway PostgreSQL and Redis on loopback, creates a counselor with a 500-client caseload
(each client with a plan of 3 goals, steps and strategies; the first client also with check-ins, a
reminder schedule and a plan history), serves HarmPlan as docker-compose does (gunicorn 4 workers ×
4 threads, DEBUG off, DATABASE_CONN_MAX_AGE=60), signs in as a client and as the counselor, and
for every page prints:

- queries, in-process CPU time per request (Django's test client in this process, same session)
  and the CPU time PostgreSQL spent on it (its server process for this connection);
- req/s and p50/p90/p99 latency from wrk, 16 keep-alive connections pinned to one core, 8 s a page
  (after one unmeasured second of the same load);
- throughput as a share of the help page for the same signed-in user, and non-2xx responses;
- at the end, the resident memory (RSS) of each gunicorn worker.

    python3 manage.py benchmark_pages                       # 500 clients, 8 s a page
    python3 manage.py benchmark_pages --clients 50 --duration 3 --only plan
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from harmplan.devtools.services import (
    BENCHMARK_APT_PACKAGES,
    ServiceError,
    ensure_system_packages,
    free_port,
    throwaway_services,
    vacuum_analyze,
    wait_for_port,
)

PASSWORD = "benchmark-password-7"
IN_PROCESS_RUNS = 60


@dataclass
class Page:
    label: str
    who: str  # "client", "counselor" or "anonymous"
    url: str


@dataclass
class WrkResult:
    rate: float
    p50: float
    p90: float
    p99: float
    bad: int  # non-2xx/3xx responses and socket errors
    # How wrk's connections were spread over the gunicorn workers halfway through, busiest first
    # ("16" is all on one worker: its threads share one interpreter, and the run shows half the
    # usual rate). "" when `ss` cannot tell.
    spread: str = ""


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=500)
        parser.add_argument(
            "--duration", type=int, default=8, help="seconds of wrk per page (0: no wrk)"
        )
        parser.add_argument("--concurrency", type=int, default=16)
        parser.add_argument("--only", default="", help="only pages whose label contains this")
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="no wrk: print each page's N costliest functions (cProfile, in-process)",
        )
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
            ensure_system_packages(BENCHMARK_APT_PACKAGES)
            with throwaway_services("harmplan-bench-pages-") as services:
                # As docker-compose runs it: DEBUG off, connections kept for 60 s.
                env = {
                    **services.environment(),
                    "DJANGO_DEBUG": "false",
                    "DATABASE_CONN_MAX_AGE": "60",
                    # The counselor signs in with a password only: the benchmark measures pages,
                    # not the second step (refused in production, where this never runs).
                    "HARMPLAN_STAFF_2FA": "optional",
                }
                manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
                subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env)
                subprocess.run(
                    [*manage, "benchmark_pages", "--inner", *sys.argv[2:]], check=True, env=env
                )
        except (ServiceError, subprocess.CalledProcessError) as error:
            raise CommandError(f"The benchmark could not run: {error}") from error

    def run_inner(
        self, *, clients: int, duration: int, concurrency: int, only: str, profile: int, **_
    ) -> None:
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        client_name, counselor_name = seed(clients)
        vacuum_analyze()  # as autovacuum leaves tables in use: planned from their statistics
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
            cookies = {
                "anonymous": None,
                "client": sign_in(port, client_name),
                "counselor": sign_in(port, counselor_name),
            }
            pages = [p for p in main_pages(port, cookies, clients) if only in p.label]
            if profile:
                for page in pages:
                    self.stdout.write(
                        f"\n{page.label}\n{profiled(cookies[page.who], page.url, profile)}"
                    )
                return
            wrk_columns = ("req/s", "p50 ms", "p90 ms", "p99 ms", "vs help", "non-2xx", "spread")
            columns = ("queries", "CPU ms", "DB ms", *(wrk_columns if duration else ()))
            self.stdout.write(f"\n{'page':<34}" + "".join(f"{c:>8}" for c in columns))
            help_rate: dict[str, float] = {}
            for page in pages:
                queries, cpu_ms, database_ms = in_process_cost(cookies[page.who], page.url)
                cost = f"{page.label:<34}{queries:>8}{cpu_ms:>8.1f}{database_ms:>8.1f}"
                if not duration:  # --duration 0: the in-process cost only
                    self.stdout.write(cost)
                    continue
                # A second at full load first, unmeasured: every worker and thread has then
                # loaded the page's templates, compiled its queries and cached its fragments,
                # so the figures are the steady state, not the first requests after a start.
                wrk(port, cookies[page.who], page.url, 1, concurrency)
                result = wrk(port, cookies[page.who], page.url, duration, concurrency)
                if page.url == "/help/":
                    help_rate[page.who] = result.rate
                base = help_rate.get(page.who if page.who != "anonymous" else "")
                if page.url == "/help/" and page.who != "anonymous":
                    base = help_rate.get("anonymous")
                ratio = f"{result.rate / base:.2f}" if base else "—"
                self.stdout.write(
                    f"{cost}{result.rate:>8.0f}"
                    f"{result.p50:>8.1f}{result.p90:>8.1f}{result.p99:>8.1f}{ratio:>8}"
                    f"{result.bad:>8}  {result.spread:<12}"
                )
            if not duration:
                return
            rss = ", ".join(f"{mb:.0f} MB" for mb in child_rss_mb(server.pid))
            self.stdout.write(
                f"\nwrk: {concurrency} keep-alive connections on one core, {duration} s a page; "
                f"gunicorn 4 workers × 4 threads; {os.cpu_count()} CPU cores; "
                f"load average {load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after."
                f"\n'vs help': req/s over the help page's for the same user (the signed-in help "
                f"page: over the signed-out one).\n'spread': wrk's connections on each worker "
                f"halfway through (all on one worker halves the rate: compare such a page "
                f"with another run).\nWeb worker memory (RSS) after the run: {rss}."
            )
        finally:
            server.terminate()
            server.wait(timeout=20)


def main_pages(port: int, cookies: dict, clients: int) -> list[Page]:
    client = cookies["client"]
    plan_url = follow(port, client, "/plan/")
    plan_page = get(port, client, plan_url)[1]
    goal_url = found(r'href="(/plans/[^"]+/goals/[^"/]+/)"', plan_page)
    strategy_url = found(r'href="(/strategies/[^"/]+/)"', get(port, client, "/strategies/")[1])
    return [
        Page("help page, signed out", "anonymous", "/help/"),
        Page("help page, client", "client", "/help/"),
        Page("client: plan", "client", plan_url),
        Page("client: goal", "client", goal_url),
        Page("client: goal progress", "client", goal_url + "progress/"),
        Page("client: progress overview", "client", "/progress/"),
        Page("client: check-in", "client", "/checkin/"),
        Page("client: check-in settings", "client", "/checkin/settings/"),
        Page("client: reminders", "client", "/reminders/"),
        Page("client: catalog", "client", "/strategies/"),
        Page("client: strategy", "client", strategy_url),
        Page("client: who saw my records", "client", "/me/access/"),
        Page("client: history", "client", plan_url + "history/"),
        Page("help page, counselor", "counselor", "/help/"),
        Page(f"counselor: caseload of {clients}", "counselor", "/caseload/?sort=review"),
        Page("counselor: plan in session", "counselor", plan_url),
        Page("counselor: goal progress", "counselor", goal_url + "progress/"),
        Page("counselor: history", "counselor", plan_url + "history/"),
    ]


def in_process_cost(cookie: str | None, url: str, profiler=None) -> tuple[int, float, float]:
    """Queries, CPU milliseconds of one request served by Django in this process, and
    PostgreSQL's CPU milliseconds for it (read from its server process: on loopback here).

    With a profiler, only the timed requests are profiled (not the warm-up, which
    includes starting the middleware, WhiteNoise's scan of the static files among it)."""
    from django.db import connection
    from django.test import Client

    browser = Client()
    for part in (cookie or "").split("; "):
        if "=" in part:
            name, value = part.split("=", 1)
            browser.cookies[name] = value
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # WhiteNoise's "no STATIC_ROOT" for each new client
        for _ in range(3):  # warm up: templates, URL resolver, connection, session cache
            response = browser.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        with connection.execute_wrapper(count):
            browser.get(url)
        if profiler:
            profiler.enable()
        database_begin = database_cpu_seconds()
        begin = time.process_time()
        for _ in range(IN_PROCESS_RUNS):
            browser.get(url)
        cpu_ms = (time.process_time() - begin) * 1000 / IN_PROCESS_RUNS
        database_ms = (database_cpu_seconds() - database_begin) * 1000 / IN_PROCESS_RUNS
        if profiler:
            profiler.disable()
    return queries, cpu_ms, database_ms


def database_cpu_seconds() -> float:
    """CPU seconds (user and system) of the PostgreSQL process serving this connection, in
    clock ticks of 10 ms: over IN_PROCESS_RUNS requests, about ±0.2 ms a request."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profiled(cookie: str | None, url: str, top: int) -> str:
    """The `top` functions by cumulative and by own time, over the in-process runs."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    in_process_cost(cookie, url, profiler)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


WRK_LATENCY = re.compile(r"^\s*(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
SCALE = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(port: int, cookie: str | None, url: str, duration: int, connections: int) -> WrkResult:
    """wrk on one core (the other serves), one thread, `connections` keep-alive connections."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", str((os.cpu_count() or 1) - 1), *command]
    running = subprocess.Popen(
        [*command, f"http://127.0.0.1:{port}{url}"], stdout=subprocess.PIPE, text=True
    )
    time.sleep(duration / 2)
    spread = connection_spread(port)
    output, _ = running.communicate()
    if running.returncode:
        raise subprocess.CalledProcessError(running.returncode, command)
    latency = {int(p): float(v) * SCALE[unit] for p, v, unit in WRK_LATENCY.findall(output)}
    rate = float(found(r"Requests/sec:\s+([\d.]+)", output))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return WrkResult(rate, latency[50], latency[90], latency[99], bad, spread)


def connection_spread(port: int) -> str:
    """The established connections to `port` for each process serving them, busiest first."""
    if not shutil.which("ss"):
        return ""
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
    ).stdout
    counts = Counter(re.findall(r"pid=(\d+)", listing))
    return "/".join(str(n) for n in sorted(counts.values(), reverse=True))


def child_rss_mb(pid: int) -> list[float]:
    """Resident memory of each child of `pid` (the gunicorn workers), from /proc (Linux)."""
    sizes = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


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
    seed_history(users[0], counselor, [g for g in goals if g.plan_id == plans[0].pk], today)
    return users[0].username, counselor.username


def seed_history(client, counselor, goals, today: date) -> None:
    """The signed-in client's 12 weeks of check-ins, reminders, plan history and access log."""
    from harmplan.accounts.models import AccessEvent
    from plans.models import CheckIn, CheckInEntry, ReminderSchedule, Revision

    checkins = CheckIn.objects.bulk_create(
        CheckIn(client=client, day=today - timedelta(days=n), feeling=3, cravings=2)
        for n in range(84)
    )
    CheckInEntry.objects.bulk_create(
        CheckInEntry(
            checkin=c,
            day=c.day,
            goal=g,
            amount=Decimal(n % 5) if g.target_kind == "amount" else None,
            done=bool(n % 3) if g.target_kind == "practice" else None,
            skipped=g.target_kind == "none",
        )
        for n, c in enumerate(checkins)
        for g in goals
    )
    ReminderSchedule.objects.create(client=client, timezone="America/New_York")
    Revision.objects.bulk_create(
        Revision(
            plan=goals[0].plan,
            goal=goals[n % len(goals)],
            author=counselor if n % 2 else client,
            author_role="counselor" if n % 2 else "client",
            summary=f"Changed the goal ({n})",
            content_version=n + 1,
        )
        for n in range(60)
    )
    AccessEvent.objects.bulk_create(
        AccessEvent(actor=counselor, client=client, action="view", object_type="plan")
        for _ in range(300)
    )


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
