"""Faults: a build killed mid-run, then re-run, ends with exactly the marts of an uninterrupted build (the same
for an incremental build: test_incremental.py)."""

from __future__ import annotations

import json

from conftest import AS_OF, dbt_invocation, keep_parse, run_dbt, run_dbt_until_killed
from test_marts import mart_snapshot


def _first_stored_staging_table(line: str) -> bool:
    """The first stored staging table: the event base models are incremental tables."""
    return "staging." in line and ("OK created sql table model" in line or "OK created sql incremental model" in line)


def test_sigkill_mid_build_then_rerun_gives_the_same_marts(built_warehouse, warehouse_copy, tmp_path):
    reference = mart_snapshot(built_warehouse.path)
    args = ["build", "--full-refresh", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})]
    # kill it once it is building models (after seeds and the first tables)
    command, env, cwd = dbt_invocation(args, warehouse_copy, tmp_path, unit_tests=True)
    run_dbt_until_killed(command, env, cwd, _first_stored_staging_table, seconds=120)
    keep_parse(command, warehouse_copy, tmp_path, env)
    # a normal re-run of the same command completes and gives exactly the uninterrupted marts
    rerun = run_dbt(args, warehouse_copy, tmp_path, unit_tests=True)
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    assert mart_snapshot(warehouse_copy) == reference
