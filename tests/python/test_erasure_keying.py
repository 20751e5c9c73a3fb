"""Emails and erasure: one email normalization everywhere, and erasure keyed on the person.

One build of the known-answers dataset, changed so that emails are written the way real exports write them (a tab,
a no-break space, a zero-width space, fullwidth letters and the fullwidth at sign, decomposed accents): they must
link to their contact, and erasure requests written that way, by contact id, or naming an old email of a contact
must remove the person from every model, mart and CRM export feed; a request that matches nobody is counted.
"""

from __future__ import annotations

import json

import duckdb
import known_answers as ka
import pytest
from conftest import WAREHOUSE_FILE, run_dbt

SCHEMAS = ("reference", "staging", "intermediate", "marts", "data_quality", "reverse_etl")
# the erasure requests and the erasure node hold what is needed to honour the requests, nothing else may
ERASURE_RELATIONS = {"base_compliance__erasure_requests", "stg_compliance__erasure_requests", "stg_compliance__erased_people"}


def fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# identifies (and an answer) written with invisible or compatibility characters: each must still link
LINKED_IDENTIFY_EMAILS = {
    "c02": "c02\t@example.com",  # tab
    "c03": "c03\u00a0@example.com",  # no-break space
    "c04": "c0\u200b4@example.com",  # zero-width space
    "c05": fullwidth("C05@example.com"),  # fullwidth letters, digits and at sign
    "c08": "\ufeffc08@example.com\u2060",  # byte order mark, word joiner
}
# c06's CRM email has a composed accent, its identify the decomposed one (e + U+0301)
ACCENT_CRM_EMAIL, ACCENT_IDENTIFY_EMAIL = "jos\u00e9.c06@example.com", "jose\u0301.c06@example.com"
# c16's answer (promoter) under a fullwidth, zero-width-joined email
LINKED_ANSWER_EMAIL = fullwidth("c16") + "\u200d\uff20example.com"

# who is erased, and how the request names them
ERASED = {
    "c11": "a request written with fullwidth letters, a zero-width space and a tab",
    "c12": "a request by contact id only",
    "c25": "a request naming an old email of the contact",
}
OLD_C25_EMAIL = "previous.c25@example.com"


def _prepare(path: str) -> None:
    ka.write(path)
    with duckdb.connect(path) as con:
        for contact, email in LINKED_IDENTIFY_EMAILS.items():
            con.execute("update raw_product.identifies set email = ? where user_id = ?", [email, f"u_{contact}"])
        con.execute("update raw_crm.contacts set email = ? where id = 'c06'", [ACCENT_CRM_EMAIL])
        con.execute("update raw_product.identifies set email = ? where user_id = 'u_c06'", [ACCENT_IDENTIFY_EMAIL])
        con.execute("update raw_surveys.responses set respondent_email = ? where id = 'a16'", [LINKED_ANSWER_EMAIL])
        # c25 had another email in an earlier extract; an answer under its current email
        con.execute(
            "insert into raw_crm.contacts select * replace (? as email, '2025-06-01T00:00:00Z' as updated_at, "
            "timestamp '2025-06-02 01:00:00' as _loaded_at) from raw_crm.contacts where id = 'c25'",
            [OLD_C25_EMAIL])
        con.execute(
            "insert into raw_surveys.responses values ('a25', 'r_a25', 'survey', 'nps', 'Question', ' C25@Example.com', "
            "'9', '2026-10-01T10:00:00Z', timestamp '2026-11-02 01:00:00')")
        # the optional contact_id column
        con.execute("alter table raw_compliance.erasure_requests add column contact_id varchar")
        requests = [
            ("er_c11", fullwidth("C11") + "\u200b\uff20ｅｘａｍｐｌｅ.com\t", None),
            ("er_c12", None, " c12 "),
            ("er_c25", OLD_C25_EMAIL.upper(), None),
            ("er_nobody_email", "nobody@example.com", None),
            ("er_nobody_id", "  ", "c_nobody"),
            ("er_neither", " \u200b ", None),  # neither email nor contact id: quarantined missing_email
            ("er_c11_again", "c11@example.com", None),  # the same email again: duplicate_request
            ("er_c12_again", None, "c12"),  # the same contact id again, without an email: duplicate_request
        ]
        for request_id, email, contact_id in requests:
            con.execute(
                "insert into raw_compliance.erasure_requests (id, email, requested_at, _loaded_at, contact_id) "
                "values (?, ?, '2026-10-20T00:00:00Z', timestamp '2026-11-02 01:00:00', ?)",
                [request_id, email, contact_id])


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("erasure_keying")
    path = workdir / WAREHOUSE_FILE
    _prepare(str(path))
    result = run_dbt(["build", "--vars", json.dumps({"as_of_date": ka.AS_OF})], path, workdir)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}"
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def test_emails_written_with_invisible_or_compatibility_characters_link(warehouse):
    behavioral = dict(warehouse.execute("select contact_id, behavioral_segment from marts.seg_behavioral").fetchall())
    for contact in [*LINKED_IDENTIFY_EMAILS, "c06"]:
        assert behavioral[contact] == ka.EXPECTED_CONTACTS[contact][0], contact
    emails = dict(warehouse.execute(
        "select user_id, email from staging.stg_product__identifies where user_id in ('u_c02', 'u_c05', 'u_c06')"
    ).fetchall())
    assert emails == {"u_c02": "c02@example.com", "u_c05": "c05@example.com", "u_c06": "jos\u00e9.c06@example.com"}
    nps = dict(warehouse.execute("select contact_id, nps_category from marts.seg_psychographic").fetchall())
    assert nps["c16"] == "promoter"


