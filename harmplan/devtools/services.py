"""Throwaway PostgreSQL and Redis servers on loopback, for the test command and the tests.

The same commands start the servers in docker-compose.yml. Nothing here is used in production.
"""

from __future__ import annotations

import ctypes.util
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ROLES_SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres-roles.sh"
OWNER_ROLE, APP_ROLE = "harmplan_owner", "harmplan_app"


def _library(name: str) -> bool:
    return ctypes.util.find_library(name) is not None


APT_PACKAGES = {
    "postgresql": lambda: (PG_BIN / "initdb").exists(),
    "redis-server": lambda: shutil.which("redis-server") is not None,
    "chromium": lambda: CHROMIUM.exists(),
    "gettext": lambda: shutil.which("msgfmt") is not None,  # compiles the translations
    # WeasyPrint (the printable plan) loads Pango and HarfBuzz and needs a font.
    "libpango-1.0-0": lambda: _library("pango-1.0"),
    "libpangoft2-1.0-0": lambda: _library("pangoft2-1.0"),
    "libharfbuzz-subset0": lambda: _library("harfbuzz-subset"),
    "fonts-dejavu-core": lambda: Path("/usr/share/fonts/truetype/dejavu").is_dir(),
}


class ServiceError(RuntimeError):
    pass


# Only the page benchmark needs these; tests never install them.
BENCHMARK_APT_PACKAGES = {
    "wrk": lambda: shutil.which("wrk") is not None,
}


def ensure_system_packages(packages: dict | None = None) -> None:
    """Install PostgreSQL 15, Redis, Chromium and WeasyPrint's libraries (or `packages`) from
    Debian's packages when they are missing."""
    packages = APT_PACKAGES if packages is None else packages
    missing = [name for name, present in packages.items() if not present()]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ServiceError(
            f"Missing system packages: {', '.join(missing)}. "
            f"Install them (for example: sudo apt-get install {' '.join(missing)}) and try again."
        )
    print(f"Installing {', '.join(missing)} with apt-get …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, env=env)
    # Debian's postgresql package starts a cluster of its own; the tests use their own servers.
    still_missing = [name for name, present in packages.items() if not present()]
    if still_missing:
        raise ServiceError(f"apt-get did not install: {', '.join(still_missing)}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise ServiceError(f"Nothing is listening on 127.0.0.1:{port} after {timeout:.0f} s")


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class Postgres:
    directory: Path
    port: int

    def url(self, role: str = "postgres") -> str:
        return f"postgres://{role}@127.0.0.1:{self.port}/harmplan"

    def create_database(self) -> None:
        """The `harmplan` database with HarmPlan's two roles, as docker-compose makes them.

        The owner may also create databases here: the tests create theirs as the owner, the
        role that migrates (and resets tables between tests).
        """
        env = {
            **os.environ,
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "POSTGRES_USER": "postgres",
            "POSTGRES_DB": "harmplan",
            "PATH": f"{PG_BIN}:{os.environ.get('PATH', '')}",
            "PGOPTIONS": "-c client_min_messages=warning",
        }
        subprocess.run(["createdb", "-U", "postgres", "harmplan"], check=True, env=env)
        subprocess.run(["sh", str(ROLES_SCRIPT)], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["psql", "-q", "-U", "postgres", "-c", "ALTER ROLE harmplan_owner CREATEDB"],
            check=True,
            env=env,
        )

    def start(self) -> Postgres:
        data = self.directory / "data"
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        if not data.exists():
            subprocess.run(
                _as_postgres(
                    [
                        str(PG_BIN / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                        "--no-sync",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        options = (
            f"-k {self.directory} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(self.directory / "postgres.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.directory / "data"),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@dataclass
class Redis:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pidfile(self) -> Path:
        return self.directory / f"redis-{self.port}.pid"

    def start(self) -> Redis:
        self.directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--pidfile",
                str(self.pidfile),
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            check=True,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while self.pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.05)


@dataclass
class Services:
    workdir: Path
    postgres: Postgres
    redis: Redis | None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    def environment(self) -> dict[str, str]:
        """os.environ pointed at these servers, for a child process running HarmPlan."""
        env = {
            **os.environ,
            # As in docker-compose: the app owns nothing, `migrate` runs as the owner.
            "DATABASE_URL": self.postgres.url(APP_ROLE),
            "DATABASE_MIGRATE_URL": self.postgres.url(OWNER_ROLE),
            "HARMPLAN_VAR_DIR": str(self.workdir / "var"),
            "HARMPLAN_BOOTSTRAP": "0",
            # One key for the run: the test process, its servers and its workers check each
            # other's signed links and tokens.
            "SECRET_KEY": os.environ.get("SECRET_KEY") or self.secret_key,
        }
        if self.redis:
            env.update(
                REDIS_URL=self.redis.url,
                CELERY_BROKER_URL=self.redis.url,
                CACHE_URL=self.redis.url.removesuffix("/0") + "/1",
                REDIS_DIR=str(self.redis.directory),
            )
        env.pop("DJANGO_ENV", None)
        return env


@contextmanager
def throwaway_services(prefix: str, *, redis: bool = True) -> Iterator[Services]:
    """PostgreSQL (an empty `harmplan` database, its owner and app roles) and, if asked, Redis
    on free loopback ports, in a temporary folder that is removed, with the servers stopped, on
    the way out."""
    ensure_system_packages()
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    workdir.chmod(0o755)  # PostgreSQL runs as its own user and must reach its folder
    services = Services(
        workdir,
        Postgres(workdir / "postgres", free_port()),
        Redis(workdir / "redis", free_port()) if redis else None,
    )
    try:
        services.postgres.start()
        services.postgres.create_database()
        if services.redis:
            services.redis.start()
        yield services
    finally:
        if services.redis:
            services.redis.stop()
        services.postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def vacuum_analyze() -> None:
    """What autovacuum does to tables in use: statistics for the planner, and the visibility map
    that lets index-only scans skip the table. As the owner: the app role may not, and PostgreSQL
    then skips every table with only a warning (the planner would guess from no statistics)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASE_MIGRATE or settings.DATABASES["default"]
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or None,
        autocommit=True,
    ) as owner:
        owner.execute("VACUUM ANALYZE")
