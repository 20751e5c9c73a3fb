"""RudderStack's warehouse schema for the six people of fixtures_events_people.py (schema `rudderstack`): tracks,
pages, identifies, users, with loaded_at beside uuid_ts, the email trait as context_traits_email, and the client
times as text in the forms RudderStack's destinations leave them when the column was created as text: ISO with
milliseconds and Z, space-separated without zone, and with an offset. Only context_user_agent describes the device.
The value property is landed as `_value` (RudderStack prefixes reserved words), as text.
Quirks: one track delivered twice (same id), one track whose original_timestamp is not a time (quarantined), one row
whose uuid_ts was never written (its loaded_at is the load time)."""

from __future__ import annotations

import datetime as dt

from fixtures_events_people import PEOPLE, event_plan

SCHEMA = "rudderstack"
LOADED = dt.datetime(2026, 11, 2, 1, 0)


NO_TIMESTAMP = object()


def _q(value) -> str:
    if value is NO_TIMESTAMP:
        return "null::timestamp"
    if value is None:
        return "null::varchar"
    if isinstance(value, dt.datetime):
        return f"timestamp '{value:%Y-%m-%d %H:%M:%S}'"
    return "'" + str(value).replace("'", "''") + "'"


def _create(con, name: str, columns: list[str], rows: list[tuple]) -> None:
    values = ", ".join("(" + ", ".join(_q(v) for v in row) + ")" for row in rows)
    con.execute(f"create or replace table {SCHEMA}.{name} as select * from (values {values}) as t({', '.join(columns)})")


def _text(at: dt.datetime, form: int) -> str:
    if form == 0:
        return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if form == 1:
        return at.strftime("%Y-%m-%d %H:%M:%S")
    return (at + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+02:00")


def write(con) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    common = ["id", "anonymous_id", "user_id", "context_user_agent", "context_ip", "context_locale",
              "context_library_name", "context_page_url", "original_timestamp", "sent_at", "received_at", "timestamp",
              "loaded_at", "uuid_ts"]
    tracks, pages = [], []
    for n, event in enumerate(event_plan()):
        at = event["at"]
        row = (event["id"], event["anonymous_id"], event["user_id"], event["ua"], "203.0.113.7", "en-GB",
               "rudder-sdk-js", "https://app.example.com/", _text(at, n % 3), _text(at, (n + 1) % 3),
               at + dt.timedelta(seconds=2), at + dt.timedelta(seconds=2), LOADED, LOADED)
        if event["kind"] == "track":
            tracks.append((*row, event["name"], event["name"], None if event["value"] is None else str(event["value"])))
        else:
            pages.append((*row, "https://app.example.com/home", "/home", "Home"))
    tracks.append(tracks[1])  # delivered twice
    tracks.append(("bad-time", *tracks[2][1:8], "yesterday", *tracks[2][9:]))  # a time nobody can read
    pages[0] = (*pages[0][:13], NO_TIMESTAMP, *pages[0][14:])  # uuid_ts never written: loaded_at is the load time
    _create(con, "tracks", [*common, "event", "event_text", "_value"], tracks)  # value: a reserved word, prefixed
    _create(con, "pages", [*common, "context_page_path", "context_page_title"], pages)
    identifies, users = [], []
    for person, (_crm_email, trait) in PEOPLE.items():
        at = dt.datetime(2026, 1, 1, 12, 0)
        identifies.append((f"i_{person}", f"anon_{person}", f"u_{person}", trait, _text(at, 0), _text(at, 0), at,
                           LOADED, LOADED))
        users.append((f"u_{person}", f"{person}@example.com", at, LOADED))
    _create(con, "identifies", ["id", "anonymous_id", "user_id", "context_traits_email", "original_timestamp",
                                "sent_at", "received_at", "loaded_at", "uuid_ts"], identifies)
    _create(con, "users", ["id", "context_traits_email", "received_at", "uuid_ts"], users)
