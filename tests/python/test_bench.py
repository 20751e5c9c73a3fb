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
