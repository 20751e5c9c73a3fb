#!/usr/bin/env bash
# End-to-end test of the Postgres target (`make test-postgres`):
#   1. install PostgreSQL if missing, start a throwaway server on 127.0.0.1 (its own data directory under
#      target/pg/, a free port, a random password); it is stopped on exit, also on failure or Ctrl-C
#   2. generate a small dirty dataset into a DuckDB file and `dbt build` it on DuckDB (in the background, while 3 runs)
#   3. copy the same raw tables into Postgres (`segments load-postgres`, COPY) and `dbt build --target postgres`
#      (seeds, models, unit tests, data tests: all must pass)
#   4. `segments compare`: every mart of both builds, row by row; any difference fails the run
#   5. the source adapters: for each combination of tests/python/fixtures_combined.py (every adapter is in one),
#      the loaders' fixtures built on DuckDB, their schemas copied (`segments load-postgres --schema`), built on
#      Postgres with the same vars, every mart compared (scripts/lib/engine_test.sh, compare_adapter_combinations)
#
# Knobs (environment): PG_TEST_CONTACTS (2000), PG_TEST_SEED (7), PG_TEST_AS_OF (2026-11-01),
# PG_TEST_DIR (target/pg), BIN (the venv's bin folder, default .venv/bin), PG_TEST_ADAPTERS (the adapter
# combinations of step 5, by name; default all), ADAPTER_TEST_SELECT and ADAPTER_TEST_DATA_TESTS (step 5's selection:
# scripts/lib/engine_test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/engine_test.sh
source scripts/lib/engine_test.sh

BIN=${BIN:-.venv/bin}
contacts=${PG_TEST_CONTACTS:-2000}
seed=${PG_TEST_SEED:-7}
as_of=${PG_TEST_AS_OF:-2026-11-01}
workdir=$(absolute_dir "${PG_TEST_DIR:-target/pg}")

cleanup() {
    local status=$?
    scripts/pg_local.sh stop "$workdir" || true
    report_result "$status" test-postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "starting a local PostgreSQL server"
scripts/pg_local.sh start "$workdir"
# shellcheck disable=SC1091
source "$workdir/env"

export_test_env
rm -f "$SEGMENTS_DUCKDB_PATH" "$SEGMENTS_DUCKDB_PATH.wal"
generate_and_start_duckdb

step "copying the raw tables into Postgres"
segments load-postgres --duckdb "$raw_duckdb"

step "dbt build on Postgres"
dbt_build postgres
finish_duckdb_build

step "comparing every mart: DuckDB vs Postgres"
segments compare --manifest "$workdir/dbt-duckdb/manifest.json"

# the hooks of compare_adapter_combinations
load_schemas() {
    local schema options=()
    for schema in "$@"; do options+=(--schema "$schema"); done
    segments load-postgres --duckdb "$raw_duckdb" "${options[@]}" >"$workdir/load-postgres.log" 2>&1 \
        || { cat "$workdir/load-postgres.log" >&2; return 1; }
}
compare_marts() {
    COLUMNS=160 segments compare --manifest "$@" >"$workdir/compare.log" 2>&1 || { cat "$workdir/compare.log" >&2; return 1; }
    tail -n 1 "$workdir/compare.log" >&2
}
# shellcheck disable=SC2086
compare_adapter_combinations postgres ${PG_TEST_ADAPTERS:-}
