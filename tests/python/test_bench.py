"""The benchmark runs end to end at a tiny scale and reports every figure it promises."""

from __future__ import annotations

import json
import os

import pytest
import yaml
from conftest import PROJECT_DIR, run_cli

EARLIER_ROW = {  # a row measured by an earlier run, kept by --merge
    "contacts": 1000000, "raw_rows_total": 42000000, "generate_seconds": 70.0, "parse_seconds": 4.0,
    "build_seconds": 160.0, "layer_seconds": {"staging": 1.0}, "peak_rss_mib": 8000, "warehouse_mib": 5000.0,
    "build_ok": True, "measured_at": "2026-11-23T10:00:00+00:00", "commit": "abc1234",
    "behavioral_models_seconds": 60.0, "reference_query_seconds": 40.0, "behavioral_to_reference_ratio": 1.5,
    "appended_event_rows": 800000, "incremental_build_seconds": 130.0, "incremental_to_full_ratio": 0.81,
}


def test_bench_reports_every_figure(tmp_path):
    # One scale measured (each scale costs four builds, and one more with the custom segments); --merge is proven by
    # the two earlier rows: the one at the measured scale is replaced, the other (with no custom segments) kept.
    stale_row = {**EARLIER_ROW, "contacts": 300, "commit": "stale00"}
    (tmp_path / "bench.json").write_text(json.dumps({"scales": [stale_row, EARLIER_ROW]}))
    # the workdir relative to the folder the command runs in (as the default, warehouse/bench, is)
    result = run_cli(["bench", "--contacts", "300", "--repeats", "2", "--custom-segments", "5",
                      "--workdir", os.path.relpath(tmp_path / "work", PROJECT_DIR), "--json-out", str(tmp_path / "bench.json"),
                      "--markdown-out", str(tmp_path / "bench.md")])
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
    assert text.count("| 300 |") == 5, text  # full build, behavioral ratio, incremental, custom segments, user agents
    assert scale["failed"] == {}
    _assert_custom_segments(scale, tmp_path / "work" / "300", text)
    # user-agent parsing: one distinct user agent per 20 contacts, every one parsed
    agents = report["user_agents"]
    assert [(r["contacts"], r["distinct_user_agents"]) for r in agents] == [(300, 15)]
    assert all(r["seconds"] > 0 and len(r["samples"]) == 2 for r in agents)
    assert sum(agents[0]["device_types"].values()) == 15
    assert "| 300 | 15 |" in text


def _assert_custom_segments(scale: dict, workdir, text: str) -> None:
    """The build with 5 generated custom segments: built in the copy from the same raw data, every generated model
    built, the figures consistent, the checkout untouched."""
    from segments_warehouse.bench_custom import definitions, names

    custom = scale["custom_segments"]
    assert (custom["count"], custom["seed"], custom["segment_sets"], custom["models_built"]) == (5, 42, 1, 5)
    assert custom["build_seconds_without"] == scale["build_seconds"]
    assert custom["build_seconds_with"] > 0 and custom["parse_seconds_with"] > 0
    # from the unrounded seconds: within rounding of the rounded ones (no timing asserted: at 300 contacts the
    # machine's noise can make either build the faster)
    assert abs(custom["added_share"] - (custom["build_seconds_with"] / custom["build_seconds_without"] - 1)) < 0.01
    assert custom["target_held"] == (custom["added_share"] <= 0.2) and custom["target_share"] == 0.2
    assert custom["custom_models_seconds"] > 0 and custom["custom_tests_seconds"] > 0
    assert custom["node_seconds_with"] > 0 and custom["node_seconds_without"] > 0
    assert custom["nodes_with"] >= custom["nodes_without"] + 5 * 5  # each model and its four tests, at least
    # the copy holds the generated definitions, and its build ran each one's model with success
    generated = yaml.safe_load((workdir / "custom/project/segments/bench.yml").read_text())
    assert generated == definitions(5)
    results = json.loads((workdir / "custom/target/run_results.json").read_text())["results"]
    status = {r["unique_id"].split(".")[-1]: r["status"] for r in results if r["unique_id"].startswith("model.")}
    assert {name: status.get(f"seg_custom__{name}") for name in names(generated)} == dict.fromkeys(
        names(generated), "success")
    assert not any(name.startswith("seg_custom__bench_") for name in _model_names(workdir))
    assert not list((workdir / "custom").glob("bench.duckdb*"))  # removed with the others (no --keep-warehouses)
    # the checkout is not touched
    assert not (PROJECT_DIR / "segments/bench.yml").exists()
    assert not list((PROJECT_DIR / "models/marts/custom").glob("seg_custom__bench_*"))
    share = f"{custom['added_share']:+.1%}"
    assert f"| 300 | 5 (1) | {scale['build_seconds']} | {custom['build_seconds_with']} | {share} |" in text
    assert "## Custom segments" in text and text.count("| 1,000,000 |") == 3  # the earlier row has no custom row


