"""The Postgres path: `segments load-postgres`, `segments compare` and the comparison's normalization.

The end-to-end check (both builds, every mart identical) is `make test-postgres`; here are the parts that need
no dbt build on Postgres. Tests marked `needs_postgres` start a throwaway local server with scripts/pg_local.sh
and are skipped when PostgreSQL is not installed.
"""

from __future__ import annotations

import datetime as dt
import json
import socket

import duckdb
import pytest
from conftest import PROJECT_DIR, run_cli

from segments_warehouse.compare import (
    CompareError,
    Mart,
    compare_duckdb_parquet,
    compare_rows,
    marts_from_manifest,
    normalize,
    relation_from_node,
    relations_built_by,
)
from segments_warehouse.postgres import ConnectionSettings, PostgresError, connect, load_postgres


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- normalization and row comparison ------------------------------------------------------------------------

def test_doubles_compare_to_nine_significant_digits_and_ints_equal_floats():
    assert normalize(0.1 + 0.2) == normalize(0.3)
    assert normalize(1234.5678901234) == normalize(1234.5678901299)
    assert normalize(1234.56789) != normalize(1234.56788)
    assert normalize(3) == normalize(3.0)
    assert normalize(-0.0) == normalize(0.0)


def test_timestamps_with_a_zone_compare_in_utc():
    aware = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert normalize(aware) == dt.datetime(2026, 11, 1, 10, 0)


def test_rows_compare_as_multisets_order_independent():
    mart = Mart("marts", "m")
    columns = ["a", "b"]
    same = compare_rows(mart, (columns, [(1, "x"), (2, "y"), (2, "y")]), (columns, [(2, "y"), (1, "x"), (2, "y")]))
    assert same.ok and same.left_rows == same.right_rows == 3

    duplicate_lost = compare_rows(mart, (columns, [(1, "x"), (1, "x")]), (columns, [(1, "x")]))
    assert not duplicate_lost.ok and duplicate_lost.only_left == 1 and duplicate_lost.only_right == 0

    changed = compare_rows(mart, (columns, [(1, "x")]), (columns, [(1, "X")]))
    assert not changed.ok and changed.samples_left == [(1, "x")] and changed.samples_right == [(1, "X")]


def test_columns_must_match_by_name_and_order():
    mart = Mart("marts", "m")
    renamed = compare_rows(mart, (["a", "b"], []), (["a", "c"], []))
    assert not renamed.ok and "only in DuckDB ['b']" in renamed.column_problem
    reordered = compare_rows(mart, (["a", "b"], []), (["b", "a"], []))
    assert not reordered.ok and "order" in reordered.column_problem


def test_marts_come_from_the_manifest(tmp_path):
    nodes = {
        "model.segments.seg_x": {"resource_type": "model", "schema": "marts", "name": "seg_x", "alias": "seg_x", "config": {}},
        "model.segments.dq": {"resource_type": "model", "schema": "data_quality", "name": "dq", "alias": "dq", "config": {}},
        "model.segments.rev": {"resource_type": "model", "schema": "reverse_etl", "name": "rev", "alias": "rev",
                               "config": {"materialized": "view"}},
        "model.segments.stg": {"resource_type": "model", "schema": "staging", "name": "stg", "alias": "stg", "config": {}},
        "seed.segments.s": {"resource_type": "seed", "schema": "marts", "name": "s", "alias": "s", "config": {}},
    }
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": nodes}))
    assert [m.qualified for m in marts_from_manifest(manifest)] == ["data_quality.dq", "marts.seg_x", "reverse_etl.rev"]


def test_a_selective_build_is_compared_on_every_relation_it_built(tmp_path):
    def model(schema, name, **config):
        return {"resource_type": "model", "schema": schema, "name": name, "alias": name, "config": config, "columns": {}}

    nodes = {
        "model.segments.base_x": model("staging", "base_x"),
        "model.segments.int_x": model("intermediate", "int_x"),
        "model.segments.eph": model("intermediate", "eph", materialized="ephemeral"),
        "model.segments.seg_x": model("marts", "seg_x"),
        "model.segments.seg_failed": model("marts", "seg_failed"),
        "model.segments.seg_not_selected": model("marts", "seg_not_selected"),
        "test.segments.not_null_x": {"resource_type": "test", "schema": "staging", "name": "t", "config": {}},
    }
    nodes["model.segments.int_x"]["columns"] = {
        "fingerprint": {"name": "fingerprint", "config": {"meta": {"engine_specific": True}}},
        "contact_id": {"name": "contact_id", "config": {"meta": {}}},
    }
    statuses = {"base_x": "success", "int_x": "success", "eph": "success", "seg_x": "success", "not_null_x": "pass"}
    manifest, run_results = tmp_path / "manifest.json", tmp_path / "run_results.json"
    manifest.write_text(json.dumps({"nodes": nodes}))
    run_results.write_text(json.dumps({"results": [
        {"unique_id": next(key for key in nodes if key.endswith("." + name)), "status": status}
        for name, status in statuses.items()
    ]}))
    built = relations_built_by(run_results, manifest)
    assert [m.qualified for m in built] == ["intermediate.int_x", "marts.seg_x", "staging.base_x"]
    assert [m.engine_specific for m in built] == [("fingerprint",), (), ()]

    failed = json.loads(run_results.read_text())
    failed["results"].append({"unique_id": "model.segments.seg_failed", "status": "error"})
    run_results.write_text(json.dumps(failed))
    with pytest.raises(CompareError, match=r"1 relations did not build: seg_failed \(error\)"):
        relations_built_by(run_results, manifest)
    run_results.write_text(json.dumps({"results": [{"unique_id": "test.segments.not_null_x", "status": "pass"}]}))
    with pytest.raises(CompareError, match="no model built successfully"):
        relations_built_by(run_results, manifest)
    with pytest.raises(CompareError, match="not found"):
        relations_built_by(tmp_path / "missing.json", manifest)


