"""The marts on generated data: every segment populated, the same marts whatever the threads or how often they
are built, and vars on the command line change the segments."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from conftest import AS_OF, PROJECT_DIR, run_dbt

from segments_warehouse.registry import load_registry


def allowed_segments() -> dict[str, tuple[str, list[str]]]:
    """mart -> (segment column, allowed values), from the segment registry."""
    return {model.mart: (model.segment_column, list(model.column(model.segment_column).values))
            for model in load_registry(PROJECT_DIR)}


def mart_snapshot(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        return {table: con.execute(f"select * from marts.{table} order by all").fetchall() for table in tables}


def test_every_segment_of_every_model_is_populated(built_warehouse):
    # the nine built-in models (a custom segment may be empty on 2,000 contacts: pricing_curious_free is)
    allowed = {mart: spec for mart, spec in allowed_segments().items() if not mart.startswith("seg_custom__")}
    assert len(allowed) == 9
    for mart, (column, values) in allowed.items():
        present = {r[0] for r in built_warehouse.query(f"select distinct {column} from marts.{mart}")}
        assert present == set(values), (mart, set(values) - present)


def test_same_marts_with_one_thread_and_when_built_again(built_warehouse, warehouse_copy, tmp_path):
    before = mart_snapshot(built_warehouse.path)
    vars_ = json.dumps({"as_of_date": AS_OF.isoformat()})
    result = run_dbt(["run", "--threads", "1", "--vars", vars_], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    assert mart_snapshot(warehouse_copy) == before
    result = run_dbt(["run", "--threads", "4", "--vars", vars_], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    assert mart_snapshot(warehouse_copy) == before


def test_a_var_on_the_command_line_changes_the_segments(built_warehouse, warehouse_copy, tmp_path):
    vars_ = {"as_of_date": AS_OF.isoformat(), "power_user_min_logins_30d": 10}
    result = run_dbt(["run", "--select", "seg_behavioral", "--vars", json.dumps(vars_)], warehouse_copy, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    query = "select count(*) from marts.seg_behavioral where behavioral_segment = 'power_user'"
    before = built_warehouse.query(query)[0][0]
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        after = con.execute(query).fetchone()[0]
        misplaced = con.execute(
            "select count(*) from marts.seg_behavioral "
            "where (logins_30d >= 10 and core_events_30d >= 1) <> (behavioral_segment = 'power_user')"
        ).fetchone()[0]
    assert after > before
    assert misplaced == 0


def test_events_after_as_of_date_are_ignored(built_warehouse):
    """The generator writes events on the day after as_of_date; no metric may see them."""
    assert built_warehouse.query(
        f"select count(*) from staging.stg_product__tracks where occurred_at >= timestamp '{AS_OF.isoformat()}' + interval 1 day"
    )[0][0] > 0
    assert built_warehouse.query(
        f"select count(*) from marts.seg_behavioral where last_seen_at >= timestamp '{AS_OF.isoformat()}' + interval 1 day"
    )[0][0] == 0
