"""The Segment adapter (events_adapter: segment) on Segment's warehouse schema (fixtures_segment.py), with the six
people of fixtures_events_people.py as generic CRM contacts: each person's behavioral segment (the login counted is
Segment's `Signed In` by the adapter's default, no var set), device mix, primary browser and OS read from
context_user_agent alone, and the quarantine reasons of the quirky rows. One dbt build."""

from __future__ import annotations

import fixtures_events_people as people
import fixtures_segment
import pytest


@pytest.fixture(scope="module")
def segment_warehouse(tmp_path_factory):
    con = people.build(tmp_path_factory, "segment", fixtures_segment)
    yield con
    con.close()


def test_each_person_lands_in_the_expected_segments(segment_warehouse):
    assert people.segments_by_person(segment_warehouse) == people.EXPECTED


def test_quirky_rows_are_quarantined_with_their_reason(segment_warehouse):
    reasons = segment_warehouse.execute(
        "select reason, count(*) from staging.stg_product__tracks_quarantined group by reason order by reason"
    ).fetchall()
    assert reasons == [("duplicate_event", 1), ("missing_id", 1)]
    identifies = segment_warehouse.execute("select count(*) from staging.stg_product__identifies_quarantined").fetchone()
    assert identifies == (0,)


def test_the_value_property_is_read_and_an_unreadable_one_flagged(segment_warehouse):
    assert people.values_by_event(segment_warehouse) == people.EXPECTED_VALUES
