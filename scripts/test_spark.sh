#!/usr/bin/env bash
# End-to-end test of the Spark target (`make test-spark`):
#   1. generate a small dirty dataset into a DuckDB file and `dbt build` it on DuckDB
#   2. write the same raw tables into a local Spark warehouse (`segments load-spark`: Parquet, then Spark tables
#      in raw_crm, raw_product, raw_surveys, raw_compliance; warehouse and Derby metastore under the work folder)
#   3. `dbt build --target spark` (dbt-spark's session method: PySpark inside the dbt process; seeds, models,
#      unit tests, data tests: all must pass)
#   4. `segments compare --spark`: every mart of both builds, row by row; any difference fails the run
#   5. the source adapters, event adapters included: for each combination of tests/python/fixtures_combined.py, the
#      loaders' fixtures built on DuckDB, their schemas written (`segments load-spark --schema`), built on Spark
#      with the same vars, every mart compared (scripts/lib/engine_test.sh, compare_adapter_combinations)
# Needs Java 17 (installed from the Debian packages when missing, as root or through sudo) and the spark extra
# (`pip install -e '.[spark]'`).
#
# Knobs (environment): SPARK_TEST_CONTACTS (400), SPARK_TEST_SEED (7), SPARK_TEST_AS_OF (2026-11-01),
# SPARK_TEST_DIR (target/spark-test), BIN (the venv's bin folder, default .venv/bin), SEGMENTS_SPARK_THREADS (2),
# SPARK_TEST_ADAPTERS (the adapter combinations of step 5, by name; default all), SPARK_TEST_GENERIC (1; 0 skips
# steps 1 to 4: the source adapters only), ADAPTER_TEST_SELECT and ADAPTER_TEST_DATA_TESTS (step 5's selection:
# scripts/lib/engine_test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/engine_test.sh
source scripts/lib/engine_test.sh

BIN=${BIN:-.venv/bin}
contacts=${SPARK_TEST_CONTACTS:-400}
seed=${SPARK_TEST_SEED:-7}
as_of=${SPARK_TEST_AS_OF:-2026-11-01}
workdir=$(absolute_dir "${SPARK_TEST_DIR:-target/spark-test}")

finish() { report_result $? test-spark; }
trap finish EXIT
trap 'exit 130' INT TERM

if ! command -v java >/dev/null 2>&1; then
    # as root, or through sudo (as scripts/pg_local.sh installs PostgreSQL)
    if [[ $(id -u) -eq 0 ]]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
    if command -v apt-get >/dev/null 2>&1 && { [[ $(id -u) -eq 0 ]] || command -v sudo >/dev/null 2>&1; }; then
        step "installing Java 17 (Debian package openjdk-17-jre-headless)"
        "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    else
        echo "Java is required for Spark: install a JDK/JRE 17 (e.g. apt-get install openjdk-17-jre-headless)" >&2
        exit 2
    fi
fi
if ! "$BIN/python" -c 'import pyspark, dbt.adapters.spark' 2>/dev/null; then
    echo "PySpark or dbt-spark missing in $BIN: $BIN/pip install -e '.[spark]'" >&2
    exit 2
fi

export_test_env
export SEGMENTS_SPARK_DIR=$workdir/spark
export SEGMENTS_SPARK_THREADS=${SEGMENTS_SPARK_THREADS:-2}
# PySpark hands timestamps to Python in the process's local zone: keep everything in UTC
export TZ=UTC
rm -rf "$SEGMENTS_DUCKDB_PATH" "$SEGMENTS_DUCKDB_PATH.wal" "$SEGMENTS_SPARK_DIR"

# load_schemas [SCHEMA...]: the raw tables (or every table of the given loaders' schemas) into the Spark warehouse
load_schemas() {
    local schema options=()
    for schema in "$@"; do options+=(--schema "$schema"); done
    segments load-spark --duckdb "$raw_duckdb" "${options[@]}" >"$workdir/load-spark.log" 2>&1 \
        || { tail -n 40 "$workdir/load-spark.log" >&2; return 1; }
    grep -E '^[0-9.]+ s$' "$workdir/load-spark.log" | tail -n 1 >&2 || true
}
# compare_marts MANIFEST [COMPARE_ARGS...]: every mart of the DuckDB build vs the Spark build, without PySpark's start-up noise
compare_marts() {
    local noise='^(WARNING|Using Spark|Setting default|To adjust|\[Stage|[0-9/]+ [0-9:]+ WARN)'
    segments compare --spark --manifest "$@" 2>"$workdir/compare.log" \
        || { grep -vE "$noise" "$workdir/compare.log" >&2; return 1; }
    grep -vE "$noise|pandas|require_minimum" "$workdir/compare.log" >&2
}

if [[ ${SPARK_TEST_GENERIC:-1} != 0 ]]; then
    generate_and_start_duckdb

    step "writing the raw tables into the Spark warehouse ($SEGMENTS_SPARK_DIR)"
    load_schemas

    step "dbt build on Spark"
    dbt_build spark
    finish_duckdb_build

    step "comparing every mart: DuckDB vs Spark"
    compare_marts "$workdir/dbt-duckdb/manifest.json"
fi

# shellcheck disable=SC2086
compare_adapter_combinations spark ${SPARK_TEST_ADAPTERS:-}
