#!/usr/bin/env bash
# End-to-end test of the Postgres target (`make test-postgres`):
#   1. install PostgreSQL if missing, start a throwaway server on 127.0.0.1 (its own data directory under
#      target/pg/, a free port, a random password); it is stopped on exit, also on failure or Ctrl-C
#   2. generate a small dirty dataset into a DuckDB file and `dbt build` it on DuckDB
#   3. copy the same raw tables into Postgres (`segments load-postgres`, COPY) and `dbt build --target postgres`
#      (seeds, models, unit tests, data tests: all must pass)
#   4. `segments compare`: every mart of both builds, row by row; any difference fails the run
#
# Knobs (environment): PG_TEST_CONTACTS (2000), PG_TEST_SEED (7), PG_TEST_AS_OF (2026-11-01),
# PG_TEST_DIR (target/pg), BIN (the venv's bin folder, default .venv/bin).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
contacts=${PG_TEST_CONTACTS:-2000}
seed=${PG_TEST_SEED:-7}
as_of=${PG_TEST_AS_OF:-2026-11-01}
workdir=${PG_TEST_DIR:-target/pg}
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)

started=$SECONDS
step() { printf '\n==> [%3ds] %s\n' "$((SECONDS - started))" "$*" >&2; }

cleanup() {
    local status=$?
    scripts/pg_local.sh stop "$workdir" || true
    if [[ $status -eq 0 ]]; then
        printf '\ntest-postgres passed in %d s\n' "$((SECONDS - started))" >&2
    else
        printf '\ntest-postgres FAILED (exit %d) after %d s; logs in %s\n' "$status" "$((SECONDS - started))" "$workdir" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "starting a local PostgreSQL server"
scripts/pg_local.sh start "$workdir"
# shellcheck disable=SC1091
source "$workdir/env"

export DBT_PROFILES_DIR=$PWD
# this checkout's package, whatever else the venv has installed
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
segments() { "$BIN/python" -m segments_warehouse.cli "$@"; }
export SEGMENTS_DUCKDB_PATH=$workdir/segments.duckdb
export SEGMENTS_THREADS=${SEGMENTS_THREADS:-4}
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
vars="{as_of_date: \"$as_of\"}"
rm -f "$SEGMENTS_DUCKDB_PATH" "$SEGMENTS_DUCKDB_PATH.wal"

step "generating $contacts contacts (seed $seed, as of $as_of) into $SEGMENTS_DUCKDB_PATH"
segments generate --contacts "$contacts" --seed "$seed" --as-of "$as_of" --quiet

step "dbt build on DuckDB"
"$BIN/dbt" build --target duckdb --vars "$vars" --target-path "$workdir/dbt-duckdb" --log-path "$workdir/logs-duckdb" \
    >"$workdir/dbt-duckdb.log" 2>&1 || { tail -n 60 "$workdir/dbt-duckdb.log" >&2; exit 1; }
grep -E 'Done\. PASS' "$workdir/dbt-duckdb.log" | tail -n 1 >&2

step "copying the raw tables into Postgres"
segments load-postgres

step "dbt build on Postgres"
"$BIN/dbt" build --target postgres --vars "$vars" --target-path "$workdir/dbt-postgres" --log-path "$workdir/logs-postgres" \
    >"$workdir/dbt-postgres.log" 2>&1 || { tail -n 60 "$workdir/dbt-postgres.log" >&2; exit 1; }
grep -E 'Done\. PASS' "$workdir/dbt-postgres.log" | tail -n 1 >&2

step "comparing every mart: DuckDB vs Postgres"
segments compare --manifest "$workdir/dbt-duckdb/manifest.json"
