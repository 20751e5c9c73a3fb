"""Bad raw VALUES that real loaders deliver (issue 18 part 5): non-finite and malformed amounts, numbers with
thousands separators, the engines' special date words, booleans written as text, ids typed differently in two
tables, loader timestamps with offsets, as text, or impossible. One dbt build over the known-answer data with
every bad row injected (distinct ids), then one incremental run of the event models for the watermark.

Each case failed on the code before this file: NaN/Infinity amounts were kept, '1,234.50' was `missing_amount`,
'85,000' was an unknown income, 'epoch' a birth date of 1970-01-01, ' true' failed the build, orders with a DOUBLE
contact_id were orphaned, '+05:30' was dropped from a loader time, and a uuid_ts of 2099 became the watermark.
"""

from __future__ import annotations

import json

import duckdb
import known_answers as ka
import pytest
from conftest import WAREHOUSE_FILE, run_dbt

LOADED = "timestamp '2026-11-02 01:00:00'"
VARS = json.dumps({"as_of_date": ka.AS_OF})


def _retype(con, table: str, column: str, type_: str, using: str | None = None) -> None:
    con.execute(f"alter table {table} alter {column} type {type_}" + (f" using {using}" if using else ""))


@pytest.fixture(scope="module")
def bad_values(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bad_values")
    path = workdir / WAREHOUSE_FILE
    ka.write(str(path))
    with duckdb.connect(str(path)) as con:
        con.execute("set TimeZone = 'UTC'")
        # --- ids: contacts.id a BIGINT (Parquet), the orders' and tickets' contact_id a DOUBLE: 11 vs 11.0
        con.execute("delete from raw_crm.orders where contact_id = 'c91'")  # (erasure matches raw ids: not here)
        _retype(con, "raw_crm.contacts", "id", "bigint", "cast(substr(id, 2) as bigint)")
        _retype(con, "raw_crm.orders", "contact_id", "double", "cast(substr(contact_id, 2) as double)")
        _retype(con, "raw_crm.tickets", "contact_id", "double", "cast(substr(contact_id, 2) as double)")
        # --- amounts as text (a CSV): non-finite, malformed, and one well-formed
        _retype(con, "raw_crm.orders", "amount", "varchar")
        order = ("insert into raw_crm.orders values ('{id}', 17.0, null, null, {amount}, 'USD', 'paid', "
                 "'{ts}', '{ts}', " + LOADED + ")")
        for id_, amount in [("o_nan", "'NaN'"), ("o_inf", "'Infinity'"), ("o_ninf", "'-Infinity'"),
                            ("o_comma", "'1,234.50'"), ("o_decimal_comma", "'1234,50'"), ("o_blank", "' '"),
                            ("o_underscore", "'1_000'")]:
            con.execute(order.format(id=id_, amount=amount, ts="2026-10-01T10:00:00Z"))
        # --- business timestamps in the loaders' forms (kept), and special words (quarantined)
        for id_, ts in [("o_snowflake", "2026-10-30 12:00:00.000 +0000"), ("o_offset", "2026-10-30 12:00:00+05:30"),
                        ("o_zulu", "2026-10-30T12:00:00Z"), ("o_epoch_ms", "1761825600000"),
                        ("o_word_epoch", "epoch"), ("o_word_infinity", "infinity"), ("o_word_now", "now"),
                        ("o_word_today", "today"), ("o_word_allballs", "allballs")]:
            con.execute(order.format(id=id_, amount="'10'", ts=ts))
        # --- mrr typed DOUBLE: NaN and infinities
        _retype(con, "raw_crm.subscriptions", "mrr", "double")
        con.execute("insert into raw_crm.subscriptions select 's_' || v, 'A5', 'pro', 'active', "
                    "cast(v as double), 'USD', '2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z', null, "
                    "'2026-10-01T00:00:00Z', " + LOADED + " from (values ('nan'), ('inf'), ('-inf')) t(v)")
        # --- household incomes with separators (text)
        _retype(con, "raw_crm.contacts", "household_income", "varchar")
        for contact, income in [(16, "85,000"), (17, "1 200"), (18, "1.200"), (19, "1234,50"), (20, "NaN")]:
            con.execute(f"update raw_crm.contacts set household_income = '{income}' where id = {contact}")
        # --- birth dates: the engines' special words
        for contact, birth in [(21, "epoch"), (22, "infinity"), (23, "today")]:
            con.execute(f"update raw_crm.contacts set birth_date = '{birth}' where id = {contact}")
        # --- booleans as text
        _retype(con, "raw_crm.contacts", "is_deleted", "varchar")
        for contact, flag in [(24, " true"), (25, "YES "), (26, "maybe"), (27, " F ")]:
            con.execute(f"update raw_crm.contacts set is_deleted = '{flag}' where id = {contact}")
        # --- accounts: employee counts and revenue with separators, a text boolean, a TIMESTAMPTZ load time
        for column in ("employee_count", "annual_revenue", "is_deleted"):
            _retype(con, "raw_crm.accounts", column, "varchar")
        _retype(con, "raw_crm.accounts", "_loaded_at", "timestamptz")
        account = ("insert into raw_crm.accounts values ('{id}', 'Co', 'SaaS', '{employees}', '{revenue}', 'USA', "
                   "'B2B', null, null, null, null, '{deleted}', '2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z', "
                   "timestamptz '2026-11-02 06:30:00+05:30')")
        for id_, employees, revenue, deleted in [("A7", "1 200", "85,000,000", " False "), ("A8", "1.200", "1.200", "0"),
                                                 ("A9", "1,200", "2 500 000.5", "f"), ("A10", "12", "1e6", "nope")]:
            con.execute(account.format(id=id_, employees=employees, revenue=revenue, deleted=deleted))
        # --- loader timestamps as text: a Snowflake unload, an offset, impossible ones
        _retype(con, "raw_crm.tickets", "_loaded_at", "varchar", "strftime(_loaded_at, '%Y-%m-%d %H:%M:%S.000 +0000')")
        for id_, loaded in [("t_offset", "2026-11-02 06:30:00+05:30"), ("t_2099", "2099-01-01 00:00:00"),
                            ("t_infinity", "infinity"), ("t_garbage", "yesterday-ish")]:
            con.execute(f"insert into raw_crm.tickets values ('{id_}', 23.0, 'Help', 'normal', 'open', "
                        f"'2026-10-26T10:00:00Z', '2026-10-26T10:00:00Z', '{loaded}')")
        # --- events: a uuid_ts of 2099 and of infinity (typed), pages' load time as text
        for id_, uuid in [("ev_2099", "timestamp '2099-01-01 00:00:00'"), ("ev_inf", "'infinity'::timestamp")]:
            con.execute(f"insert into raw_product.tracks by name select '{id_}' as id, 'u_c05' as user_id, "
                        f"'anon_c05' as anonymous_id, 'login' as event, 'login' as event_text, "
                        f"'2026-10-31T08:00:00Z' as timestamp, '2026-10-31T08:00:00Z' as sent_at, "
                        f"{uuid} as received_at, {uuid} as uuid_ts")
        _retype(con, "raw_product.pages", "uuid_ts", "varchar", "strftime(uuid_ts, '%Y-%m-%d %H:%M:%S.000 +0000')")
    result = run_dbt(["build", "--exclude-resource-type", "unit_test", "--vars", VARS], path, workdir)
    assert result.returncode == 0, result.stdout[-6000:]
    return path, workdir


def _rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _quarantined(path, table, prefix):
    return dict(
        (record_id, (reason, detail)) for record_id, reason, detail in _rows(
            path, f"select record_id, reason, detail from staging.stg_crm__{table}_quarantined "
                  f"where record_id like '{prefix}%'")
    )


def test_amounts_non_finite_and_malformed_get_their_own_reason(bad_values):
    path, _ = bad_values
    got = _quarantined(path, "orders", "o_")
    assert {k: v for k, v in got.items() if not k.startswith("o_word")} == {
        "o_nan": ("non_finite_amount", "NaN"),
        "o_inf": ("non_finite_amount", "Infinity"),
        "o_ninf": ("non_finite_amount", "-Infinity"),
        "o_comma": ("malformed_amount", "1,234.50"),
        "o_decimal_comma": ("malformed_amount", "1234,50"),
        "o_underscore": ("malformed_amount", "1_000"),
        "o_blank": ("missing_amount", " "),
    }
    assert _quarantined(path, "subscriptions", "s_") == {
        "s_nan": ("non_finite_amount", "nan"), "s_inf": ("non_finite_amount", "inf"),
        "s_-inf": ("non_finite_amount", "-inf"),
    }
    # the revenue of the summary stays a number
    assert _rows(path, "select count(*) from marts.seg_value_based where isnan(net_revenue)") == [(0,)]


def test_business_timestamps_in_loader_forms_are_parsed_and_special_words_refused(bad_values):
    path, _ = bad_values
    kept = dict(_rows(path, "select order_id, cast(ordered_at as varchar) from staging.stg_crm__orders "
                            "where order_id in ('o_snowflake', 'o_offset', 'o_zulu', 'o_epoch_ms')"))
    assert kept == {"o_snowflake": "2026-10-30 12:00:00", "o_offset": "2026-10-30 06:30:00",
                    "o_zulu": "2026-10-30 12:00:00", "o_epoch_ms": "2025-10-30 12:00:00"}
    words = _quarantined(path, "orders", "o_word")
    assert {k: v[0] for k, v in words.items()} == {
        f"o_word_{w}": "unparseable_timestamp" for w in ("epoch", "infinity", "now", "today", "allballs")}


def test_incomes_and_company_sizes_with_separators(bad_values):
    path, _ = bad_values
    incomes = dict(_rows(path, "select contact_id, household_income from staging.stg_crm__contacts "
                               "where contact_id in ('16', '17', '18', '19', '20')"))
    assert incomes == {"16": 85000.0, "17": 1200.0, "18": None, "19": None, "20": None}
    accounts = {row[0]: row[1:] for row in _rows(
        path, "select account_id, employee_count, employee_band, revenue_band from marts.seg_firmographic "
              "where account_id in ('A7', 'A8', 'A9')")}
    assert accounts == {"A7": (1200, "1001_5000", "50m_250m"), "A8": (None, "unknown", "unknown"),
                        "A9": (1200, "1001_5000", "1m_10m")}
    flagged = dict(_rows(path, "select record_type || '.' || reason, row_count "
                               "from data_quality.fct_data_quality__flagged_records"))
    assert flagged["contact.unparseable_household_income"] == 3  # 1.200, 1234,50, NaN
    assert flagged["account.unparseable_employee_count"] == 1  # A8
    assert flagged["account.unparseable_annual_revenue"] == 1  # A8


def test_special_words_are_no_birth_date(bad_values):
    path, _ = bad_values
    assert _rows(path, "select contact_id, birth_date from staging.stg_crm__contacts "
                       "where contact_id in ('21', '22', '23') order by 1") == [("21", None), ("22", None), ("23", None)]
    assert _rows(path, "select age_band from marts.seg_demographic where contact_id = '21'") == [("unknown",)]


def test_booleans_are_parsed_tolerantly_or_quarantined(bad_values):
    path, _ = bad_values
    assert _quarantined(path, "contacts", "2") == {
        "24": ("deleted_in_crm", None), "25": ("deleted_in_crm", None), "26": ("unparseable_boolean", "maybe"),
    }
    assert _rows(path, "select count(*) from staging.stg_crm__contacts where contact_id = '27'") == [(1,)]
    assert _quarantined(path, "accounts", "A") == {"A10": ("unparseable_boolean", "nope")}


def test_ids_typed_bigint_and_double_still_link(bad_values):
    path, _ = bad_values
    rfm = dict(_rows(path, "select contact_id, rfm_segment from marts.seg_value_based "
                           "where contact_id in ('11', '12', '13', '14', '15')"))
    assert rfm == {str(int(c[1:])): ka.EXPECTED_CONTACTS[c][1] for c in ("c11", "c12", "c13", "c14", "c15")}
    assert _rows(path, "select count(*) from staging.stg_crm__orders where contact_id like '%.%'") == [(0,)]
    flagged = dict(_rows(path, "select record_type || '.' || reason, row_count "
                               "from data_quality.fct_data_quality__flagged_records"))
    assert flagged["order.contact_not_in_crm"] == 0


def test_loader_timestamps_offsets_text_and_impossible(bad_values):
    path, _ = bad_values
    loaded = dict(_rows(path, "select record_id, cast(loaded_at as varchar) from staging.base_crm__tickets "
                              "where record_id in ('t1', 't_offset')"))
    assert loaded == {"t1": "2026-11-02 01:00:00", "t_offset": "2026-11-02 01:00:00"}
    assert _rows(path, "select distinct cast(loaded_at as varchar) from staging.base_crm__accounts") == [
        ("2026-11-02 01:00:00",)]
    assert _quarantined(path, "tickets", "t_") == {
        "t_2099": ("impossible_load_time", "2099-01-01 00:00:00"), "t_infinity": ("impossible_load_time", "infinity"),
        "t_garbage": ("impossible_load_time", "yesterday-ish"),
    }
    events = dict(_rows(path, "select record_id, reason from staging.stg_product__tracks_quarantined "
                              "where record_id like 'ev_%'"))
    assert events == {"ev_2099": "impossible_load_time", "ev_inf": "impossible_load_time"}
    assert _rows(path, "select count(*), min(loaded_at) = max(loaded_at) from staging.stg_product__pages") == [
        (len([e for e in ka.EVENTS if e[1] == "page"]), True)]


def test_an_impossible_load_time_does_not_become_the_watermark(bad_values):
    """The next day's events are stored by the incremental run although a uuid_ts of 2099 is in the raw table."""
    path, workdir = bad_values
    with duckdb.connect(str(path)) as con:
        con.execute("insert into raw_product.tracks by name select 'ev_next_day' as id, 'u_c05' as user_id, "
                    "'anon_c05' as anonymous_id, 'login' as event, '2026-11-01T08:00:00Z' as timestamp, "
                    "timestamp '2026-11-03 01:00:00' as received_at, timestamp '2026-11-03 01:00:00' as uuid_ts")
        con.execute("insert into raw_product.pages by name select 'pg_next_day' as id, 'u_c05' as user_id, "
                    "'anon_c05' as anonymous_id, '2026-11-01T08:00:00Z' as timestamp, "
                    "timestamp '2026-11-03 01:00:00' as received_at, '2026-11-03 01:00:00.000 +0000' as uuid_ts")
    result = run_dbt(["run", "--select", "base_product__tracks", "base_product__pages", "--vars", VARS], path, workdir)
    assert result.returncode == 0, result.stdout[-4000:]
    assert _rows(path, "select dedup_key, quarantine_reason from staging.base_product__tracks "
                       "where dedup_key in ('ev_next_day', 'ev_2099') order by 1") == [
        ("ev_2099", "impossible_load_time"), ("ev_next_day", None)]
    assert _rows(path, "select dedup_key from staging.base_product__pages where dedup_key = 'pg_next_day'") == [
        ("pg_next_day",)]
