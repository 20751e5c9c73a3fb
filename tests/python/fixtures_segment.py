"""Segment's warehouse schema for the six people of fixtures_events_people.py, as Segment's warehouse loader writes
one source (schema `segment`): tracks, pages, identifies, users; timestamps typed TIMESTAMP; context and properties
flattened into their own columns, a column only where a value was ever sent (no context_device_type, context_os_name
or browser column at all: web events carry only context_user_agent); the `feature` property never sent, so absent;
the `value` property a text column (a text was sent once).
Quirks: one track delivered twice (same id), one track whose id is missing, one identify without an email trait
(users.email has it)."""

from __future__ import annotations

import datetime as dt

from fixtures_events_people import PEOPLE, event_plan

SCHEMA = "segment"
LOADED = dt.datetime(2026, 11, 2, 1, 0)


def _q(value) -> str:
    if value is None:
        return "null::varchar"
    if isinstance(value, dt.datetime):
        return f"timestamp '{value:%Y-%m-%d %H:%M:%S}'"
    return "'" + str(value).replace("'", "''") + "'"


def _create(con, name: str, columns: list[str], rows: list[tuple]) -> None:
    values = ", ".join("(" + ", ".join(_q(v) for v in row) + ")" for row in rows)
    con.execute(f"create or replace table {SCHEMA}.{name} as select * from (values {values}) as t({', '.join(columns)})")


def write(con) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    common = ["id", "anonymous_id", "user_id", "context_user_agent", "context_ip", "context_locale",
              "context_library_name", "context_page_url", "original_timestamp", "timestamp", "sent_at", "received_at",
              "uuid_ts"]
    tracks, pages = [], []
    for event in event_plan():
        at = event["at"]
        row = (event["id"], event["anonymous_id"], event["user_id"], event["ua"], "203.0.113.7", "en-GB",
               "analytics.js", "https://app.example.com/", at, at + dt.timedelta(seconds=1), at + dt.timedelta(seconds=1),
               at + dt.timedelta(seconds=2), LOADED)
        if event["kind"] == "track":
            tracks.append((*row, event["name"], event["name"], None if event["value"] is None else str(event["value"])))
        else:
            pages.append((*row, "https://app.example.com/home", "/home", None, "Home"))
    # the same message delivered twice, and one with no id
    tracks.append(tracks[1])
    tracks.append((None, *tracks[2][1:]))
    _create(con, "tracks", [*common, "event", "event_text", "value"], tracks)
    _create(con, "pages", [*common, "url", "path", "referrer", "title"], pages)
    identifies, users = [], []
    for person, (_crm_email, trait) in PEOPLE.items():
        at = dt.datetime(2026, 1, 1, 12, 0)
        identifies.append((f"i_{person}", f"anon_{person}", f"u_{person}", trait, at, at, at, at, LOADED))
        users.append((f"u_{person}", f"{person}@example.com", at, LOADED))
    _create(con, "identifies", ["id", "anonymous_id", "user_id", "email", "original_timestamp", "timestamp",
                                "sent_at", "received_at", "uuid_ts"], identifies)
    _create(con, "users", ["id", "email", "received_at", "uuid_ts"], users)