def test_an_erased_person_is_in_no_model_and_no_export(warehouse):
    contacts = {r[0] for r in warehouse.execute("select contact_id from marts.dim_contact_segments").fetchall()}
    assert contacts == set(ka.EXPECTED_CONTACTS) - set(ERASED)
    exported = {r[0] for r in warehouse.execute("select email from reverse_etl.rev_etl__crm_contacts").fetchall()}
    assert exported and not exported & {f"{c}@example.com" for c in ERASED}
    assert "c02@example.com" in exported
    needles = [*ERASED, *(f"{c}@example.com" for c in ERASED), OLD_C25_EMAIL, "u_c25", "anon_c25"]
    found = []
    placeholders = ", ".join(f"'{s}'" for s in SCHEMAS)
    relations = warehouse.execute(
        f"select table_schema, table_name from information_schema.tables where table_schema in ({placeholders})"
    ).fetchall()
    for schema, table in relations:
        if table in ERASURE_RELATIONS:
            continue
        for (name,) in warehouse.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "and data_type = 'VARCHAR'", [schema, table]
        ).fetchall():
            hits = warehouse.execute(
                f'select count(*) from {schema}."{table}" where lower(trim("{name}")) in (select unnest(?))', [needles]
            ).fetchone()[0]
            if hits:
                found.append(f"{schema}.{table}.{name}: {hits}")
    assert found == []


def test_the_erased_rows_are_quarantined_with_their_reason(warehouse):
    erased = dict(warehouse.execute(
        "select table_name, row_count from data_quality.fct_data_quality__staging_rows where reason = 'erasure_requested'"
    ).fetchall())
    # c91 (the dataset's own request), c11, c12 and both versions of c25; c25's answer; c11's and c12's orders
    assert erased["contacts"] == 5
    assert erased["responses"] == 2  # a91 and a25
    assert erased["orders"] == ka_orders_of({"c91", "c11", "c12", "c25"})
    assert erased["identifies"] == 2  # c91's and c25's


def ka_orders_of(contacts: set[str]) -> int:
    return sum(1 for order in ka.ORDERS if order[1] in contacts)


def test_erasure_by_contact_id_and_by_old_email(warehouse):
    # the request by contact id erases the contact's rows; the old email erases the current email's identify
    assert warehouse.execute("select count(*) from staging.stg_crm__orders where contact_id = 'c12'").fetchone()[0] == 0
    assert warehouse.execute(
        "select count(*) from staging.stg_product__tracks where user_id = 'u_c25' or anonymous_id = 'anon_c25'"
    ).fetchone()[0] == 0


def test_requests_are_kept_or_quarantined_and_unmatched_ones_counted(warehouse):
    quarantined = dict(warehouse.execute(
        "select reason, count(*) from staging.stg_compliance__erasure_requests_quarantined group by reason"
    ).fetchall())
    assert quarantined == {"missing_email": 1, "duplicate_request": 2}
    flagged = dict(warehouse.execute(
        "select reason, row_count from data_quality.fct_data_quality__flagged_records where record_type = 'erasure_request'"
    ).fetchall())
    assert flagged == {"erasure_request_matches_nobody": 2}
