"""Shared fixtures: a small generated warehouse built once with dbt for the whole session."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
AS_OF = dt.date(2026, 11, 1)


# The test files that run no dbt build (the generator, the vocabularies, the manifest's structure, the user-agent
# rules compiled by dbt, the Spark loader): `make test-fast` runs them alone, in about a minute. Every other test
# is marked slow: it builds a warehouse end to end.
FAST_MODULES = {"test_generate", "test_vocab", "test_structure", "test_user_agent_rules", "test_load_spark"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)


@dataclass
class Warehouse:
    path: Path
    manifest: dict
    workdir: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()


def run_dbt(args: list[str], duckdb_path: Path, workdir: Path, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the dbt CLI of this venv against a given DuckDB file, keeping target/ and logs/ out of the repo."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SEGMENTS_DUCKDB_PATH": str(duckdb_path),
        "SEGMENTS_THREADS": "4",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    command = [
        str(BIN_DIR / "dbt"), *args,
        "--project-dir", str(PROJECT_DIR),
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
    ]
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def run_cli(args: list[str], extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(extra_env or {})}
    return subprocess.run([str(BIN_DIR / "segments"), *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def run_validate(duckdb_path: Path, run_results: Path, workdir: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """`segments validate` on a warehouse; returns the process and the path of the record publish checks."""
    record = workdir / "validation_results.json"
    result = run_cli(["validate", "--duckdb", str(duckdb_path), "--run-results", str(run_results),
                      "--record", str(record), "--docs-dir", str(workdir / "gx")])
    return result, record


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Warehouse:
    """2,000 generated contacts, built with `dbt build` (every model, unit test and data test)."""
    from segments_warehouse.generate import generate

    workdir = tmp_path_factory.mktemp("built")
    path = workdir / "warehouse.duckdb"
    manifest = generate(2_000, 7, AS_OF, duckdb_path=str(path), progress=False)
    (workdir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    result = run_dbt(["build", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], path, workdir)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}"
    return Warehouse(path, manifest, workdir)


@pytest.fixture()
def warehouse_copy(built_warehouse, tmp_path) -> Path:
    """A private copy of the built warehouse that a test may damage."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(built_warehouse.path, copy)
    return copy


@pytest.fixture(scope="module")
def local_postgres():
    """A throwaway PostgreSQL server (scripts/pg_local.sh), stopped after the module; skipped when not installed."""
    if not any(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL is not installed (make test-postgres installs it)")
    # one server per pytest-xdist worker (make test runs two): each its own data directory and free port
    workdir = PROJECT_DIR / "target" / f"pytest-pg-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    script = PROJECT_DIR / "scripts" / "pg_local.sh"
    started = subprocess.run([str(script), "start", str(workdir)], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    try:
        env = {}
        for line in (workdir / "env").read_text().splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = value
        from segments_warehouse.postgres import ConnectionSettings

        yield ConnectionSettings.from_env(env)
    finally:
        subprocess.run([str(script), "stop", str(workdir)], capture_output=True, text=True)
        shutil.rmtree(workdir, ignore_errors=True)
