#!/usr/bin/env bash
# Create a fresh, uniquely named database and print its URL.
set -euo pipefail
host="${1:-127.0.0.1}" port="${2:-5432}" user="${3:-postgres}"
name="modelcloud_test_$(date +%Y%m%d%H%M%S)_$$"

psql -q -h "$host" -p "$port" -U "$user" -d postgres -c "CREATE DATABASE $name" >&2
echo "postgresql://$user@$host:$port/$name"
