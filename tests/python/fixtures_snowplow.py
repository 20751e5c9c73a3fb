"""Snowplow's atomic.events for the six people of fixtures_events_people.py (schema `atomic`): one wide row per
event, timestamps typed TIMESTAMP, user_id set to the person's email by the tracker (setUserId), domain_userid the
browser's cookie id. Page views are `page_view`; logins are structured events (se_action `login`), the report a
self-describing event (event `unstruct`, event_name `report_created`). The user-agent enrichment is on only for p1's
events (br_family, os_family, dvce_type), off (null) for everyone else: only useragent describes their device.
Quirks: a page_ping (a track, never dropped), one event with no event_id (quarantined as missing_id), and an event
whose user_id is an internal id (its derived identify has no email and links no one)."""

from __future__ import annotations

import datetime as dt

from fixtures_events_people import PEOPLE, event_plan

SCHEMA = "atomic"
LOADED = dt.datetime(2026, 11, 2, 1, 0)
COLUMNS = ["event_id", "event", "event_name", "user_id", "domain_userid", "network_userid", "collector_tstamp",
           "dvce_created_tstamp", "dvce_sent_tstamp", "derived_tstamp", "etl_tstamp", "load_tstamp", "useragent",
           "br_family", "br_lang", "os_family", "dvce_type", "geo_country", "geo_city", "page_url", "page_urlpath",
           "page_referrer", "page_title", "mkt_source", "se_category", "se_action", "se_label", "se_property", "se_value"]
TIMES = {"collector_tstamp", "dvce_created_tstamp", "dvce_sent_tstamp", "derived_tstamp", "etl_tstamp", "load_tstamp"}


def _q(column: str, value) -> str:
    if column == "se_value":  # a DOUBLE in atomic.events
        return f"cast({'null' if value is None else value} as double)"
    if value is None:
        return "null::timestamp" if column in TIMES else "null::varchar"
    if isinstance(value, dt.datetime):
        return f"timestamp '{value:%Y-%m-%d %H:%M:%S}'"
    return "'" + str(value).replace("'", "''") + "'"


def write(con) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    emails = {person: trait or crm.strip() for person, (crm, trait) in PEOPLE.items()}
    rows = []
    for event in event_plan():
        at, person = event["at"], event["person"]
        row = dict.fromkeys(COLUMNS)
        enriched = person == "p1"
        row.update({
            "event_id": f"0000-{event['id']}", "user_id": emails[person].strip() if event["user_id"] else None,
            "domain_userid": event["anonymous_id"], "network_userid": "nuid-1", "collector_tstamp": at
            + dt.timedelta(seconds=2), "dvce_created_tstamp": at, "dvce_sent_tstamp": at + dt.timedelta(seconds=1),
            "derived_tstamp": at, "etl_tstamp": at + dt.timedelta(minutes=5), "load_tstamp": LOADED,
            "useragent": event["ua"], "br_lang": "en-GB", "geo_country": "GB", "geo_city": "London",
            "br_family": "Chrome" if enriched else None, "os_family": "Windows 10" if enriched else None,
            "dvce_type": "Computer" if enriched else None,
            "se_value": event["value"] if isinstance(event["value"], float) else None,  # typed: only numbers land
        })
        if event["kind"] == "page":
            row.update({"event": "page_view", "event_name": "page_view", "page_url": "https://app.example.com/home",
                        "page_urlpath": "/home", "page_title": "Home", "mkt_source": "newsletter"})
        elif event["name"] == "Signed In":
            row.update({"event": "struct", "event_name": "event", "se_category": "auth", "se_action": "login"})
        else:
            row.update({"event": "unstruct", "event_name": event["name"]})
        rows.append(row)
    ping = dict(rows[-5], event_id="0000-ping", event="page_ping", event_name="page_ping")  # p4's last page
    no_id = dict(rows[2], event_id=None)  # a copy of one of p1's logins without its id
    internal = dict(rows[-1], event_id="0000-internal", user_id="internal-42", domain_userid="anon_x")
    rows += [ping, no_id, internal]
    values = ", ".join("(" + ", ".join(_q(c, r[c]) for c in COLUMNS) + ")" for r in rows)
    con.execute(f"create or replace table {SCHEMA}.events as select * from (values {values}) as t({', '.join(COLUMNS)})")
