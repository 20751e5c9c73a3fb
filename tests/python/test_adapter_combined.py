"""Source adapters combined in one build (fixtures_combined.py): the six shared people p1..p6@example.com come
from a CRM loader, their events from an event loader, their payments from Stripe and their answers from Qualtrics,
and are joined by normalized email. Three builds cover every adapter: HubSpot + Segment + Stripe + Qualtrics,
Salesforce + RudderStack + Stripe + Qualtrics, HubSpot + Snowplow (billing and surveys absent). Each build's segments
per person are asserted exactly, with every loader's quirky rows quarantined as in its own adapter test.

Worked out by hand from the fixtures and SEGMENTS.md (what each fixture yields alone is in its own test):
- behavioral and technographic: the event plan of fixtures_events_people (EXPECTED there), whatever the loader.
- lifecycle stage, owner, region, age band: the CRM's (fixtures_hubspot / fixtures_salesforce EXPECTED).
- net revenue, RFM, value tier: Stripe's, matched by email (test_adapter_stripe EXPECTED): the same per person.
- plan and renewal window now come from the CRM's accounts, which Stripe reaches through the matched contact:
  HubSpot: p1 and p3 share company 101 (sub_1 pro, renews in 19 days: within_30d; p3's own sub_3 is canceled);
  p2 and p5 share company 102, whose subscriptions not canceled on as_of_date are sub_2 (enterprise, started
  2025-01-15) and sub_5 (pro, started 2025-05-01, cancels at period end): the latest started, sub_5, is current,
  and it does not renew (none); p4 and p6 have no company (their subscriptions are under stripe:cus_004 / cus_006):
  no plan.
  Salesforce: p1 and p3 share Acme (sub_1: pro, within_30d); p2 and p6 share Beta, where p6's trialing sub_6
  (starter, started 2026-09-01, renews 2026-12-01, 30 days) is later than p2's sub_2: starter, within_30d; p4's
  Gamma has sub_4 (weekly box, renews 2026-11-05: within_30d); p5 is a lead without account: no plan.
- NPS and CSAT: Qualtrics's by email (test_adapter_qualtrics EXPECTED).
- needs: p3 needs support (3 tickets in 30 days in both CRMs, and a dissatisfied CSAT); p5 needs onboarding (first
  event 2026-10-25, within 14 days, no core event yet; and answered guided onboarding); everyone else is
  self_sufficient (p1's 2 tickets, its deleted third one counting for no one; no invoices; 1 report).
"""

from __future__ import annotations

import duckdb
import fixtures_combined as combined
import fixtures_hubspot as hs
import fixtures_salesforce as sf
import pytest
from conftest import build_loader_warehouse
from test_adapter_qualtrics import EXPECTED_QUARANTINE as QUALTRICS_QUARANTINE
from test_adapter_stripe import EXPECTED_QUARANTINE as STRIPE_QUARANTINE

# person -> CRM contact id
CRM_IDS = {
    "hubspot": {f"p{n}": str(1000 + n) for n in range(1, 7)},
    "salesforce": {"p1": sf.id18(sf.P1), "p2": sf.id18(sf.P2), "p3": sf.id18(sf.P3), "p4": sf.id18(sf.P4),
                   "p5": sf.id18(sf.P5_LEAD), "p6": sf.id18(sf.P6)},
}

# behavioral_segment, device_mix, primary_browser
EVENTS = {
    "p1": ("power_user", "desktop_only", "chrome"),
    "p2": ("active", "mobile_only", "mobile safari"),
    "p3": ("at_risk", "multi_device", "mobile safari"),
    "p4": ("dormant", "desktop_only", "edge"),
    "p5": ("new", "mobile_only", "samsung internet"),
    "p6": ("never_active", "no_activity", None),
}
# net_revenue, rfm_segment, value_tier
STRIPE = {
    "p1": (150.0, "champion", "high"), "p2": (99.0, "promising", "medium"), "p3": (159.43, "need_attention", "vip"),
    "p4": (21.6, "at_risk", "low"), "p5": (0.0, "prospect", "none"), "p6": (10.0, "hibernating", "low"),
}
NO_BILLING = {p: (0.0, "prospect", "none") for p in EVENTS}
# nps_category, csat_category
QUALTRICS = {
    "p1": ("promoter", "satisfied"), "p2": ("passive", "neutral"), "p3": ("detractor", "dissatisfied"),
    "p4": ("detractor", "no_response"), "p5": ("passive", "no_response"), "p6": ("no_response", "no_response"),
}
NO_SURVEYS = {p: ("no_response", "no_response") for p in EVENTS}
NEEDS = {"p1": "self_sufficient", "p2": "self_sufficient", "p3": "needs_support", "p4": "self_sufficient",
         "p5": "needs_onboarding", "p6": "self_sufficient"}
# lifecycle_stage, account_owner, region, age_band: the CRM fixture's own expectations
CRM = {
    "hubspot": {p: hs.EXPECTED[i][0:3] + (hs.EXPECTED[i][4],) for p, i in CRM_IDS["hubspot"].items()},
    "salesforce": {p: sf.EXPECTED[i][0:3] + (sf.EXPECTED[i][4],) for p, i in CRM_IDS["salesforce"].items()},
}
# plan, renewal_window
PLANS = {
    "hubspot_segment": {"p1": ("pro", "within_30d"), "p2": ("pro", "none"), "p3": ("pro", "within_30d"),
                        "p4": (None, "none"), "p5": ("pro", "none"), "p6": (None, "none")},
    "salesforce_rudder": {"p1": ("pro", "within_30d"), "p2": ("starter", "within_30d"), "p3": ("pro", "within_30d"),
                          "p4": ("weekly box", "within_30d"), "p5": (None, "none"), "p6": ("starter", "within_30d")},
    "hubspot_snowplow": {p: (None, "none") for p in EVENTS},
}
BILLING = {"hubspot_segment": STRIPE, "salesforce_rudder": STRIPE, "hubspot_snowplow": NO_BILLING}
SURVEYS = {"hubspot_segment": QUALTRICS, "salesforce_rudder": QUALTRICS, "hubspot_snowplow": NO_SURVEYS}

