"""Faults: a build killed mid-run, then re-run, ends with exactly the marts of an uninterrupted build (the same
for an incremental build: test_incremental.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from conftest import AS_OF, BIN_DIR, PROJECT_DIR
from test_marts import mart_snapshot


def test_sigkill_mid_build_then_rerun_gives_the_same_marts(built_warehouse, warehouse_copy, tmp_path):
    reference = mart_snapshot(built_warehouse.path)
    env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT_DIR), "SEGMENTS_DUCKDB_PATH": str(warehouse_copy)}
    command = [str(BIN_DIR / "dbt"), "build", "--full-refresh", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()}),
               "--project-dir", str(PROJECT_DIR), "--target-path", str(tmp_path / "target"),
               "--log-path", str(tmp_path / "logs")]
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    # kill it once it is building models (after seeds and the first tables), like an OOM killer would
    started = time.monotonic()
    seen = ""
    while time.monotonic() - started < 120:
        line = process.stdout.readline()
        seen += line
        # the first stored staging table: the event base models are incremental tables
        if "staging." in line and ("OK created sql table model" in line or "OK created sql incremental model" in line):
            break
        if process.poll() is not None:
            break
    assert process.poll() is None, "the build finished before it could be killed:\n" + seen[-2000:]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # a normal re-run of the same command completes and gives exactly the uninterrupted marts
    rerun = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    assert mart_snapshot(warehouse_copy) == reference
