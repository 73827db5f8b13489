"""Backups as the README describes them: pg_dump's custom format, restored with pg_restore into a
fresh database, give back every row of every table, and the access log stays append-only."""

from __future__ import annotations

import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from harmplan.accounts.access import log_access
from harmplan.accounts.models import AccessEvent
from harmplan.devtools.services import PG_BIN
from plans.models import Method
from plans.records import sharing
from tests.plan_factories import add_plans
from tests.records_support import fill_plan, make_consent

TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""


def _server_args(db: dict) -> list[str]:
    return ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]


def _row_counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        cursor.execute(TABLES)
        names = [row[0] for row in cursor.fetchall()]
        counts = {}
        for name in names:
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            counts[name] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def seeded(transactional_db, people, rf):
    add_plans(people)
    fill_plan(people)
    sharing.consent_pdf(consent=make_consent(people.client_a, method=Method.PDF).consent)
    request = rf.get("/")
    request.user = people.counselor
    log_access(request, people.client_a, AccessEvent.Action.VIEW, "plan")
    return people


def test_dump_and_restore_into_a_fresh_database(seeded, tmp_path):
    db = connection.settings_dict
    dump = tmp_path / "harmplan.dump"
    subprocess.run(
        [str(PG_BIN / "pg_dump"), "-Fc", *_server_args(db), "-f", str(dump), db["NAME"]],
        check=True,
    )
    restored = f"restored_{uuid.uuid4().hex[:8]}"
    subprocess.run([str(PG_BIN / "createdb"), *_server_args(db), restored], check=True)
    try:
        subprocess.run(
            [
                str(PG_BIN / "pg_restore"),
                "--no-owner",
                "--exit-on-error",
                *_server_args(db),
                "-d",
                restored,
                str(dump),
            ],
            check=True,
        )
        source = _row_counts(connection.connection)
        url = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname={restored}"
        with psycopg.connect(url, autocommit=True) as copy:
            assert _row_counts(copy) == source
            # Every table of the seeded records came back with its rows, not just empty tables.
            for table in ["plans_plan", "plans_goal", "plans_checkin", "plans_disclosure"]:
                assert source[table] > 0, table
            assert source["accounts_accessevent"] == AccessEvent.objects.count() > 0
            with copy.cursor() as cursor:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
                )
                triggers = {row[0] for row in cursor.fetchall()}
            assert {"accounts_accessevent_append_only", "plans_disclosure_append_only"} <= triggers
            for sql in [
                "UPDATE accounts_accessevent SET object_type = 'rewritten'",
                "DELETE FROM accounts_accessevent",
                "DELETE FROM plans_disclosure",
            ]:
                with pytest.raises(psycopg.errors.RaiseException), copy.cursor() as cursor:
                    cursor.execute(sql)
            assert _row_counts(copy)["accounts_accessevent"] == source["accounts_accessevent"]
    finally:
        subprocess.run(
            [str(PG_BIN / "dropdb"), *_server_args(db), "--if-exists", restored], check=True
        )
