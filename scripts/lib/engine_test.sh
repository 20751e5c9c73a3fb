# shellcheck shell=bash
# Shared by scripts/test_postgres.sh and scripts/test_spark.sh (sourced, from the project folder): step timing,
# the pass/fail line, the environment, and the DuckDB side of each comparison (generate, then dbt build).
# The caller sets BIN, contacts, seed, as_of and workdir (an absolute path) before calling these.

started=$SECONDS

# step MESSAGE: a progress line with the seconds since the start
step() { printf '\n==> [%3ds] %s\n' "$((SECONDS - started))" "$*" >&2; }

# absolute_dir DIR: create DIR and print its absolute path
absolute_dir() { mkdir -p "$1" && (cd "$1" && pwd); }

# report_result STATUS NAME: the last line of a run, from the caller's EXIT trap (a DuckDB build still running in
# the background is stopped first)
report_result() {
    stop_duckdb_build
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

# dbt_build TARGET [NAME [DBT_ARGS...]]: `dbt build` on one target with $vars, its artifacts in $workdir/NAME
# (default dbt-TARGET) and its log in NAME.log; on failure the log's tail (without the JSON lines PySpark adds)
dbt_build() {
    local target=$1 name=${2:-dbt-$1}
    shift $(($# < 2 ? $# : 2))
    local log="$workdir/$name.log"
    "$BIN/dbt" build --target "$target" --vars "$vars" --target-path "$workdir/$name" --log-path "$workdir/logs-$name" \
        "$@" >"$log" 2>&1 || { grep -v '^{' "$log" | tail -n 60 >&2; return 1; }
    grep -E 'Done\. PASS' "$log" | tail -n 1 >&2
}

# The DuckDB side of a comparison runs in the background while the target's side (load, build) runs: the two are
# independent until the comparison, and a build is mostly one Python thread, so on two cores they take about the
# time of the longer one. The target's loader reads $raw_duckdb, a copy of the raw tables made before the DuckDB
# build takes its file's write lock.

# start_duckdb_build NAME [DBT_ARGS...]: copy $SEGMENTS_DUCKDB_PATH to $raw_duckdb, then `dbt_build duckdb NAME
# DBT_ARGS...` in the background
start_duckdb_build() {
    raw_duckdb=$workdir/raw-copy.duckdb
    rm -f "$raw_duckdb" "$raw_duckdb.wal"
    cp "$SEGMENTS_DUCKDB_PATH" "$raw_duckdb"
    dbt_build duckdb "$@" &
    duckdb_pid=$!
}

# finish_duckdb_build: wait for the background DuckDB build; fails when it failed
finish_duckdb_build() {
    local pid=$duckdb_pid
    duckdb_pid=
    wait "$pid" || { echo "the dbt build on DuckDB failed (its log is above)" >&2; return 1; }
}

# stop_duckdb_build: a background DuckDB build still running (the target's side failed) is stopped
stop_duckdb_build() {
    if [[ -n ${duckdb_pid:-} ]]; then
        pkill -P "$duckdb_pid" 2>/dev/null || true
        kill "$duckdb_pid" 2>/dev/null || true
        wait "$duckdb_pid" 2>/dev/null || true
        duckdb_pid=
    fi
}

# generate_and_start_duckdb: the dirty dataset into $SEGMENTS_DUCKDB_PATH, then the reference build on DuckDB in the
# background (finish_duckdb_build waits for it)
generate_and_start_duckdb() {
    step "generating $contacts contacts (seed $seed, as of $as_of) into $SEGMENTS_DUCKDB_PATH"
    segments generate --contacts "$contacts" --seed "$seed" --as-of "$as_of" --quiet
    step "dbt build on DuckDB, in the background"
    start_duckdb_build dbt-duckdb
}

# compare_adapter_combinations TARGET [NAME...]: every source adapter on TARGET (postgres or spark). For each
# combination of tests/python/fixtures_combined.py (default: all of them; HubSpot + Segment + Stripe + Qualtrics, Salesforce + RudderStack + Stripe +
# Qualtrics, HubSpot + Snowplow): the loaders' fixtures into a DuckDB file of its own, `dbt build` on DuckDB with the
# combination's vars (in the background), the loaders' schemas copied to TARGET from $raw_duckdb (the caller's
# `load_schemas SCHEMA...`), `dbt build
# --target TARGET` with the same vars, and every mart compared (the caller's `compare_marts MANIFEST`). Unit tests
# are excluded: they feed the generic adapter's models, which these builds do not have (the generic build runs them);
# so are the data tests of the DuckDB side, which tests/python/test_adapter_combined.py runs on the same builds.
# --full-refresh on TARGET: its incremental models (quarantine, history) still hold the previous build's rows, while
# each DuckDB file is new.
# Knobs: ADAPTER_TEST_SELECT, a dbt selector for both builds (e.g. "+seg_behavioral +seg_technographic": the event
# adapters' chain), with every relation the DuckDB build made compared (staging and intermediate too, not only the
# marts: `segments compare --built-by`); ADAPTER_TEST_DATA_TESTS=0 leaves the data tests out on TARGET as well
# (the DuckDB side of the same build passes them in pytest; the relations are compared row by row).
compare_adapter_combinations() {
    local target=$1 name schemas names
    local fixtures=tests/python/fixtures_combined.py
    local select=() compare=() target_tests=()
    shift
    names=${*:-$("$BIN/python" "$fixtures" names)}
    if [[ -n ${ADAPTER_TEST_SELECT:-} ]]; then
        read -ra select <<<"$ADAPTER_TEST_SELECT"
        select=(--select "${select[@]}" --indirect-selection cautious)
    fi
    [[ ${ADAPTER_TEST_DATA_TESTS:-1} == 0 ]] && target_tests=(--exclude-resource-type test)
    for name in $names; do
        export SEGMENTS_DUCKDB_PATH=$workdir/adapters-$name.duckdb
        rm -f "$SEGMENTS_DUCKDB_PATH" "$SEGMENTS_DUCKDB_PATH.wal"
        step "adapters $name: the loaders' fixtures into $SEGMENTS_DUCKDB_PATH, dbt build on DuckDB in the background"
        "$BIN/python" "$fixtures" write "$name" "$SEGMENTS_DUCKDB_PATH"
        vars=$("$BIN/python" "$fixtures" vars "$name")
        start_duckdb_build "adapters-$name-duckdb" --exclude-resource-type unit_test --exclude-resource-type test \
            "${select[@]}"
        [[ ${#select[@]} -gt 0 ]] && compare=(--built-by "$workdir/adapters-$name-duckdb/run_results.json")
        read -ra schemas <<<"$("$BIN/python" "$fixtures" schemas "$name")"
        step "adapters $name: copying ${schemas[*]} to $target, dbt build on $target"
        load_schemas "${schemas[@]}"
        dbt_build "$target" "adapters-$name-$target" --exclude-resource-type unit_test --full-refresh \
            "${target_tests[@]}" "${select[@]}"
        finish_duckdb_build
        step "adapters $name: comparing every ${compare[*]:+relation built, not only every }mart: DuckDB vs $target"
        compare_marts "$workdir/adapters-$name-duckdb/manifest.json" "${compare[@]}"
    done
}
