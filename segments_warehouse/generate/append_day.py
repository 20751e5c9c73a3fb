"""One more day of product events on top of a generated raw DuckDB file, as a loader lands it (incremental builds)."""

from __future__ import annotations

import datetime as dt

import duckdb

# --------------------------------------------------------------------------------------------------------------
# one more day of events (incremental builds)

_TS_ISO = "strftime({0}, '%Y-%m-%dT%H:%M:%SZ')"


def _bucketer(seed: int, prefix: str = ""):
    """bucket(salt, modulus): a deterministic bucket 0..modulus-1 of a raw row by its id, the seed and the salt."""
    def bucket(salt: str, modulus: int) -> str:
        return f"hash(coalesce(id, '') || '{prefix}{salt}{seed}') % {modulus}"
    return bucket


def _latest_rows(table: str, tie_break: str) -> str:
    """The latest readable delivery of each id of an append-only raw table (what a source sends again when the
    record changes), as a subquery."""
    return f"""(select * from {table}
                 where nullif(trim(id), '') is not null and _loaded_at < timestamp '2099-01-01'
                 qualify row_number() over (partition by trim(id) order by _loaded_at desc, {tie_break} desc) = 1)"""


def _landing_time(bucket, land: str, late_commit: str) -> str:
    """A load time within the hour after `land`, or (1 in 4) in the late-commit slice."""
    return (f"(case when {bucket('late', 4)} = 0 then {late_commit} else {land} end)"
            f" + to_seconds(cast({bucket('land', 3600)} as bigint))")


def _insert_counted(con, table: str, statements: dict[str, str], prefix: str) -> dict[str, int]:
    """Insert each statement's rows into `table`; the rows each added, as "<prefix>.<kind>"."""
    counts = {}
    for kind, sql in statements.items():
        before = con.execute(f"select count(*) from {table}").fetchone()[0]
        con.execute(f"insert into {table} {sql}")
        counts[f"{prefix}.{kind}"] = int(con.execute(f"select count(*) from {table}").fetchone()[0] - before)
    return counts


def append_day(duckdb_path: str, day: dt.date, seed: int = 7) -> dict:
    """Append one more day of product events to an existing raw DuckDB file, as a loader would land them, and
    return how many rows of each kind were added. `day` is the new last complete day (the next as_of_date).

    The batch holds: new events on `day` (copies of recent activity moved to that day, new ids); late events that
    happened one and two days before `day`; exact duplicates of already loaded events (same row, landed again);
    earlier-received redeliveries of loaded events with another browser (they win deduplication, so the kept
    row changes); identifies tying never-identified anonymous ids to existing users (their old events become
    attributed: attribution changes retroactively) and moving a few users to another email; a few blank-id rows;
    the day's CRM contact extract (_append_contact_versions); the survey tool's answers of the day
    (_append_survey_answers); and one erasure request for an active person. The
    batch lands (uuid_ts, _loaded_at) after everything already in the file, except a "late commit" slice stamped
    two days before the latest load already there: only the incremental lookback (vars event_lookback_days,
    record_lookback_days) picks those up. Deterministic: same file, day and seed, same rows.
    """
    con = duckdb.connect(str(duckdb_path))
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")  # a library call: no progress bars on its caller's output
    try:
        return _append_day(con, day, int(seed))
    finally:
        con.close()


