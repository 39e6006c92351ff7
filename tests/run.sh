#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need (the package with
# its test extras, Debian's chromium and postgresql), then runs every test on SQLite
# and again on a throwaway PostgreSQL server started on loopback in a temp directory.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

echo "== installing the portal with its test extras"
$PY -m pip install --quiet --disable-pip-version-check -e '.[test]'

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ ! -x /usr/bin/chromium ] || [ -z "$PG_BIN" ]; then
  echo "== installing Debian's chromium and postgresql"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium postgresql >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

WORK=$(mktemp -d /tmp/portal-tests.XXXXXX)
chmod 755 "$WORK"   # the postgres user must reach its data folder inside
export HOME="$WORK/home"   # Chromium's profile stays out of the real home directory
mkdir -p "$HOME"
PG_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PG_DIR="$WORK/pg"
mkdir -p "$PG_DIR"
echo portal-test > "$PG_DIR/pw"
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$PG_DIR"
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}
stop_pg() {
  as_pg "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop_pg EXIT

echo "== starting PostgreSQL on 127.0.0.1:$PG_PORT"
as_pg "$PG_BIN/initdb -D $PG_DIR/data -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --pwfile=$PG_DIR/pw -E UTF8 --locale=C.UTF-8" >/dev/null
# Autovacuum is off: its ANALYZE writes statistics in transactions of its own, which
# change the data version kept pages are keyed on (portal/page_cache.py) at moments no
# test chooses, so a test that expects a kept page would depend on the server's timing.
as_pg "$PG_BIN/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w \
  -o \"-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c autovacuum=off\" start" >/dev/null
as_pg "psql -h $PG_DIR -p $PG_PORT -U postgres -q -c \"CREATE ROLE portal LOGIN PASSWORD 'portal'\" \
  -c 'CREATE DATABASE portal_test OWNER portal'" >/dev/null

run_suite() {
  local label=$1; shift
  echo "== pytest on $label"
  set +e
  env "$@" $PY -m pytest "${PYTEST_ARGS[@]}"
  local rc=$?
  set -e
  if [ $rc -eq 5 ]; then
    echo "pytest collected no tests on $label: that is a failure" >&2
    return 1
  fi
  return $rc
}

PYTEST_ARGS=("$@")
# The two databases' runs go side by side, one per core (CI has two): PostgreSQL's
# output is kept in a file and shown once SQLite's run is over. They share nothing but
# the checkout, which neither writes (the wheel is built only in the SQLite run).
status=0
PG_LOG="$WORK/pytest-postgresql.log"
run_suite PostgreSQL \
  PORTAL_TEST_DATABASE_URL="postgresql://portal:portal@127.0.0.1:$PG_PORT/portal_test" \
  > "$PG_LOG" 2>&1 &
PG_JOB=$!
run_suite SQLite PORTAL_TEST_DATABASE_URL= || status=1
wait $PG_JOB || status=1
cat "$PG_LOG"
if [ $status -ne 0 ]; then
  echo "== FAILED on at least one database" >&2
fi
exit $status
