"""The six people every adapter fixture shares (p1@example.com .. p6@example.com), their CRM contacts in the generic
contract (for the event adapters' tests, whose CRM is generic), and the events each of them has, as a plan that each
event loader's fixture (fixtures_segment.py, fixtures_rudderstack.py, fixtures_snowplow.py) writes in its own shape.

As of 2026-11-01 (logins counted over the 30 days since 2026-10-02, 7 days since 2026-10-25, new = first event
within 14 days), with the device, browser and OS the user agent gives (ua-parser families, lower-cased):
  p1 power_user   16 logins 2026-10-10..25 and a report_created: Chrome on Windows, desktop_only
  p2 active       a login 2026-10-30 (first seen 2026-09-01, anonymously): Safari on iPhone, mobile_only
  p3 at_risk      a login 2026-10-15, nothing since: Safari on iPad (2 events) and Firefox on Linux (1), multi_device
  p4 dormant      a login 2026-08-20 and a page 2026-08-21: Edge on Windows, desktop_only (one more event with a
                  garbage user agent gives no device, browser or OS)
  p5 new          first event 2026-10-25, a login 2026-10-26: Samsung Internet on Android, mobile_only
  p6 never_active identified, no event: no_activity
A crawler (Googlebot) views a page anonymously and links to no one.
"""

from __future__ import annotations

import datetime as dt

AS_OF = "2026-11-01"

UA = {
    "chrome_windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                      "Chrome/118.0.0.0 Safari/537.36",
    "safari_iphone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                     "Version/17.1 Mobile/15E148 Safari/604.1",
    "safari_ipad": "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                   "Version/17.1 Mobile/15E148 Safari/604.1",
    "firefox_linux": "Mozilla/5.0 (X11; Linux x86_64; rv:119.0) Gecko/20100101 Firefox/119.0",
    "edge_windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/118.0.0.0 Safari/537.36 Edg/118.0.2088.76",
    "samsung_android": "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    "googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "garbage": "%%% not a user agent ###",
}

# person -> (CRM email as the CRM holds it, the email trait as identify sends it)
PEOPLE = {
    "p1": (" P1@Example.com", "p1@example.com"),
    "p2": ("p2@example.com ", "P2@example.com"),
    "p3": ("P3@EXAMPLE.COM", None),  # the identify call sent no email: the loader's users table has it
    "p4": ("p4@example.com", "p4@example.com"),
    "p5": ("p5@Example.Com", " p5@example.com"),
    "p6": ("p6@example.com", "p6@example.com"),
}

# (person, track) -> the value property sent with it: p1's report a number, p4's settings a text no number reads
VALUES = {("p1", "report_created"): 1250.5, ("p4", "settings_opened"): "1,250.50"}
# what staging makes of them: (event_name, value, has_unparseable_value), the kept tracks with a value or a bad one
EXPECTED_VALUES = [("report_created", 1250.5, False), ("settings_opened", None, True)]

# behavioral_segment, device_mix, primary_browser, primary_os
EXPECTED = {
    "p1": ("power_user", "desktop_only", "chrome", "windows"),
    "p2": ("active", "mobile_only", "mobile safari", "ios"),
    "p3": ("at_risk", "multi_device", "mobile safari", "ios"),
    "p4": ("dormant", "desktop_only", "edge", "windows"),
    "p5": ("new", "mobile_only", "samsung internet", "android"),
    "p6": ("never_active", "no_activity", None, None),
}


def _at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day) + dt.timedelta(hours=hour, minutes=minute)


