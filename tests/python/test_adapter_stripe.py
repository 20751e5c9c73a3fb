"""The stripe billing adapter (docs/adapters.md, "stripe"): Fivetran's Stripe tables (fixtures_stripe.py) as the
contract's orders and subscriptions, for the six shared people, with the CRM contacts in the generic contract and
every other optional group absent. One dbt build; exact net revenue, RFM segment, value tier, plan and renewal
window per person, and the quarantine reason of each quirky Stripe row."""

from __future__ import annotations

import duckdb
import fixtures_stripe
import pytest
from conftest import build_loader_warehouse

AS_OF = "2026-11-01"
LOADED = "timestamp '2026-11-02 01:00:00'"
ABSENT = ["accounts", "tickets", "tracks", "pages", "responses"]
# identifies stays, empty: the erasure macros read it as a source whatever absent_raw_tables says (lead's part)

# CRM contact id, email as the CRM has it, account, updated_at; c5's older version had another email
CONTACTS = [
    ("c1", "p1@example.com", "A1", "2026-10-01T00:00:00Z"),
    ("c2", "P2@example.com ", "A2", "2026-10-01T00:00:00Z"),
    ("c3", "p3@example.com", "A3", "2026-10-01T00:00:00Z"),
    ("c4", "p4@example.com", None, "2026-10-01T00:00:00Z"),  # a B2C buyer: no account
    ("c5", "p5.old@example.com", "A5", "2026-01-01T00:00:00Z"),
    ("c5", "p5@example.com", "A5", "2026-10-01T00:00:00Z"),
    ("c6", " p6@EXAMPLE.com", "A6", "2026-10-01T00:00:00Z"),
]

# contact -> net revenue (USD), rfm_segment, value_tier, plan, renewal_window. Worked out by hand:
# c1 3 paid USD charges of two Stripe customers (50 each, last 2 days ago; the failed one counts nothing): R5 F5;
# c2 15000 JPY (zero-decimal) = 99.00 USD, 12 days ago: R4 F1; c3 30.500 KWD (3.26) = 99.43 plus 100 USD less one
# 40 USD refund that is both an object and the charge's amount_refunded: 159.43, last 22 days ago: R3 F3; c4 (deleted
# customer) 20 EUR = 21.60 plus 20 USD refunded with no refund object: 21.60, last 153 days ago: R2 F3; c5 only a
# pending charge: prospect; c6 a 10 USD guest payment by receipt email 214 days ago (the test-mode charge is not
# money): R1 F1. Value tiers by percent rank of 10, 21.6, 99, 150, 159.43: low, low, medium, high, vip.
# Plans: c1 pro renewing in 19 days; c2 enterprise in 75 days (the newer incomplete_expired one is canceled);
# c3 canceled; c4 has no account; c5 cancels at period end (no renewal); c6 starter (the add-on is worth more)
# trialing, renewing in 30 days.
EXPECTED = {
    "c1": (150.0, "champion", "high", "pro", "within_30d"),
    "c2": (99.0, "promising", "medium", "enterprise", "within_90d"),
    "c3": (159.43, "need_attention", "vip", "starter", "none"),
    "c4": (21.6, "at_risk", "low", None, "none"),
    "c5": (0.0, "prospect", "none", "pro", "none"),
    "c6": (10.0, "hibernating", "low", "starter", "within_30d"),
}
# order id -> (quarantine reason, detail)
EXPECTED_QUARANTINE = {
    "ch_501": ("unknown_status", "pending"),
    "ch_602": ("unknown_status", "test_mode"),
    "re_302": ("unknown_status", "refund_failed"),
}
# subscription id -> account, plan, status, mrr, currency, renews_at, canceled_at
EXPECTED_SUBSCRIPTIONS = {
    "sub_1": ("A1", "pro", "active", 98.0, "USD", "2026-11-20", None),
    "sub_2": ("A2", "enterprise", "active", 100.0, "EUR", "2027-01-15", None),
    "sub_2b": ("A2", "pro", "canceled", 49.0, "USD", None, "2026-10-26"),
    "sub_3": ("A3", "starter", "canceled", 9.0, "USD", None, "2026-10-01"),
    "sub_4": ("stripe:cus_004", "weekly box", "active", 52.0, "USD", "2026-11-05", None),
    "sub_5": ("A5", "pro", "active", 49.0, "USD", None, "2026-11-10"),
    "sub_6": ("A6", "starter", "trialing", 24.0, "USD", "2026-12-01", None),
    "sub_99": ("stripe:cus_099", "pro", "active", 49.0, "USD", "2026-11-15", None),
}


