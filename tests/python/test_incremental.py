"""Incremental event models: after one more day of raw events (new, late, duplicated, re-attributed, erased),
an incremental `dbt build`, and one killed with SIGKILL then re-run normally, give marts and incremental models
identical to a `--full-refresh` build, row for row."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest
from conftest import AS_OF, WAREHOUSE_FILE, dbt_invocation, keep_parse, run_dbt, run_dbt_until_killed

NEXT_DAY = AS_OF + dt.timedelta(days=1)
# dated as the daily job dates a build (SEGMENTS_AS_OF_DATE, not --vars: the runs share a parse)
NEXT_DAY_ENV = {"SEGMENTS_AS_OF_DATE": NEXT_DAY.isoformat()}
MART_SCHEMAS = ("marts", "reverse_etl", "data_quality")
INCREMENTAL_MODELS = {
    "base_product__tracks": "staging", "base_product__pages": "staging", "base_product__identifies": "staging",
    "base_crm__contacts": "staging", "base_surveys__responses": "staging",
    "int_contacts__daily_activity": "intermediate", "int_contacts__daily_event_context": "intermediate",
    "int_contacts__custom_event_days": "intermediate", "int_contacts__custom_event_occurrences": "intermediate",
}


def snapshot(path, schemas, tables=None) -> dict[str, list[tuple]]:
    """Every row of every table (or the named ones) in the schemas, sorted: a comparable picture."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        placeholders = ", ".join(f"'{s}'" for s in schemas)
        relations = con.execute(
            f"select table_schema, table_name from information_schema.tables where table_schema in ({placeholders}) "
            "and table_type = 'BASE TABLE' order by 1, 2").fetchall()
        for schema, table in relations:
            if tables is not None and table not in tables:
                continue
            rows = con.execute(f'select * from {schema}."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))
    return out


def assert_same_rows(built: dict, reference: dict, after: str) -> None:
    """The same tables, each with the same rows (snapshot() pictures)."""
    assert built.keys() == reference.keys()
    for name in reference:
        assert built[name] == reference[name], f"{name} differs after {after}"


def build(path, workdir, *flags):
    result = run_dbt(["build", *flags], path, workdir, extra_env=NEXT_DAY_ENV)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
    return json.loads((workdir / "target" / "run_results.json").read_text())


@pytest.fixture(scope="module")
def next_day(built_warehouse, tmp_path_factory):
    """The session's built warehouse plus one more day of raw data (append_day, not built yet), what append_day
    added, and the marts and incremental models of a `--full-refresh` build of it: what every build must equal."""
    from segments_warehouse.generate import append_day

    workdir = tmp_path_factory.mktemp("next_day")
    appended = workdir / "appended.duckdb"
    shutil.copy(built_warehouse.path, appended)
    added = append_day(str(appended), NEXT_DAY, seed=7)
    refreshed = workdir / "full" / WAREHOUSE_FILE
    refreshed.parent.mkdir()
    shutil.copy(appended, refreshed)
    build(refreshed, workdir / "full", "--full-refresh")
    return appended, added, snapshot(refreshed, MART_SCHEMAS), snapshot(
        refreshed, ("staging", "intermediate"), set(INCREMENTAL_MODELS))


def test_incremental_build_equals_full_refresh(next_day, tmp_path):
    appended, added, full_marts, full_models = next_day
    path = tmp_path / WAREHOUSE_FILE
    shutil.copy(appended, path)
    with duckdb.connect(str(path), read_only=True) as con:
        # the stored rows, as the previous day's build left them (append_day wrote only raw tables)
        rows_before = {model: con.execute(f"select count(*) from {schema}.{model}").fetchone()[0]
                       for model, schema in INCREMENTAL_MODELS.items()}
        # an old event no new delivery touches: the incremental run must leave its stored row alone
        untouched = con.execute(
            "select dedup_key from staging.base_product__tracks where quarantine_reason is null "
            "and loaded_at < timestamp '2026-06-01' order by dedup_key limit 1").fetchone()[0]
    with duckdb.connect(str(path)) as con:
        con.execute("update staging.base_product__tracks set event_text = 'stored before' where dedup_key = ?", [untouched])

    assert added["tracks.late_events"] > 0 and added["tracks.exact_duplicates"] > 0
    assert added["tracks.earlier_redeliveries"] > 0 and added["identifies.anonymous_tied"] > 0
    assert added["erasure_requests.new"] == 1
    assert all(added[f"contacts.{kind}"] > 0 for kind in (
        "new_versions", "new_contacts", "deleted_in_crm", "exact_duplicates", "blank_ids")), added
    assert all(added[f"responses.{kind}"] > 0 for kind in (
        "new_answers", "changed_redeliveries", "exact_duplicates", "blank_ids")), added
    with duckdb.connect(str(path), read_only=True) as con:
        erased_email = con.execute(
            f"select email from raw_compliance.erasure_requests where id = 'er_append_{NEXT_DAY:%Y%m%d}'").fetchone()[0]
        erased_contact = con.execute(
            "select contact_id from staging.stg_crm__contacts where email = lower(trim(?))", [erased_email]).fetchone()
        # the erased person has stored activity, so the build must delete a contact left with no event at all
        assert erased_contact and con.execute(
            "select count(*) from intermediate.int_contacts__daily_activity where contact_id = ?",
            erased_contact).fetchone()[0] > 0
        # and stored survey answers, screened before the request: the build must screen them as erased
        answers_query = "select count(*) from staging.base_surveys__responses where respondent_email = lower(trim(?))"
        assert con.execute(answers_query, [erased_email]).fetchone()[0] > 0

    incremental_dir = tmp_path / "incremental"
    results = build(path, incremental_dir)

    # it really was incremental: the models took the incremental path (delete + insert, not create table as)
    # and the stored row of the untouched event survived
    statuses = {r["unique_id"].split(".")[-1]: r for r in results["results"]}
    for model in INCREMENTAL_MODELS:
        assert statuses[model]["status"] == "success", model
        folder = {"base_product": "staging/product/base", "base_crm": "staging/crm/base",
                  "base_surveys": "staging/surveys/base"}.get(
            model.split("__")[0], "intermediate/behavior")
        compiled = (incremental_dir / "target" / "run" / "segments" / "models" / folder / f"{model}.sql").read_text()
        assert "delete from" in compiled.lower() and "create table" not in compiled.lower(), model
    with duckdb.connect(str(path)) as con:
        assert con.execute("select event_text from staging.base_product__tracks where dedup_key = ?",
                           [untouched]).fetchone()[0] == "stored before"
        con.execute("update staging.base_product__tracks set event_text = (select event_text from raw_product.tracks "
                    "where id = ? order by received_at limit 1) where dedup_key = ?", [untouched, untouched])
        rows_after = {model: con.execute(f"select count(*) from {schema}.{model}").fetchone()[0]
                      for model, schema in INCREMENTAL_MODELS.items()}
        # the erased person is gone from the incremental models on this very build
        if erased_contact:
            for model in ("int_contacts__daily_activity", "int_contacts__daily_event_context",
                          "int_contacts__custom_event_days", "int_contacts__custom_event_occurrences"):
                assert con.execute(f"select count(*) from intermediate.{model} where contact_id = ?",
                                   erased_contact).fetchone()[0] == 0
        assert con.execute(answers_query, [erased_email]).fetchone()[0] == 0
    for model in ("base_product__tracks", "base_product__pages", "base_product__identifies", "base_crm__contacts",
                  "base_surveys__responses"):
        table = model.split("__")[1]
        assert rows_after[model] == rows_before[model] + sum(
            v for k, v in added.items() if k.startswith(f"{table}.")), model

    incremental_marts = snapshot(path, MART_SCHEMAS)
    incremental_models = snapshot(path, ("staging", "intermediate"), set(INCREMENTAL_MODELS))
    assert len(incremental_marts) >= 15
    assert all(rows for name, rows in incremental_marts.items() if name != "reverse_etl.sync_state")

    assert_same_rows(incremental_marts, full_marts, "the incremental build")
    assert_same_rows(incremental_models, full_models, "the incremental build")


def test_sigkill_mid_incremental_build_then_normal_rerun_equals_a_full_refresh(next_day, tmp_path):
    """The next day's incremental build killed when int_contacts__daily_activity starts (the event base models
    have stored the new day, the activity model has not), then re-run normally (no --full-refresh): exactly the
    marts and incremental models of the full refresh (which the uninterrupted incremental build equals, above)."""
    appended, _, full_marts, full_models = next_day
    path = tmp_path / WAREHOUSE_FILE
    shutil.copy(appended, path)
    args = ["build"]
    command, env, cwd = dbt_invocation(args, path, tmp_path / "killed", extra_env=NEXT_DAY_ENV)
    seen = run_dbt_until_killed(
        command, env, cwd,
        lambda line: "START sql incremental model intermediate.int_contacts__daily_activity" in line, seconds=300)
    assert "OK created sql incremental model staging.base_product__tracks" in seen, seen[-3000:]
    keep_parse(command, path, tmp_path / "killed", env)

    rerun = run_dbt(args, path, tmp_path / "rerun", extra_env=NEXT_DAY_ENV)
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    assert_same_rows(snapshot(path, MART_SCHEMAS), full_marts, "the kill and the re-run")
    assert_same_rows(snapshot(path, ("staging", "intermediate"), set(INCREMENTAL_MODELS)), full_models,
                     "the kill and the re-run")


def test_a_run_that_leaves_the_fingerprints_out_still_equals_a_full_refresh(next_day, tmp_path):
    """The next day's build with int_contacts__event_fingerprints excluded, so that table still holds the previous
    day's figures: the per-contact models compute the figures from the attributed events instead, and give
    exactly the rows of the full refresh (comparing against the stale table would recompute nobody)."""
    appended, _, full_marts, full_models = next_day
    path = tmp_path / WAREHOUSE_FILE
    shutil.copy(appended, path)
    with duckdb.connect(str(path), read_only=True) as con:
        stale = con.execute("select sum(events) from intermediate.int_contacts__event_fingerprints").fetchone()[0]
    results = build(path, tmp_path / "partial", "--exclude", "int_contacts__event_fingerprints")
    assert "int_contacts__event_fingerprints" not in {r["unique_id"].split(".")[-1] for r in results["results"]}
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select sum(events) from intermediate.int_contacts__event_fingerprints").fetchone()[0] == stale
    assert_same_rows(snapshot(path, ("staging", "intermediate"), set(INCREMENTAL_MODELS)), full_models,
                     "a build without the fingerprints")
    assert_same_rows(snapshot(path, MART_SCHEMAS), full_marts, "a build without the fingerprints")


def test_a_table_stored_before_a_column_was_added_is_rescreened_whole(next_day, tmp_path):
    """A base_product__tracks stored by an earlier version of the project, before event_value and
    has_unparseable_value existed (on_schema_change append_new_columns leaves them null in every stored row) and
    so screened under the earlier rules: the next normal incremental build re-screens every row (screened_with
    differs) and equals the full refresh, row for row, instead of keeping nulls outside the lookback."""
    appended, _, full_marts, full_models = next_day
    path = tmp_path / WAREHOUSE_FILE
    shutil.copy(appended, path)
    with duckdb.connect(str(path)) as con:
        con.execute("update staging.base_product__tracks set event_value = null, has_unparseable_value = null, "
                    "screened_with = split_part(screened_with, ';columns=', 1)")
        assert con.execute("select count(*) from staging.base_product__tracks "
                           "where screened_with like '%columns=%'").fetchone()[0] == 0
    build(path, tmp_path / "incremental")
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from staging.base_product__tracks "
                           "where has_unparseable_value is null").fetchone()[0] == 0
    assert_same_rows(snapshot(path, MART_SCHEMAS), full_marts, "the incremental build of an older table")
    assert_same_rows(snapshot(path, ("staging", "intermediate"), set(INCREMENTAL_MODELS)), full_models,
                     "the incremental build of an older table")


def test_a_table_stored_before_the_model_was_incremental_stops_with_the_fix(next_day, tmp_path):
    """base_product__identifies stored as a plain table by an earlier version of the project (no dedup_key, no
    screened_with): the incremental run stops before writing, with a message naming the table, the missing columns
    and the command that rebuilds it, instead of a binder error or old rows kept next to re-screened ones."""
    appended, *_ = next_day
    path = tmp_path / WAREHOUSE_FILE
    shutil.copy(appended, path)
    with duckdb.connect(str(path)) as con:
        rows = con.execute("select count(*) from staging.base_product__identifies").fetchone()[0]
        for column in ("dedup_key", "screened_with"):
            con.execute(f"alter table staging.base_product__identifies drop column {column}")
    result = run_dbt(["run", "--select", "base_product__identifies"], path, tmp_path / "old",
                     extra_env=NEXT_DAY_ENV)
    assert result.returncode == 1, result.stdout[-3000:]
    assert ("was stored by an earlier version of the project: it has no column dedup_key, screened_with"
            in result.stdout), result.stdout[-3000:]
    assert "dbt build --full-refresh --select base_product__identifies+" in result.stdout
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from staging.base_product__identifies").fetchone()[0] == rows
