"""A small raw dataset written by hand, as of 2026-11-01, where every contact is built to land in a known segment
of every segmentation model. EXPECTED_CONTACTS / EXPECTED_ACCOUNTS are the answers, worked out by hand from
docs/SEGMENTS.md (the reasoning is in the comment of each contact).

Defaults unless a contact says otherwise: account A1 (10 employees, plan pro, renews 2026-11-20), born
1995-06-15 (31 on as_of_date: 25_34), country "United Kingdom" (emea), lifecycle "lead", no events, orders or
answers.
"""

from __future__ import annotations

import duckdb

AS_OF = "2026-11-01"

ACCOUNTS = [
    # id, employees, revenue, country, plan, status, renews_at, canceled_at
    ("A1", 10, 900_000, "USA", "pro", "active", "2026-11-20T00:00:00Z", None),  # smb; renews in 19 days
    ("A2", 51, 5_000_000, "Germany", "free", "active", "2027-01-15T00:00:00Z", None),  # mid_market; 75 days
    ("A3", 501, 90_000_000, "UK", "enterprise", "active", "2027-06-01T00:00:00Z", None),  # enterprise; later
    ("A4", 500, 40_000_000, "France", "starter", "canceled", "2026-12-15T00:00:00Z", "2026-10-01T00:00:00Z"),  # mid_market; none
    ("A5", None, None, "Japan", None, None, None, None),  # unknown size, no subscription: none
    ("A6", 50, 2_000_000, "Canada", "starter", "active", "2026-12-01T00:00:00Z", None),  # smb; exactly 30 days
]

# contact id -> overrides of the defaults
CONTACTS = {
    "c01": {"birth": "2008-11-01", "country": "USA", "stage": "MQL"},  # 18 today; never active
    "c02": {"birth": "2008-11-02", "country": "Deutschland", "stage": "Customer"},  # still 17; power user
    "c03": {"birth": "1990-05-05", "country": "brasil", "stage": "salesqualifiedlead"},  # 36; 14 logins: active
    "c04": {"birth": "1960-01-01", "country": "Japan", "stage": "opportunity"},  # 66; new, no core event
    "c05": {"birth": "n/a", "country": "N/A", "stage": "Evangelist"},  # unknown age; geo from events (FR)
    "c06": {"birth": "1900-01-01", "country": None, "stage": "subscriber"},  # implausible age; at risk
    "c07": {"country": "Earth", "stage": ""},  # unrecognized country; dormant
    "c08": {"stage": "bogus stage"},  # pre-sign-up events make it not new
    "c09": {},  # only events after as_of_date: never active
    "c10": {"email": "  C10@Example.COM "},  # identified through a messy email
    "c11": {}, "c12": {"account": "A2"}, "c13": {"account": "A4"}, "c14": {"account": "A5"},
    "c15": {"account": None},
    "c16": {"account": "A6"}, "c17": {}, "c18": {}, "c19": {}, "c20": {}, "c21": {},
    "c22": {}, "c23": {}, "c24": {}, "c25": {}, "c26": {}, "c27": {"account": "A3"},
    # never in a mart: deleted in the CRM, erased, created after as_of_date
    "c90": {"deleted": True}, "c91": {}, "c92": {"created": "2026-11-05T00:00:00Z"},
}

# (contact, event, timestamp, device, country, feature) for track events; page views use event "page"
EVENTS: list[tuple] = []


def _track(contact, event, ts, device="desktop", country="GB", feature=None, user=True, anonymous=True, message=None):
    EVENTS.append((contact, event, ts, device, country, feature, user, anonymous, message))


# c02: exactly 15 logins in the last 30 days (2026-10-03..2026-11-01): 14 from 10-03 to 10-16 and one on 10-28 (in the
# last 7 days), plus one core event: power_user; desktop and mobile: multi_device
for day in [*range(3, 17), 28]:
    _track("c02", "login", f"2026-10-{day:02d}T09:00:00Z", device="desktop" if day % 2 else "mobile", country="DE")
