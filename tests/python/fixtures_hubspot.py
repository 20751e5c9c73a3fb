"""HubSpot CRM as Fivetran lands it, for the six shared adapter people p1..p6@example.com (schema `hubspot`).

Shaped like the connector: one current row per record, properties as `property_<name>` columns, BIGINT ids,
`_fivetran_synced` typed, `_fivetran_deleted` on contacts and `is_deleted` on companies and tickets. Quirks: dates
as text in several forms and as epoch milliseconds, the company association as text with leading zeros or `.0`,
emails in mixed case with spaces, a soft-deleted contact, a contact merged into p5, a contact whose last
modification cannot be parsed, a deleted company and a deleted ticket. No `property_gender` column at all (a
property no record has a value for is not written by Fivetran).
"""

from __future__ import annotations

from datetime import UTC

from known_answers import lit as _lit

AS_OF = "2026-11-01"
SYNCED = "timestamp '2026-11-02 01:00:00'"


def _ms(iso: str) -> str:
    """Epoch milliseconds of a UTC time, as the text HubSpot writes for date properties."""
    from datetime import datetime

    return str(int(datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp() * 1000))


def _table(con, name: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    names = ", ".join(column for column, _ in columns)
    selects = ", ".join(f"cast({column} as {type_}) as {column}" for column, type_ in columns)
    values = ", ".join("(" + ", ".join(_lit(v) for v in row) + ")" for row in rows)
    con.execute(f"create or replace table {name} as select {selects} from (values {values}) as t({names})")


# id, email, first, last, lifecycle, company (text as landed), owner, job title, birth, country, created, modified,
# deleted, merged vids
CONTACTS = [
    (1001, " P1@Example.com ", "Ada", "One", "customer", "000101", 7001, "VP Engineering", "1990-05-01", "USA",
     _ms("2024-03-01T09:00:00"), "2026-10-20T10:00:00Z", False, None),
    (1002, "p2@example.com", "Bo", "Two", "marketingqualifiedlead", "102", 7002, "Marketing Manager", "1985-02-10",
     "Germany", "2024-03-02 09:00:00", "2026-10-20 10:00:00", False, None),
    (1003, "p3@EXAMPLE.com", "Cy", "Three", "salesqualifiedlead", "101.0", 7001, "Software Engineer", "2000-12-31",
     "United Kingdom", "2024-03-03T09:00:00+01:00", "2026-10-20T12:00:00+02:00", False, None),
    (1004, "p4@example.com", "Di", "Four", "opportunity", None, None, "Founder", "1970-07-07", "Japan",
     _ms("2024-03-04T09:00:00"), _ms("2026-10-21T08:00:00"), False, None),
    (1005, "P5@example.com", "Ed", "Five", "evangelist", "102", 7002, None, "1960-01-15", "Brazil",
     "2024-03-05T09:00:00Z", "2026-10-22T09:00:00Z", False, "1007:" + _ms("2026-10-22T09:00:00")),
    (1006, "p6@example.com ", "Flo", "Six", "subscriber", None, None, None, None, None,
     "2024-03-06T09:00:00Z", "2026-10-01T00:00:00.000Z", False, None),
    # merged into 1005 (listed in its hs_calculated_merged_vids), modified after the survivor: must not win or count
    (1007, "p5.old@example.com", "Ed", "Five", "lead", None, None, None, None, "Brazil",
     "2023-01-01T00:00:00Z", "2026-10-23T00:00:00Z", False, None),
    # soft-deleted in HubSpot
    (1008, "gone@example.com", "Gil", "Gone", "lead", None, None, None, None, "France",
     "2023-01-01T00:00:00Z", "2026-09-01T00:00:00Z", True, None),
    # a last modification no parser can read
    (1009, "odd@example.com", "Hal", "Odd", "lead", None, None, None, None, "France",
     "2023-01-01T00:00:00Z", "last tuesday", False, None),
]

# id, name, industry, employees (a number property: DOUBLE), revenue, country, modified, deleted
COMPANIES = [
    (101, "Acme Ltd", "COMPUTER_SOFTWARE", 1200.0, 50000000.0, "United States", _ms("2026-10-01T00:00:00"), False),
    (102, "Beta GmbH", "MARKETING_AND_ADVERTISING", 35.0, 2000000.0, "Germany", "2026-10-01T00:00:00Z", False),
    (103, "Gamma Inc", "RETAIL", 250.0, None, "Canada", "2026-10-01T00:00:00Z", True),
]

# id, contact, created, modified, deleted
TICKETS = [
    (5001, 1003, "2026-10-10T09:00:00Z", "2026-10-10T09:00:00Z", False),
    (5002, 1003, _ms("2026-10-20T09:00:00"), _ms("2026-10-21T09:00:00"), False),
    (5003, 1003, "2026-10-25 09:00:00", "2026-10-26 09:00:00", False),
    (5004, 1001, "2026-10-11T09:00:00Z", "2026-10-11T09:00:00Z", False),
    (5005, 1001, "2026-10-12T09:00:00Z", "2026-10-12T09:00:00Z", False),
    # deleted: p1 would otherwise have 3 tickets in 30 days and need support
    (5006, 1001, "2026-10-13T09:00:00Z", "2026-10-13T09:00:00Z", True),
]

OWNERS = [(7001, "Rita", "Rep", "rita@seller.example"), (7002, None, None, "sam@seller.example")]

EXPECTED = {
    # contact id: (lifecycle_stage, account_owner, region, country_code, age_band, needs_support, needs_segment)
    "1001": ("customer", "Rita Rep", "namer", "US", "35_44", False, "self_sufficient"),
    "1002": ("marketing_qualified_lead", "sam@seller.example", "emea", "DE", "35_44", False, "self_sufficient"),
    "1003": ("sales_qualified_lead", "Rita Rep", "emea", "GB", "25_34", True, "needs_support"),
    "1004": ("opportunity", None, "apac", "JP", "55_64", False, "self_sufficient"),
    "1005": ("evangelist", "sam@seller.example", "latam", "BR", "65_plus", False, "self_sufficient"),
    "1006": ("subscriber", None, "unknown", None, "unknown", False, "self_sufficient"),
}
EXPECTED_ACCOUNTS = {"101": "enterprise", "102": "smb"}
EXPECTED_QUARANTINE = {
    "contacts": {"1007": "deleted_in_crm", "1008": "deleted_in_crm", "1009": "unparseable_timestamp"},
    "accounts": {"103": "deleted_in_crm"},
}


def write(con, schema: str = "hubspot") -> None:
    """Create the HubSpot tables Fivetran writes, in `schema` of a DuckDB connection."""
    con.execute(f"create schema if not exists {schema}")
    _table(con, f"{schema}.contact", [
        ("id", "bigint"), ("property_email", "varchar"), ("property_firstname", "varchar"),
        ("property_lastname", "varchar"), ("property_lifecyclestage", "varchar"),
        ("property_associatedcompanyid", "varchar"), ("property_hubspot_owner_id", "bigint"),
        ("property_jobtitle", "varchar"), ("property_date_of_birth", "varchar"), ("property_country", "varchar"),
        ("property_createdate", "varchar"), ("property_lastmodifieddate", "varchar"), ("_fivetran_deleted", "boolean"),
        ("property_hs_calculated_merged_vids", "varchar"), ("_fivetran_synced", "timestamp"),
    ], [(*row, "2026-11-02 01:00:00") for row in CONTACTS])
    _table(con, f"{schema}.company", [
        ("id", "bigint"), ("property_name", "varchar"), ("property_industry", "varchar"),
        ("property_numberofemployees", "double"), ("property_annualrevenue", "double"), ("property_country", "varchar"),
        ("property_hs_lastmodifieddate", "varchar"), ("is_deleted", "boolean"), ("_fivetran_synced", "timestamp"),
    ], [(*row, "2026-11-02 01:00:00") for row in COMPANIES])
    _table(con, f"{schema}.ticket", [
        ("id", "bigint"), ("property_subject", "varchar"), ("property_hs_ticket_priority", "varchar"),
        ("property_hs_pipeline_stage", "varchar"), ("property_createdate", "varchar"),
        ("property_hs_lastmodifieddate", "varchar"), ("is_deleted", "boolean"), ("_fivetran_synced", "timestamp"),
    ], [(i, "Help", "HIGH", "1", created, modified, deleted, "2026-11-02 01:00:00")
        for i, _, created, modified, deleted in TICKETS])
    _table(con, f"{schema}.ticket_contact", [("ticket_id", "bigint"), ("contact_id", "bigint"), ("category", "varchar")],
           [(i, contact, "HUBSPOT_DEFINED") for i, contact, *_ in TICKETS])
    _table(con, f"{schema}.owner", [("owner_id", "bigint"), ("first_name", "varchar"), ("last_name", "varchar"),
                                    ("email", "varchar")], OWNERS)