def _append_day(con, day: dt.date, seed: int) -> dict:
    new_day = f"timestamp '{day.isoformat()}'"
    previous = f"({new_day} - interval 1 day)"
    high_water = con.execute(
        "select greatest((select max(uuid_ts) from raw_product.tracks), (select max(uuid_ts) from raw_product.pages),"
        " (select max(uuid_ts) from raw_product.identifies))").fetchone()[0]
    land = f"timestamp '{high_water.isoformat(sep=' ')}' + interval 1 hour"
    late_commit = f"timestamp '{high_water.isoformat(sep=' ')}' - interval 2 day"
    tag = day.strftime("%Y%m%d")
    bucket = _bucketer(seed)

    counts: dict[str, int] = {}
    parsed = "cast(timezone('UTC', try_cast(trim(timestamp) as timestamptz)) as timestamp)"
    for table in ("tracks", "pages"):
        # the landing time of a row: within 12 hours after the batch starts, or (1 in 20) the late-commit slice
        loaded = (f"(case when {bucket('commit' + table, 20)} = 0 then {late_commit} "
                  f"else {land} + to_seconds(cast({bucket('land' + table, 43200)} as bigint)) end)")
        clean = f"nullif(trim(id), '') is not null and {parsed} >= timestamp '2000-01-01'"
        statements = {
            # new events on `day`: recent activity (the week up to the previous day) moved to the new day
            "new_events": f"""
                select * exclude (ts) replace (
                    id || '-{tag}' as id,
                    {_TS_ISO.format('ts')} as timestamp,
                    {_TS_ISO.format('ts')} as sent_at,
                    ts + interval 30 second as received_at,
                    {loaded} as uuid_ts)
                from (
                    select *, {parsed} + to_days(cast(date_diff('day', cast({parsed} as date), cast({new_day} as date)) as integer)) as ts
                    from raw_product.{table}
                    where {clean} and {parsed} >= {new_day} - interval 7 day and {parsed} < {new_day}
                        and {bucket('new', 7)} = 0
                )""",
            # late events: they happened one or two days before `day` and arrive only now
            "late_events": f"""
                select * replace (
                    id || '-late{tag}' as id,
                    {new_day} + interval 2 hour as received_at,
                    {loaded} as uuid_ts)
                from raw_product.{table}
                where {clean} and {parsed} >= {previous} - interval 1 day and {parsed} < {new_day}
                    and {bucket('late', 6)} = 0""",
            # exact duplicates of loaded rows (any outcome), landed once more
            "exact_duplicates": f"""
                select * replace ({loaded} as uuid_ts)
                from raw_product.{table}
                where received_at >= {new_day} - interval 30 day and {bucket('dup', 40)} = 0""",
            # a copy received one second before the loaded one, with another browser: it wins deduplication
            "earlier_redeliveries": f"""
                select * replace (
                    received_at - interval 1 second as received_at,
                    'Firefox 121.0' as context_browser,
                    {loaded} as uuid_ts)
                from raw_product.{table}
                where {clean} and {parsed} >= {new_day} - interval 20 day and {parsed} < {new_day}
                    and {bucket('win', 150)} = 0
                    and id not in (select id from raw_product.{table} group by id having count(*) > 1)""",
            # rows without an id (quarantined missing_id): one small group re-screened on every build
            "blank_ids": f"""
                select * replace ('' as id, {loaded} as uuid_ts)
                from raw_product.{table}
                where {clean} and {parsed} >= {new_day} - interval 3 day and {bucket('blank', 400)} = 0""",
        }
        counts.update(_insert_counted(con, f"raw_product.{table}", statements, table))

    # identities: never-identified anonymous ids now tied to an existing user (retroactive attribution), and a
    # few users whose email trait changes to another identified user's (their events move to that contact)
    identify_at = f"{new_day} + interval 12 hour"
    users = """(select user_id, arg_max(email, timestamp) as email, row_number() over (order by user_id) as n
                from raw_product.identifies
                where nullif(trim(user_id), '') is not null and nullif(trim(email), '') is not null
                group by user_id)"""
    orphans = """(select anonymous_id, row_number() over (order by anonymous_id) as n
                  from (select distinct anonymous_id from raw_product.tracks
                        where user_id is null and anonymous_id is not null
                            and anonymous_id not in (select anonymous_id from raw_product.identifies
                                                     where anonymous_id is not null)))"""
    identifies = {
        "identifies.anonymous_tied": f"""
            select 'idf_tie_{tag}_' || o.n, u.user_id, o.anonymous_id, u.email,
                {_TS_ISO.format(identify_at)}, {identify_at} + interval 10 second, {land} + interval 1 minute
            from {orphans} as o join {users} as u on u.n = o.n * 7 + {seed % 5}
            where o.n <= 25""",
        "identifies.email_changed": f"""
            select 'idf_move_{tag}_' || a.n, a.user_id, null, b.email,
                {_TS_ISO.format(identify_at)}, {identify_at} + interval 10 second, {land} + interval 2 minute
            from {users} as a join {users} as b on b.n = a.n + 1
            where a.n % 97 = {seed % 97}""",
    }
    for kind, sql in identifies.items():
        before = con.execute("select count(*) from raw_product.identifies").fetchone()[0]
        con.execute(f"insert into raw_product.identifies {sql}")
        counts[kind] = int(con.execute("select count(*) from raw_product.identifies").fetchone()[0] - before)

    counts.update(_append_contact_versions(con, day, seed, land, late_commit))
    counts.update(_append_survey_answers(con, day, seed, land, late_commit))

    # one erasure request, from the most active identified user not erased yet
    before = con.execute("select count(*) from raw_compliance.erasure_requests").fetchone()[0]
    con.execute(f"""
        insert into raw_compliance.erasure_requests (id, email, requested_at, _loaded_at)
        select 'er_append_{tag}', email, {_TS_ISO.format(identify_at)}, {land} + interval 3 minute
        from (
            select i.email, count(*) as events
            from raw_product.tracks as t
            join raw_product.identifies as i on t.user_id = i.user_id
            where nullif(trim(i.email), '') is not null
                and lower(trim(i.email)) not in (select lower(trim(email)) from raw_compliance.erasure_requests
                                                 where email is not null)
                -- nor a person already erased by contact id
                and lower(trim(i.email)) not in (
                    select lower(trim(c.email)) from raw_crm.contacts as c
                    join raw_compliance.erasure_requests as r on trim(c.id) = trim(r.contact_id)
                    where c.email is not null)
            group by i.email
            order by events desc, i.email
            limit 1
        )""")
    counts["erasure_requests.new"] = int(
        con.execute("select count(*) from raw_compliance.erasure_requests").fetchone()[0] - before)
    return counts


