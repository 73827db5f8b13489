"""The app's own database role cannot rewrite the access log (PostgreSQL, as in production).

The test run itself connects as the owner role (see conftest); here a second connection logs in
as the app role, the one web, worker and beat use, and tries what an attacker with the app's
credentials would try.
"""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from harmplan.accounts.models import AccessEvent

ATTACKS = [
    "UPDATE accounts_accessevent SET object_type = 'nothing'",
    "DELETE FROM accounts_accessevent",
    "TRUNCATE accounts_accessevent",
    "SET session_replication_role = replica",
    "ALTER TABLE accounts_accessevent DISABLE TRIGGER ALL",
    "ALTER TABLE accounts_accessevent DISABLE TRIGGER accounts_accessevent_append_only",
    "DROP TRIGGER accounts_accessevent_append_only ON accounts_accessevent",
    "DROP TABLE accounts_accessevent",
    "ALTER TABLE accounts_accessevent OWNER TO harmplan_app",
]


def app_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        dbname=db["NAME"],
        user=settings.HARMPLAN["DATABASE_APP_ROLE"],
        autocommit=True,
    )


@pytest.fixture
def logged(people):
    event = AccessEvent.objects.create(
        actor=people.counselor, client=people.client_a, action="view", object_type="plan"
    )
    return event


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attack", ATTACKS)
def test_the_app_role_cannot_rewrite_the_access_log(logged, attack):
    with app_connection() as app:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(attack)
        (count,) = app.execute("SELECT count(*) FROM accounts_accessevent").fetchone()
    assert count == 1
    assert AccessEvent.objects.get().object_type == "plan"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "attack",
    [
        "UPDATE plans_disclosure SET kind = kind",
        "DELETE FROM plans_disclosure",
        "TRUNCATE plans_disclosure",
        "ALTER TABLE plans_disclosure DISABLE TRIGGER ALL",
    ],
)
def test_the_app_role_cannot_rewrite_the_accounting_of_disclosures(db, attack):
    with app_connection() as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(attack)


@pytest.mark.django_db(transaction=True)
def test_the_app_role_appends_reads_and_works_on_everything_else(logged, people):
    with app_connection() as app:
        app.execute(
            "INSERT INTO accounts_accessevent (at, actor_id, client_id, action, object_type,"
            " object_id) VALUES (now(), %s, %s, 'view', 'plan', '')",
            [people.counselor.pk, people.client_a.pk],
        )
        assert app.execute("SELECT count(*) FROM accounts_accessevent").fetchone() == (2,)
        app.execute("GRANT UPDATE ON accounts_accessevent TO harmplan_app")  # a no-op warning
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("UPDATE accounts_accessevent SET object_type = 'nothing'")
        app.execute(
            "UPDATE accounts_user SET preferred_name = 'A' WHERE id = %s", [people.client_a.pk]
        )
        app.execute("DELETE FROM accounts_careassignment WHERE id = %s", [people.assignment.pk])
        owned = app.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = "
            "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
        ).fetchone()
        superuser = app.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert owned == (0,)
    assert superuser == (False, False, False)


def test_the_test_run_migrates_as_the_owner_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'accounts_accessevent'")
        assert cursor.fetchone() == ("harmplan_owner",)
