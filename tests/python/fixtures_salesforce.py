"""Salesforce as Fivetran lands it, for the six shared adapter people p1..p6@example.com (schema `salesforce`).

Shaped like the connector: snake_case columns, one current row per record, `is_deleted` (recycle bin),
`_fivetran_synced` typed. Quirks: case-sensitive ids, with p3's and p4's contact ids differing only in case; ids in
15-character form (a CSV backfill) beside their 18-character form elsewhere; times as Salesforce's API text
(`2026-10-20T10:00:00.000+0000`), ISO with `Z`, without zone, and epoch milliseconds; emails in mixed case with
spaces; a soft-deleted contact, a deleted account, a deleted case; an unconverted lead (p5) and a converted lead
(p6) whose contact exists.
"""

from __future__ import annotations

from known_answers import lit as _lit

AS_OF = "2026-11-01"
SYNCED = "2026-11-02 01:00:00"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def id18(id15: str) -> str:
    """The 18-character form of a 15-character Salesforce id (Salesforce's documented checksum)."""
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, ch in enumerate(id15[chunk * 5:chunk * 5 + 5]) if "A" <= ch <= "Z")
        suffix += ALPHABET[bits]
    return id15 + suffix


def _table(con, name: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    names = ", ".join(f'"{column}"' for column, _ in columns)
    selects = ", ".join(f'cast("{column}" as {type_}) as "{column}"' for column, type_ in columns)
    values = ", ".join("(" + ", ".join(_lit(v) for v in row) + ")" for row in rows)
    con.execute(f"create or replace table {name} as select {selects} from (values {values}) as t({names})")


ACME, BETA, GAMMA, GONE = "0015g00000AcMeQ", "0015g00000BeTaQ", "0015g00000GaMmA", "0015g00000GoNeZ"
P1, P2, P3, P4, P6 = "0035g00000PaAaA", "0035g00000PbBbB", "0035g00000CaSeX", "0035g00000cAsEx", "0035g00000PfFfF"
GONE_CONTACT = "0035g00000GoNeY"
P5_LEAD, P6_LEAD = "00Q5g00000LeAdE", "00Q5g00000LeAdF"
RITA = "0055g00000RiTaA"

# id (as landed), name, type, industry, employees, revenue, country, modified, deleted
ACCOUNTS = [
    (id18(ACME), "Acme Ltd", "Customer - Direct", "Technology", 1200, 5.0e7, "United States",
     "2026-10-01T00:00:00.000+0000", False),
    (id18(BETA), "Beta GmbH", "Prospect", "Marketing", 35, 2.0e6, "Germany", "2026-10-01T00:00:00Z", False),
    (GAMMA, "Gamma KK", "Technology Partner", "Retail", 250, None, "Japan", "2026-10-01 00:00:00", False),
    (id18(GONE), "Gone Inc", "Prospect", "Retail", 5000, None, "Canada", "2026-10-01T00:00:00Z", True),
]
# id (as landed), account (as landed), email, first, last, title, birthdate, country, owner, modified, deleted
CONTACTS = [
    (id18(P1), ACME, " P1@Example.com ", "Ada", "One", "VP Engineering", "1990-05-01", "USA", id18(RITA),
     "2026-10-20T10:00:00.000+0000", False),
    (id18(P2), id18(BETA), "p2@example.com", "Bo", "Two", "Marketing Manager", "1985-02-10", "Germany", None,
     "2026-10-20 10:00:00", False),
    (id18(P3), id18(ACME), "p3@EXAMPLE.com", "Cy", "Three", "Software Engineer", "2000-12-31", "United Kingdom",
     RITA, "2026-10-20T12:00:00+02:00", False),
    # P4's 15-character id differs from P3's only in case: another person; landed in its 15-character form
    (P4, id18(GAMMA), "p4@example.com", "Di", "Four", "Founder", "1970-07-07", "Japan", None,
     "1792569600000", False),
    (id18(P6), id18(BETA), "p6@example.com ", "Flo", "Six", None, None, None, None, "2026-10-21T00:00:00Z", False),
    (id18(GONE_CONTACT), id18(ACME), "gone@example.com", "Gil", "Gone", None, None, "France", None,
     "2026-09-01T00:00:00Z", True),
]
# id, email, first, last, country, status, converted, converted contact, modified
LEADS = [
    (id18(P5_LEAD), " P5@Example.COM", "Ed", "Five", "Brazil", "Working - Contacted", False, None,
     "2026-10-22T09:00:00.000+0000"),
    (id18(P6_LEAD), "p6@example.com", "Flo", "Six", None, "Closed - Converted", True, id18(P6),
     "2026-10-21T00:00:00Z"),
]
# id, account, stage, won, closed, modified
OPPORTUNITIES = [
    ("0065g00000OpPoA", id18(ACME), "Negotiation/Review", False, False, "2026-10-15T00:00:00Z"),
    ("0065g00000OpPoB", id18(BETA), "Closed Lost", False, True, "2026-09-15T00:00:00Z"),
    ("0065g00000OpPoC", BETA, "Proposal/Price Quote", False, False, "2026-10-15T00:00:00Z"),
]
# id, contact (as landed), created, modified, deleted
CASES = [
    ("5005g00000CaSeA", id18(P3), "2026-10-10T09:00:00.000+0000", "2026-10-10T09:00:00.000+0000", False),
    ("5005g00000CaSeB", P3, "2026-10-20T09:00:00Z", "2026-10-21T09:00:00Z", False),
    ("5005g00000CaSeC", id18(P3), "2026-10-25 09:00:00", "2026-10-26 09:00:00", False),
    ("5005g00000CaSeD", id18(P4), "2026-10-11T09:00:00Z", "2026-10-11T09:00:00Z", False),
    ("5005g00000CaSeE", id18(P1), "2026-10-11T09:00:00Z", "2026-10-11T09:00:00Z", False),
    ("5005g00000CaSeF", id18(P1), "2026-10-12T09:00:00Z", "2026-10-12T09:00:00Z", False),
    ("5005g00000CaSeG", id18(P1), "2026-10-13T09:00:00Z", "2026-10-13T09:00:00Z", True),
]
USERS = [(id18(RITA), "Rita Rep")]

EXPECTED = {
    # contact id: (lifecycle_stage, account_owner, region, country_code, age_band, needs_support, needs_segment)
    id18(P1): ("customer", "Rita Rep", "namer", "US", "35_44", False, "self_sufficient"),
    id18(P2): ("opportunity", None, "emea", "DE", "35_44", False, "self_sufficient"),
    id18(P3): ("customer", "Rita Rep", "emea", "GB", "25_34", True, "needs_support"),
    id18(P4): ("other", None, "apac", "JP", "55_64", False, "self_sufficient"),
    id18(P5_LEAD): ("lead", None, "latam", "BR", "unknown", False, "self_sufficient"),
    id18(P6): ("opportunity", None, "unknown", None, "unknown", False, "self_sufficient"),
}
EXPECTED_ACCOUNTS = {id18(ACME): "enterprise", id18(BETA): "smb", id18(GAMMA): "mid_market"}
EXPECTED_QUARANTINE = {
    "contacts": {id18(GONE_CONTACT): "deleted_in_crm", id18(P6_LEAD): "deleted_in_crm"},
    "accounts": {id18(GONE): "deleted_in_crm"},
}


def write(con, schema: str = "salesforce") -> None:
    """Create the Salesforce tables Fivetran writes, in `schema` of a DuckDB connection."""
    con.execute(f"create schema if not exists {schema}")
    synced = ("_fivetran_synced", "timestamp")
    _table(con, f"{schema}.account", [
        ("id", "varchar"), ("name", "varchar"), ("type", "varchar"), ("industry", "varchar"),
        ("number_of_employees", "bigint"), ("annual_revenue", "double"), ("billing_country", "varchar"),
        ("last_modified_date", "varchar"), ("is_deleted", "boolean"), synced,
    ], [(*row, SYNCED) for row in ACCOUNTS])
    _table(con, f"{schema}.contact", [
        ("id", "varchar"), ("account_id", "varchar"), ("email", "varchar"), ("first_name", "varchar"),
        ("last_name", "varchar"), ("title", "varchar"), ("birthdate", "varchar"), ("mailing_country", "varchar"),
        ("owner_id", "varchar"), ("last_modified_date", "varchar"), ("is_deleted", "boolean"), synced,
    ], [(*row, SYNCED) for row in CONTACTS])
    _table(con, f"{schema}.lead", [
        ("id", "varchar"), ("email", "varchar"), ("first_name", "varchar"), ("last_name", "varchar"),
        ("country", "varchar"), ("status", "varchar"), ("is_converted", "boolean"),
        ("converted_contact_id", "varchar"), ("last_modified_date", "varchar"), ("is_deleted", "boolean"), synced,
    ], [(*row, False, SYNCED) for row in LEADS])
    _table(con, f"{schema}.opportunity", [
        ("id", "varchar"), ("account_id", "varchar"), ("stage_name", "varchar"), ("is_won", "boolean"),
        ("is_closed", "boolean"), ("last_modified_date", "varchar"),
    ], OPPORTUNITIES)
    _table(con, f'{schema}."case"', [
        ("id", "varchar"), ("contact_id", "varchar"), ("created_date", "varchar"), ("last_modified_date", "varchar"),
        ("is_deleted", "boolean"), ("subject", "varchar"), ("priority", "varchar"), ("status", "varchar"), synced,
    ], [(*row, "Help", "High", "New", SYNCED) for row in CASES])
    _table(con, f'{schema}."user"', [("id", "varchar"), ("name", "varchar")], USERS)
