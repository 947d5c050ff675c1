#!/usr/bin/env bash
# Print a PostgreSQL URL for the test database, starting a local cluster if it is installed but
# stopped and creating the database if missing. Print nothing (exit 0) when PostgreSQL is absent.
set -u
HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}
USER_NAME=${PGUSER:-postgres}
DB=${SIKOMO_PG_TEST_DB:-sikomo_test}

command -v pg_isready >/dev/null 2>&1 || exit 0
if ! pg_isready -q -h "$HOST" -p "$PORT"; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      pg_isready -q -h "$HOST" -p "$PORT" && break
      sleep 1
    done
  fi
  pg_isready -q -h "$HOST" -p "$PORT" || exit 0
fi
exists=$(psql -h "$HOST" -p "$PORT" -U "$USER_NAME" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'" 2>/dev/null) || exit 0
if [ "$exists" != "1" ]; then
  createdb -h "$HOST" -p "$PORT" -U "$USER_NAME" "$DB" >/dev/null 2>&1 || exit 0
fi
echo "postgresql+psycopg://$USER_NAME@$HOST:$PORT/$DB"
