"""The generator: deterministic, shaped exactly like the raw-data contract, honest about its dirt.

Fast (a few thousand contacts, no dbt): the dbt build on generated data is tested in test_staging.py and
test_marts.py. Counts here are recomputed straight from the raw files, independently of staging.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import duckdb
import pytest

from segments_warehouse.contract import LOADER_TIMESTAMP_COLUMNS, load_contract
from segments_warehouse.generate import PERSONAS, SCHEMAS, generate

AS_OF = dt.date(2026, 11, 1)
CONTACTS = 2_000
PROJECT_DIR = Path(__file__).resolve().parents[2]
TYPED = {  # every other column is VARCHAR
    "employee_count": "BIGINT", "annual_revenue": "DOUBLE", "household_income": "DOUBLE", "mrr": "DOUBLE",
    "is_deleted": "BOOLEAN", **{c: "TIMESTAMP" for c in LOADER_TIMESTAMP_COLUMNS},
}
# both forms the contract allows: these are written as text, as a CSV loader lands them
TEXT_COLUMNS = {("raw_crm.contacts", "is_deleted")}
# reasons only a text column can produce (a typed BOOLEAN or DOUBLE is always parseable), with that column
TEXT_ONLY_REASONS = {"unparseable_boolean": ("is_deleted", "is_test_response"), "malformed_amount": ("amount", "mrr")}
# reasons only a source adapter can produce: a generic subscription belongs to a company, never to a person
ADAPTER_ONLY_REASONS = {"subscriptions": {"erasure_requested"}}
IMPOSSIBLE_LOAD_TIME = "{0} < timestamp '2000-01-01' or {0} > timestamp '2090-01-01'"


def contract_reasons() -> dict[str, list[str]]:
    """table -> quarantine reasons, read from the table in docs/raw_contract.md."""
    text = (PROJECT_DIR / "docs" / "raw_contract.md").read_text(encoding="utf-8")
    section = text.split("## Quarantine reasons", 1)[1]
    reasons: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("table", "---"):
            continue
        names = re.findall(r"(?<!var )`([a-z_]+)`", cells[1]) if "same as" not in cells[1] else None
        for table in (t.strip() for t in cells[0].split(",")):
            reasons[table] = names if names is not None else reasons[cells[1].split()[-1]]
    return reasons


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gen")
    first = generate(CONTACTS, 11, AS_OF, parquet_dir=str(folder / "a"), progress=False)
    second = generate(CONTACTS, 11, AS_OF, parquet_dir=str(folder / "b"), progress=False)
    in_duckdb = generate(CONTACTS, 11, AS_OF, duckdb_path=str(folder / "w.duckdb"), progress=False)
    return folder, first, second, in_duckdb


@pytest.fixture(scope="module")
def raw(runs):
    """A DuckDB connection with a view per raw table of the first run (raw_crm_contacts, ...)."""
    folder = runs[0]
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for schema, table in SCHEMAS:
        con.execute(f"create view {schema}_{table} as select * from read_parquet('{folder / 'a' / schema / table}.parquet')")
    yield con
    con.close()


def _rows(con, relation: str) -> list[str]:
    """Every row, sorted, as its repr (a NaN amount equals a NaN)."""
    return [repr(row) for row in con.execute(f"select * from {relation} order by all").fetchall()]


def test_same_seed_same_bytes(runs):
    folder, first, second, in_duckdb = runs
    assert {k: v for k, v in first.items() if k != "seconds"} == {k: v for k, v in second.items() if k != "seconds"}
    assert {k: v for k, v in first.items() if k != "seconds"} == {k: v for k, v in in_duckdb.items() if k != "seconds"}
    for schema, table in SCHEMAS:
        a = (folder / "a" / schema / f"{table}.parquet").read_bytes()
        b = (folder / "b" / schema / f"{table}.parquet").read_bytes()
        assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest(), (schema, table)


def test_duckdb_target_holds_the_same_tables(runs):
    folder = runs[0]
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as con:
        for schema, table in SCHEMAS:
            parquet = f"read_parquet('{folder / 'a' / schema / table}.parquet')"
            assert _rows(con, f"{schema}.{table}") == _rows(con, parquet), (schema, table)


def test_other_seed_other_data(tmp_path):
    a = generate(300, 1, AS_OF, parquet_dir=str(tmp_path / "a"), progress=False)
    b = generate(300, 2, AS_OF, parquet_dir=str(tmp_path / "b"), progress=False)
    assert a["tables"] != b["tables"]


def test_tables_have_exactly_the_contract_columns_and_types(runs):
    folder, manifest, _, _ = runs
    contract = load_contract(PROJECT_DIR)
    assert {(t.schema, t.name) for t in contract} == set(SCHEMAS)
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as con:
        for table in contract:
            for described in (
                con.execute(f"describe {table.schema}.{table.name}").fetchall(),
                con.execute(f"describe select * from read_parquet('{folder / 'a' / table.schema / table.name}.parquet')").fetchall(),
            ):
                columns = {name: kind for name, kind, *_ in described}
                expected = set(table.required) | set(table.optional)
                assert set(columns) == expected, table.qualified
                for column, kind in columns.items():
                    expected_kind = "VARCHAR" if (table.qualified, column) in TEXT_COLUMNS else TYPED.get(column, "VARCHAR")
                    assert kind == expected_kind, (table.qualified, column, kind)
            rows = con.execute(f"select count(*) from {table.schema}.{table.name}").fetchone()[0]
            assert rows == manifest["tables"][f"{table.source}.{table.name}"]["rows"] > 0, table.qualified
    assert manifest["total_rows"] == sum(t["rows"] for t in manifest["tables"].values())


def test_every_contract_reason_is_injected(runs):
    folder, manifest = runs[0], runs[1]
    reasons = contract_reasons()
    assert set(reasons) >= {"contacts", "orders", "tracks", "pages", "identifies", "responses"}
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as con:
        text_columns = set(con.execute("select table_schema || '.' || table_name, column_name from information_schema.columns "
                                       "where data_type = 'VARCHAR'").fetchall())
    produced = set()
    for key in ("crm.contacts", "crm.orders", "product.tracks", "product.pages", "product.identifies",
                "surveys.responses", "crm.accounts", "crm.subscriptions", "compliance.erasure_requests"):
        table = f"raw_{key.replace('.', '.', 1)}"
        # a reason of a text form is impossible where the generator writes the column typed
        impossible = {reason for reason, columns in TEXT_ONLY_REASONS.items()
                      if not any((table, column) in text_columns for column in columns)}
        expected = set(reasons[key.split(".")[1]]) - impossible - ADAPTER_ONLY_REASONS.get(key.split(".")[1], set())
        found = {reason for reason, count in manifest["tables"][key]["quarantined"].items() if count > 0}
        assert found == expected, (key, expected - found, found - expected)
        produced |= found
    # every reason of every table is made somewhere, the text-only ones included
    assert produced >= {"impossible_load_time", "unparseable_boolean", "non_finite_amount", "malformed_amount"}
    # tickets: every reason but erasure is certain at this size (erased people rarely have tickets)
    assert set(reasons["tickets"]) - {"erasure_requested"} <= set(manifest["tables"]["crm.tickets"]["quarantined"])


def test_user_agents_few_and_standing_in_for_missing_context(raw, runs):
    """A fixed handful of user agents (staging parses each distinct one); where the explicit device is null or
    blank the event carries one, and crawlers and garbage come only from unknown visitors, without context."""
    cleanable = runs[1]["cleanable"]
    for table in ("tracks", "pages"):
        counts = raw.execute(f"""
            select count(distinct context_user_agent),
                   count(*) filter (where nullif(trim(context_device_type), '') is null and context_user_agent is null),
                   count(*) filter (where nullif(trim(context_device_type), '') is null
                                    and context_user_agent like '%Mozilla%' and context_user_agent not like '%bot%'),
                   count(*) filter (where context_device_type = '' or context_os_name = '' or context_browser = ''),
                   count(*) filter (where context_user_agent like '%Googlebot%'),
                   count(*) filter (where context_user_agent in ('-', '(null)')),
                   count(*) filter (where (context_user_agent like '%bot%' or context_user_agent in ('-', '(null)'))
                                    and user_id in (select user_id from raw_product_identifies)),
                   count(*) filter (where context_user_agent is null),
                   count(*) filter (where nullif(trim(context_os_name), '') is null and context_user_agent like '%Windows%')
            from raw_product_{table}""").fetchone()
        distinct, no_context, from_agent, blank, crawler, garbage, identified_bots, no_agent, os_from_agent = counts
        assert 10 <= distinct <= 20, (table, distinct)
        assert no_context == 0, table  # an event without an explicit device always says its user agent
        # kept rows only in the manifest: the dirty copies (quarantined) carry their original's user agent
        assert from_agent >= cleanable[f"product.{table}.device_from_user_agent"] > 0, table
        assert crawler == cleanable[f"product.{table}.crawler_user_agent"] > 0, table
        assert garbage == cleanable[f"product.{table}.unrecognized_user_agent"] > 0, table
        assert blank > 0 and no_agent > 0 and os_from_agent > 0 and identified_bots == 0, (table, counts)


def test_loader_format_dirt_matches_the_manifest(raw, runs):
    """Impossible load times, text booleans no parser reads, non-finite and malformed amounts: recomputed from the
    raw files, each exactly as many as the manifest expects under its reason."""
    manifest = runs[1]["tables"]
    for schema, table in SCHEMAS:
        key = f"{schema.removeprefix('raw_')}.{table}"
        columns = ["received_at", "uuid_ts"] if schema == "raw_product" else ["_loaded_at"]
        condition = " or ".join(IMPOSSIBLE_LOAD_TIME.format(column) for column in columns)
        found = raw.execute(f"select count(*) from {schema}_{table} where {condition}").fetchone()[0]
        expected = manifest[key]["quarantined"].get("impossible_load_time", 0)
        assert found == (0 if table == "erasure_requests" else expected), key
        assert table == "erasure_requests" or found > 0, key
    booleans = raw.execute("""
        select count(*) filter (where lower(trim(is_deleted)) not in ('true', 'false', 't', 'f', 'yes', 'no', 'y', 'n', '1', '0', '')),
               count(*) filter (where is_deleted is null)
        from raw_crm_contacts""").fetchone()
    assert booleans == (manifest["crm.contacts"]["quarantined"]["unparseable_boolean"], 0)
    amounts = raw.execute(r"""
        select count(*) filter (where lower(trim(amount)) in ('nan', 'infinity', '-infinity')),
               count(*) filter (where nullif(trim(amount), '') is not null and lower(trim(amount)) not in ('nan', 'infinity', '-infinity')
                                and not regexp_full_match(trim(amount), '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?')),
               count(*) filter (where amount is not null and try_cast(amount as double) is distinct from try_cast(amount as double)),
               count(*) filter (where nullif(trim(amount), '') is null)
        from raw_crm_orders""").fetchone()
    orders = manifest["crm.orders"]["quarantined"]
    assert amounts[:2] == (orders["non_finite_amount"], orders["malformed_amount"])
    assert amounts[3] == orders["missing_amount"]
    mrr = raw.execute("select count(*) filter (where isnan(mrr) or isinf(mrr)), count(*) filter (where isinf(mrr)) "
                      "from raw_crm_subscriptions").fetchone()
    assert mrr[0] == manifest["crm.subscriptions"]["quarantined"]["non_finite_amount"] and mrr[1] > 0


def test_dirt_rates_are_small(runs):
    manifest = runs[1]
    for key, info in manifest["tables"].items():
        for reason, count in info["quarantined"].items():
            if reason != "superseded_version" and key != "compliance.erasure_requests":
                assert count / info["rows"] < 0.03, (key, reason, count)


def test_blank_ids_and_duplicate_ids_match_the_manifest(raw, runs):
    manifest = runs[1]["tables"]
    for schema, table in SCHEMAS:
        key = f"{schema.removeprefix('raw_')}.{table}"
        if table == "erasure_requests":
            continue
        blank = raw.execute(f"select count(*) from {schema}_{table} where trim(id) = ''").fetchone()[0]
        assert blank == manifest[key]["quarantined"].get("missing_id", 0), key
    for table, reason in (("raw_product_tracks", "product.tracks"), ("raw_product_pages", "product.pages"),
                          ("raw_product_identifies", "product.identifies"), ("raw_surveys_responses", "surveys.responses")):
        repeated = raw.execute(f"select count(*) - count(distinct id) from {table} where trim(id) <> ''").fetchone()[0]
        duplicate = "duplicate_answer" if table.endswith("responses") else "duplicate_event"
        assert repeated == manifest[reason]["quarantined"][duplicate], table
    # a duplicate delivery is an exact copy of the event, received later
    assert raw.execute("""
        select count(*) from raw_product_tracks a join raw_product_tracks b
            on a.id = b.id and trim(a.id) <> '' and a.received_at < b.received_at
        where a."timestamp" is distinct from b."timestamp" or a.event is distinct from b.event
            or a.user_id is distinct from b.user_id or a.uuid_ts >= b.uuid_ts
    """).fetchone()[0] == 0


def test_erasure_counts_by_normalized_email(raw, runs):
    manifest = runs[1]["tables"]
    # a request names a person by email, by contact id, or both: the person is every email any version carried
    raw.execute("""
        create or replace temp table erased_contacts as
        select distinct id from raw_crm_contacts
        where lower(trim(email)) in (select lower(trim(email)) from raw_compliance_erasure_requests)
            or trim(id) in (select trim(contact_id) from raw_compliance_erasure_requests)""")
    raw.execute("""
        create or replace temp table erased_emails as
        select lower(trim(email)) as email from raw_compliance_erasure_requests where trim(email) <> ''
        union select lower(trim(email)) from raw_crm_contacts where id in (select id from erased_contacts)""")
    raw.execute("""
        create or replace temp table erased_users as
        select user_id as product_id from raw_product_identifies where lower(trim(email)) in (select email from erased_emails)""")
    raw.execute("""
        create or replace temp table erased_product_ids as
        select product_id from erased_users
        union select anonymous_id from raw_product_identifies
        where lower(trim(email)) in (select email from erased_emails) or user_id in (select product_id from erased_users)""")
    counts = {
        "crm.contacts": "select count(*) from raw_crm_contacts where id in (select id from erased_contacts)",
        "crm.orders": "select count(*) from raw_crm_orders where contact_id in (select id from erased_contacts)",
        "crm.tickets": "select count(*) from raw_crm_tickets where contact_id in (select id from erased_contacts)",
        "surveys.responses": "select count(*) from raw_surveys_responses "
                             "where lower(trim(respondent_email)) in (select email from erased_emails)",
    }
    for table in ("tracks", "pages", "identifies"):
        counts[f"product.{table}"] = (f"select count(*) from raw_product_{table} where user_id in "
                                      "(select product_id from erased_product_ids) or anonymous_id in "
                                      "(select product_id from erased_product_ids)")
    assert raw.execute("select count(*) from erased_contacts").fetchone()[0] > 0
    for key, sql in counts.items():
        assert raw.execute(sql).fetchone()[0] == manifest[key]["quarantined"].get("erasure_requested", 0), key
    # requests: written with other case and spaces; one blank; one repeated; some for people in no CRM contact;
    # some name the contact id too, some the contact id alone (no email column value at all)
    by_id = raw.execute("""
        select count(*) filter (where email is null), count(*) filter (where email is not null and contact_id is not null),
               count(*) filter (where contact_id is not null and trim(contact_id) not in (select trim(id) from raw_crm_contacts))
        from raw_compliance_erasure_requests""").fetchone()
    cleanable = runs[1]["cleanable"]
    assert by_id == (cleanable["compliance.erasure_requests.by_contact_id_only"],
                     cleanable["compliance.erasure_requests.by_email_and_contact_id"], 0)
    assert by_id[0] >= 1 and by_id[1] >= 1
    requests = raw.execute("""
        select count(*) filter (where trim(email) = ''),
               count(*) filter (where trim(email) <> '') - count(distinct lower(trim(email))) filter (where trim(email) <> ''),
               count(*) filter (where email <> lower(trim(email))),
               count(*) filter (where lower(trim(email)) not in (select lower(trim(email)) from raw_crm_contacts))
        from raw_compliance_erasure_requests""").fetchone()
    quarantined = manifest["compliance.erasure_requests"]["quarantined"]
    assert requests[0] == quarantined["missing_email"] >= 1
    assert requests[1] == quarantined["duplicate_request"] >= 1
    assert requests[2] > 0 and requests[3] > requests[0]


def test_crm_versions_deletions_and_timestamps(raw, runs):
    manifest = runs[1]["tables"]
    quarantined = manifest["crm.contacts"]["quarantined"]
    # superseded: extra versions of live ids with a parseable updated_at no later than their load (+24 h skew)
    superseded = raw.execute("""
        select count(*) - count(distinct id) from raw_crm_contacts
        where trim(id) <> '' and try_cast(trim(updated_at) as timestamptz) is not null
            and try_cast(trim(updated_at) as timestamptz) <= _loaded_at + interval 24 hour
            and not (_loaded_at < timestamp '2000-01-01' or _loaded_at > timestamp '2090-01-01')
            and lower(trim(is_deleted)) in ('true', 'false', 't', 'f', 'yes', 'no', 'y', 'n', '1', '0', '') and id not in (
            select id from raw_crm_contacts where lower(trim(email)) in (
                select lower(trim(email)) from raw_compliance_erasure_requests))""").fetchone()[0]
    assert superseded == quarantined["superseded_version"]
    assert raw.execute("select count(*) from raw_crm_contacts where lower(trim(is_deleted)) in ('true', 't', 'yes', '1')"
                       ).fetchone()[0] == quarantined["deleted_in_crm"]
    # the latest version is never ambiguous: no two extracts of a record tie on updated_at and _loaded_at
    for table in ("accounts", "contacts", "subscriptions", "orders", "tickets"):
        ties = raw.execute(f"""
            select count(*) from (
                select id, try_cast(trim(updated_at) as timestamptz) as updated, _loaded_at from raw_crm_{table}
                where trim(id) <> '' group by all having count(*) > 1)""").fetchone()[0]
        assert ties == 0, table
    # loader timestamps never precede the business timestamp they load, except on the rows injected as
    # future_timestamp dirt, which are exactly the ones the manifest counts
    for table, column in (("contacts", "updated_at"), ("accounts", "updated_at"), ("orders", "updated_at"),
                          ("tickets", "updated_at"), ("subscriptions", "updated_at")):
        early = raw.execute(f"select count(*) from raw_crm_{table} where _loaded_at < try_cast(trim({column}) as timestamptz) "
                            f"and not ({IMPOSSIBLE_LOAD_TIME.format('_loaded_at')})").fetchone()[0]
        assert early == manifest[f"crm.{table}"]["quarantined"].get("future_timestamp", 0) > 0, table
    # every account has 1..30 contacts; about 2% of contacts have none
    sizes = raw.execute("""
        select min(n), max(n) from (select account_id, count(distinct id) as n from raw_crm_contacts
        where trim(account_id) <> '' and trim(id) <> '' group by 1)""").fetchone()
    assert sizes[0] >= 1 and sizes[1] <= 30
    share = raw.execute("select avg(case when trim(coalesce(account_id, '')) = '' then 1.0 else 0 end) "
                        "from raw_crm_contacts").fetchone()[0]
    assert 0.005 < share < 0.05


def test_event_timestamps(raw, runs):
    manifest = runs[1]["tables"]
    end = f"timestamp '{AS_OF + dt.timedelta(days=1)}'"
    for table in ("tracks", "pages", "identifies"):
        q = manifest[f"product.{table}"]["quarantined"]
        found = raw.execute(f"""
            select count(*) filter (where try_cast(trim("timestamp") as timestamptz) is null),
                   count(*) filter (where cast(timezone('UTC', try_cast(trim("timestamp") as timestamptz)) as timestamp)
                                    < timestamp '2000-01-01'),
                   count(*) filter (where cast(timezone('UTC', try_cast(trim("timestamp") as timestamptz)) as timestamp)
                                    > received_at + interval 24 hour)
            from raw_product_{table}""").fetchone()
        assert found == (q["unparseable_timestamp"], q["implausible_timestamp"], q["future_timestamp"]), table
    formats = raw.execute(r"""
        select count(*) filter (where regexp_matches("timestamp", 'T\d\d:\d\d:\d\dZ$')),
               count(*) filter (where regexp_matches("timestamp", '\+02:00$')),
               count(*) filter (where regexp_matches("timestamp", '-05:00$')),
               count(*) filter (where regexp_matches("timestamp", '^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')),
               count(*) filter (where try_cast(trim("timestamp") as timestamptz) >= """ + end + """),
               count(*) filter (where received_at > try_cast(trim("timestamp") as timestamptz) + interval 24 hour
                                and received_at < try_cast(trim("timestamp") as timestamptz) + interval 6 day)
        from raw_product_tracks""").fetchone()
    assert all(count > 0 for count in formats), formats
    # an offset or a missing zone never moves the instant: received within minutes (or 1-5 days when late)
    assert raw.execute("""
        select count(*) from raw_product_tracks
        where try_cast(trim("timestamp") as timestamptz) > received_at
            and try_cast(trim("timestamp") as timestamptz) < received_at + interval 24 hour""").fetchone()[0] == 0


def test_identity_links_only_through_email(raw):
    # user numbers are not contact numbers; every identified user id is tied to one normalized email
    same = raw.execute("""
        select avg(case when substr(user_id, 3)::bigint = substr(c.id, 3)::bigint then 1.0 else 0 end)
        from raw_product_identifies i join raw_crm_contacts c on lower(trim(i.email)) = lower(trim(c.email))
        where i.user_id is not null and trim(i.user_id) <> '' and trim(c.id) <> ''""").fetchone()[0]
    assert same < 0.01
    assert raw.execute("""
        select count(*) from (select user_id from raw_product_identifies where trim(coalesce(user_id, '')) <> ''
        group by 1 having count(distinct lower(trim(email))) > 1)""").fetchone()[0] == 0
    # pre-sign-up page views: anonymous only, tied to a user by an identify
    assert raw.execute("""
        select count(*) from raw_product_pages p
        where p.user_id is null and p.anonymous_id in (select anonymous_id from raw_product_identifies)""").fetchone()[0] > 0


def test_personas_and_shares(runs):
    manifest = runs[1]
    assert list(manifest["personas"]) == PERSONAS
    assert sum(manifest["personas"].values()) == CONTACTS
    events = manifest["tables"]["product.tracks"]["rows"] + manifest["tables"]["product.pages"]["rows"]
    assert 25 <= events / CONTACTS <= 45
    assert manifest["cleanable"]["product.tracks.late_events"] > 0
    assert manifest["cleanable"]["crm.contacts.email_needs_normalizing"] > 0


def test_cli_generate_reports_and_refuses_bad_input(tmp_path):
    from conftest import run_cli

    result = run_cli(["generate", "--contacts", "200", "--seed", "1", "--as-of", "2026-11-01", "--quiet",
                      "--duckdb", str(tmp_path / "w.duckdb")])
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "w.manifest.json").exists()
    bad = run_cli(["generate", "--contacts", "0", "--duckdb", str(tmp_path / "x.duckdb")])
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    bad_date = run_cli(["generate", "--as-of", "2026-13-01", "--duckdb", str(tmp_path / "x.duckdb")])
    assert bad_date.returncode == 2 and "Traceback" not in bad_date.stderr


def test_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError):
        generate(10, 1, AS_OF, progress=False)
    with pytest.raises(ValueError):
        generate(10, 1, AS_OF, duckdb_path=str(tmp_path / "w.duckdb"), parquet_dir=str(tmp_path / "p"), progress=False)
    with pytest.raises(ValueError):
        generate(0, 1, AS_OF, parquet_dir=str(tmp_path / "p"), progress=False)
