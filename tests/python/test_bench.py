"""The benchmark runs end to end at a tiny scale and reports every figure it promises."""

from __future__ import annotations

import json

from conftest import run_cli


def test_bench_reports_every_figure(tmp_path):
    result = run_cli(["bench", "--contacts", "300", "--workdir", str(tmp_path / "work"),
                      "--json-out", str(tmp_path / "bench.json"), "--markdown-out", str(tmp_path / "bench.md")])
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    [scale] = report["scales"]
    assert scale["contacts"] == 300 and scale["build_ok"]
    for key in ("generate_seconds", "parse_seconds", "build_seconds", "behavioral_models_seconds",
                "reference_query_seconds", "incremental_build_seconds", "appended_event_rows", "peak_rss_mib",
                "warehouse_mib"):
        assert scale[key] > 0, key
    assert {"staging", "intermediate", "marts", "data tests"} <= set(scale["layer_seconds"])
    assert scale["raw_rows"]["product.tracks"] > 1000
    assert scale["reference_query_contacts"] > 0
    assert {"staging", "intermediate", "marts", "data tests"} <= set(scale["incremental_layer_seconds"])
    assert "unit tests" not in scale["layer_seconds"]  # the production job: unit tests run in CI
    text = (tmp_path / "bench.md").read_text()
    assert text.count("| 300 |") == 3, text  # full build, behavioral ratio, incremental
    assert scale["failed"] == {}


def test_bench_names_what_failed(tmp_path):
    """A failed build is reported with the failing nodes, or dbt's last words when it wrote no results."""
    import subprocess

    from segments_warehouse.bench import _failed_nodes

    results = tmp_path / "run_results.json"
    results.write_text(json.dumps({"results": [
        {"unique_id": "model.segments.ok_model", "status": "success"},
        {"unique_id": "model.segments.broken_model", "status": "error"},
        {"unique_id": "test.segments.unique_x", "status": "fail"},
    ]}))
    failed_run = subprocess.CompletedProcess([], 1, stdout="...\nDone. ERROR=1\n", stderr="")
    assert _failed_nodes(failed_run, results) == ["model.segments.broken_model: error", "test.segments.unique_x: fail"]
    assert _failed_nodes(subprocess.CompletedProcess([], 0, "", ""), results) == []
    results.unlink()
    crashed = subprocess.CompletedProcess([], 2, stdout="Encountered an error:\nIO Error: No space left on device\n",
                                          stderr="")
    assert _failed_nodes(crashed, results) == [
        "dbt exited 2: Encountered an error: | IO Error: No space left on device"]


def test_bench_refuses_a_bad_thread_count_before_building(tmp_path):
    result = run_cli(["bench", "--contacts", "300", "--workdir", str(tmp_path / "work"),
                      "--json-out", str(tmp_path / "bench.json")], extra_env={"SEGMENTS_DUCKDB_THREADS": "two"})
    assert result.returncode == 2
    assert "SEGMENTS_DUCKDB_THREADS must be a whole number" in result.stderr
    assert not (tmp_path / "work").exists() and not (tmp_path / "bench.json").exists()