def _write_crm(con) -> None:
    for schema in ("raw_crm", "raw_compliance"):
        con.execute(f"create schema if not exists {schema}")
    rows = ", ".join(
        f"('{c}', {'null' if a is None else repr(a)}::varchar, '{e}', '1995-06-15', 'United Kingdom', 'lead', false, "
        f"'2025-01-01T00:00:00Z', '{u}', {LOADED})" for c, e, a, u in CONTACTS)
    con.execute("create or replace table raw_crm.contacts as select * from (values " + rows + ") as t(id, account_id, "
                "email, birth_date, country, lifecycle_stage, is_deleted, created_at, updated_at, _loaded_at)")
    con.execute("create or replace table raw_compliance.erasure_requests (id varchar, email varchar, "
                "requested_at varchar, _loaded_at timestamp)")
    con.execute("create schema if not exists raw_product")
    con.execute("create or replace table raw_product.identifies (id varchar, user_id varchar, anonymous_id varchar, "
                "email varchar, timestamp varchar, received_at timestamp, uuid_ts timestamp)")


def _build(tmp_path_factory, name: str, erasure_requests: tuple = ()):
    """The CRM contacts and Stripe fixtures (plus erasure requests: id, email, requested_at), built with dbt."""
    def write(con):
        _write_crm(con)
        fixtures_stripe.write(con)
        for request in erasure_requests:
            con.execute(f"insert into raw_compliance.erasure_requests values (?, ?, ?, {LOADED})", list(request))

    return build_loader_warehouse(tmp_path_factory, name, write,
                                  {"as_of_date": AS_OF, "billing_adapter": "stripe", "absent_raw_tables": ABSENT})


@pytest.fixture(scope="module")
def stripe_warehouse(tmp_path_factory):
    with duckdb.connect(str(_build(tmp_path_factory, "stripe")), read_only=True) as con:
        yield con


def test_each_person_has_the_exact_revenue_segments_and_renewal(stripe_warehouse):
    con = stripe_warehouse
    value = {c: (n, r, t) for c, n, r, t in con.execute(
        "select contact_id, net_revenue, rfm_segment, value_tier from marts.seg_value_based").fetchall()}
    lifecycle = {c: (p, w) for c, p, w in con.execute(
        "select contact_id, plan, renewal_window from marts.seg_lifecycle").fetchall()}
    assert {c: (*value[c], *lifecycle[c]) for c in value} == EXPECTED


def test_every_stripe_row_is_an_order_once_and_quirky_rows_say_why(stripe_warehouse):
    con = stripe_warehouse
    # the adapter is ephemeral: its rows are the screening model's (one per adapter row, kept or quarantined)
    adapter_ids = [r[0] for r in con.execute("select record_id from staging.base_crm__orders").fetchall()]
    loader_ids = [c[0] for c in fixtures_stripe.CHARGES] + [r[0] for r in fixtures_stripe.REFUNDS]
    # one row per charge and refund object, plus the one remainder of ch_402 (refunded with no refund object)
    assert sorted(adapter_ids) == sorted([*loader_ids, "ch_402:unrecorded_refund"])
    quarantined = {i: (r, d) for i, r, d in con.execute(
        "select record_id, reason, detail from staging.stg_crm__orders_quarantined").fetchall()}
    assert quarantined == EXPECTED_QUARANTINE
    kept = dict(con.execute("select order_id, contact_id from staging.stg_crm__orders").fetchall())
    assert kept["ch_991"] == "stripe:cus_099"  # a customer with no CRM contact is kept under its Stripe id
    assert kept["ch_601"] == "c6" and kept["ch_103"] == "c1" and kept["re_301"] == "c3"
    flagged = dict(con.execute(
        "select reason, row_count from data_quality.fct_data_quality__flagged_records where record_type = 'order'"
    ).fetchall())
    assert flagged == {"contact_not_in_crm": 1}


