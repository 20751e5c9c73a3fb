"""crm_adapter hubspot: HubSpot as Fivetran lands it (fixtures_hubspot.py) builds the CRM segments of the six shared
adapter people exactly, and its quirky rows (merged, soft-deleted, unparseable) are quarantined with their reason.
Billing, events and surveys are declared absent; one dbt build for the whole file."""

from __future__ import annotations

import duckdb
import fixtures_hubspot as hs
import pytest
from conftest import build_loader_warehouse

ABSENT = ["subscriptions", "orders", "tracks", "pages", "responses"]


def write_contract_rest(con) -> None:
    """The contract tables a CRM adapter build still reads in the generic shape: erasure requests (one, for nobody)
    and identifies (empty: the erasure lookup reads it)."""
    con.execute("create schema if not exists raw_compliance")
    con.execute("create or replace table raw_compliance.erasure_requests as select 'er1' as id, "
                "'nobody@example.com' as email, '2026-10-01T00:00:00Z' as requested_at, "
                "timestamp '2026-11-02 01:00:00' as _loaded_at")
    con.execute("create schema if not exists raw_product")
    con.execute("create or replace table raw_product.identifies (id varchar, user_id varchar, anonymous_id varchar, "
                "email varchar, timestamp varchar, received_at timestamp, uuid_ts timestamp)")


def crm_adapter_build(tmp_path_factory, crm_adapter: str, fixtures):
    """A CRM loader's fixtures (fixtures_<loader>.py) and the contract tables a CRM adapter build still reads,
    built with that crm_adapter; billing, events and surveys absent. A read-only connection to the result."""
    def write(con):
        fixtures.write(con)
        write_contract_rest(con)

    path = build_loader_warehouse(tmp_path_factory, crm_adapter, write,
                                  {"as_of_date": fixtures.AS_OF, "crm_adapter": crm_adapter, "absent_raw_tables": ABSENT})
    return duckdb.connect(str(path), read_only=True)


def crm_segments(con) -> dict:
    """Contact id -> (lifecycle stage, account owner, region, country code, age band, needs support, needs segment)."""
    rows = con.execute("""
        select l.contact_id, l.lifecycle_stage, l.account_owner, g.region, g.country_code, d.age_band,
               n.needs_support, n.needs_segment
        from marts.seg_lifecycle as l
        join marts.seg_geographic as g using (contact_id)
        join marts.seg_demographic as d using (contact_id)
        join marts.seg_needs_based as n using (contact_id)
    """).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


@pytest.fixture(scope="module")
def hubspot_warehouse(tmp_path_factory):
    with crm_adapter_build(tmp_path_factory, "hubspot", hs) as con:
        yield con


def test_each_person_has_the_expected_crm_segments(hubspot_warehouse):
    assert crm_segments(hubspot_warehouse) == hs.EXPECTED


def test_emails_are_normalized_and_merged_contacts_are_not_people(hubspot_warehouse):
    emails = hubspot_warehouse.execute("select contact_id, email from staging.stg_crm__contacts order by contact_id").fetchall()
    assert emails == [(str(1000 + n), f"p{n}@example.com") for n in range(1, 7)]


def test_company_segment_and_leading_zero_or_double_company_ids_link(hubspot_warehouse):
    segments = dict(hubspot_warehouse.execute("select account_id, company_segment from marts.seg_firmographic").fetchall())
    assert segments == hs.EXPECTED_ACCOUNTS
    links = dict(hubspot_warehouse.execute("select contact_id, account_id from staging.stg_crm__contacts").fetchall())
    assert links == {"1001": "101", "1002": "102", "1003": "101", "1004": None, "1005": "102", "1006": None}


def test_quirky_rows_are_quarantined_with_their_reason(hubspot_warehouse):
    for table, expected in hs.EXPECTED_QUARANTINE.items():
        rows = hubspot_warehouse.execute(
            f"select record_id, reason from staging.stg_crm__{table}_quarantined").fetchall()
        assert dict(rows) == expected, table


def test_a_deleted_ticket_counts_for_no_one(hubspot_warehouse):
    counts = dict(hubspot_warehouse.execute(
        "select coalesce(contact_id, '-'), count(*) from staging.stg_crm__tickets group by 1").fetchall())
    assert counts == {"1001": 2, "1003": 3, "-": 1}