_track("c02", "login", "2026-06-01T09:00:00Z", country="DE")  # first seen long ago, outside the window
_track("c02", "report_created", "2026-10-20T10:00:00Z", country="DE")
# c03: 14 logins in 30 days plus a duplicate delivery of one (still 14) and a core event: active, mobile only
for day in range(15, 29):
    _track("c03", "login", f"2026-10-{day:02d}T09:00:00+02:00", device="mobile" if day % 2 else "tablet", country="BR",
           message=f"m_c03_{day}")
EVENTS.append(("c03", "login", "2026-10-28T09:00:00+02:00", "tablet", "BR", None, True, True, "m_c03_28"))
_track("c03", "invoice_created", "2026-10-20T12:00:00Z", device="mobile", country="BR")
_track("c03", "invoice_sent", "2026-10-21T12:00:00Z", device="mobile", country="BR")
_track("c03", "login", "2026-05-01T09:00:00Z", device="mobile", country="BR")
# c04: first event 13 days ago, no core event: new (and needs onboarding)
_track("c04", "login", "2026-10-19T08:00:00Z", country="JP")
_track("c04", "dashboard_viewed", "2026-10-25T08:00:00Z", country="JP")
# c05: first event 14 days ago: not new; a login in the last 7 days: active; events from France
_track("c05", "login", "2026-10-18T08:00:00Z", country="FR")
_track("c05", "login", "2026-10-30T08:00:00Z", country="FR")
_track("c05", "feature_used", "2026-10-30T08:05:00Z", country="FR", feature="reports")
# c06: last login 12 days ago: at_risk; events without a country
_track("c06", "login", "2026-05-01T08:00:00Z", country=None)
_track("c06", "login", "2026-10-20T08:00:00Z", country=None)
# c07: activity only in June: dormant, and nothing in the last 90 days
_track("c07", "login", "2026-06-10T08:00:00Z")
# c08: identified events start 7 days ago, but an identify ties earlier anonymous page views to it: active
_track("c08", "page", "2026-09-01T08:00:00Z", user=False)
_track("c08", "login", "2026-10-25T08:00:00Z")
_track("c08", "login", "2026-10-31T23:59:59Z")
# c09: events only on the day after as_of_date: ignored
_track("c09", "login", "2026-11-02T00:00:01Z")
# c10: a login 3 days ago, identified by a messy email
_track("c10", "login", "2026-10-29T08:00:00Z")
_track("c10", "login", "2026-09-01T08:00:00Z")
# c25: invoice created 12 days ago, none sent since (one sent before): invoice_not_sent; active
_track("c25", "login", "2026-10-01T08:00:00Z")
_track("c25", "invoice_sent", "2026-10-10T08:00:00Z")
_track("c25", "invoice_created", "2026-10-20T08:00:00Z")
_track("c25", "login", "2026-10-31T08:00:00Z")
# c26, c27: 15 reports created in September, last login 17 days ago: at_risk; c26 on pro is upsell_ready,
# c27 on the top tier (enterprise) is not
for contact in ("c26", "c27"):
    for day in range(1, 16):
        _track(contact, "report_created", f"2026-09-{day:02d}T10:00:00Z")
    _track(contact, "login", "2026-10-15T08:00:00Z")
# c91 (erased) and c90 (deleted) have activity too
_track("c91", "login", "2026-10-31T08:00:00Z")
_track("c90", "login", "2026-10-31T08:00:00Z")