def test_subscriptions_have_the_account_plan_mrr_and_dates(stripe_warehouse):
    con = stripe_warehouse
    rows = con.execute(
        "select subscription_id, account_id, plan, subscription_status, mrr, currency, "
        "cast(cast(renews_at as date) as varchar), cast(cast(canceled_at as date) as varchar) "
        "from staging.stg_crm__subscriptions").fetchall()
    assert {r[0]: (r[1], r[2], r[3], round(r[4], 6), *r[5:]) for r in rows} == EXPECTED_SUBSCRIPTIONS


# The unmatched customer cus_099's email, as an erasure request might write it (normalized like every email).
ERASURE_OF_THE_UNMATCHED_CUSTOMER = ("er_1", " Stranger@EXAMPLE.com\u200b", "2026-10-20T00:00:00Z")


@pytest.fixture(scope="module")
def erased_stripe_warehouse(tmp_path_factory):
    """The same build, with one erasure request naming the email of cus_099, a customer no CRM contact matches."""
    path = _build(tmp_path_factory, "stripe_erased", (ERASURE_OF_THE_UNMATCHED_CUSTOMER,))
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def test_an_erasure_request_naming_an_unmatched_customers_email_erases_its_orders_and_subscriptions(
        erased_stripe_warehouse):
    con = erased_stripe_warehouse
    # the person stripe:cus_099 is two erased ids in the one erasure node: its orders' contact, its subscriptions' account
    erased = con.execute("select id_type, erased_id, is_found from staging.stg_compliance__erased_people "
                         "where id_type in ('contact_id', 'account_id') order by 1").fetchall()
    assert erased == [("account_id", "stripe:cus_099", True), ("contact_id", "stripe:cus_099", True)]
    # its charge and subscription are counted as erased, with no id of the person left
    orders = con.execute("select record_id, contact_id, quarantine_reason from staging.base_crm__orders "
                         "where record_id = 'ch_991'").fetchall()
    assert orders == [("ch_991", None, "erasure_requested")]
    subscriptions = con.execute("select record_id, account_id, quarantine_reason from staging.base_crm__subscriptions "
                                "where record_id = 'sub_99'").fetchall()
    assert subscriptions == [("sub_99", None, "erasure_requested")]
    flagged = dict(con.execute(
        "select record_type || '/' || reason, row_count from data_quality.fct_data_quality__flagged_records "
        "where record_type in ('order', 'erasure_request')").fetchall())
    assert flagged == {"order/contact_not_in_crm": 0, "erasure_request/erasure_request_matches_nobody": 0}
    # nowhere outside the raw tables and the erasure requests' own models: no mart, no export, no staging view
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema not in ('raw_crm', 'raw_compliance', 'raw_product', 'stripe') "
        "and table_name not like '%compliance__erasure_requests%' and table_name <> 'stg_compliance__erased_people' "
        "and data_type = 'VARCHAR'").fetchall()
    carriers = sorted({f"{schema}.{table}" for schema, table, column in columns if con.execute(
        f'select count(*) from "{schema}"."{table}" where "{column}" ilike \'%cus_099%\' '
        f'or "{column}" ilike \'%stranger%\'').fetchone()[0]})
    assert carriers == []
    # everyone else is as without the request
    value = {c: (n, r, t) for c, n, r, t in con.execute(
        "select contact_id, net_revenue, rfm_segment, value_tier from marts.seg_value_based").fetchall()}
    lifecycle = {c: (p, w) for c, p, w in con.execute(
        "select contact_id, plan, renewal_window from marts.seg_lifecycle").fetchall()}
    assert {c: (*value[c], *lifecycle[c]) for c in value} == EXPECTED
