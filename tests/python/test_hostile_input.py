"""Corrupted raw data: every case is either quarantined with its reason, cleaned, or stopped with one clear
message; rows in = rows kept + rows quarantined holds (the build runs tests/assert_raw_rows_balance.sql); nothing
crashes and nothing in the input is ever executed."""

from __future__ import annotations

import json

import duckdb
import known_answers as ka
import pytest
from conftest import WAREHOUSE_FILE, run_dbt

HOSTILE = [
    "'; drop table raw_crm.contacts; --",
    "Robert'); DROP TABLE students;--",
    "{{ var('as_of_date') }}",
    "😀 Zoë Ünïcødé ∑ 日本語",
    '"double" \'single\' `back`',
    "x" * 10_000,
    "NULL",
    "",
    "\\n\\t\\\\",
    "1900-01-01T00:00:00Z",
    "2100-01-01T00:00:00Z",
    "-1",
    "11",
    "1e15",
]
RAW_TABLES = [
    "raw_crm.accounts", "raw_crm.contacts", "raw_crm.subscriptions", "raw_crm.orders", "raw_crm.tickets",
    "raw_product.tracks", "raw_product.pages", "raw_product.identifies", "raw_surveys.responses",
    "raw_compliance.erasure_requests",
]


def build(path, workdir):
    # unit tests included: dbt types their input rows from these raw tables
    return run_dbt(["build", "--vars", json.dumps({"as_of_date": ka.AS_OF})], path, workdir, unit_tests=True)


