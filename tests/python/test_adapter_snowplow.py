"""The Snowplow adapter (events_adapter: snowplow) on atomic.events (fixtures_snowplow.py), with the six people of
fixtures_events_people.py as generic CRM contacts: each person's behavioral segment (logins are struct events with
se_action `login`, the adapter's default, no var set), device mix, primary browser and OS (from the user-agent
enrichment for p1, from useragent alone for the others), page views as pages and every other event as a track, the
identifies derived from events with a user_id, and the quarantine reasons of the quirky rows. One dbt build."""

from __future__ import annotations

import fixtures_events_people as people
import fixtures_snowplow
import pytest


@pytest.fixture(scope="module")
def snowplow_warehouse(tmp_path_factory):
    con = people.build(tmp_path_factory, "snowplow", fixtures_snowplow)
    yield con
    con.close()


def test_each_person_lands_in_the_expected_segments(snowplow_warehouse):
    assert people.segments_by_person(snowplow_warehouse) == people.EXPECTED


def test_quirky_rows_are_quarantined_with_their_reason(snowplow_warehouse):
    reasons = snowplow_warehouse.execute(
        "select reason, count(*) from staging.stg_product__tracks_quarantined group by reason order by reason"
    ).fetchall()
    assert reasons == [("missing_id", 1)]
    # the identify derived from that event has no id either
    identifies = snowplow_warehouse.execute(
        "select reason, count(*) from staging.stg_product__identifies_quarantined group by reason").fetchall()
    assert identifies == [("missing_id", 1)]


def test_page_views_are_pages_and_every_other_event_a_track(snowplow_warehouse):
    con = snowplow_warehouse
    raw = dict(con.execute(
        "select event = 'page_view', count(*) from atomic.events group by all").fetchall())
    pages = con.execute("select count(*) from staging.stg_product__pages").fetchone()[0]
    tracks = con.execute("select count(*) from staging.stg_product__tracks").fetchone()[0]
    assert (pages, tracks + 1) == (raw[True], raw[False])  # + the quarantined one without an id
    assert con.execute("select count(*) from staging.stg_product__tracks where event_name = 'page_ping'").fetchone() == (1,)
    # one derived identify per event with a user_id; the internal id's has no email
    derived = con.execute("select count(*), count(email) from staging.stg_product__identifies").fetchone()
    with_user = con.execute("select count(*) from atomic.events where user_id is not null").fetchone()[0]
    assert derived == (with_user - 1, with_user - 2)


def test_se_value_is_the_value(snowplow_warehouse):
    """se_value is a DOUBLE: only p1's number could land; p4's text was never a value here."""
    assert people.values_by_event(snowplow_warehouse) == people.EXPECTED_VALUES[:1]