def _model_names(workdir) -> set[str]:
    """The models of the build without the custom segments (the bench's own target folder)."""
    results = json.loads((workdir / "target/run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1] for r in results if r["unique_id"].startswith("model.")}


def test_generated_custom_segments_are_seeded_valid_and_distinct():
    """The bench's definitions: the same for a seed, other for another, each read by the package's definition
    reader (with the project's own definitions), distinct names, and every condition form in 50."""
    from segments_warehouse.bench_custom import check, definitions, names
    from segments_warehouse.custom import load_catalog
    from segments_warehouse.custom.definitions import read_definitions

    fifty = definitions(50)
    assert fifty == definitions(50) and fifty != definitions(50, seed=7)
    five = definitions(5)  # the test's: the start of the 50 (4 segments and the first set)
    assert (five["segments"], five["segment_sets"]) == (fifty["segments"][:4], fifty["segment_sets"][:1])
    assert len(names(fifty)) == len(set(names(fifty))) == 50
    sets = read_definitions({"bench.yml": fifty}, load_catalog(PROJECT_DIR))
    assert [s.name for s in sets] == names(fifty)
    assert sum(1 for s in sets if not s.lone and s.holdout_share and s.exclude is not None) == 2
    assert {s.entity for s in sets} == {"contact", "account"}
    written = json.dumps(fifty)
    for form in ('"all"', '"any"', '"not"', '"trait"', '"event"', '"where"', '"last_days"', '"days_ago"',
                 '"distinct"', '"sum"', '"days_since_last"', '"days_since_first"', '"did"', '"within_days"', '"percentile"',
                 '"within"', '"bottom"', '"segment": "bench_', '"in"', '"between"', '"account.'):
        assert form in written, form
    check(PROJECT_DIR, 500)  # the most the bench generates, with the project's own definitions: no name taken twice
    assert len(set(names(definitions(500)))) == 500


def test_bench_refuses_bad_custom_segment_counts(tmp_path):
    """Each a usage error before anything is generated: a negative count, more than the generator makes, custom
    segments without builds, and a project that has its own segments/bench.yml."""
    args = ["bench", "--contacts", "300", "--workdir", str(tmp_path / "work"), "--json-out", str(tmp_path / "b.json")]
    for extra, message in ((["--custom-segments", "-1"], "-1 is not in the range x>=0"),
                           (["--custom-segments", "501"], "the bench generates at most 500 custom segments"),
                           (["--custom-segments", "2", "--user-agents-only"], "not with --user-agents-only")):
        result = run_cli([*args, *extra])
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    from segments_warehouse.bench_custom import check

    (tmp_path / "project/segments").mkdir(parents=True)
    (tmp_path / "project/segments/bench.yml").write_text("version: 1\n")
    with pytest.raises(ValueError, match="segments/bench.yml exists"):
        check(tmp_path / "project", 5)
    assert not (tmp_path / "work").exists() and not (tmp_path / "b.json").exists()


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
