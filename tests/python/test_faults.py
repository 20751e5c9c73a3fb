"""Faults: a build killed mid-run, then re-run, ends with exactly the marts of an uninterrupted build."""

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


def test_sigkill_mid_incremental_build_then_normal_rerun_equals_a_clean_build(warehouse_copy, tmp_path):
    """After one more day of events, an incremental build killed when int_contacts__daily_activity starts (the
    event base models have stored the new day, the activity model has not), then re-run normally (no
    --full-refresh), gives exactly the marts and incremental models of an uninterrupted build."""
    import shutil

    from test_incremental import INCREMENTAL_MODELS, MART_SCHEMAS, NEXT_DAY, snapshot

    from segments_warehouse.generate import append_day

    append_day(str(warehouse_copy), NEXT_DAY, seed=7)
    clean = tmp_path / "clean.duckdb"
    shutil.copy(warehouse_copy, clean)
    vars_ = json.dumps({"as_of_date": NEXT_DAY.isoformat()})

    def command(path, workdir):
        env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT_DIR), "SEGMENTS_DUCKDB_PATH": str(path),
               "SEGMENTS_THREADS": "4", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        return [str(BIN_DIR / "dbt"), "build", "--vars", vars_, "--project-dir", str(PROJECT_DIR),
                "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")], env

    args, env = command(warehouse_copy, tmp_path / "killed")
    process = subprocess.Popen(args, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    started, seen = time.monotonic(), ""
    while time.monotonic() - started < 300:
        line = process.stdout.readline()
        seen += line
        if "START sql incremental model intermediate.int_contacts__daily_activity" in line or process.poll() is not None:
            break
    assert process.poll() is None, "the build finished before it could be killed:\n" + seen[-2000:]
    assert "OK created sql incremental model staging.base_product__tracks" in seen, seen[-3000:]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    args, env = command(warehouse_copy, tmp_path / "rerun")
    rerun = subprocess.run(args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    args, env = command(clean, tmp_path / "clean")
    reference = subprocess.run(args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert reference.returncode == 0, reference.stdout[-4000:]

    for schemas, tables in ((MART_SCHEMAS, None), (("staging", "intermediate"), set(INCREMENTAL_MODELS))):
        after_kill, uninterrupted = snapshot(warehouse_copy, schemas, tables), snapshot(clean, schemas, tables)
        assert after_kill.keys() == uninterrupted.keys()
        for name in uninterrupted:
            assert after_kill[name] == uninterrupted[name], f"{name} differs after the kill and the re-run"