def _append_contact_versions(con, day: dt.date, seed: int, land: str, late_commit: str) -> dict:
    """The CRM extract of the new day, as an append-only loader lands it in raw_crm.contacts: new versions of
    existing contacts (a new lifecycle stage), some landed in the late-commit slice; new contacts;
    versions that mark a contact deleted in the CRM; exact duplicates of loaded versions, landed again; and a row
    without an id. Each is updated in the CRM an hour before it lands. Counts by kind, as "contacts.<kind>"."""
    tag = day.strftime("%Y%m%d")
    bucket = _bucketer(seed)

    def landed(loaded: str) -> str:
        """The replaced columns of a version landed at `loaded`: updated in the CRM an hour before."""
        return f"{_TS_ISO.format(f'({loaded}) - interval 1 hour')} as updated_at, {loaded} as _loaded_at"

    latest = _latest_rows("raw_crm.contacts", "updated_at")
    version_loaded = _landing_time(bucket, land, late_commit)
    statements = {
        "new_versions": f"""
            select * replace ('customer' as lifecycle_stage, {landed(version_loaded)})
            from {latest} where {bucket('version', 25)} = 0""",
        "new_contacts": f"""
            select * replace (
                id || '-{tag}' as id, 'new.{tag}.' || trim(email) as email,
                {_TS_ISO.format(f'{land} - interval 2 hour')} as created_at, {landed(f'{land} + interval 5 minute')})
            from {latest} where {bucket('new', 60)} = 0""",
        "deleted_in_crm": f"""
            select * replace ('true' as is_deleted, {landed(f'{land} + interval 10 minute')})
            from {latest} where {bucket('delete', 150)} = 0""",
        "exact_duplicates": f"""
            select * replace ({land} + interval 15 minute as _loaded_at)
            from raw_crm.contacts where {bucket('dup', 90)} = 0""",
        "blank_ids": f"""
            select * replace ('' as id, {landed(f'{land} + interval 20 minute')})
            from {latest} order by {bucket('blank', 1000003)}, id limit 1""",
    }
    return _insert_counted(con, "raw_crm.contacts", statements, "contacts")


def _append_survey_answers(con, day: dt.date, seed: int, land: str, late_commit: str) -> dict:
    """The survey tool's export of the new day, as an append-only loader lands it in raw_surveys.responses: new
    answers (new answer and response ids, submitted two hours before the batch lands); answers delivered again
    with the score changed, some in the late-commit slice (the first delivery of an answer id wins: these are
    quarantined as duplicate_answer); exact duplicates of loaded answers; and a row without an id. Counts by
    kind, as "responses.<kind>"."""
    tag = day.strftime("%Y%m%d")
    bucket = _bucketer(seed, "survey")
    latest = _latest_rows("raw_surveys.responses", "submitted_at")
    redelivered_at = _landing_time(bucket, land, late_commit)
    changed_score = ("case when try_cast(trim(answer_text) as integer) between 0 and 9 "
                     "then cast(try_cast(trim(answer_text) as integer) + 1 as varchar) else answer_text end")
    statements = {
        "new_answers": f"""
            select * replace (
                id || '-{tag}' as id, response_id || '-{tag}' as response_id,
                {_TS_ISO.format(f'{land} - interval 2 hour')} as submitted_at, {land} + interval 5 minute as _loaded_at)
            from {latest} where {bucket('new', 30)} = 0""",
        "changed_redeliveries": f"""
            select * replace ({changed_score} as answer_text, {redelivered_at} as _loaded_at)
            from {latest} where {bucket('change', 40)} = 0""",
        "exact_duplicates": f"""
            select * replace ({land} + interval 15 minute as _loaded_at)
            from raw_surveys.responses where {bucket('dup', 60)} = 0""",
        "blank_ids": f"""
            select * replace ('' as id, {land} + interval 20 minute as _loaded_at)
            from {latest} order by {bucket('blank', 1000003)}, id limit 1""",
    }
    return _insert_counted(con, "raw_surveys.responses", statements, "responses")
