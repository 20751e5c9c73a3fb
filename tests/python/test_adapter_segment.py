"""The Segment adapter (events_adapter: segment) on Segment's warehouse schema (fixtures_segment.py), with the six
people of fixtures_events_people.py as generic CRM contacts: each person's behavioral segment (the login counted is
Segment's `Signed In` by the adapter's default, no var set), device mix, primary browser and OS read from
context_user_agent alone, and the quarantine reasons of the quirky rows. One dbt build."""

from __future__ import annotations

import json

import duckdb
import pytest

import fixtures_events_people as people
import fixtures_segment
from conftest import run_dbt


@pytest.fixture(scope="module")
def segment_warehouse(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("segment")
    path = workdir / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        people.write_generic_crm(con)
        fixtures_segment.write(con)
    variables = {"as_of_date": people.AS_OF, "events_adapter": "segment", "absent_raw_tables": people.ABSENT}
    result = run_dbt(["build", "--vars", json.dumps(variables)], path, workdir)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-8000:]}"
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def segments_by_person(con) -> dict:
    rows = con.execute(
        "select behavioral.contact_id, behavioral_segment, device_mix, primary_browser, primary_os "
        "from marts.seg_behavioral as behavioral "
        "join marts.seg_technographic as techno on behavioral.contact_id = techno.contact_id"
    ).fetchall()
    return {contact.removeprefix("c_"): tuple(values) for contact, *values in rows}


def test_each_person_lands_in_the_expected_segments(segment_warehouse):
    assert segments_by_person(segment_warehouse) == people.EXPECTED


def test_quirky_rows_are_quarantined_with_their_reason(segment_warehouse):
    reasons = segment_warehouse.execute(
        "select reason, count(*) from staging.stg_product__tracks_quarantined group by reason order by reason"
    ).fetchall()
    assert reasons == [("duplicate_event", 1), ("missing_id", 1)]
    identifies = segment_warehouse.execute("select count(*) from staging.stg_product__identifies_quarantined").fetchone()
    assert identifies == (0,)
