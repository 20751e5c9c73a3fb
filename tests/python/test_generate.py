"""The generator: deterministic, shaped exactly like the raw-data contract, honest about its dirt."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from segments_warehouse.contract import LOADER_TIMESTAMP_COLUMNS, load_contract
from segments_warehouse.generate import generate

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gen")
    first = generate(800, 3, AS_OF, parquet_dir=str(folder / "a"), progress=False)
    second = generate(800, 3, AS_OF, parquet_dir=str(folder / "b"), progress=False)
    return folder, first, second


def _table_rows(folder, schema, table):
    with duckdb.connect() as con:
        return con.execute(f"select * from read_parquet('{folder / schema / (table + '.parquet')}') order by all").fetchall()


def test_same_seed_same_data(two_runs):
    folder, first, second = two_runs
    assert {k: v for k, v in first.items() if k != "seconds"} == {k: v for k, v in second.items() if k != "seconds"}
    for table in load_contract():
        assert _table_rows(folder / "a", table.schema, table.name) == _table_rows(folder / "b", table.schema, table.name)


def test_other_seed_other_data(tmp_path):
    a = generate(300, 1, AS_OF, parquet_dir=str(tmp_path / "a"), progress=False)
    b = generate(300, 2, AS_OF, parquet_dir=str(tmp_path / "b"), progress=False)
    assert a["tables"] != b["tables"]


def test_tables_have_exactly_the_contract_columns(two_runs):
    folder, manifest, _ = two_runs
    with duckdb.connect() as con:
        for table in load_contract():
            path = folder / "a" / table.schema / f"{table.name}.parquet"
            described = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
            columns = {name: kind for name, kind, *_ in described}
            assert set(columns) == set(table.required) | set(table.optional), table.qualified
            for column in LOADER_TIMESTAMP_COLUMNS & set(columns):
                assert columns[column] == "TIMESTAMP", (table.qualified, column)
            rows = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
            assert rows == manifest["tables"][f"{table.source}.{table.name}"]["rows"]


def test_manifest_counts_match_the_data(two_runs):
    """A few reasons recounted straight from the raw files, independently of staging."""
    folder, manifest, _ = two_runs
    root = folder / "a"
    with duckdb.connect() as con:
        blank_ids = con.execute(f"select count(*) from read_parquet('{root}/raw_product/tracks.parquet') where trim(id) = ''").fetchone()[0]
        assert blank_ids == manifest["tables"]["product.tracks"]["quarantined"]["missing_id"]
        duplicates = con.execute(
            f"select coalesce(sum(n - 1), 0) from (select count(*) as n from read_parquet('{root}/raw_product/tracks.parquet') "
            "where trim(id) <> '' group by id)"
        ).fetchone()[0]
        assert duplicates == manifest["tables"]["product.tracks"]["quarantined"]["duplicate_event"]
        erased = con.execute(
            f"select count(*) from read_parquet('{root}/raw_crm/contacts.parquet') "
            f"where lower(trim(email)) in (select lower(trim(email)) from read_parquet('{root}/raw_compliance/erasure_requests.parquet'))"
        ).fetchone()[0]
        assert erased == manifest["tables"]["crm.contacts"]["quarantined"]["erasure_requested"]


def test_no_two_extracts_of_a_record_tie(two_runs):
    """The latest version of every CRM record must be unambiguous, or staging's choice could depend on the plan."""
    folder, _, _ = two_runs
    with duckdb.connect() as con:
        for table in ("accounts", "contacts", "subscriptions", "orders"):
            ties = con.execute(
                f"select count(*) from (select id, updated_at, _loaded_at, count(*) as n "
                f"from read_parquet('{folder / 'a' / 'raw_crm' / (table + '.parquet')}') where trim(id) <> '' "
                "group by all having count(*) > 1)"
            ).fetchone()[0]
            assert ties == 0, table


def test_every_contract_reason_is_injected(two_runs):
    _, manifest, _ = two_runs
    expected = {
        "crm.contacts": {"missing_id", "erasure_requested", "unparseable_timestamp", "superseded_version", "deleted_in_crm"},
        "crm.orders": {"missing_id", "erasure_requested", "unparseable_timestamp", "superseded_version", "unknown_status",
                       "unknown_currency", "missing_amount", "negative_amount"},
        "product.tracks": {"missing_id", "erasure_requested", "missing_identity", "unparseable_timestamp",
                           "implausible_timestamp", "future_timestamp", "duplicate_event"},
        "surveys.responses": {"missing_id", "erasure_requested", "missing_respondent", "unparseable_timestamp",
                              "duplicate_answer", "non_numeric_score", "score_out_of_range"},
    }
    for table, reasons in expected.items():
        assert reasons <= set(manifest["tables"][table]["quarantined"]), table


def test_cli_generate_reports_and_refuses_bad_input(tmp_path):
    from conftest import run_cli

    result = run_cli(["generate", "--contacts", "200", "--seed", "1", "--as-of", "2026-11-01", "--quiet",
                      "--duckdb", str(tmp_path / "w.duckdb")])
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "w.manifest.json").exists()
    bad = run_cli(["generate", "--contacts", "0", "--duckdb", str(tmp_path / "x.duckdb")])
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    bad_date = run_cli(["generate", "--as-of", "2026-13-01", "--duckdb", str(tmp_path / "x.duckdb")])
    assert bad_date.returncode == 2 and "Traceback" not in bad_date.stderr
