#!/usr/bin/env bash
# Start the machine's PostgreSQL server when it is not accepting connections.
set -euo pipefail
host="${1:-127.0.0.1}" port="${2:-5432}" user="${3:-postgres}"

if pg_isready -q -h "$host" -p "$port"; then
    exit 0
fi

if command -v pg_ctlcluster >/dev/null 2>&1; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
else
    echo "PostgreSQL is not running on $host:$port and pg_ctlcluster is not installed;" \
         "start a server or set PG_HOST/PG_PORT." >&2
    exit 1
fi

for _ in $(seq 1 30); do
    pg_isready -q -h "$host" -p "$port" && exit 0
    sleep 1
done
echo "PostgreSQL did not accept connections on $host:$port within 30 s." >&2
exit 1
