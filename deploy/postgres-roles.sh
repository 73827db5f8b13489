#!/bin/sh
# HarmPlan's two PostgreSQL roles, so that the access log stays append-only even for the app:
#   harmplan_owner  owns the database and every table; `manage.py migrate` runs as it
#                   (DATABASE_MIGRATE_URL).
#   harmplan_app    what the web, worker and beat connect as (DATABASE_URL). It owns nothing;
#                   after each migrate it gets SELECT, INSERT, UPDATE, DELETE on the tables, and
#                   only SELECT, INSERT on the access log (harmplan/accounts/dbroles.py).
# The postgres image runs this once, on an empty data directory (/docker-entrypoint-initdb.d);
# the test command runs it on its throwaway server. Needs psql and, from the environment,
# POSTGRES_USER (a superuser), POSTGRES_DB, HARMPLAN_OWNER_PASSWORD and HARMPLAN_APP_PASSWORD.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$POSTGRES_DB" \
    -v owner_password="${HARMPLAN_OWNER_PASSWORD:-}" \
    -v app_password="${HARMPLAN_APP_PASSWORD:-}" <<'SQL'
CREATE ROLE harmplan_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE harmplan_app LOGIN PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO harmplan_owner;
-- PostgreSQL 15: the public schema belongs to the database owner and nobody else may create in it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
