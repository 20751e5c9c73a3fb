"""The sync's tables in the working warehouse (schema reverse_etl, never published) and the questions it asks them.

- crm_sync_state: per destination and email, the properties the CRM confirmed (hash and values) and its record id;
- crm_sync_pending: the batch in flight: what is being sent, recorded before it is sent;
- crm_sync_errors: per destination and email, the last rejection: the CRM's status and message, the properties
  hash it was rejected with, and how many runs it was rejected in.
Every sync the gates let through first deletes the rows of emails the feed no longer has (an erased person, a
contact that lost its email), so the tables hold no one the feed does not: erasure reaches them at the next sync.
A build the gates block (a feed emptied by a broken load, say) forgets no one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

FEED = "reverse_etl.rev_etl__crm_contacts"
STATE = "reverse_etl.crm_sync_state"
PENDING = "reverse_etl.crm_sync_pending"
ERRORS = "reverse_etl.crm_sync_errors"

DDL = (
    f"""create table if not exists {STATE} (
        destination varchar not null, email varchar not null, properties_hash varchar not null,
        properties json not null, remote_id varchar, synced_at timestamp not null, primary key (destination, email))""",
    f"""create table if not exists {PENDING} (
        destination varchar not null, batch_id varchar not null, email varchar not null,
        properties_hash varchar not null, properties json not null, recorded_at timestamp not null)""",
    f"""create table if not exists {ERRORS} (
        destination varchar not null, email varchar not null, properties_hash varchar not null,
        status integer, category varchar, message varchar not null, attempts integer not null,
        first_failed_at timestamp not null, last_failed_at timestamp not null, primary key (destination, email))""",
)


@dataclass(frozen=True)
class Change:
    """One contact to send: its email (the CRM's match key), its properties as strings ('' clears), their hash,
    and the values last confirmed (None for a contact never synced)."""

    email: str
    properties: dict[str, str]
    properties_hash: str
    previous: dict[str, str] | None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def ensure_tables(con) -> None:
    con.execute("create schema if not exists reverse_etl")
    for statement in DDL:
        con.execute(statement)


_LEFT = f"not exists (select 1 from {FEED} as feed where feed.email = kept.email)"


def check_feed(con) -> None:
    """Raises a duckdb.Error when the feed is missing or lacks the columns the sync reads."""
    con.execute(f"select email, properties_hash from {FEED} limit 0")


def left_feed(con) -> int:
    """How many emails the sync's tables hold that the feed no longer has (0 before the tables exist)."""
    return sum(con.execute(f"select count(*) from {table} as kept where {_LEFT}").fetchone()[0]
               for table in (STATE, PENDING, ERRORS))


def forget_left_feed(con) -> int:
    """Delete every row of an email the feed no longer has; returns how many emails of the state were dropped."""
    con.execute("begin transaction")
    gone = con.execute(f"select count(*) from {STATE} as kept where {_LEFT}").fetchone()[0]
    for table in (STATE, PENDING, ERRORS):
        con.execute(f"delete from {table} as kept where {_LEFT}")
    con.execute("commit")
    return gone


def property_columns(con) -> list[str]:
    return [name for (name,) in con.execute(f"select column_name from (describe select * from {FEED})").fetchall()
            if name.startswith("sw_")]


def _as_text(value) -> str:
    return "" if value is None else str(value)


def pending_rows(con, destination: str) -> list[tuple[str, str, str, dict]]:
    """(batch_id, email, properties_hash, properties) of the batches a stopped run left unsettled."""
    rows = con.execute(f"select batch_id, email, properties_hash, properties from {PENDING} where destination = ? "
                       "order by batch_id, email", [destination]).fetchall()
    return [(batch, email, digest, json.loads(values)) for batch, email, digest, values in rows]


def changes(con, destination: str, retry_errors: bool) -> tuple[list[Change], int]:
    """The feed's contacts whose properties differ from the last confirmed ones, and how many of them are held
    back: rejected before with these very properties (sent again only with retry_errors)."""
    columns = property_columns(con)
    selected = ", ".join(f"feed.{c}" for c in columns)
    rows = con.execute(
        f"""select feed.email, feed.properties_hash, state.properties, errors.properties_hash is not null, {selected}
            from {FEED} as feed
            left join {STATE} as state on state.destination = ? and state.email = feed.email
            left join {ERRORS} as errors
                on errors.destination = ? and errors.email = feed.email and errors.properties_hash = feed.properties_hash
            where state.email is null or state.properties_hash <> feed.properties_hash
            order by feed.email""", [destination, destination]).fetchall()
    held_back = 0
    found = []
    for email, digest, previous, rejected_before, *values in rows:
        if rejected_before and not retry_errors:
            held_back += 1
            continue
        found.append(Change(email, {c: _as_text(v) for c, v in zip(columns, values, strict=True)}, digest,
                            None if previous is None else json.loads(previous)))
    return found, held_back


def record_pending(con, destination: str, batch_id: str, batch: list[Change]) -> None:
    stamp = now()
    con.execute("begin transaction")
    con.executemany(f"insert into {PENDING} values (?, ?, ?, ?, ?, ?)",
                    [(destination, batch_id, c.email, c.properties_hash, json.dumps(c.properties), stamp) for c in batch])
    con.execute("commit")


def settle(con, destination: str, batch_ids: list[str], confirmed: list[tuple[str, str, dict, str | None]],
           rejected: list[tuple[str, str, int | None, str | None, str]]) -> None:
    """In one transaction: confirmed (email, hash, properties, remote id) into the state, rejected (email, hash,
    status, category, message) into the errors, and the batches' pending rows gone."""
    stamp = now()
    con.execute("begin transaction")
    if confirmed:
        con.executemany(
            f"insert or replace into {STATE} values (?, ?, ?, ?, ?, ?)",
            [(destination, email, digest, json.dumps(values), remote_id, stamp)
             for email, digest, values, remote_id in confirmed])
        con.execute(f"delete from {ERRORS} where destination = ? and email in (select unnest(?))",
                    [destination, [email for email, *_ in confirmed]])
    for email, digest, status, category, message in rejected:
        con.execute(
            f"""insert into {ERRORS} values (?, ?, ?, ?, ?, ?, 1, ?, ?)
                on conflict (destination, email) do update set
                    properties_hash = excluded.properties_hash, status = excluded.status,
                    category = excluded.category, message = excluded.message, attempts = {ERRORS}.attempts + 1,
                    last_failed_at = excluded.last_failed_at""",
            [destination, email, digest, status, category, message[:2000], stamp, stamp])
    con.execute(f"delete from {PENDING} where destination = ? and batch_id in (select unnest(?))",
                [destination, batch_ids])
    con.execute("commit")


def error_count(con, destination: str) -> int:
    return con.execute(f"select count(*) from {ERRORS} where destination = ?", [destination]).fetchone()[0]
