"""Known answers: a hand-written raw dataset where every contact's segment in every mart was worked out by hand
(tests/python/known_answers.py), built with `dbt build`, compared mart by mart."""

from __future__ import annotations

import json

import duckdb
import known_answers as ka
import pytest
from conftest import WAREHOUSE_FILE, run_dbt

MART_COLUMNS = [
    ("seg_behavioral", "behavioral_segment"), ("seg_value_based", "rfm_segment"), ("seg_value_based", "value_tier"),
    ("seg_psychographic", "nps_category"), ("seg_demographic", "age_band"), ("seg_geographic", "region"),
    ("seg_technographic", "device_mix"), ("seg_needs_based", "needs_segment"), ("seg_lifecycle", "lifecycle_stage"),
]


@pytest.fixture(scope="module")
def known_warehouse(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("known")
    path = workdir / WAREHOUSE_FILE
    ka.write(str(path))
    result = run_dbt(["build", "--vars", json.dumps({"as_of_date": ka.AS_OF})], path, workdir)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}"
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


@pytest.mark.parametrize(("position", "mart_column"), list(enumerate(MART_COLUMNS)), ids=[f"{m}.{c}" for m, c in MART_COLUMNS])
def test_every_contact_lands_in_its_expected_segment(known_warehouse, position, mart_column):
    mart, column = mart_column
    actual = dict(known_warehouse.execute(f"select contact_id, {column} from marts.{mart}").fetchall())
    expected = {contact: answers[position] for contact, answers in ka.EXPECTED_CONTACTS.items()}
    assert actual == expected


def test_accounts_land_in_their_expected_company_segment(known_warehouse):
    actual = {
        row[0]: (row[1], row[2])
        for row in known_warehouse.execute("select account_id, company_segment, employee_band from marts.seg_firmographic").fetchall()
    }
    assert actual == ka.EXPECTED_ACCOUNTS


def test_renewal_windows(known_warehouse):
    rows = known_warehouse.execute(
        "select l.contact_id, l.renewal_window, c.account_id from marts.seg_lifecycle as l "
        "join marts.dim_contact_segments as c using (contact_id)"
    ).fetchall()
    for contact, window, account in rows:
        assert window == ka.EXPECTED_RENEWAL[account], contact


def test_deleted_erased_and_future_contacts_are_in_no_mart(known_warehouse):
    for mart in {m for m, _ in MART_COLUMNS} | {"dim_contact_segments"}:
        ids = {r[0] for r in known_warehouse.execute(f"select contact_id from marts.{mart}").fetchall()}
        assert ids == set(ka.EXPECTED_CONTACTS), mart


def test_wide_long_and_summary_tell_the_same_truth(known_warehouse):
    wide = known_warehouse.execute(
        "select contact_id, behavioral_segment, rfm_segment, nps_category, age_band, region, device_mix, needs_segment, "
        "lifecycle_stage from marts.dim_contact_segments"
    ).fetchall()
    long = {
        (entity, model): segment
        for entity, model, segment in known_warehouse.execute(
            "select entity_id, segment_model, segment from marts.fct_segment_membership where entity_type = 'contact'"
        ).fetchall()
    }
    models = ["behavioral", "value_based", "psychographic", "demographic", "geographic", "technographic", "needs_based", "lifecycle"]
    for contact, *segments in wide:
        for model, segment in zip(models, segments, strict=True):
            assert long[(contact, model)] == segment
    summary = dict(
        known_warehouse.execute(
            "select segment, entities from marts.agg_segment_summary where segment_model = 'behavioral'"
        ).fetchall()
    )
    expected_counts: dict[str, int] = {}
    for answers in ka.EXPECTED_CONTACTS.values():
        expected_counts[answers[0]] = expected_counts.get(answers[0], 0) + 1
    assert summary == expected_counts
    value = dict(
        known_warehouse.execute(
            "select segment, net_revenue from marts.agg_segment_summary where segment_model = 'value_based'"
        ).fetchall()
    )
    assert value["champion"] == pytest.approx(500.0)
    assert value["loyal"] == pytest.approx(432.0)  # 4 x 100 EUR at 1.08
    assert value["hibernating"] == pytest.approx(100.0)  # c14's 100 plus c15's fully refunded 0
