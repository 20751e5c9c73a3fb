"""Great Expectations, the second line of defence: it passes on a good build, and each kind of wrong mart it
guards against makes `segments validate` exit 1 and blocks publishing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
from conftest import run_cli, run_validate


def run_results(warehouse) -> Path:
    return warehouse.workdir / "target" / "run_results.json"


def test_a_good_build_passes_and_writes_data_docs(built_warehouse, tmp_path):
    result, record = run_validate(built_warehouse.path, run_results(built_warehouse), tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Traceback" not in result.stderr
    summary = json.loads(record.read_text())
    assert summary["success"] is True
    assert summary["expectations"] >= 150
    assert summary["as_of_date"] == "2026-11-01"
    assert summary["dbt_invocation_id"] == json.loads(run_results(built_warehouse).read_text())["metadata"]["invocation_id"]
    for suite in ("seg_behavioral", "seg_firmographic", "dim_contact_segments", "agg_segment_summary__totals",
                  "cross_mart__agreement", "raw__balance", "rev_etl__crm_contacts"):
        assert suite in result.stderr
    index = Path(summary["data_docs"])
    assert index.name == "index.html" and index.exists()
    assert "seg_behavioral" in index.read_text()


# Each case breaks one promise of the marts after a green dbt build, the way a bug or a hand edit would.
DAMAGE = {
    "segment_outside_its_set": (
        "update marts.seg_behavioral set behavioral_segment = 'vip' where contact_id = (select min(contact_id) from marts.seg_behavioral)",
        "seg_behavioral", "expect_column_values_to_be_in_set"),
    "a_contact_missing_from_a_mart": (
        "delete from marts.seg_lifecycle where contact_id = (select min(contact_id) from marts.seg_lifecycle)",
        "seg_lifecycle", "expect_table_row_count_to_equal"),
    "score_out_of_range": (
        "update marts.seg_value_based set r_score = 6 where contact_id = "
        "(select min(contact_id) from marts.seg_value_based where r_score is not null)",
        "seg_value_based", "expect_column_values_to_be_between"),
    "nps_category_disagrees_with_its_score": (
        "update marts.seg_psychographic set nps_score = 3 where contact_id = "
        "(select min(contact_id) from marts.seg_psychographic where nps_category = 'promoter')",
        "seg_psychographic", 'expect_column_values_to_be_between where nps_category == "promoter"'),
    "shares_do_not_sum_to_one": (
        "update marts.agg_segment_summary set share_of_total = share_of_total + 0.01 where segment = 'champion'",
        "agg_segment_summary__totals", "expect_column_values_to_be_between"),
    "wide_table_disagrees_with_a_mart": (
        "update marts.dim_contact_segments set needs_segment = case needs_segment when 'self_sufficient' then 'needs_support' "
        "else 'self_sufficient' end where contact_id = (select min(contact_id) from marts.dim_contact_segments)",
        "cross_mart__agreement", "expect_column_values_to_be_in_set"),
    "duplicate_key": (
        "insert into marts.seg_geographic select * from marts.seg_geographic "
        "where contact_id = (select min(contact_id) from marts.seg_geographic)",
        "seg_geographic", "expect_column_values_to_be_unique"),
    "history_disagrees_with_today": (
        "update marts.fct_segment_transitions set to_segment = 'dormant' where segment_model = 'behavioral' and entity_id = "
        "(select min(entity_id) from marts.fct_segment_transitions where segment_model = 'behavioral' and to_segment <> 'dormant')",
        "history__agreement", "expect_column_values_to_be_in_set"),
    "raw_rows_lost": (
        "update data_quality.fct_data_quality__staging_rows set row_count = row_count - 1 where table_name = 'orders' and outcome = 'kept'",
        "raw__balance", "expect_column_values_to_be_in_set"),
}


def test_each_violated_expectation_fails_the_run(built_warehouse, warehouse_copy, tmp_path):
    """Every damage at once (one GX run, to keep make test short); each must be reported by its own expectation."""
    with duckdb.connect(str(warehouse_copy)) as con:
        for statement, _, _ in DAMAGE.values():
            con.execute(statement)
    result, record = run_validate(warehouse_copy, run_results(built_warehouse), tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    failed = {(f["suite"], f["expectation"]) for f in json.loads(record.read_text())["failed"]}
    missed = {case for case, (_, suite, expectation) in DAMAGE.items() if (suite, expectation) not in failed}
    assert missed == set(), f"not caught: {missed}; failed: {failed}"
    for _, suite, expectation in DAMAGE.values():
        assert f"failed: {suite}: {expectation}" in result.stderr


def test_failed_validation_publishes_nothing(built_warehouse, warehouse_copy, tmp_path):
    published = tmp_path / "published.duckdb"
    good, record = run_validate(warehouse_copy, run_results(built_warehouse), tmp_path)
    assert good.returncode == 0, good.stderr[-3000:]
    publish = ["publish", "--duckdb", str(warehouse_copy), "--to", str(published),
               "--run-results", str(run_results(built_warehouse)), "--validation", str(record)]
    assert run_cli(publish).returncode == 0
    before = hashlib.sha256(published.read_bytes()).hexdigest()

    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(DAMAGE["a_contact_missing_from_a_mart"][0])
    bad, record = run_validate(warehouse_copy, run_results(built_warehouse), tmp_path)
    assert bad.returncode == 1
    refused = run_cli(publish)
    assert refused.returncode == 1
    assert "not published" in refused.stderr and "validation failed" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before


def test_publish_requires_a_validation_of_this_warehouse_and_run(built_warehouse, warehouse_copy, tmp_path):
    published = tmp_path / "published.duckdb"
    base = ["publish", "--duckdb", str(warehouse_copy), "--to", str(published),
            "--run-results", str(run_results(built_warehouse))]
    missing = run_cli([*base, "--validation", str(tmp_path / "none.json")])
    assert missing.returncode == 1 and "segments validate" in missing.stderr
    # a passing record of another warehouse file does not vouch for this one
    other, record = run_validate(built_warehouse.path, run_results(built_warehouse), tmp_path)
    assert other.returncode == 0
    mismatched = run_cli([*base, "--validation", str(record)])
    assert mismatched.returncode == 1 and "validate this warehouse" in mismatched.stderr
    assert not published.exists()


def test_validation_of_a_missing_warehouse_is_a_clear_error(tmp_path):
    result = run_cli(["validate", "--duckdb", str(tmp_path / "absent.duckdb"), "--record", str(tmp_path / "r.json"),
                      "--docs-dir", str(tmp_path / "gx")])
    assert result.returncode == 2
    assert "run `make build`" in result.stderr and "Traceback" not in result.stderr
