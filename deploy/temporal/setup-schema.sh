#!/usr/bin/env bash
# One-shot job (compose service `temporal-setup`, image temporalio/admin-tools; and `npm run cluster`, with the
# same environment): creates Temporal's two PostgreSQL databases on the first start, then brings both schemas
# up to the version of SCHEMA_ROOT (the admin-tools image's, or the server module's in Go's module cache), and
# creates the engine's own database (`kyc`: the vendor limits the workers share, KYC_DATABASE_URL; its tables
# are the workers' to create).
# Safe on every start: it creates only what is missing, and `update-schema` applies only versions the database
# does not have yet, which is also how a Temporal upgrade migrates the schema.
set -euo pipefail

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_ROOT="${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"
# The image's name for the schema tool; the cluster passes the path of the one it built.
SQL_TOOL="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
# Read by psql and temporal-sql-tool, so the password never appears in a process list.
export PGPASSWORD="$POSTGRES_PWD" SQL_PASSWORD="$POSTGRES_PWD"

sql_tool() {
  "$SQL_TOOL" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

psql_value() {
  psql -h "$POSTGRES_SEEDS" -p "$DB_PORT" -U "$POSTGRES_USER" -d "$1" -tAc "$2"
}

for attempt in $(seq 1 60); do
  psql_value postgres 'SELECT 1' >/dev/null 2>&1 && break
  [ "$attempt" -eq 60 ] && { echo "PostgreSQL at $POSTGRES_SEEDS:$DB_PORT did not answer" >&2; exit 1; }
  sleep 2
done

setup() {
  local database="$1" versioned="$2"
  # The postgres image itself creates a database named after POSTGRES_USER (`temporal`).
  if [ "$(psql_value postgres "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
    echo "creating database $database"
    sql_tool --db "$database" create
  fi
  # setup-schema only starts the version bookkeeping; running it again would reset the recorded version.
  if [ -z "$(psql_value "$database" "SELECT to_regclass('public.schema_version')")" ]; then
    echo "initialising schema versioning in $database"
    sql_tool --db "$database" setup-schema -v 0.0
  fi
  echo "updating schema of $database"
  sql_tool --db "$database" update-schema -d "$SCHEMA_ROOT/$versioned/versioned"
}

setup temporal temporal
setup temporal_visibility visibility
echo 'Temporal schema is up to date'

# The engine's database, empty: each worker creates its tables at start (CREATE TABLE IF NOT EXISTS), so a
# new engine version brings its own tables without a step here.
ENGINE_DATABASE=kyc # cluster/postgres.ts ENGINE_DATABASE, docker-compose.yml KYC_DATABASE_URL
if [ "$(psql_value postgres "SELECT 1 FROM pg_database WHERE datname = '$ENGINE_DATABASE'")" != 1 ]; then
  echo "creating database $ENGINE_DATABASE (the engine's shared vendor limits)"
  psql -h "$POSTGRES_SEEDS" -p "$DB_PORT" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE \"$ENGINE_DATABASE\""
fi
