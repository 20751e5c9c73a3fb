"""Privacy: BI marts carry no personal data, the CRM feed only the email, and an erased person is in no model."""

from __future__ import annotations

import json

import duckdb
from conftest import AS_OF, run_cli, run_dbt
from hubspot_fake import TOKEN, FakeHubSpot

# Columns that hold personal data, by name: none may appear in what BI reads.
PII_COLUMNS = {
    "email", "respondent_email", "first_name", "last_name", "name", "full_name", "birth_date", "birth_date_raw",
    "answer_text", "subject", "phone", "address", "ip", "user_id", "anonymous_id",
}
BI_SCHEMAS = ("marts", "data_quality")
DBT_SCHEMAS = ("reference", "staging", "intermediate", "marts", "data_quality", "reverse_etl")


def sync_to(hubspot, path):
    return run_cli(["sync", "--to", "hubspot", "--duckdb", str(path)],
                   extra_env={"HUBSPOT_ACCESS_TOKEN": TOKEN, "SEGMENTS_HUBSPOT_API_URL": hubspot.url})


def relations(con, schemas):
    placeholders = ", ".join(f"'{s}'" for s in schemas)
    return con.execute(
        f"select table_schema, table_name from information_schema.tables where table_schema in ({placeholders}) order by 1, 2"
    ).fetchall()


def columns(con, schema, table):
    return con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()


def test_bi_marts_publish_no_personal_data(built_warehouse):
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        published = relations(con, BI_SCHEMAS)
        assert len(published) >= 14
        for schema, table in published:
            leaked = {name for name, _ in columns(con, schema, table)} & PII_COLUMNS
            assert not leaked, f"{schema}.{table} publishes {leaked}"


def test_crm_feed_carries_only_the_email(built_warehouse):
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        for schema, table in relations(con, ("reverse_etl",)):
            if table in ("sync_state", "crm_sync_state", "crm_sync_pending", "crm_sync_errors"):
                continue  # the exporters' own bookkeeping: the email, a hash and what was sent
            names = {name for name, _ in columns(con, schema, table)}
            assert names & PII_COLUMNS == {"email"}, table
            assert all(name == "email" or name.startswith("sw_") or name == "properties_hash" for name in names), names


def test_an_erased_person_is_in_no_model(built_warehouse, warehouse_copy, tmp_path):
    """Erase one more, very active person, rebuild, and search every column of every dbt-built relation."""
    with duckdb.connect(str(warehouse_copy)) as con:
        email, contact_id = con.execute(
            "select c.email, c.contact_id from marts.dim_contact_segments as d "
            "join staging.stg_crm__contacts as c using (contact_id) "
            "where d.behavioral_segment = 'power_user' and d.paid_orders > 0 order by c.contact_id limit 1"
        ).fetchone()
        user_ids = [r[0] for r in con.execute(
            "select distinct user_id from staging.stg_product__identifies where email = ?", [email]).fetchall()]
        anonymous_ids = [r[0] for r in con.execute(
            "select distinct anonymous_id from staging.stg_product__identifies where email = ? and anonymous_id is not null",
            [email]).fetchall()]
        assert user_ids and anonymous_ids
    # the CRM sync has the person in its state before the erasure
    with FakeHubSpot() as hubspot:
        synced = sync_to(hubspot, warehouse_copy)
        assert synced.returncode == 0 and email in {i["id"] for b in hubspot.upserts() for i in b["inputs"]}, synced.stderr
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "insert into raw_compliance.erasure_requests (id, email, requested_at, _loaded_at) "
            "values ('er_test', ?, '2026-10-30T00:00:00Z', timestamp '2026-10-30 01:00:00')",
            [f"  {email.upper()} "])
    result = run_dbt(["build", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    with FakeHubSpot() as hubspot:  # the next sync forgets the person (HubSpot keeps its record: docs/crm_sync.md)
        synced = sync_to(hubspot, warehouse_copy)
        assert synced.returncode == 0 and "Forgot 1 contact(s) the feed no longer has" in synced.stderr, synced.stderr
    needles = [email, contact_id, *user_ids, *anonymous_ids]
    found = []
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        for schema, table in relations(con, DBT_SCHEMAS):
            if table in ("base_compliance__erasure_requests", "stg_compliance__erasure_requests", "stg_compliance__erased_people"):
                continue  # the request itself and the ids it erases: needed to honour it
            for name, kind in columns(con, schema, table):
                if kind != "VARCHAR":
                    continue
                hits = con.execute(
                    f'select count(*) from {schema}."{table}" where lower(trim("{name}")) in (select unnest(?))',
                    [[n.lower() for n in needles]]).fetchone()[0]
                if hits:
                    found.append(f"{schema}.{table}.{name}: {hits}")
    assert found == []
    # and the person is counted, not silently gone: their rows are quarantined as erasure_requested
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        erased_rows = con.execute(
            "select sum(row_count) from data_quality.fct_data_quality__staging_rows where reason = 'erasure_requested'"
        ).fetchone()[0]
    before = sum(
        table.get("quarantined", {}).get("erasure_requested", 0) for table in built_warehouse.manifest["tables"].values()
    )
    assert erased_rows > before


def test_a_var_holding_a_quote_cannot_change_a_query(built_warehouse, warehouse_copy, tmp_path):
    """An event name with a quote (and an injection attempt) is matched literally, never executed."""
    nasty = ["login", "x') or 1=1 --", "it's"]
    result = run_dbt(["run", "--select", "int_contacts__daily_activity", "seg_behavioral",
                      "--vars", json.dumps({"as_of_date": AS_OF.isoformat(), "login_events": nasty})],
                     warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    query = "select behavioral_segment, count(*) from marts.seg_behavioral group by 1 order by 1"
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        assert con.execute(query).fetchall() == built_warehouse.query(query)


def test_a_removed_models_table_is_dropped(warehouse_copy, tmp_path):
    """dbt never drops the table of a removed model; a per-contact one would escape erasure, so a run drops it."""
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("create or replace table intermediate.int_contacts__sessions as select 'c1' as contact_id")
    result = run_dbt(["run", "--select", "base_reference__country_lookup",
                      "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        assert ("intermediate", "int_contacts__sessions") not in relations(con, ("intermediate",))


def test_an_erasure_request_matching_nobody_is_counted_without_its_email(built_warehouse):
    """The generator's requests of people no system holds (former.customer.N@gone.test): counted, the build green."""
    flagged = built_warehouse.query(
        "select row_count from data_quality.fct_data_quality__flagged_records "
        "where record_type = 'erasure_request' and reason = 'erasure_request_matches_nobody'")
    assert flagged == [(built_warehouse.manifest["cleanable"]["compliance.erasure_requests.email_not_in_crm"],)]
