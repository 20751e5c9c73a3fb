"""The RudderStack adapter (events_adapter: rudderstack) on RudderStack's warehouse schema (fixtures_rudderstack.py),
with the six people of fixtures_events_people.py as generic CRM contacts: each person's behavioral segment (the login counted is
RudderStack's `Signed In` by the adapter's default, no var set), device mix, primary browser and OS read from
context_user_agent alone, and the quarantine reasons of the quirky rows. One dbt build."""

from __future__ import annotations

import fixtures_events_people as people
import fixtures_rudderstack
import pytest


@pytest.fixture(scope="module")
def rudderstack_warehouse(tmp_path_factory):
    con = people.build(tmp_path_factory, "rudderstack", fixtures_rudderstack)
    yield con
    con.close()


def test_each_person_lands_in_the_expected_segments(rudderstack_warehouse):
    assert people.segments_by_person(rudderstack_warehouse) == people.EXPECTED


def test_quirky_rows_are_quarantined_with_their_reason(rudderstack_warehouse):
    reasons = rudderstack_warehouse.execute(
        "select reason, count(*) from staging.stg_product__tracks_quarantined group by reason order by reason"
    ).fetchall()
    assert reasons == [("duplicate_event", 1), ("unparseable_timestamp", 1)]
    identifies = rudderstack_warehouse.execute("select count(*) from staging.stg_product__identifies_quarantined").fetchone()
    assert identifies == (0,)
    # the page whose uuid_ts was never written is kept, with loaded_at as its load time
    loaded = rudderstack_warehouse.execute(
        "select loaded_at from staging.stg_product__pages where event_id = 'm001'").fetchall()
    assert [str(value) for (value,) in loaded] == ["2026-11-02 01:00:00"]


def test_the_value_property_is_read_and_an_unreadable_one_flagged(rudderstack_warehouse):
    assert people.values_by_event(rudderstack_warehouse) == people.EXPECTED_VALUES
