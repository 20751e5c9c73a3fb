"""The staging layer on generated data: every injected dirty row is found where it belongs.

The generator reports, per raw table, how many rows it made dirty and which quarantine reason each must get
(docs/raw_contract.md). After `dbt build` the quarantine models must hold exactly those counts, and for every raw
table rows in = rows kept + rows quarantined.
"""

from __future__ import annotations

import pytest

TABLES = [
    ("crm", "accounts"), ("crm", "contacts"), ("crm", "subscriptions"), ("crm", "orders"), ("crm", "tickets"),
    ("product", "tracks"), ("product", "pages"), ("product", "identifies"),
    ("surveys", "responses"), ("compliance", "erasure_requests"),
]
RAW_SCHEMA = {"crm": "raw_crm", "product": "raw_product", "surveys": "raw_surveys", "compliance": "raw_compliance"}


@pytest.mark.parametrize(("source", "table"), TABLES, ids=[f"{s}.{t}" for s, t in TABLES])
def test_quarantine_matches_injected_dirt(built_warehouse, source, table):
    expected = {
        reason: count
        for reason, count in built_warehouse.manifest["tables"][f"{source}.{table}"].get("quarantined", {}).items()
        if count
    }
    found = dict(
        built_warehouse.query(
            f"select reason, count(*) from staging.stg_{source}__{table}_quarantined group by reason"
        )
    )
    assert found == expected


@pytest.mark.parametrize(("source", "table"), TABLES, ids=[f"{s}.{t}" for s, t in TABLES])
def test_rows_in_equal_kept_plus_quarantined(built_warehouse, source, table):
    (rows_in,) = built_warehouse.query(f"select count(*) from {RAW_SCHEMA[source]}.{table}")[0]
    (kept,) = built_warehouse.query(f"select count(*) from staging.stg_{source}__{table}")[0]
    (quarantined,) = built_warehouse.query(f"select count(*) from staging.stg_{source}__{table}_quarantined")[0]
    assert rows_in == built_warehouse.manifest["tables"][f"{source}.{table}"]["rows"]
    assert rows_in == kept + quarantined
    # and the data-quality mart reports the same figures
    summary = dict(
        built_warehouse.query(
            "select outcome, sum(row_count) from data_quality.fct_data_quality__staging_rows "
            f"where source_name = '{source}' and table_name = '{table}' group by outcome"
        )
    )
    assert summary.get("kept", 0) == kept
    assert summary.get("quarantined", 0) == quarantined


def test_every_quarantine_reason_of_the_contract_occurs(built_warehouse):
    reasons = {
        (s, t, r)
        for s, t, r in built_warehouse.query(
            "select source_name, table_name, reason from data_quality.fct_data_quality__staging_rows "
            "where outcome = 'quarantined'"
        )
    }
    for expected in [
        ("crm", "contacts", "superseded_version"), ("crm", "contacts", "deleted_in_crm"),
        ("crm", "contacts", "erasure_requested"), ("crm", "orders", "negative_amount"),
        ("crm", "orders", "unknown_currency"), ("product", "tracks", "duplicate_event"),
        ("product", "tracks", "unparseable_timestamp"), ("product", "tracks", "future_timestamp"),
        ("product", "tracks", "implausible_timestamp"), ("product", "tracks", "missing_identity"),
        ("surveys", "responses", "score_out_of_range"), ("surveys", "responses", "non_numeric_score"),
    ]:
        assert expected in reasons


def test_cleanable_dirt_is_cleaned_not_quarantined(built_warehouse):
    rows = built_warehouse.query
    # emails: trimmed and lower-case everywhere they are match keys
    assert rows("select count(*) from staging.stg_crm__contacts where email <> lower(trim(email))")[0][0] == 0
    assert rows("select count(*) from staging.stg_product__identifies where email <> lower(trim(email))")[0][0] == 0
    # every country spelling the generator wrote (other than garbage) was recognized
    unrecognized = rows(
        "select count(*) from staging.stg_crm__contacts where has_unrecognized_country"
    )[0][0]
    garbage = built_warehouse.manifest["cleanable"].get("crm.contacts.country_unrecognizable", 0)
    assert unrecognized == garbage
    # event names and statuses normalized; versions stripped
    assert rows("select count(*) from staging.stg_product__tracks where event_name <> lower(trim(event_name))")[0][0] == 0
    assert rows("select count(*) from staging.stg_product__tracks where regexp_matches(browser_name, '[0-9]')")[0][0] == 0
    assert rows("select count(*) from staging.stg_product__tracks where regexp_matches(os_name, '[0-9]')")[0][0] == 0
    # late events are kept and flagged
    late = rows("select count(*) from staging.stg_product__tracks where is_late")[0][0]
    assert late >= built_warehouse.manifest["cleanable"].get("product.tracks.late_events", 1) > 0


