"""The benchmark runs end to end at a tiny scale and reports every figure it promises."""

from __future__ import annotations

import json

from conftest import run_cli

EARLIER_ROW = {  # a row measured by an earlier run, kept by --merge
    "contacts": 1000000, "raw_rows_total": 42000000, "generate_seconds": 70.0, "parse_seconds": 4.0,
    "build_seconds": 160.0, "layer_seconds": {"staging": 1.0}, "peak_rss_mib": 8000, "warehouse_mib": 5000.0,
    "build_ok": True, "measured_at": "2026-11-23T10:00:00+00:00", "commit": "abc1234",
    "behavioral_models_seconds": 60.0, "reference_query_seconds": 40.0, "behavioral_to_reference_ratio": 1.5,
    "appended_event_rows": 800000, "incremental_build_seconds": 130.0, "incremental_to_full_ratio": 0.81,
}


def test_bench_reports_every_figure(tmp_path):
    # One scale measured (each scale costs four builds); --merge is proven by the two earlier rows: the one at the
    # measured scale is replaced, the other kept.
    stale_row = {**EARLIER_ROW, "contacts": 300, "commit": "stale00"}
    (tmp_path / "bench.json").write_text(json.dumps({"scales": [stale_row, EARLIER_ROW]}))
    result = run_cli(["bench", "--contacts", "300", "--repeats", "2", "--workdir", str(tmp_path / "work"),
                      "--json-out", str(tmp_path / "bench.json"), "--markdown-out", str(tmp_path / "bench.md")])
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    assert [r["contacts"] for r in report["scales"]] == [300, 1000000]  # each scale once, the earlier kept
    scale = report["scales"][0]
    assert scale["contacts"] == 300 and scale["build_ok"] and scale["commit"] != "stale00"
    assert report["scales"][1] == EARLIER_ROW
    assert len(scale["behavioral_models_samples"]) == len(scale["reference_query_samples"]) == 2
    for key in ("generate_seconds", "parse_seconds", "build_seconds", "behavioral_models_seconds",
                "reference_query_seconds", "incremental_build_seconds", "appended_event_rows", "peak_rss_mib",
                "warehouse_mib", "rebuild_nothing_new_seconds", "event_models_seconds_in_build",
                "event_models_seconds_incremental"):
        assert scale[key] > 0, key
    assert {"staging", "intermediate", "marts", "data tests"} <= set(scale["layer_seconds"])
    assert scale["raw_rows"]["product.tracks"] > 1000
    assert scale["reference_query_contacts"] > 0
    assert {"staging", "intermediate", "marts", "data tests"} <= set(scale["incremental_layer_seconds"])
    assert "unit tests" not in scale["layer_seconds"]  # the production job: unit tests run in CI
    text = (tmp_path / "bench.md").read_text()
    assert text.count("| 300 |") == 4, text  # full build, behavioral ratio, incremental, user agents
    assert scale["failed"] == {}
    # user-agent parsing: one distinct user agent per 20 contacts, every one parsed
    agents = report["user_agents"]
    assert [(r["contacts"], r["distinct_user_agents"]) for r in agents] == [(300, 15)]
    assert all(r["seconds"] > 0 and len(r["samples"]) == 2 for r in agents)
    assert sum(agents[0]["device_types"].values()) == 15
    assert "| 300 | 15 |" in text


def test_synthetic_user_agents_are_distinct_and_seeded():
    from segments_warehouse.bench import synthetic_user_agents

    agents = synthetic_user_agents(2_000)
    assert len(set(agents)) == 2_000 and agents == synthetic_user_agents(2_000)
    assert agents != synthetic_user_agents(2_000, seed=7)
    for token in ("iPhone", "iPad", "Android", "Windows NT", "Macintosh", "X11", "Googlebot", "Firefox/", "Edg/"):
        assert any(token in agent for agent in agents), token


def test_bench_names_what_failed():
    """A failed build is reported with the failing nodes, or dbt's last words when it wrote no results."""
    import subprocess

    from segments_warehouse.bench import _failed_nodes

    results = [
        {"unique_id": "model.segments.ok_model", "status": "success"},
        {"unique_id": "model.segments.broken_model", "status": "error"},
        {"unique_id": "test.segments.unique_x", "status": "fail"},
    ]
    failed_run = subprocess.CompletedProcess([], 1, stdout="...\nDone. ERROR=1\n", stderr="")
    assert _failed_nodes(failed_run, results) == ["model.segments.broken_model: error", "test.segments.unique_x: fail"]
    assert _failed_nodes(subprocess.CompletedProcess([], 0, "", ""), results) == []
    crashed = subprocess.CompletedProcess([], 2, stdout="Encountered an error:\nIO Error: No space left on device\n",
                                          stderr="")
    assert _failed_nodes(crashed, None) == [
        "dbt exited 2: Encountered an error: | IO Error: No space left on device"]


def test_bench_refuses_a_bad_thread_count_before_building(tmp_path):
    result = run_cli(["bench", "--contacts", "300", "--workdir", str(tmp_path / "work"),
                      "--json-out", str(tmp_path / "bench.json")], extra_env={"SEGMENTS_DUCKDB_THREADS": "two"})
    assert result.returncode == 2
    assert "SEGMENTS_DUCKDB_THREADS must be a whole number" in result.stderr
    assert not (tmp_path / "work").exists() and not (tmp_path / "bench.json").exists()
