"""Safe publishing: BI readers never see a half-built or failed build, and a failed run publishes nothing."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

import duckdb
from conftest import AS_OF, run_cli, run_dbt, run_validate
from test_marts import mart_snapshot

READER = textwrap.dedent("""
    import duckdb, json, sys, time
    import os
    path, stop_file = sys.argv[1], sys.argv[2]
    reads, errors, inconsistent, seen = 0, [], 0, set()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        stopping = os.path.exists(stop_file)  # one last read after the stop signal
        try:
            with duckdb.connect(path, read_only=True) as con:
                contacts = con.execute("select count(*) from marts.dim_contact_segments").fetchone()[0]
                summed = con.execute("select sum(entities) from marts.agg_segment_summary where segment_model = 'behavioral'").fetchone()[0]
                dates = con.execute("select distinct as_of_date from marts.seg_behavioral").fetchall()
                info = con.execute("select as_of_date from main.publish_info").fetchone()[0]
            reads += 1
            if contacts != summed or len(dates) != 1 or dates[0][0] != info:
                inconsistent += 1
            seen.add(str(info))
        except Exception as error:  # any error is a failure of the publishing design
            errors.append(repr(error)[:200])
        if stopping:
            break
        time.sleep(0.02)
    print(json.dumps({"reads": reads, "errors": errors, "inconsistent": inconsistent, "seen": sorted(seen)}))
""")


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(warehouse, published, run_results, workdir, validate=True, *extra):
    """Validate (Great Expectations) then publish, as `make demo` does."""
    if validate:
        validated, record = run_validate(warehouse, run_results, workdir)
        assert validated.returncode == 0, validated.stderr[-3000:]
    else:
        record = workdir / "validation_results.json"
    return run_cli(["publish", "--duckdb", str(warehouse), "--to", str(published), "--run-results", str(run_results),
                    "--validation", str(record), *extra])


def test_publish_copies_every_mart(built_warehouse, tmp_path):
    published = tmp_path / "published.duckdb"
    result = publish(built_warehouse.path, published, built_warehouse.workdir / "target" / "run_results.json", tmp_path)
    assert result.returncode == 0, result.stderr
    assert mart_snapshot(published) == mart_snapshot(built_warehouse.path)


def test_readers_see_only_complete_snapshots_during_a_rebuild(built_warehouse, warehouse_copy, tmp_path):
    published = tmp_path / "published.duckdb"
    first = publish(warehouse_copy, published, built_warehouse.workdir / "target" / "run_results.json", tmp_path)
    assert first.returncode == 0, first.stderr
    stop_file = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop_file)], stdout=subprocess.PIPE, text=True)
    # rebuild for another day while the reader reads, then publish it
    other_day = "2026-10-15"
    build = run_dbt(["build"], warehouse_copy, tmp_path, extra_env={"SEGMENTS_AS_OF_DATE": other_day})
    assert build.returncode == 0, build.stdout[-3000:]
    # 17 days earlier moves segments by more than the gates allow (at_risk nearly doubles): accepted, as a rewind is
    second = publish(warehouse_copy, published, tmp_path / "target" / "run_results.json", tmp_path, True,
                     "--accept-change", f"rewound to {other_day} on purpose")
    assert second.returncode == 0, second.stderr
    stop_file.touch()
    report = json.loads(reader.communicate(timeout=120)[0])
    assert report["errors"] == []
    assert report["inconsistent"] == 0
    assert report["reads"] > 50
    assert report["seen"] == sorted([AS_OF.isoformat(), other_day])  # the old snapshot, then the new one
    with duckdb.connect(str(published), read_only=True) as con:
        assert str(con.execute("select as_of_date from main.publish_info").fetchone()[0]) == other_day


def test_a_failed_run_publishes_nothing(built_warehouse, warehouse_copy, tmp_path):
    published = tmp_path / "published.duckdb"
    good = publish(warehouse_copy, published, built_warehouse.workdir / "target" / "run_results.json", tmp_path)
    assert good.returncode == 0, good.stderr
    before = digest(published)
    # a build broken on purpose: a mart whose test fails
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("update marts.seg_behavioral set behavioral_segment = 'vip' where contact_id = "
                    "(select min(contact_id) from marts.seg_behavioral)")
    failed = run_dbt(["test", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], warehouse_copy, tmp_path)
    assert failed.returncode != 0
    refused = publish(warehouse_copy, published, tmp_path / "target" / "run_results.json", tmp_path, validate=False)
    assert refused.returncode == 1
    assert "not published" in refused.stderr and "Traceback" not in refused.stderr
    assert digest(published) == before
