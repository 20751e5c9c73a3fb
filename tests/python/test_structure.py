"""The layers, read from dbt's manifest (dbt parse): staging reads only base models and seeds (no stg_ model refs
another stg_ model), no mart reads a raw source, and cleaning facts stay out of marts (data quality reads no
segment mart)."""

from __future__ import annotations

import json

import pytest
from conftest import run_dbt

# The one source a mart may read: the reverse-ETL sink's own delivery state, which the project writes itself
# (models/marts/reverse_etl/_reverse_etl__sources.yml), not raw data.
PROJECT_WRITTEN_SOURCES = {"source.segments.reverse_etl.sync_state"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    workdir = tmp_path_factory.mktemp("structure")
    result = run_dbt(["parse"], workdir / "unused.duckdb", workdir)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((workdir / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def _name(key: str) -> str:
    return key.split(".")[-1]


def staging_models_reading_staging_models(manifest: dict) -> list[str]:
    return sorted(
        f"{node['name']} <- {_name(parent)}"
        for node in _models(manifest).values() if node["name"].startswith("stg_")
        for parent in node["depends_on"]["nodes"] if _name(parent).startswith("stg_")
    )


def marts_reading_sources(manifest: dict) -> list[str]:
    return sorted(
        f"{node['name']} <- {parent}"
        for node in _models(manifest).values() if node["original_file_path"].startswith("models/marts/")
        for parent in node["depends_on"]["nodes"]
        if parent.startswith("source.") and parent not in PROJECT_WRITTEN_SOURCES
    )


def test_no_staging_model_reads_another_staging_model(manifest):
    assert staging_models_reading_staging_models(manifest) == []


def test_no_mart_reads_a_raw_source(manifest):
    assert marts_reading_sources(manifest) == []


def test_data_quality_marts_read_no_segment_mart(manifest):
    reads = sorted(
        f"{node['name']} <- {_name(parent)}"
        for node in _models(manifest).values() if node["original_file_path"].startswith("models/marts/data_quality/")
        for parent in node["depends_on"]["nodes"] if _name(parent).startswith("seg_")
    )
    assert reads == []


def test_the_rules_name_the_offending_models():
    """The checks above report what breaks them: a manifest with one of each violation, by name."""
    def model(name, path, parents):
        return {"resource_type": "model", "name": name, "original_file_path": path, "depends_on": {"nodes": parents}}
    bad = {"nodes": {
        "model.segments.stg_a": model("stg_a", "models/staging/a/stg_a.sql", ["model.segments.stg_b", "seed.segments.s"]),
        "model.segments.stg_b": model("stg_b", "models/staging/a/stg_b.sql", ["model.segments.base_b"]),
        "model.segments.seg_x": model("seg_x", "models/marts/segments/seg_x.sql",
                                      ["source.segments.crm.contacts", "source.segments.reverse_etl.sync_state"]),
    }}
    assert staging_models_reading_staging_models(bad) == ["stg_a <- stg_b"]
    assert marts_reading_sources(bad) == ["seg_x <- source.segments.crm.contacts"]


ENGINE_PREFIXES = ("default__", "duckdb__", "postgres__", "spark__")


def test_macros_live_in_concern_folders_and_are_described(manifest):
    """macros/<concern>/ only (no macro file at the top of macros/), and every macro but an engine's
    implementation of a dispatched one has a description in its folder's _<folder>__macros.yml."""
    ours = [m for m in manifest["macros"].values() if m["package_name"] == "segments"
            and m["original_file_path"].startswith("macros/")]
    assert len(ours) > 100
    assert sorted({m["original_file_path"] for m in ours if m["original_file_path"].count("/") != 2}) == []
    undescribed = sorted(m["name"] for m in ours if not m["name"].startswith(ENGINE_PREFIXES) and not m["description"])
    assert undescribed == []
    # the descriptions name the macro's own file, so a moved macro cannot keep a stale YAML entry unnoticed
    stale = sorted(m["name"] for m in ours if m["description"]
                   and f"({m['original_file_path'].rsplit('/', 1)[-1]})" not in m["description"])
    assert stale == []
