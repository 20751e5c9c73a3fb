"""`segments sync --to hubspot` against a stateful fake HubSpot (hubspot_fake.py): every change arrives once, a
contact is synced only when the CRM confirmed it, faults are retried or settled, rejections are kept.
tests/python/test_hubspot_contract.py (make test-integrations) runs the same sync through Prism, checking each request against the
OpenAPI contract."""

from __future__ import annotations

import json
import re

import duckdb
import pytest
from conftest import AS_OF, run_cli, run_dbt
from hubspot_fake import TOKEN, FakeHubSpot


def sync(path, fake, *extra, token=TOKEN, env=None):
    return run_cli(["sync", "--to", "hubspot", "--duckdb", str(path), *extra],
                   extra_env={"HUBSPOT_ACCESS_TOKEN": token, "SEGMENTS_HUBSPOT_API_URL": fake.url, **(env or {})})


def feed(path) -> dict[str, dict[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute("select * exclude (properties_hash) from reverse_etl.rev_etl__crm_contacts")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return {row[0]: {n: "" if v is None else str(v) for n, v in zip(names[1:], row[1:], strict=True)} for row in rows}


def plan_row(text, label) -> str:
    """The count a --dry-run table gives for a row (its cells are padded to the table's width)."""
    [count] = re.findall(rf"│ {re.escape(label)}\s*│\s*([\d,]+)\s*│", text)
    return count


def table(path, query, *params):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def held_in_crm(fake) -> dict[str, dict[str, str]]:
    return {c["properties"]["email"]: {k: v for k, v in c["properties"].items() if k.startswith("sw_")}
            for c in fake.contacts.values()}


@pytest.fixture
def fake():
    with FakeHubSpot() as server:
        yield server


def test_dry_run_then_first_sync_then_nothing_then_only_the_changed(warehouse_copy, tmp_path, fake):
    expected = feed(warehouse_copy)
    assert len(expected) > 1000

    plan = sync(warehouse_copy, fake, "--dry-run", token="")  # no token needed, no API called
    assert plan.returncode == 0, plan.stderr
    assert fake.requests == []
    assert plan_row(plan.stdout, "never synced (created or matched by email)") == f"{len(expected):,}"
    assert plan_row(plan.stdout, "changed since the last confirmed sync") == "0"
    assert plan_row(plan.stdout, "sw_age_band") == f"{sum(p['sw_age_band'] != '' for p in expected.values()):,}"
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_state") == [(0,)]

    first = sync(warehouse_copy, fake)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert f"Synced {len(expected):,} contact(s) to hubspot" in first.stderr
    # the properties were created first, in their own group, as text
    created = {n: p for n, p in fake.properties.items() if n.startswith("sw_")}
    assert set(created) == set(next(iter(expected.values())))
    assert {(p["groupName"], p["type"], p["fieldType"]) for p in created.values()} == {("segments_warehouse", "string", "text")}
    # the CRM holds exactly the feed, each contact sent once, in batches of at most 100 with string values
    assert held_in_crm(fake) == expected
    assert set(fake.applied.values()) == {1}
    batches = fake.upserts()
    assert len(batches) == -(-len(expected) // 100) and max(len(b["inputs"]) for b in batches) == 100
    assert all(i["idProperty"] == "email" and i["id"] == i["id"].strip() for b in batches for i in b["inputs"])
    state = table(warehouse_copy, "select count(*), count(remote_id) from reverse_etl.crm_sync_state where destination = 'hubspot'")
    assert state == [(len(expected), len(expected))]

    # again: nothing to send, no upsert
    before = len(fake.upserts())
    again = sync(warehouse_copy, fake)
    assert again.returncode == 0 and "Nothing changed since the last sync to hubspot" in again.stderr
    assert len(fake.upserts()) == before

    # two contacts change segment: the plan names the property, the sync sends exactly those two
    changed = sorted(e for e, p in expected.items() if p["sw_value_tier"] != "vip")[:2]
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("update marts.dim_contact_segments set value_tier = 'vip' where contact_id in "
                    "(select contact_id from intermediate.int_contacts__emails where email in (select unnest(?)))", [changed])
    rebuilt = run_dbt(["run", "--select", "rev_etl__crm_contacts", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})],
                      warehouse_copy, tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    plan = sync(warehouse_copy, fake, "--dry-run")
    assert plan_row(plan.stdout, "changed since the last confirmed sync") == "2"
    assert plan_row(plan.stdout, "sw_value_tier") == "2"
    assert "sw_rfm_segment" not in plan.stdout  # neither in the properties that change nor in the sample
    third = sync(warehouse_copy, fake)
    assert third.returncode == 0, third.stderr
    assert sorted(i["id"] for i in fake.upserts()[-1]["inputs"]) == changed
    assert len(fake.upserts()) == before + 1
    assert all(fake.contacts[e.lower()]["properties"]["sw_value_tier"] == "vip" for e in changed)
    assert fake.applied[changed[0]] == 2


def test_rate_limits_errors_and_timeouts_are_retried_and_nothing_is_sent_twice(warehouse_copy, fake):
    expected = feed(warehouse_copy)
    # the next upsert requests meet, in order: a 429 (not processed), a 500 (not processed), a 500 after applying,
    # and an answer slower than the timeout after applying. The first three hit the first batch (the wait doubles
    # from 1 s per try of one batch; a 429 waits its Retry-After), the last the second batch. The three answers
    # that leave the outcome unknown are settled by reading the batch back, and only what is missing is resent.
    fake.faults = [("429", 0), ("500", None), ("500_after_apply", None), ("slow_after_apply", 6)]
    result = sync(warehouse_copy, fake, "--timeout", "3")
    assert result.returncode == 0, result.stderr
    retries = [line for line in result.stderr.splitlines() if line.startswith("retried after")]
    assert [line.split(": ", 1)[0] for line in retries] == ["retried after 0 s", "retried after 2 s", "retried after 4 s",
                                                           "retried after 1 s"]
    assert "429" in retries[0] and "500 internal error" in retries[1] and "500 internal error" in retries[2]
    assert "no answer from" in retries[3] and "Read timed out" in retries[3]
    assert held_in_crm(fake) == expected
    assert set(fake.applied.values()) == {1}  # the applied batches were read back, not resent
    reads = fake.upserts("/batch/read")
    assert len(reads) == 3 and all(len(r["inputs"]) == 100 for r in reads)
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_pending") == [(0,)]


def test_rejected_contacts_are_kept_with_the_reason_and_not_retried_forever(warehouse_copy, fake):
    expected = feed(warehouse_copy)
    refused, failing = sorted(expected)[5], sorted(expected)[150]
    fake.refused_emails = {refused}  # its batch is refused as a whole (400): halved until it is alone
    fake.failing_emails = {failing}  # fails alone in a 207
    first = sync(warehouse_copy, fake)
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr
    assert f"Synced {len(expected) - 2:,} contact(s)" in first.stderr and "2 rejected" in first.stderr
    assert set(held_in_crm(fake)) == set(expected) - {refused, failing}
    assert set(fake.applied.values()) == {1}
    errors = table(warehouse_copy, "select email, status, category, message, attempts from reverse_etl.crm_sync_errors "
                   "order by email")
    assert errors == sorted([(refused, 400, "VALIDATION_ERROR", f"400 VALIDATION_ERROR: Email address {refused} is invalid", 1),
                             (failing, None, "VALIDATION_ERROR", f"{failing} failed", 1)])

    # the next run holds them back: their properties did not change
    upserts = len(fake.upserts())
    second = sync(warehouse_copy, fake)
    assert second.returncode == 0, second.stderr
    assert "Nothing changed since the last sync to hubspot (2 held back by earlier rejections)" in second.stderr
    assert len(fake.upserts()) == upserts

    # the CRM side fixed: --retry-errors sends them, and their errors are cleared
    fake.refused_emails, fake.failing_emails = set(), set()
    third = sync(warehouse_copy, fake, "--retry-errors")
    assert third.returncode == 0, third.stderr
    assert held_in_crm(fake) == expected
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_errors") == [(0,)]


def test_a_sync_killed_after_the_crm_confirmed_a_batch_loses_nothing_and_sends_nothing_twice(warehouse_copy, fake):
    expected = feed(warehouse_copy)
    killed = sync(warehouse_copy, fake, env={"SEGMENTS_SYNC_CRASH_AFTER_BATCHES": "2"})
    assert killed.returncode == 70, killed.stderr
    # two batches reached HubSpot; the first is recorded, the second only pending
    assert sum(fake.applied.values()) == 200
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_state") == [(100,)]
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_pending") == [(100,)]

    resumed = sync(warehouse_copy, fake)
    assert resumed.returncode == 0, resumed.stderr
    assert ("A stopped sync left 100 contact(s) in flight: 100 found applied in hubspot (marked synced, not resent), "
            "0 sent again") in resumed.stderr
    assert f"Synced {len(expected) - 200:,} contact(s)" in resumed.stderr
    assert held_in_crm(fake) == expected
    assert set(fake.applied.values()) == {1}
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_state") == [(len(expected),)]
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_pending") == [(0,)]


def test_a_refused_token_or_a_crm_that_keeps_failing_stops_with_one_clear_message(warehouse_copy, fake):
    missing = sync(warehouse_copy, fake, token="")
    assert missing.returncode == 1 and "set HUBSPOT_ACCESS_TOKEN" in missing.stderr, missing.stderr
    refused = sync(warehouse_copy, fake, token="wrong")
    assert refused.returncode == 1, refused.stderr
    assert "HubSpot refused the token for reading the contact properties (401 INVALID_AUTHENTICATION" in refused.stderr
    assert fake.upserts() == []

    fake.faults = [("500", None)] * 3  # the first batch fails on every try
    stopped = sync(warehouse_copy, fake, "--max-attempts", "3")
    assert stopped.returncode == 1, stopped.stderr
    assert "upserting 100 contacts: 500 internal error, 3 times in a row: stopped" in stopped.stderr
    assert "0 of" in stopped.stderr and "Traceback" not in stopped.stderr
    assert fake.applied == {}
    # the next run settles the batch left in flight (not applied: sent again) and completes
    resumed = sync(warehouse_copy, fake)
    assert resumed.returncode == 0, resumed.stderr
    assert "0 found applied in hubspot (marked synced, not resent), 100 sent again" in resumed.stderr
    assert held_in_crm(fake) == feed(warehouse_copy) and set(fake.applied.values()) == {1}


def test_answers_that_name_no_contact_are_matched_by_email_or_left_for_the_next_run(warehouse_copy, fake):
    expected = feed(warehouse_copy)
    unnamed = sorted(expected)[7]
    fake.echo_trace_ids = False  # results matched by the email they carry
    fake.name_failures = False  # a 207 error that names no contact: read back, not found, left unrecorded
    fake.failing_emails = {unnamed}
    first = sync(warehouse_copy, fake)
    assert first.returncode == 0, first.stderr
    assert ("1 contact(s) neither confirmed nor rejected by hubspot (not found with the values sent when read back, "
            "or left unprocessed by its job): not marked synced, sent again by the next run") in first.stderr
    assert set(held_in_crm(fake)) == set(expected) - {unnamed}
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_state") == [(len(expected) - 1,)]
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_errors") == [(0,)]
    fake.failing_emails = set()
    second = sync(warehouse_copy, fake)
    assert second.returncode == 0 and "Synced 1 contact(s)" in second.stderr, second.stderr
    assert held_in_crm(fake) == expected and set(fake.applied.values()) == {1}


def test_a_refusal_that_is_not_about_one_contact_stops_the_run_and_records_no_rejection(warehouse_copy, fake):
    fake.refuse_every_batch = "Property values were not valid"
    stopped = sync(warehouse_copy, fake)
    assert stopped.returncode == 1, stopped.stderr
    assert ("the CRM refuses every part of a batch with the same answer (400 VALIDATION_ERROR: Property values were "
            "not valid): it is not about one contact") in stopped.stderr
    assert len(fake.upserts()) == 3  # the batch and its two halves, not a contact-by-contact search
    assert table(warehouse_copy, "select count(*) from reverse_etl.crm_sync_errors") == [(0,)]
    # a property HubSpot says it created but does not list: stopped before any upsert
    fake.refuse_every_batch = None
    fake.properties = {n: p for n, p in fake.properties.items() if not n.startswith("sw_")}
    fake.ignored_property_creates = {"sw_value_tier"}
    missing = sync(warehouse_copy, fake)
    assert missing.returncode == 1, missing.stderr
    assert "HubSpot does not list the contact properties sw_value_tier after creating them" in missing.stderr
    assert len(fake.upserts()) == 3 and "Traceback" not in missing.stderr


def test_a_url_that_would_send_the_token_in_clear_or_nowhere_is_refused(warehouse_copy, fake):
    for url in ("http://api.hubapi.com", "api.hubapi.com", "htps://api.hubapi.com"):
        refused = run_cli(["sync", "--to", "hubspot", "--duckdb", str(warehouse_copy)],
                          extra_env={"HUBSPOT_ACCESS_TOKEN": TOKEN, "SEGMENTS_HUBSPOT_API_URL": url})
        assert refused.returncode == 1 and "must be an https:// URL" in refused.stderr, (url, refused.stderr)
    unreachable = run_cli(["sync", "--to", "hubspot", "--duckdb", str(warehouse_copy), "--max-attempts", "2"],
                          extra_env={"HUBSPOT_ACCESS_TOKEN": TOKEN, "SEGMENTS_HUBSPOT_API_URL": "http://127.0.0.1:9"})
    assert unreachable.returncode == 1, unreachable.stderr
    assert "reading the contact properties: no answer from http://127.0.0.1:9" in unreachable.stderr
    assert "2 times in a row: stopped" in unreachable.stderr and "Traceback" not in unreachable.stderr
