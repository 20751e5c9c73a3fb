"""Input that does not match the raw-data contract gives one clear message, not a stack trace."""

from __future__ import annotations

import json

import duckdb
from conftest import AS_OF, WAREHOUSE_FILE, run_cli, run_dbt


def test_dbt_names_missing_raw_column(warehouse_copy, tmp_path):
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("alter table raw_crm.contacts drop column email")
        con.execute("drop table raw_product.pages")
    result = run_dbt(["run", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], warehouse_copy, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "table raw_crm.contacts lacks column(s): email" in output
    assert "missing table raw_product.pages" in output
    assert "or declare it absent (var absent_raw_tables)" in output
    assert "Traceback" not in output


def test_the_as_of_date_comes_from_the_var_then_the_environment_and_a_bad_one_is_named(warehouse_copy, tmp_path):
    def as_of_of(env, *args):
        result = run_dbt(["run", "--select", "seg_demographic", *args], warehouse_copy, tmp_path, extra_env=env)
        output = result.stdout + result.stderr
        assert "Traceback" not in output
        if result.returncode:
            return output
        with duckdb.connect(str(warehouse_copy), read_only=True) as con:
            return str(con.execute("select distinct as_of_date from marts.seg_demographic").fetchone()[0])

    assert as_of_of({"SEGMENTS_AS_OF_DATE": "2026-10-05"}) == "2026-10-05"
    assert as_of_of({"SEGMENTS_AS_OF_DATE": "2026-10-05"}, "--vars", '{as_of_date: "2026-10-07"}') == "2026-10-07"
    for bad in ("2026-13-01", "yesterday", "2026-02-30"):
        output = as_of_of({"SEGMENTS_AS_OF_DATE": bad})
        assert "Compilation Error" in output and bad in output
    assert "SEGMENTS_AS_OF_DATE must be a date written YYYY-MM-DD, got: yesterday" in as_of_of(
        {"SEGMENTS_AS_OF_DATE": "yesterday"})
    assert "var as_of_date must be a date written YYYY-MM-DD, got: 11/05/2026" in as_of_of(
        {}, "--vars", '{as_of_date: "11/05/2026"}')


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


def test_wrong_raw_types_are_cleaned_or_named(tmp_path):
    """Raw columns typed differently than the generator types them: text amounts and employee counts are
    screened like any text; a loader timestamp typed neither as a timestamp nor as text (a DATE) stops the run
    naming the table and column (text is parsed: tests/python/test_bad_values.py)."""
    import known_answers as ka

    path = tmp_path / WAREHOUSE_FILE
    ka.write(str(path))
    with duckdb.connect(str(path)) as con:
        con.execute("alter table raw_crm.orders alter amount type varchar")
        con.execute("insert into raw_crm.orders values ('o_abc', 'c11', null, null, 'abc', 'USD', 'paid', "
                    "'2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', timestamp '2026-10-02 00:00:00')")
        con.execute("alter table raw_crm.accounts alter employee_count type varchar")
        con.execute("update raw_crm.accounts set employee_count = 'many' where id = 'A2'")
    # unit tests take their input types from the raw tables, and their expected quarantine_detail text is written
    # for the generator's double amounts: the data tests are what matters here
    vars_ = json.dumps({"as_of_date": ka.AS_OF})
    result = run_dbt(["build", "--exclude-resource-type", "unit_test", "--vars", vars_], path, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select reason, detail from staging.stg_crm__orders_quarantined "
                           "where record_id = 'o_abc'").fetchall() == [("malformed_amount", "abc")]
        assert con.execute("select employee_band from marts.seg_firmographic where account_id = 'A2'").fetchall() == [("unknown",)]
    with duckdb.connect(str(path)) as con:
        con.execute("alter table raw_product.tracks alter received_at type date")
    failed = run_dbt(["build", "--vars", vars_], path, tmp_path)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "column raw_product.tracks.received_at is DATE, not a timestamp or text" in output
    assert "Traceback" not in output


def test_events_without_a_received_time_fall_back_to_the_load_time(warehouse_copy, tmp_path):
    """received_at is a loader column the contract says is always there; when a collector leaves it empty the
    events are still kept (nothing silently lost, no failing not_null test): the load time stands in."""
    with duckdb.connect(str(warehouse_copy)) as con:
        ids = [row[0] for row in con.execute(
            "select id from raw_product.tracks group by id having count(*) = 1 and id in "
            "(select event_id from staging.stg_product__tracks) order by id limit 20").fetchall()]
        con.execute("update raw_product.tracks set received_at = null where id in (select unnest(?))", [ids[:10]])
        con.execute("update raw_product.tracks set received_at = null, uuid_ts = null where id in (select unnest(?))",
                    [ids[10:]])
        con.execute("update raw_product.pages set received_at = null where id in "
                    "(select id from raw_product.pages order by id limit 10)")
    result = run_dbt(["build", "--full-refresh", "--exclude-resource-type", "unit_test",
                      "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        kept = con.execute(
            "select count(*), count(*) filter (where received_at = loaded_at and is_late is not null), "
            "count(*) filter (where received_at is null and not is_late) "
            "from staging.stg_product__tracks where event_id in (select unnest(?))", [ids]).fetchone()
        assert kept == (20, 10, 10), kept
