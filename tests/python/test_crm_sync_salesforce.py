"""`segments sync --to salesforce` (Bulk API 2.0) against a stateful fake Salesforce (salesforce_fake.py): a job per
chunk, its results settle each contact, a stopped run is settled by the job it left, never by sending again."""

from __future__ import annotations

import duckdb
import pytest
from conftest import run_cli
from salesforce_fake import TOKEN, FakeSalesforce
from test_crm_sync import feed, table


def sync(path, fake, *extra, env=None):
    return run_cli(["sync", "--to", "salesforce", "--duckdb", str(path), *extra],
                   extra_env={"SALESFORCE_ACCESS_TOKEN": TOKEN, "SALESFORCE_INSTANCE_URL": fake.url, **(env or {})})


def salesforce_view(expected: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The feed as Salesforce holds it: keyed by the lower-cased email, empty values absent (#N/A clears them)."""
    return {email.lower(): {k: v for k, v in props.items() if v != ""} for email, props in expected.items()}


@pytest.fixture
def properties(warehouse_copy) -> list[str]:
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        return [n for (n,) in con.execute("select column_name from (describe reverse_etl.rev_etl__crm_contacts)").fetchall()
                if n.startswith("sw_")]


def org(properties, emails, **kwargs) -> FakeSalesforce:
    return FakeSalesforce(["sw_email__c", *[f"{p}__c" for p in properties]], existing=emails, **kwargs)


def test_fields_are_checked_then_one_job_upserts_the_feed_and_rejections_are_kept(warehouse_copy, properties):
    expected = feed(warehouse_copy)
    failing, absent = sorted(expected)[9], sorted(expected)[20]
    # an org without two of the fields and without the external id: one message listing what to create
    with FakeSalesforce([f"{p}__c" for p in properties[2:]], external_id="other__c") as bare:
        refused = sync(warehouse_copy, bare)
        assert refused.returncode == 1, refused.stderr
        assert (f"Salesforce is not ready for the sync: create these Text(255) fields on Contact: {properties[0]}__c, "
                f"{properties[1]}__c; create the external id field sw_email__c") in refused.stderr
        assert [m for m, _ in bare.requests] == ["GET"]
    # contacts with an Email but an empty key would not be matched: stopped before any job
    with org(properties, sorted(expected)) as unkeyed:
        unkeyed.unkeyed = 3
        refused = sync(warehouse_copy, unkeyed)
        assert refused.returncode == 1 and "3 Contact record(s) have an Email but no sw_email__c" in refused.stderr
        assert unkeyed.jobs == {}
    # the org has every contact of the feed but one (a create, refused without LastName); one email is invalid
    with org(properties, sorted(set(expected) - {absent})) as fake:
        fake.failing_emails = {failing}
        first = sync(warehouse_copy, fake)
        assert first.returncode == 1, first.stderr  # two contacts rejected: the run says so
        assert "Traceback" not in first.stderr
        assert f"Synced {len(expected) - 2:,} contact(s) to salesforce" in first.stderr and "2 rejected" in first.stderr
        assert len(fake.jobs) == 1 and set(fake.applied.values()) == {1}
        want = salesforce_view(expected)
        del want[failing.lower()], want[absent.lower()]
        assert {k: v for k, v in fake.held().items() if v} == want
        assert sorted(table(warehouse_copy, "select email, category from reverse_etl.crm_sync_errors "
                            "where destination = 'salesforce'")) == sorted(
            [(failing, "INVALID_EMAIL_ADDRESS"), (absent, "REQUIRED_FIELD_MISSING")])
        state = table(warehouse_copy, "select count(*), count(remote_id) from reverse_etl.crm_sync_state "
                      "where destination = 'salesforce'")
        assert state == [(len(expected) - 2, len(expected) - 2)]
        again = sync(warehouse_copy, fake)
        assert again.returncode == 0 and "Nothing changed since the last sync to salesforce (2 held back" in again.stderr
        assert len(fake.jobs) == 1


def test_a_run_killed_after_the_job_completed_is_settled_by_the_job_not_resent(warehouse_copy, properties):
    expected = feed(warehouse_copy)
    with org(properties, sorted(expected)) as fake:
        killed = sync(warehouse_copy, fake, env={"SEGMENTS_SYNC_CRASH_AFTER_BATCHES": "1"})
        assert killed.returncode == 70, killed.stderr
        assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_pending") == [(len(expected),)]
        resumed = sync(warehouse_copy, fake)
        assert resumed.returncode == 0, resumed.stderr
        assert (f"A stopped sync left {len(expected):,} contact(s) in flight: {len(expected):,} found applied in "
                "salesforce (marked synced, not resent), 0 sent again") in resumed.stderr
        assert len(fake.jobs) == 1 and set(fake.applied.values()) == {1}
        assert {k: v for k, v in fake.held().items() if v} == salesforce_view(expected)
        assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_pending") == [(0,)]


def test_a_failed_upload_aborts_its_job_and_a_failed_job_leaves_the_unprocessed_for_the_next_run(warehouse_copy, properties):
    expected = feed(warehouse_copy)
    with org(properties, sorted(expected)) as fake:
        fake.upload_faults = 1  # the first job's upload answered 503: aborted, a new job carries the contacts
        fake.job_fails_after = 1000  # that job ends Failed after 1,000 rows: the rest unprocessed
        first = sync(warehouse_copy, fake)
        assert first.returncode == 1, first.stderr  # a failed job stops the run, after recording what it did
        assert "retried after 1 s: uploading the job's data: 503 SERVER_UNAVAILABLE: try again" in first.stderr
        assert [job["state"] for job in fake.jobs.values()] == ["Aborted", "Failed"]
        assert f"ended Failed: no message ({len(expected) - 1000:,} of its contacts not processed)" in first.stderr
        assert len({k for k, v in fake.held().items() if v}) == 1000
        assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_state") == [(1000,)]
        fake.job_fails_after = None
        second = sync(warehouse_copy, fake)
        assert second.returncode == 0, second.stderr
        assert f"Synced {len(expected) - 1000:,} contact(s)" in second.stderr
        assert {k: v for k, v in fake.held().items() if v} == salesforce_view(expected)
        assert set(fake.applied.values()) == {1}