# the quarantined rows of each loader, as its own test has them
TRACKS_QUARANTINE = {
    "segment": {"duplicate_event": 1, "missing_id": 1},
    "rudderstack": {"duplicate_event": 1, "unparseable_timestamp": 1},
    "snowplow": {"missing_id": 1},
}
CRM_QUARANTINE = {"hubspot": hs.EXPECTED_QUARANTINE, "salesforce": sf.EXPECTED_QUARANTINE}
CRM_ACCOUNTS = {"hubspot": hs.EXPECTED_ACCOUNTS, "salesforce": sf.EXPECTED_ACCOUNTS}


def expected(name: str) -> dict:
    """Contact id -> every segment of the person, for one combination."""
    crm = combined.COMBINATIONS[name].crm
    return {contact: (*EVENTS[p], *CRM[crm][p], *PLANS[name][p], *BILLING[name][p], *SURVEYS[name][p], NEEDS[p])
            for p, contact in CRM_IDS[crm].items()}


@pytest.fixture(scope="module", params=list(combined.COMBINATIONS))
def combination(request, tmp_path_factory):
    """(name, read-only connection) of one combination built with dbt: each is built once for the module."""
    name = request.param
    path = build_loader_warehouse(tmp_path_factory, name, lambda con: combined.write(con, name),
                                  combined.COMBINATIONS[name].variables())
    with duckdb.connect(str(path), read_only=True) as con:
        yield name, con


def test_each_person_has_the_expected_segments_in_every_mart(combination):
    name, con = combination
    rows = con.execute("""
        select b.contact_id, b.behavioral_segment, t.device_mix, t.primary_browser,
               l.lifecycle_stage, l.account_owner, g.region, d.age_band, l.plan, l.renewal_window,
               coalesce(v.net_revenue, 0), v.rfm_segment, v.value_tier, p.nps_category, p.csat_category,
               n.needs_segment
        from marts.seg_behavioral as b
        join marts.seg_technographic as t using (contact_id)
        join marts.seg_lifecycle as l using (contact_id)
        join marts.seg_geographic as g using (contact_id)
        join marts.seg_demographic as d using (contact_id)
        join marts.seg_value_based as v using (contact_id)
        join marts.seg_psychographic as p using (contact_id)
        join marts.seg_needs_based as n using (contact_id)
    """).fetchall()
    assert {row[0]: tuple(row[1:]) for row in rows} == expected(name)


def test_every_loaders_quirky_rows_are_quarantined_with_their_reason(combination):
    name, con = combination
    setup = combined.COMBINATIONS[name]
    for table, wanted in CRM_QUARANTINE[setup.crm].items():
        rows = con.execute(f"select record_id, reason from staging.stg_crm__{table}_quarantined").fetchall()
        assert dict(rows) == wanted, table
    tracks = con.execute("select reason, count(*) from staging.stg_product__tracks_quarantined group by reason").fetchall()
    assert dict(tracks) == TRACKS_QUARANTINE[setup.events]
    orders = {i: (r, d) for i, r, d in con.execute(
        "select record_id, reason, detail from staging.stg_crm__orders_quarantined").fetchall()}
    assert orders == (STRIPE_QUARANTINE if setup.billing == "stripe" else {})
    responses = {i: (r, d) for i, r, d in con.execute(
        "select record_id, reason, detail from staging.stg_surveys__responses_quarantined").fetchall()}
    assert responses == (QUALTRICS_QUARANTINE if setup.surveys == "qualtrics" else {})


def test_people_are_joined_across_loaders_by_normalized_email(combination):
    name, con = combination
    setup = combined.COMBINATIONS[name]
    ids = CRM_IDS[setup.crm]
    emails = dict(con.execute("select contact_id, email from staging.stg_crm__contacts").fetchall())
    assert emails == {contact: f"{p}@example.com" for p, contact in ids.items()}
    # every identified person's events are theirs: the identifies that link name a CRM contact
    linked = {row[0] for row in con.execute(
        "select distinct contact_id from marts.seg_behavioral where behavioral_segment <> 'never_active'").fetchall()}
    assert linked == {ids[p] for p in ("p1", "p2", "p3", "p4", "p5")}
    if setup.billing == "stripe":
        orders = dict(con.execute("select order_id, contact_id from staging.stg_crm__orders").fetchall())
        # two Stripe customers of p1, a guest payment by receipt email, a refund of p3's charge, a stranger
        assert (orders["ch_101"], orders["ch_103"], orders["ch_601"], orders["re_301"], orders["ch_991"]) == (
            ids["p1"], ids["p1"], ids["p6"], ids["p3"], "stripe:cus_099")
        flagged = dict(con.execute("select reason, row_count from data_quality.fct_data_quality__flagged_records "
                                   "where record_type = 'order'").fetchall())
        assert flagged == {"contact_not_in_crm": 1}
    segments = dict(con.execute("select account_id, company_segment from marts.seg_firmographic").fetchall())
    assert segments == CRM_ACCOUNTS[setup.crm]
