"""Raw tables shaped as real deployments have them: sources that do not exist (declared absent, no header-only
files), optional columns a loader never wrote, and columns the contract does not know (loaders add columns all the
time). The known-answers data (known_answers.py) is built in those shapes and every segment is checked exactly."""

from __future__ import annotations

import json

import duckdb
import known_answers as ka
import pytest
from conftest import WAREHOUSE_FILE, run_dbt

SEGMENT_COLUMNS = [
    ("seg_behavioral", "behavioral_segment"), ("seg_value_based", "rfm_segment"), ("seg_value_based", "value_tier"),
    ("seg_psychographic", "nps_category"), ("seg_demographic", "age_band"), ("seg_geographic", "region"),
    ("seg_technographic", "device_mix"), ("seg_needs_based", "needs_segment"), ("seg_lifecycle", "lifecycle_stage"),
]
ABSENT = ["accounts", "subscriptions", "tickets", "responses"]
# Columns that collide with the names the screening models compute: a raw table carrying them must change nothing.
EXTRA_COLUMNS = ["quarantine_reason", "quarantine_detail", "is_erased", "row_check", "record_id", "event_id",
                 "loaded_at", "dedup_key", "version_rank", "first_delivery_rank", "usd_per_unit", "contact_id_2"]
RAW_TABLES = [
    "raw_crm.accounts", "raw_crm.contacts", "raw_crm.subscriptions", "raw_crm.orders", "raw_crm.tickets",
    "raw_product.tracks", "raw_product.pages", "raw_product.identifies", "raw_surveys.responses",
    "raw_compliance.erasure_requests",
]


def _segments(con) -> dict[str, tuple]:
    by_contact: dict[str, list] = {}
    for mart, column in SEGMENT_COLUMNS:
        for contact, value in con.execute(f"select contact_id, {column} from marts.{mart}").fetchall():
            by_contact.setdefault(contact, []).append(value)
    return {contact: tuple(values) for contact, values in by_contact.items()}


def _build(path, workdir, extra_vars=None):
    variables = {"as_of_date": ka.AS_OF, **(extra_vars or {})}
    # unit tests included: dbt types their input rows from these raw tables, whose shapes are the point here
    return run_dbt(["build", "--vars", json.dumps(variables)], path, workdir, unit_tests=True)


@pytest.fixture(scope="module")
def absent_sources_warehouse(tmp_path_factory):
    """An orders-only shop: no accounts, subscriptions, tickets or surveys, and contacts without the optional
    demographic columns; nothing but contacts, orders, events and erasure requests is on disk."""
    workdir = tmp_path_factory.mktemp("absent")
    path = workdir / WAREHOUSE_FILE
    ka.write(str(path))
    with duckdb.connect(str(path)) as con:
        for table in ABSENT:
            schema = "raw_surveys" if table == "responses" else "raw_crm"
            con.execute(f"drop table {schema}.{table}")
        for column in ("first_name", "last_name", "gender", "household_income", "education", "marital_status",
                       "seniority", "state", "city", "original_source", "owner_name"):
            con.execute(f"alter table raw_crm.contacts drop column {column}")
    result = _build(path, workdir, {"absent_raw_tables": ABSENT})
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}"
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def test_absent_sources_build_with_each_segment_on_its_documented_fallback(absent_sources_warehouse):
    con = absent_sources_warehouse
    expected = {}
    for contact, answers in ka.EXPECTED_CONTACTS.items():
        behavioral, rfm, tier, _nps, age, region, device, _needs, stage = answers
        # no surveys: no_response; no tickets, answers or plans: only the event-based needs remain
        needs = {"c04": "needs_onboarding", "c25": "invoice_not_sent"}.get(contact, "self_sufficient")
        expected[contact] = (behavioral, rfm, tier, "no_response", age, region, device, needs, stage)
    assert _segments(con) == expected
    assert con.execute("select count(*) from marts.seg_firmographic").fetchone()[0] == 0
    lifecycle = con.execute("select distinct plan, renewal_window from marts.seg_lifecycle").fetchall()
    assert lifecycle == [(None, "none")]
    # an absent table is counted as present with no rows, not as missing data
    tables = dict(con.execute(
        "select table_name, sum(row_count) from data_quality.fct_data_quality__staging_rows group by table_name"
    ).fetchall())
    for table in ABSENT:
        assert tables.get(table, 0) == 0


def test_a_table_declared_absent_that_is_not_a_contract_table_is_named(tmp_path):
    path = tmp_path / WAREHOUSE_FILE
    ka.write(str(path))
    result = run_dbt(["parse", "--vars", json.dumps({"absent_raw_tables": ["ticket"]})], path, tmp_path)
    assert result.returncode != 0
    assert "absent_raw_tables names 'ticket', which is not a contract table" in result.stdout
    result = run_dbt(["parse", "--vars", json.dumps({"absent_raw_tables": ["contacts"]})], path, tmp_path)
    assert result.returncode != 0
    assert "'contacts', which cannot be absent" in result.stdout
    result = run_dbt(["parse", "--vars", json.dumps({"crm_adapter": "pipedrive"})], path, tmp_path)
    assert result.returncode != 0
    assert "var crm_adapter is 'pipedrive'; it must be one of: generic, hubspot, salesforce" in result.stdout


def test_columns_a_loader_adds_change_nothing(tmp_path):
    """Every raw table gains columns named like the ones staging computes, filled with junk: every segment is
    still the known answer, and rows in = kept + quarantined still holds (the build runs the balance test)."""
    path = tmp_path / WAREHOUSE_FILE
    ka.write(str(path))
    with duckdb.connect(str(path)) as con:
        for table in RAW_TABLES:
            for column in EXTRA_COLUMNS:
                con.execute(f"alter table {table} add column {column} varchar default 'duplicate_event'")
    result = _build(path, tmp_path)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}"
    with duckdb.connect(str(path), read_only=True) as con:
        assert _segments(con) == ka.EXPECTED_CONTACTS
        segments = dict(con.execute("select account_id, company_segment from marts.seg_firmographic").fetchall())
        assert segments == {account: answers[0] for account, answers in ka.EXPECTED_ACCOUNTS.items()}