def test_user_agent_gives_the_context_an_event_lacks(built_warehouse):
    cleanable = built_warehouse.manifest["cleanable"]
    for table in ("tracks", "pages"):
        # every kept event whose explicit device is null or blank has it from its user agent, except crawlers
        # (no device) and garbage (nothing recognized)
        from_agent, no_device = built_warehouse.query(f"""
            select count(distinct event_id) filter (where device_type is not null and event_id in (
                       select trim(id) from raw_product.{table} where nullif(trim(context_device_type), '') is null)),
                   count(*) filter (where device_type is null)
            from staging.stg_product__{table}""")[0]
        assert from_agent == cleanable[f"product.{table}.device_from_user_agent"] > 0, table
        assert no_device == (cleanable[f"product.{table}.crawler_user_agent"]
                             + cleanable[f"product.{table}.unrecognized_user_agent"]) > 0, table
        # a blank explicit OS or browser is never kept as a blank
        blank = f"select count(*) from staging.stg_product__{table} where os_name = '' or browser_name = '' or device_type = ''"
        assert built_warehouse.query(blank)[0][0] == 0, table


def test_erased_people_are_nowhere_in_staging(built_warehouse):
    erased = [r[0] for r in built_warehouse.query(
        "select email from staging.stg_compliance__erasure_requests where email is not null")]
    assert erased
    # requests by contact id alone (no email) erase the contact too
    by_id = built_warehouse.query(
        "select contact_id from staging.stg_compliance__erasure_requests where email is null and contact_id is not null")
    assert by_id
    assert built_warehouse.query(
        "select count(*) from staging.stg_crm__contacts where contact_id in "
        "(select contact_id from staging.stg_compliance__erasure_requests where contact_id is not null)")[0][0] == 0
    listed = ", ".join("'" + e.replace("'", "''") + "'" for e in erased)
    assert built_warehouse.query(f"select count(*) from staging.stg_crm__contacts where email in ({listed})")[0][0] == 0
    assert built_warehouse.query(f"select count(*) from staging.stg_product__identifies where email in ({listed})")[0][0] == 0
    assert built_warehouse.query(
        f"select count(*) from staging.stg_surveys__responses where respondent_email in ({listed})"
    )[0][0] == 0
    # quarantine rows for erasure carry no id
    assert built_warehouse.query(
        "select count(*) from staging.stg_crm__contacts_quarantined where reason = 'erasure_requested' and record_id is not null"
    )[0][0] == 0


def test_unlinked_and_unclear_records_are_counted_not_lost(built_warehouse):
    flagged = {
        (record_type, reason): count
        for record_type, reason, count in built_warehouse.query(
            "select record_type, reason, row_count from data_quality.fct_data_quality__flagged_records"
        )
    }
    # the generator sends events of users never identified, of anonymous ids never identified, and of users
    # whose email is in no CRM contact; deleted contacts still have orders
    for key in [("product_event", "anonymous_never_identified"), ("product_event", "user_never_identified"),
                ("product_event", "user_not_in_crm"), ("order", "contact_not_in_crm"), ("contact", "implausible_age"),
                ("contact", "unparseable_birth_date")]:
        assert flagged.get(key, 0) > 0, key
    assert flagged[("contact", "unrecognized_country")] == built_warehouse.manifest["cleanable"]["crm.contacts.country_unrecognizable"]
    # a track value written 412,50, n/a or NaN: the event is kept (it may be linked), without a value, and counted
    unparseable = built_warehouse.manifest["cleanable"]["product.tracks.unparseable_value"]
    assert flagged[("product_event", "unparseable_event_value")] == unparseable > 0
    assert built_warehouse.query(
        "select count(*), count(event_value) from intermediate.int_events__attributed where has_unparseable_value"
    )[0] == (unparseable, 0)
    # every event up to as_of_date is either linked or counted here by its link status
    (total,) = built_warehouse.query("select count(*) from intermediate.int_events__attributed")[0]
    (linked,) = built_warehouse.query("select count(*) from intermediate.int_events__attributed where link_status = 'linked'")[0]
    unlinked = sum(count for (record_type, reason), count in flagged.items()
                   if record_type == "product_event" and reason != "unparseable_event_value")
    assert total == linked + unlinked