def test_an_engine_specific_column_must_exist_but_its_values_are_not_compared():
    mart = Mart("intermediate", "int_x", engine_specific=("fingerprint",))
    columns = ["contact_id", "fingerprint"]
    assert compare_rows(mart, (columns, [("1", 11), ("2", 22)]), (columns, [("2", -5), ("1", -7)])).ok
    null_on_one_side = compare_rows(mart, (columns, [("1", None)]), (columns, [("1", 7)]))
    assert (null_on_one_side.only_left, null_on_one_side.only_right) == (1, 1)
    other_value = compare_rows(mart, (columns, [("1", 11)]), (columns, [("3", 11)]))
    assert (other_value.only_left, other_value.only_right) == (1, 1)
    missing = compare_rows(mart, (columns, []), (["contact_id"], []))
    assert not missing.ok and "fingerprint" in missing.column_problem


def test_the_given_relations_are_compared_not_the_manifests_marts(tmp_path):
    """compare_duckdb_parquet reads the relations it is given (a staging one here), not the manifest's marts."""
    database = tmp_path / "left.duckdb"
    (tmp_path / "staging.base_x").mkdir()
    with duckdb.connect(str(database)) as con:
        con.execute("create schema staging; create table staging.base_x as select 1 as id, 'a' as name")
        con.execute(f"copy (select 1 as id, 'b' as name) to '{tmp_path}/staging.base_x/0.parquet' (format parquet)")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {"model.segments.seg_y": {
        "resource_type": "model", "schema": "marts", "name": "seg_y", "alias": "seg_y", "config": {}}}}))
    [result] = compare_duckdb_parquet(database, manifest, tmp_path, marts=[Mart("staging", "base_x")])
    assert result.mart.qualified == "staging.base_x"
    assert (result.only_left, result.only_right) == (1, 1)


def test_the_event_fingerprint_is_declared_engine_specific(built_warehouse):
    manifest = built_warehouse.workdir / "target" / "manifest.json"
    nodes = json.loads(manifest.read_text())["nodes"]
    node = nodes["model.segments.int_contacts__daily_activity"]

    assert relation_from_node(node).engine_specific == ("event_fingerprint",)


def test_every_mart_of_the_project_is_compared(built_warehouse):
    marts = {m.qualified for m in marts_from_manifest(built_warehouse.workdir / "target" / "manifest.json")}
    assert {"marts.dim_contact_segments", "marts.seg_behavioral", "data_quality.fct_data_quality__staging_rows",
            "reverse_etl.rev_etl__crm_contacts"} <= marts
    assert not any(m.startswith(("staging.", "intermediate.")) for m in marts)


# --- clear errors --------------------------------------------------------------------------------------------

def test_load_postgres_unreachable_is_a_clear_error_not_a_traceback(built_warehouse):
    result = run_cli(
        ["load-postgres", "--duckdb", str(built_warehouse.path)],
        extra_env={"SEGMENTS_PG_HOST": "127.0.0.1", "SEGMENTS_PG_PORT": str(_free_port()), "SEGMENTS_PG_PASSWORD": ""},
    )
    assert result.returncode == 2, result.stderr
    assert "cannot connect to Postgres" in result.stderr
    assert "SEGMENTS_PG_PASSWORD is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_unreachable_is_a_clear_error(built_warehouse):
    result = run_cli(
        ["compare", "--duckdb", str(built_warehouse.path),
         "--manifest", str(built_warehouse.workdir / "target" / "manifest.json")],
        extra_env={"SEGMENTS_PG_PORT": str(_free_port()), "SEGMENTS_PG_PASSWORD": "not-the-password"},
    )
    assert result.returncode == 2, result.stderr
    assert "cannot connect to Postgres" in result.stderr and "Traceback" not in result.stderr
    assert "not-the-password" not in result.stderr


