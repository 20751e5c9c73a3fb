# shellcheck shell=bash
# Shared by scripts/test_postgres.sh and scripts/test_spark.sh (sourced, from the project folder): step timing,
# the pass/fail line, the environment, and the DuckDB side of each comparison (generate, then dbt build).
# The caller sets BIN, contacts, seed, as_of and workdir (an absolute path) before calling these.

started=$SECONDS

# step MESSAGE: a progress line with the seconds since the start
step() { printf '\n==> [%3ds] %s\n' "$((SECONDS - started))" "$*" >&2; }

# absolute_dir DIR: create DIR and print its absolute path
absolute_dir() { mkdir -p "$1" && (cd "$1" && pwd); }

# report_result STATUS NAME: the last line of a run, from the caller's EXIT trap
report_result() {
    if [[ $1 -eq 0 ]]; then
        printf '\n%s passed in %d s\n' "$2" "$((SECONDS - started))" >&2
    else
        printf '\n%s FAILED (exit %d) after %d s; logs in %s\n' "$2" "$1" "$((SECONDS - started))" "$workdir" >&2
    fi
}

# export_test_env: this checkout's dbt project and package, the DuckDB file in the work folder, and $vars
export_test_env() {
    export DBT_PROFILES_DIR=$PWD
    # this checkout's package, whatever else the venv has installed
    export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
    export SEGMENTS_DUCKDB_PATH=$workdir/segments.duckdb
    export SEGMENTS_THREADS=${SEGMENTS_THREADS:-4}
    export DBT_SEND_ANONYMOUS_USAGE_STATS=false
    vars="{as_of_date: \"$as_of\"}"
}

segments() { "$BIN/python" -m segments_warehouse.cli "$@"; }

# dbt_build TARGET: `dbt build` on one target with its own artifacts and log; on failure the log's tail (without
# the JSON lines PySpark adds)
dbt_build() {
    local log="$workdir/dbt-$1.log"
    "$BIN/dbt" build --target "$1" --vars "$vars" --target-path "$workdir/dbt-$1" --log-path "$workdir/logs-$1" \
        >"$log" 2>&1 || { grep -v '^{' "$log" | tail -n 60 >&2; return 1; }
    grep -E 'Done\. PASS' "$log" | tail -n 1 >&2
}

# generate_and_build_duckdb: the dirty dataset into $SEGMENTS_DUCKDB_PATH, then the reference build on DuckDB
generate_and_build_duckdb() {
    step "generating $contacts contacts (seed $seed, as of $as_of) into $SEGMENTS_DUCKDB_PATH"
    segments generate --contacts "$contacts" --seed "$seed" --as-of "$as_of" --quiet
    step "dbt build on DuckDB"
    dbt_build duckdb
}