ORDERS = [
    # id, contact, amount, currency, status, ordered_at, parent
    # c11: 5 paid orders, last on as_of_date: R5 F5 -> champion; 500 USD, top revenue -> vip
    *[(f"o11{i}", "c11", 100, "USD", "paid", f"2026-{i + 5:02d}-01T10:00:00Z", None) for i in range(4)],
    ("o114", "c11", 100, "usd", "PAID", "2026-11-01T23:00:00Z", None),
    # c12: 4 paid orders in EUR, last 10 days ago: R4 F4 -> loyal; 432 USD -> high
    *[(f"o12{i}", "c12", 100, "EUR", "paid", f"2026-{i + 7:02d}-22T10:00:00Z", None) for i in range(4)],
    # c13: 3 paid orders, last 50 days ago, and a failed one: R3 F3 -> need_attention; 300 USD -> medium
    *[(f"o13{i}", "c13", 100, "USD", "paid", f"2026-{i + 7:02d}-12T10:00:00Z", None) for i in range(3)],
    ("o139", "c13", 1000, "USD", "failed", "2026-10-30T10:00:00Z", None),
    # c14: 2 paid orders, last 100 days ago; a big order the day after as_of_date is ignored: R2 F2 -> hibernating; low
    ("o140", "c14", 50, "USD", "paid", "2026-06-01T10:00:00Z", None),
    ("o141", "c14", 50, "USD", "paid", "2026-07-24T10:00:00Z", None),
    ("o142", "c14", 5000, "USD", "paid", "2026-11-02T10:00:00Z", None),
    # c15: 1 paid order 200 days ago, refunded in full: R1 F1 -> hibernating; net revenue 0 -> tier none
    ("o150", "c15", 80, "USD", "paid", "2026-04-15T10:00:00Z", None),
    ("o151", "c15", -80, "USD", "refunded", "2026-04-20T10:00:00Z", "o150"),
    # the erased person's order
    ("o910", "c91", 70, "USD", "paid", "2026-10-01T10:00:00Z", None),
]

ANSWERS = [
    # id, contact, question, answer, submitted_at
    ("a16", "c16", "nps", "9", "2026-10-01T10:00:00Z"),  # promoter
    ("a17", "c17", "nps", "7", "2026-10-01T10:00:00Z"),  # passive
    ("a18", "c18", "nps", "6", "2026-10-01T10:00:00Z"),  # detractor
    ("a18c", "c18", "csat", "2", "2026-10-01T10:00:00Z"),  # dissatisfied: needs_support
    ("a19a", "c19", "nps", "10", "2026-05-01T10:00:00Z"),
    ("a19b", "c19", "nps", "3", "2026-10-01T10:00:00Z"),  # the latest answer counts: detractor
    ("a20a", "c20", "nps", "8", "2026-05-01T10:00:00Z"),  # passive: the later 11 is quarantined, not clipped
    ("a20b", "c20", "nps", "11", "2026-10-01T10:00:00Z"),
    ("a21", "c21", "nps", "9", "2026-11-02T10:00:00Z"),  # after as_of_date: no_response
    ("a24", "c24", "service_needs", "Guided_Onboarding", "2026-10-01T10:00:00Z"),  # needs_onboarding
    ("a91", "c91", "nps", "10", "2026-10-01T10:00:00Z"),  # erased
]

TICKETS = [
    # c22: 3 tickets in the last 30 days: needs_support; c23: 2 in 30 days and 1 older: not
    ("t1", "c22", "2026-10-05T10:00:00Z"), ("t2", "c22", "2026-10-20T10:00:00Z"), ("t3", "c22", "2026-11-01T10:00:00Z"),
    ("t4", "c23", "2026-10-10T10:00:00Z"), ("t5", "c23", "2026-10-25T10:00:00Z"), ("t6", "c23", "2026-09-20T10:00:00Z"),
]