def event_plan() -> list[dict]:
    """Every event: id, person (None: nobody), user (sent user id), kind (track/page), name, time, ua, value (the
    track's numeric property as sent, VALUES)."""
    plan: list[dict] = []

    def add(person, kind, name, when, ua, user=True, anonymous=None):
        plan.append({"id": f"m{len(plan) + 1:03d}", "person": person, "kind": kind, "name": name, "at": when,
                     "ua": UA[ua], "user_id": f"u_{person}" if (person and user) else None,
                     "anonymous_id": anonymous or (f"anon_{person}" if person else "anon_bot"),
                     "value": VALUES.get((person, name))})

    add("p1", "page", None, _at("2026-08-01"), "chrome_windows")
    for n in range(16):
        add("p1", "track", "Signed In", _at("2026-10-10", 9) + dt.timedelta(days=n), "chrome_windows")
    add("p1", "track", "report_created", _at("2026-10-20", 11), "chrome_windows")
    add("p2", "page", None, _at("2026-09-01"), "safari_iphone", user=False)
    add("p2", "track", "Signed In", _at("2026-10-30"), "safari_iphone")
    add("p3", "page", None, _at("2026-10-14"), "safari_ipad")
    add("p3", "track", "Signed In", _at("2026-10-15"), "safari_ipad")
    add("p3", "page", None, _at("2026-10-16"), "firefox_linux")
    add("p4", "track", "Signed In", _at("2026-08-20"), "edge_windows")
    add("p4", "page", None, _at("2026-08-21"), "edge_windows")
    add("p4", "track", "settings_opened", _at("2026-08-22"), "garbage")
    add("p5", "page", None, _at("2026-10-25"), "samsung_android")
    add("p5", "track", "Signed In", _at("2026-10-26"), "samsung_android")
    add(None, "page", None, _at("2026-10-20"), "googlebot")
    return plan


CONTACT_COLUMNS = (
    "id, account_id, email, first_name, last_name, birth_date, gender, household_income, education, marital_status, "
    "job_title, seniority, language, country, state, city, timezone, lifecycle_stage, original_source, owner_name, "
    "is_deleted, created_at, updated_at, _loaded_at"
)


def write_generic_crm(con) -> None:
    """The six people as generic CRM contacts, and an empty erasure table (no other CRM table: declared absent)."""
    for schema in ("raw_crm", "raw_compliance"):
        con.execute(f"create schema if not exists {schema}")
    rows = ", ".join(
        f"('c_{p}', null::varchar, '{crm}', 'First', 'Last', '1990-01-01', 'F', null::double, null::varchar, "
        f"null::varchar, 'Engineer', 'senior', 'en', 'United Kingdom', null::varchar, null::varchar, 'Europe/London', "
        f"'customer', 'organic_search', 'Alex Rep', false, "
        f"'2025-01-01T00:00:00Z', '2026-10-01T00:00:00Z', timestamp '2026-11-02 01:00:00')"
        for p, (crm, _) in PEOPLE.items())
    con.execute(f"create or replace table raw_crm.contacts as select * from (values {rows}) as t({CONTACT_COLUMNS})")
    con.execute("create or replace table raw_compliance.erasure_requests "
                "(id varchar, email varchar, requested_at varchar, _loaded_at timestamp)")


ABSENT = ["accounts", "subscriptions", "orders", "tickets", "responses"]


def build(tmp_path_factory, events_adapter: str, fixtures):
    """The six people as generic CRM contacts and their events in one loader's shape (`fixtures.write`), built
    with dbt with that events adapter switched on; a read-only connection to the result."""
    import duckdb
    from conftest import build_loader_warehouse

    def write(con):
        write_generic_crm(con)
        fixtures.write(con)

    path = build_loader_warehouse(tmp_path_factory, events_adapter, write,
                                  {"as_of_date": AS_OF, "events_adapter": events_adapter, "absent_raw_tables": ABSENT})
    return duckdb.connect(str(path), read_only=True)


def segments_by_person(con) -> dict:
    """Person -> (behavioral segment, device mix, primary browser, primary OS), as EXPECTED."""
    rows = con.execute(
        "select behavioral.contact_id, behavioral_segment, device_mix, primary_browser, primary_os "
        "from marts.seg_behavioral as behavioral "
        "join marts.seg_technographic as techno on behavioral.contact_id = techno.contact_id"
    ).fetchall()
    return {contact.removeprefix("c_"): tuple(values) for contact, *values in rows}


def values_by_event(con) -> list[tuple]:
    """The kept tracks with a value or an unreadable one, as EXPECTED_VALUES."""
    return con.execute("select event_name, event_value, has_unparseable_value from staging.stg_product__tracks "
                       "where event_value is not null or has_unparseable_value order by event_name").fetchall()