def test_empty_raw_tables_build_green_with_empty_marts(tmp_path):
    path = tmp_path / WAREHOUSE_FILE
    ka.write(str(path))
    with duckdb.connect(str(path)) as con:
        for table in RAW_TABLES:
            con.execute(f"delete from {table}")
    result = build(path, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_contact_segments").fetchone()[0] == 0


def test_a_table_of_only_duplicates(tmp_path):
    path = tmp_path / WAREHOUSE_FILE
    ka.write(str(path))
    with duckdb.connect(str(path)) as con:
        con.execute("insert into raw_product.tracks select * from raw_product.tracks")
        con.execute("insert into raw_crm.contacts select * from raw_crm.contacts")
    result = build(path, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(path), read_only=True) as con:
        reasons = dict(con.execute(
            "select table_name || '.' || reason, row_count from data_quality.fct_data_quality__staging_rows "
            "where outcome = 'quarantined'").fetchall())
        # every delivery after the first of an id is a duplicate (the erased person's rows are erasure instead)
        expected = con.execute(
            "select count(*) - count(distinct id) from raw_product.tracks where user_id <> 'u_c91'").fetchone()[0]
        assert reasons["tracks.duplicate_event"] == expected > len(ka.EVENTS) // 2
        # every contact now has two identical extracts: one kept, one superseded (the deleted one: both quarantined)
        assert reasons["contacts.superseded_version"] == len(ka.CONTACTS) - 1  # all but the erased c91
        kept = con.execute("select count(*) from staging.stg_crm__contacts").fetchone()[0]
        assert kept == len(ka.CONTACTS) - 2  # all but the deleted c90 and the erased c91


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory):
    """The known-answer data plus, in every raw table, one extra row per hostile value in every text column."""
    workdir = tmp_path_factory.mktemp("hostile")
    path = workdir / WAREHOUSE_FILE
    ka.write(str(path))
    with duckdb.connect(str(path)) as con:
        for table in RAW_TABLES:
            schema, name = table.split(".")
            columns = con.execute(
                "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, name]).fetchall()
            for value in HOSTILE:
                if table == "raw_compliance.erasure_requests":
                    # an erasure request naming a hostile value would (rightly) erase every hostile row: give the
                    # requests hostile emails of their own
                    value = f"{value}@hostile.test"
                select = []
                for column, kind in columns:
                    if column in ("_loaded_at", "received_at", "uuid_ts"):
                        select.append(f"timestamp '2026-10-01 00:00:00' as \"{column}\"")
                    elif kind == "VARCHAR":
                        select.append(f"? as \"{column}\"")
                    elif kind in ("DOUBLE", "BIGINT"):
                        select.append(f"try_cast(? as {kind}) as \"{column}\"")
                    else:
                        select.append(f"null as \"{column}\"")
                params = [value for column, kind in columns
                          if column not in ("_loaded_at", "received_at", "uuid_ts") and kind in ("VARCHAR", "DOUBLE", "BIGINT")]
                con.execute(f"insert into {table} select {', '.join(select)}", params)
        # hostile scores on a real NPS question (later than c16's 9, so they would win if they were not quarantined),
        # and an order of 1e15 (a valid number: kept)
        for n, score in enumerate(["-1", "11", "1e15", "ten"]):
            con.execute("insert into raw_surveys.responses values (?, 'r', 's', 'nps', 'q', 'c16@example.com', ?, "
                        "'2026-10-20T00:00:00Z', timestamp '2026-10-21 00:00:00')", [f"hostile_nps_{n}", score])
        con.execute("insert into raw_crm.orders values ('o_huge', 'c11', null, null, 1e15, 'USD', 'paid', "
                    "'2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', timestamp '2026-10-02 00:00:00')")
        raw_counts = {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in RAW_TABLES}
    result = build(path, workdir)
    return path, result, raw_counts


def test_hostile_values_never_crash_or_execute(hostile_warehouse):
    path, result, raw_counts = hostile_warehouse
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "Traceback" not in output
    with duckdb.connect(str(path), read_only=True) as con:
        # nothing was dropped by an injected statement, and every raw row is accounted for
        for table, count in raw_counts.items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == count
        balance = con.execute(
            "select source_name || '.' || table_name, max(rows_in) from data_quality.fct_data_quality__staging_rows group by 1"
        ).fetchall()
        assert {name: rows for name, rows in balance} == {
            f"{t.split('.')[0].removeprefix('raw_')}.{t.split('.')[1]}": c for t, c in raw_counts.items()}


def test_hostile_rows_land_in_quarantine_with_a_reason(hostile_warehouse):
    path, _, _ = hostile_warehouse
    with duckdb.connect(str(path), read_only=True) as con:
        reasons = {r[0] for r in con.execute(
            "select table_name || '.' || reason from data_quality.fct_data_quality__staging_rows where outcome = 'quarantined'"
        ).fetchall()}
    # hostile timestamps are unparseable, implausible (1900) or future-dated (2100); hostile statuses unknown
    for expected in ["tracks.unparseable_timestamp", "tracks.implausible_timestamp", "tracks.future_timestamp",
                     "identifies.implausible_timestamp", "identifies.future_timestamp", "orders.unknown_status",
                     "contacts.unparseable_timestamp", "contacts.future_timestamp", "orders.future_timestamp",
                     "responses.unparseable_timestamp", "accounts.missing_id"]:
        assert expected in reasons, expected


def test_hostile_scores_are_quarantined_and_huge_amounts_kept(hostile_warehouse):
    path, _, _ = hostile_warehouse
    with duckdb.connect(str(path), read_only=True) as con:
        quarantined = dict(con.execute(
            "select detail, reason from staging.stg_surveys__responses_quarantined where record_id like 'hostile_nps_%'"
        ).fetchall())
        assert quarantined == {"-1": "score_out_of_range", "11": "score_out_of_range", "1e15": "score_out_of_range",
                               "ten": "non_numeric_score"}
        # c16 keeps its valid answer: the out-of-scale ones are quarantined, never clipped
        assert con.execute(
            "select nps_score, nps_category from marts.seg_psychographic where contact_id = 'c16'").fetchone() == (9, "promoter")
        assert con.execute("select net_revenue from marts.seg_value_based where contact_id = 'c11'").fetchone()[0] == 1e15 + 500


def test_the_known_answers_survive_the_hostile_rows(hostile_warehouse):
    """Hostile extra rows must not move any real contact out of its segment."""
    path, _, _ = hostile_warehouse
    with duckdb.connect(str(path), read_only=True) as con:
        actual = dict(con.execute("select contact_id, behavioral_segment from marts.seg_behavioral").fetchall())
    for contact, answers in ka.EXPECTED_CONTACTS.items():
        assert actual[contact] == answers[0], contact