# contact -> behavioral, rfm_segment, value_tier, nps_category, age_band, region, device_mix, needs_segment, lifecycle_stage
_DEFAULT = ("never_active", "prospect", "none", "no_response", "25_34", "emea", "no_activity", "self_sufficient", "lead")
EXPECTED_CONTACTS = {
    "c01": ("never_active", "prospect", "none", "no_response", "18_24", "namer", "no_activity", "self_sufficient",
            "marketing_qualified_lead"),
    "c02": ("power_user", "prospect", "none", "no_response", "under_18", "emea", "multi_device", "self_sufficient", "customer"),
    "c03": ("active", "prospect", "none", "no_response", "35_44", "latam", "mobile_only", "self_sufficient", "sales_qualified_lead"),
    "c04": ("new", "prospect", "none", "no_response", "65_plus", "apac", "desktop_only", "needs_onboarding", "opportunity"),
    "c05": ("active", "prospect", "none", "no_response", "unknown", "emea", "desktop_only", "self_sufficient", "evangelist"),
    "c06": ("at_risk", "prospect", "none", "no_response", "unknown", "unknown", "desktop_only", "self_sufficient", "subscriber"),
    "c07": ("dormant", "prospect", "none", "no_response", "25_34", "unknown", "no_activity", "self_sufficient", "other"),
    "c08": ("active", *_DEFAULT[1:6], "desktop_only", "self_sufficient", "other"),
    "c09": _DEFAULT,
    "c10": ("active", *_DEFAULT[1:6], "desktop_only", *_DEFAULT[7:]),
    "c11": ("never_active", "champion", "vip", *_DEFAULT[3:]),
    "c12": ("never_active", "loyal", "high", *_DEFAULT[3:]),
    "c13": ("never_active", "need_attention", "medium", *_DEFAULT[3:]),
    "c14": ("never_active", "hibernating", "low", *_DEFAULT[3:]),
    "c15": ("never_active", "hibernating", "none", *_DEFAULT[3:]),
    "c16": (*_DEFAULT[:3], "promoter", *_DEFAULT[4:]),
    "c17": (*_DEFAULT[:3], "passive", *_DEFAULT[4:]),
    "c18": (*_DEFAULT[:3], "detractor", *_DEFAULT[4:7], "needs_support", "lead"),
    "c19": (*_DEFAULT[:3], "detractor", *_DEFAULT[4:]),
    "c20": (*_DEFAULT[:3], "passive", *_DEFAULT[4:]),
    "c21": _DEFAULT,
    "c22": (*_DEFAULT[:7], "needs_support", "lead"),
    "c23": _DEFAULT,
    "c24": (*_DEFAULT[:7], "needs_onboarding", "lead"),
    "c25": ("active", *_DEFAULT[1:6], "desktop_only", "invoice_not_sent", "lead"),
    "c26": ("at_risk", *_DEFAULT[1:6], "desktop_only", "upsell_ready", "lead"),
    "c27": ("at_risk", *_DEFAULT[1:6], "desktop_only", "self_sufficient", "lead"),
}
# account -> company_segment, employee_band; and the renewal window its contacts see
EXPECTED_ACCOUNTS = {
    "A1": ("smb", "1_10"), "A2": ("mid_market", "51_200"), "A3": ("enterprise", "501_1000"),
    "A4": ("mid_market", "201_500"), "A5": ("unknown", "unknown"), "A6": ("smb", "11_50"),
}
EXPECTED_RENEWAL = {"A1": "within_30d", "A2": "within_90d", "A3": "later", "A4": "none", "A5": "none", "A6": "within_30d", None: "none"}


def _email(contact: str) -> str:
    return f"{contact}@example.com"


