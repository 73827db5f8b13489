"""Lighthouse scores (phone profile) for the main pages, signed in, in English and Spanish.

Starts a throwaway PostgreSQL, loads the demo data, serves HarmPlan with gunicorn (DEBUG off),
signs in as the demo client, and runs npm's lighthouse@12 on Debian's Chromium (CHROME_PATH, no
browser download) for sign-in, the client's home (Today), plan, check-in, progress and help, once
per language.
Prints accessibility, best practices and performance for each page. It is a benchmark: it
prints numbers and fails nothing.

    python3 manage.py lighthouse
    python3 manage.py lighthouse --pages help checkin --languages es
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from harmplan.devtools.services import (
    CHROMIUM,
    ServiceError,
    free_port,
    throwaway_services,
    wait_for_port,
)
from harmplan.devtools.translations import compile_translations

LIGHTHOUSE = "lighthouse@12"
PAGES = {
    "sign-in": ("/account/login/", False),
    "home": ("/", True),
    "plan": ("/plan/", True),
    "checkin": ("/checkin/", True),
    "progress": ("/progress/", True),
    "help": ("/help/", True),
}
CATEGORIES = ["accessibility", "best-practices", "performance"]
# As in the browser tests: this machine's network is closed, so Chromium must not phone home.
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
        parser.add_argument("--languages", nargs="+", choices=["en", "es"], default=["en", "es"])
        parser.add_argument("--inner", action="store_true", help="(used by the command itself)")

    def handle(self, *args, pages: list[str], languages: list[str], inner: bool, **options):
        if settings.PRODUCTION:
            raise CommandError("lighthouse starts its own database; not in production.")
        if inner:
            self.run_inner(pages, languages)
            return
        lighthouse = install_lighthouse()
        try:
            with throwaway_services("harmplan-lighthouse-", redis=False) as services:
                env = {
                    **services.environment(),
                    "CELERY_BROKER_URL": "memory://",
                    "DATABASE_CONN_MAX_AGE": "60",
                    "HARMPLAN_LIGHTHOUSE": str(lighthouse),
                }
                compile_translations()
                manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
                subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env)
                subprocess.run([*manage, "seed_demo", "-v", "0"], check=True, env=env)
                subprocess.run(
                    [
                        *manage,
                        "lighthouse",
                        "--inner",
                        "--pages",
                        *pages,
                        "--languages",
                        *languages,
                    ],
                    check=True,
                    env=env,
                )
        except (ServiceError, subprocess.CalledProcessError) as error:
            raise CommandError(f"Lighthouse could not run: {error}") from error

    def run_inner(self, pages: list[str], languages: list[str]) -> None:
        port = free_port()
        base = f"http://localhost:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "harmplan.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            env={**os.environ, "DJANGO_DEBUG": "false", "SITE_URL": base},
        )
        try:
            wait_for_port(port)
            session = client_session(base)
            rows = []
            for language in languages:
                for name in pages:
                    path, signed_in = PAGES[name]
                    cookie = f"django_language={language}"
                    if signed_in:
                        cookie += f"; {settings.SESSION_COOKIE_NAME}={session}"
                    scores = run_lighthouse(base + path, cookie)
                    rows.append((name, language, scores))
                    self.stdout.write(
                        f"{name:10} {language}  "
                        + "  ".join(f"{c} {scores.get(c, '—')}" for c in CATEGORIES)
                    )
        finally:
            server.terminate()
            server.wait(timeout=20)
        self.stdout.write("\n| page | language | accessibility | best practices | performance |")
        self.stdout.write("|---|---|---|---|---|")
        for name, language, scores in rows:
            values = " | ".join(str(scores.get(c, "—")) for c in CATEGORIES)
            self.stdout.write(f"| {name} | {language} | {values} |")


def install_lighthouse() -> Path:
    """lighthouse@12 from the npm registry into var/lighthouse (once); it uses our Chromium."""
    folder = settings.VAR_DIR / "lighthouse"
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if not shutil.which("npm"):
        raise CommandError("npm is needed for Lighthouse (Debian: apt-get install npm).")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder), LIGHTHOUSE],
        check=True,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    return binary


def client_session(base: str) -> str:
    """Sign in as the demo client through the sign-in form, as a person would; the session id."""
    from harmplan.demo import DEMO_PASSWORD

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/account/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise CommandError("The sign-in page has no form.")
    form = {"csrfmiddlewaretoken": token.group(1), "username": "demo-client"}
    form["password"] = DEMO_PASSWORD
    opener.open(base + "/account/login/", data=urllib.parse.urlencode(form).encode())
    cookies = {cookie.name: cookie.value for cookie in jar}
    if settings.SESSION_COOKIE_NAME not in cookies:
        raise CommandError("Could not sign in as demo-client.")
    return cookies[settings.SESSION_COOKIE_NAME] or ""


def run_lighthouse(url: str, cookie: str, attempts: int = 3) -> dict[str, int]:
    """One page's scores. Lighthouse on a busy machine now and then loses the trace of the page
    load (NO_NAVSTART) and exits 1; such a run is tried again, up to `attempts` times."""
    for attempt in range(1, attempts + 1):
        try:
            return _lighthouse_once(url, cookie)
        except subprocess.CalledProcessError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _lighthouse_once(url: str, cookie: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                os.environ["HARMPLAN_LIGHTHOUSE"],
                url,
                "--quiet",
                "--form-factor=mobile",
                "--screenEmulation.mobile",
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                f"--output-path={report}",
                f"--extra-headers={json.dumps({'Cookie': cookie})}",
                f"--chrome-flags={' '.join(BROWSER_FLAGS)} --user-data-dir={folder}/profile",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        )
        categories = json.loads(report.read_text())["categories"]
    return {
        name: round((categories[name]["score"] or 0) * 100)
        for name in CATEGORIES
        if name in categories
    }
