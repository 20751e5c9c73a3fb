"""Input that does not match the raw-data contract gives one clear message, not a stack trace."""

from __future__ import annotations

import json

import duckdb

from conftest import AS_OF, run_cli, run_dbt


def test_dbt_names_missing_raw_column(warehouse_copy, tmp_path):
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("alter table raw_crm.contacts drop column lifecycle_stage")
        con.execute("drop table raw_product.pages")
    result = run_dbt(["run", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], warehouse_copy, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "table raw_crm.contacts lacks column(s): lifecycle_stage" in output
    assert "missing table raw_product.pages" in output
    assert "Traceback" not in output


def test_load_reports_every_missing_table_and_column(built_warehouse, tmp_path):
    folder = tmp_path / "mine"
    (folder / "raw_crm").mkdir(parents=True)
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        con.execute(
            f"copy (select * exclude (email) from raw_crm.contacts) to '{folder / 'raw_crm' / 'contacts.csv'}' (header)"
        )
    result = run_cli(["load", "--from", str(folder), "--duckdb", str(tmp_path / "w.duckdb")])
    assert result.returncode == 2
    assert "table raw_crm.contacts (contacts.csv) lacks column(s): email" in result.stderr
    assert "missing table raw_product.tracks" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_load_round_trip_from_csv_and_parquet(built_warehouse, tmp_path):
    folder = tmp_path / "export"
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema like 'raw_%'"
        ).fetchall()
        for i, (schema, table) in enumerate(tables):
            (folder / schema).mkdir(parents=True, exist_ok=True)
            fmt = "csv" if i % 2 else "parquet"
            options = "(header)" if fmt == "csv" else "(format parquet)"
            con.execute(f"copy {schema}.{table} to '{folder / schema / (table + '.' + fmt)}' {options}")
    target = tmp_path / "loaded.duckdb"
    result = run_cli(["load", "--from", str(folder), "--duckdb", str(target)])
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(target), read_only=True) as loaded, duckdb.connect(str(built_warehouse.path), read_only=True) as original:
        for schema, table in tables:
            assert loaded.execute(f"select count(*) from {schema}.{table}").fetchone() == original.execute(
                f"select count(*) from {schema}.{table}"
            ).fetchone()


def test_summary_of_a_green_and_a_failed_run(built_warehouse, warehouse_copy, tmp_path):
    green = run_cli(["summary", "--run-results", str(built_warehouse.workdir / "target" / "run_results.json"),
                     "--duckdb", str(built_warehouse.path)])
    assert green.returncode == 0, green.stderr
    assert "marts.seg_behavioral" in green.stderr and "model" in green.stderr and "unit_test" in green.stderr
    # corrupt a mart so its tests fail, then summarize that run
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("update marts.seg_behavioral set behavioral_segment = 'vip' where contact_id in "
                    "(select contact_id from marts.seg_behavioral order by contact_id limit 3)")
    result = run_dbt(["test", "--select", "seg_behavioral", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})],
                     warehouse_copy, tmp_path)
    assert result.returncode != 0
    red = run_cli(["summary", "--run-results", str(tmp_path / "target" / "run_results.json")])
    assert red.returncode == 1
    assert "failed:" in red.stderr and "Traceback" not in red.stderr