def lit(value) -> str:
    """A Python value as an SQL literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _values(rows: list[tuple]) -> str:
    return ", ".join("(" + ", ".join(value if isinstance(value, Raw) else lit(value) for value in row) + ")" for row in rows)


class Raw(str):
    """SQL text to insert as is."""


LOADED = Raw("timestamp '2026-11-02 01:00:00'")


def _table(con, name: str, columns: str, rows: list[tuple]) -> None:
    con.execute(f"create or replace table {name} as select * from (values {_values(rows)}) as t({columns})")


def write(path: str) -> None:
    """Write every raw table of the contract, typed as loaders land them, into a DuckDB file."""
    con = duckdb.connect(path)
    for schema in ("raw_crm", "raw_product", "raw_surveys", "raw_compliance"):
        con.execute(f"create schema if not exists {schema}")
    _table(con, "raw_crm.accounts",
           "id, name, industry, employee_count, annual_revenue, country, business_model, tech_crm, "
           "tech_marketing_automation, tech_database, tech_analytics, is_deleted, created_at, updated_at, _loaded_at",
           [(a, f"Company {a}", "SaaS", Raw(f"{lit(e)}::bigint"), Raw(f"{lit(r)}::double"), c, "B2B", "HubSpot", "HubSpot",
             "PostgreSQL", "Amplitude", False, "2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", LOADED)
            for a, e, r, c, *_ in ACCOUNTS])
    _table(con, "raw_crm.subscriptions",
           "id, account_id, plan, status, mrr, currency, started_at, renews_at, canceled_at, updated_at, _loaded_at",
           [(f"s_{a}", a, plan, status, 99.0, "USD", "2025-01-01T00:00:00Z", renews, Raw(f"{lit(canceled)}::varchar"),
             "2026-10-01T00:00:00Z", LOADED)
            for a, _, _, _, plan, status, renews, canceled in ACCOUNTS if plan])
    _table(con, "raw_crm.contacts",
           "id, account_id, email, first_name, last_name, birth_date, gender, household_income, education, "
           "marital_status, job_title, seniority, language, country, state, city, timezone, lifecycle_stage, "
           "original_source, owner_name, is_deleted, created_at, updated_at, _loaded_at",
           [(c, Raw(f"{lit(o.get('account', 'A1'))}::varchar"), o.get("email", _email(c)), "First", "Last",
             o.get("birth", "1995-06-15"), "F", 60000.0, "bachelors", "single", "Engineer", "senior", "en",
             Raw(f"{lit(o.get('country', 'United Kingdom'))}::varchar"), Raw("null::varchar"), Raw("null::varchar"),
             "Europe/London", o.get("stage", "lead"), "organic_search", "Alex Rep", o.get("deleted", False),
             o.get("created", "2025-01-01T00:00:00Z"), "2026-10-01T00:00:00Z", LOADED)
            for c, o in CONTACTS.items()])
    _table(con, "raw_crm.orders",
           "id, contact_id, account_id, parent_order_id, amount, currency, status, ordered_at, updated_at, _loaded_at",
           [(i, c, Raw("null::varchar"), Raw(f"{lit(p)}::varchar"), Raw(f"{float(a)}::double"), cur, s, ts, ts, LOADED)
            for i, c, a, cur, s, ts, p in ORDERS])
    _table(con, "raw_crm.tickets", "id, contact_id, subject, priority, status, created_at, updated_at, _loaded_at",
           [(i, c, "Help", "normal", "open", ts, ts, LOADED) for i, c, ts in TICKETS])
    tracks, pages = [], []
    for n, (contact, event, ts, device, country, feature, user, anonymous, message) in enumerate(EVENTS):
        os_name, browser = ("iOS 17.1", "Safari 17.1") if device in ("mobile", "tablet") else ("macOS 14.1", "Chrome 118.0")
        user_id = Raw(f"{lit(f'u_{contact}' if user else None)}::varchar")
        anonymous_id = Raw(f"{lit(f'anon_{contact}' if anonymous else None)}::varchar")
        context = (ts, ts, LOADED, device, os_name, browser, "en-GB", Raw(f"{lit(country)}::varchar"), Raw("null::varchar"))
        if event == "page":
            pages.append((f"p{n}", user_id, anonymous_id, "https://app.example.com/", "/", Raw("null::varchar"), "Home",
                          Raw("null::varchar"), *context, LOADED))
        else:
            tracks.append((message or f"t{n}", user_id, anonymous_id, event, event, *context,
                           Raw(f"{lit(feature)}::varchar"), LOADED))
    context_columns = ("timestamp, sent_at, received_at, context_device_type, context_os_name, context_browser, "
                       "context_locale, context_country, context_city")
    _table(con, "raw_product.tracks", f"id, user_id, anonymous_id, event, event_text, {context_columns}, feature, uuid_ts", tracks)
    _table(con, "raw_product.pages",
           f"id, user_id, anonymous_id, url, path, referrer, title, context_campaign_source, {context_columns}, uuid_ts", pages)
    _table(con, "raw_product.identifies", "id, user_id, anonymous_id, email, timestamp, received_at, uuid_ts",
           [(f"i_{c}", f"u_{c}", f"anon_{c}", CONTACTS[c].get("email", _email(c)), "2026-01-01T00:00:00Z", LOADED, LOADED)
            for c in sorted({e[0] for e in EVENTS})])
    _table(con, "raw_surveys.responses",
           "id, response_id, survey_name, question_id, question_text, respondent_email, answer_text, submitted_at, _loaded_at",
           [(i, f"r_{i}", "survey", q, "Question", _email(c), a, ts, LOADED) for i, c, q, a, ts in ANSWERS])
    _table(con, "raw_compliance.erasure_requests", "id, email, requested_at, _loaded_at",
           [("er1", " C91@example.com", "2026-10-15T00:00:00Z", LOADED)])
    con.close()
