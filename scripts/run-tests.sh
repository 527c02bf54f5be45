#!/usr/bin/env bash
# Run every test against a fresh PostgreSQL database made for this run, then drop it.
set -uo pipefail
host="${PG_HOST:-127.0.0.1}" port="${PG_PORT:-5432}" user="${PG_USER:-postgres}"

scripts/start-postgres.sh "$host" "$port" "$user" || exit 1
url="$(scripts/create-test-database.sh "$host" "$port" "$user")" || exit 1
name="${url##*/}"

MODELCLOUD_TEST_POSTGRES_URL="$url" .venv/bin/python -m pytest "$@"
status=$?

psql -q -h "$host" -p "$port" -U "$user" -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >&2
exit $status
