"""crm_adapter salesforce: Salesforce as Fivetran lands it (fixtures_salesforce.py) builds the CRM segments of the six
shared adapter people exactly (contacts, an unconverted lead, a converted lead's contact), every id in its
18-character form with case kept, and the quirky rows are quarantined with their reason. Billing, events and surveys
are declared absent; one dbt build for the whole file."""

from __future__ import annotations

import fixtures_salesforce as sf
import pytest
from test_adapter_hubspot import crm_adapter_build, crm_segments


@pytest.fixture(scope="module")
def salesforce_warehouse(tmp_path_factory):
    with crm_adapter_build(tmp_path_factory, "salesforce", sf) as con:
        yield con


def test_each_person_has_the_expected_crm_segments(salesforce_warehouse):
    assert crm_segments(salesforce_warehouse) == sf.EXPECTED


def test_ids_differing_only_in_case_are_two_people_and_emails_are_normalized(salesforce_warehouse):
    emails = dict(salesforce_warehouse.execute("select contact_id, email from staging.stg_crm__contacts").fetchall())
    assert emails == {
        sf.id18(sf.P1): "p1@example.com", sf.id18(sf.P2): "p2@example.com", sf.id18(sf.P3): "p3@example.com",
        sf.id18(sf.P4): "p4@example.com", sf.id18(sf.P5_LEAD): "p5@example.com", sf.id18(sf.P6): "p6@example.com",
    }
    assert sf.id18(sf.P3) != sf.id18(sf.P4) and sf.P3.lower() == sf.P4.lower()


def test_company_segment_and_15_character_ids_link_to_their_18_character_form(salesforce_warehouse):
    segments = dict(salesforce_warehouse.execute(
        "select account_id, company_segment from marts.seg_firmographic").fetchall())
    assert segments == sf.EXPECTED_ACCOUNTS
    links = dict(salesforce_warehouse.execute("select contact_id, account_id from staging.stg_crm__contacts").fetchall())
    assert links == {
        sf.id18(sf.P1): sf.id18(sf.ACME), sf.id18(sf.P2): sf.id18(sf.BETA), sf.id18(sf.P3): sf.id18(sf.ACME),
        sf.id18(sf.P4): sf.id18(sf.GAMMA), sf.id18(sf.P5_LEAD): None, sf.id18(sf.P6): sf.id18(sf.BETA),
    }


def test_the_fixtures_checksum_is_salesforces():
    """The expected 18-character ids above come from fixtures_salesforce.id18; the SQL macro salesforce_id18 must
    give the same ids for the rows landed with 15 characters (contacts, accounts, cases, owners) to link. This
    checks id18 itself on Salesforce's documented example."""
    assert sf.id18("0015000000Gv7qJ") == "0015000000Gv7qJAAR"


def test_quirky_rows_are_quarantined_with_their_reason(salesforce_warehouse):
    for table, expected in sf.EXPECTED_QUARANTINE.items():
        rows = salesforce_warehouse.execute(
            f"select record_id, reason from staging.stg_crm__{table}_quarantined").fetchall()
        assert dict(rows) == expected, table


def test_a_deleted_case_counts_for_no_one(salesforce_warehouse):
    counts = dict(salesforce_warehouse.execute(
        "select coalesce(contact_id, '-'), count(*) from staging.stg_crm__tickets group by 1").fetchall())
    assert counts == {sf.id18(sf.P1): 2, sf.id18(sf.P3): 3, sf.id18(sf.P4): 1, "-": 1}