def test_load_postgres_without_raw_data_names_the_problem(tmp_path):
    result = run_cli(["load-postgres", "--duckdb", str(tmp_path / "none.duckdb")])
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run_cli(["load-postgres", "--duckdb", str(empty)])
    assert result.returncode == 2, result.stderr
    assert "missing table raw_crm.contacts" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_port_is_a_clear_error():
    with pytest.raises(PostgresError, match="SEGMENTS_PG_PORT"):
        ConnectionSettings.from_env({"SEGMENTS_PG_PORT": "fivefourthreetwo"})


# --- against a real server -----------------------------------------------------------------------------------

def test_copy_keeps_nulls_empty_strings_odd_text_exact_doubles_and_types(local_postgres, tmp_path):
    """Every raw table arrives; NULL stays NULL, '' stays '', quotes, commas, newlines, unicode and doubles exact."""
    from segments_warehouse.generate import generate

    path = tmp_path / "raw.duckdb"
    generate(30, 3, dt.date(2026, 11, 1), duckdb_path=str(path), progress=False)
    odd = ["", " ", 'say "hi", ok', "two\nlines", "back\\slash", "tab\there", "España 中国", "NULL", "\\N"]
    with duckdb.connect(str(path)) as con:
        for i, text in enumerate(odd + [None]):
            con.execute(
                "insert into raw_crm.accounts (id, name, employee_count, annual_revenue, is_deleted, _loaded_at) "
                "values (?, ?, ?, ?, ?, timestamp '2026-10-01 12:34:56.789012')",
                [f"odd_{i}", text, 2**40 + i, 0.1 + i / 3, i % 2 == 0],
            )
        expected_accounts = con.execute(
            "select id, name, employee_count, annual_revenue, is_deleted, _loaded_at from raw_crm.accounts"
        ).fetchall()
        counts = {f"{s}.{t}": con.execute(f"select count(*) from {s}.{t}").fetchone()[0]
                  for s, t in con.execute("select table_schema, table_name from information_schema.tables "
                                          "where table_schema like 'raw_%'").fetchall()}

    copied = load_postgres(path, PROJECT_DIR, local_postgres)
    assert {c.table.qualified: c.rows for c in copied} == counts
    # a second load replaces the rows, it does not append
    load_postgres(path, PROJECT_DIR, local_postgres)

    connection = connect(local_postgres)
    try:
        with connection.cursor() as cursor:
            cursor.execute("select id, name, employee_count, annual_revenue, is_deleted, _loaded_at from raw_crm.accounts")
            assert sorted(cursor.fetchall(), key=repr) == sorted(expected_accounts, key=repr)
            cursor.execute("select count(*) from raw_product.tracks")
            assert cursor.fetchone()[0] == counts["raw_product.tracks"]
            cursor.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw_crm' and table_name = 'accounts'"
            )
            types = dict(cursor.fetchall())
    finally:
        connection.close()
    assert types["employee_count"] == "bigint" and types["annual_revenue"] == "double precision"
    assert types["is_deleted"] == "boolean" and types["_loaded_at"] == "timestamp without time zone"
    assert types["updated_at"] == "text"


def test_a_loaders_own_schemas_are_copied_whole(local_postgres, tmp_path):
    """`load_postgres(schemas=...)`: every table of a loader's schema, as it is (for a source adapter); an empty or
    missing schema is named, nothing is copied."""
    path = tmp_path / "loader.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema hubspot")
        con.execute("create table hubspot.contact as select 101::bigint as id, 'P1@Example.com ' as property_email, "
                    "false as _fivetran_deleted, timestamp '2026-10-01 12:00:00' as _fivetran_synced")
        con.execute("create table hubspot.company as select 7::bigint as id, 'Acme' as property_name")
        con.execute("create schema empty_loader")
    copied = load_postgres(path, PROJECT_DIR, local_postgres, schemas=["hubspot"])
    assert {c.table.qualified: (c.rows, c.columns) for c in copied} == {"hubspot.company": (1, 2), "hubspot.contact": (1, 4)}
    connection = connect(local_postgres)
    try:
        with connection.cursor() as cursor:
            cursor.execute("select id, property_email, _fivetran_deleted, _fivetran_synced from hubspot.contact")
            assert cursor.fetchall() == [(101, "P1@Example.com ", False, dt.datetime(2026, 10, 1, 12, 0))]
    finally:
        connection.close()
    with pytest.raises(PostgresError, match="schema empty_loader has no table"):
        load_postgres(path, PROJECT_DIR, local_postgres, schemas=["empty_loader"])
