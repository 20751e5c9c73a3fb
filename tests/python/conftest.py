"""Shared fixtures: a small generated warehouse built once with dbt for the whole session."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
AS_OF = dt.date(2026, 11, 1)
# The name of the DuckDB file a test builds, each in its own folder (only parse-only runs use another). dbt's
# parse depends on the file's name (the database is named after it, and dbt keys its partial parse on the
# profile), so with one name every run with the same vars starts from the same cached parse (dbt_invocation)
# instead of parsing the whole project again.
WAREHOUSE_FILE = "warehouse.duckdb"

# With the spark extra installed (`make install-spark`), Great Expectations imports PySpark, whose Connect module
# exits the process when __main__ has neither a spec nor a file (it takes that for a doctest run): the case of a
# pytest-xdist worker. Naming the worker's __main__ keeps `segments validate` testable there.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"


# The test files that run no dbt build (the generator, the vocabularies, the manifest's structure, the user-agent
# rules compiled by dbt, the Spark loader, the segment registry): `make test-fast` runs them alone, in about a minute. Every other test
# is marked slow: it builds a warehouse end to end.
FAST_MODULES = {"test_generate", "test_custom_segments", "test_vocab", "test_structure", "test_user_agent_rules", "test_load_spark",
                "test_registry"}


# The test files that take longest (seconds of a 2-worker run, measured 2026-12-03), run first: pytest-xdist hands
# out whole files in collection order, so a long file started last would keep one worker busy while the other idles.
# The first needs the session's built warehouse (its worker builds it), the second does not (its worker does not
# wait for the build).
LONGEST_FIRST = ["test_publish", "test_bench", "test_incremental", "test_validate", "test_raw_shapes",
                 "test_registry_end_to_end", "test_hostile_input", "test_history", "test_adapter_stripe",
                 "test_bad_input", "test_gates", "test_crm_sync", "test_adapter_snowplow", "test_adapter_combined",
                 "test_user_agent_rules", "test_faults", "test_marts", "test_privacy", "test_adapter_segment",
                 "test_adapter_qualtrics", "test_docs", "test_adapter_rudderstack", "test_adapter_hubspot"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _module_name(item) not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_module_name(item), len(rank)))  # stable: a file's tests keep their order


def _module_name(item) -> str:
    return item.module.__name__.rsplit(".", 1)[-1]


@dataclass
class Warehouse:
    path: Path
    manifest: dict
    workdir: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()


def run_dbt(args: list[str], duckdb_path: Path, workdir: Path, extra_env: dict | None = None,
            unit_tests: bool = False) -> subprocess.CompletedProcess:
    """Run the dbt CLI of this venv against a given DuckDB file, keeping target/ and logs/ out of the repo."""
    command, env, cwd = dbt_invocation(args, duckdb_path, workdir, extra_env, unit_tests)
    result = DBT_LAUNCHER.run(command, env, cwd)
    keep_parse(command, duckdb_path, workdir, env)
    return result


class DbtLauncher:
    """Runs dbt commands through tests/python/dbt_fork_server.py: one process per pytest process that has
    imported dbt, forking a fresh child per command (the `dbt` console script's own entry point, argv,
    environment and folder), so no run pays dbt's import again. SEGMENTS_TEST_DBT_FORK=0 runs each command as
    a plain subprocess instead; so does a command that is not this venv's dbt."""

    def __init__(self):
        self._server = None

    def run(self, command: list[str], env: dict, cwd: Path) -> subprocess.CompletedProcess:
        if os.environ.get("SEGMENTS_TEST_DBT_FORK") == "0" or command[0] != str(BIN_DIR / "dbt"):
            return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        if self._server is None or self._server.poll() is not None:
            self._server = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("dbt_fork_server.py"))], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, cwd=PROJECT_DIR)
        with tempfile.TemporaryDirectory(prefix="dbt-run-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            request = {"args": command[1:], "env": env, "cwd": str(cwd), "stdout": str(out), "stderr": str(err)}
            self._server.stdin.write(json.dumps(request) + "\n")
            self._server.stdin.flush()
            answer = self._server.stdout.readline()
            assert answer, "tests/python/dbt_fork_server.py ended without answering"
            return subprocess.CompletedProcess(command, json.loads(answer)["returncode"],
                                               out.read_text(errors="replace"), err.read_text(errors="replace"))

    def close(self) -> None:
        if self._server is not None and self._server.poll() is None:
            self._server.stdin.close()
            try:
                self._server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()


DBT_LAUNCHER = DbtLauncher()


def dbt_invocation(args: list[str], duckdb_path: Path, workdir: Path, extra_env: dict | None = None,
                   unit_tests: bool = False) -> tuple[list[str], dict, Path]:
    """The command, environment and folder of a dbt run on a DuckDB file (run_dbt runs it; a test that kills a
    build starts it itself). Two savings, neither of which changes what a build computes:
    - the unit tests (fixed input rows; dbt takes only their column types from the upstream tables) run only where
      a test asks for them (`unit_tests=True`: the session's built warehouse, the README's all-text CSV path, and
      the builds of unusual raw shapes and hostile values); every other `build` leaves them out, unless its
      arguments already select or exclude unit tests;
    - dbt's parse is shared: dbt runs in the DuckDB file's folder with the file named relatively, so the profile
      is the same for every test using the same file name, and a test's first run starts from the partial-parse
      file an earlier run with the same vars left (dbt itself re-parses whatever its checks find changed).
    """
    duckdb_path = Path(duckdb_path).resolve()
    if args and args[0] == "build" and not unit_tests and not _names_unit_tests(args):
        args = [*args, "--exclude-resource-type", "unit_test"]
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SEGMENTS_DUCKDB_PATH": duckdb_path.name,
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
    parse_file = Path(workdir) / "target" / "partial_parse.msgpack"
    cached = _parse_cache_entry(command, duckdb_path, env)
    if cached is not None and cached.exists() and not parse_file.exists():
        parse_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, parse_file)
    return command, env, duckdb_path.parent


def _names_unit_tests(args: list[str]) -> bool:
    """The dbt arguments (the --vars value aside) already select or exclude unit tests."""
    rest = [arg for i, arg in enumerate(args) if i == 0 or args[i - 1] != "--vars"]
    return any("unit_test" in arg or "test_type:unit" in arg for arg in rest)


def run_dbt_until_killed(command: list[str], env: dict, cwd: Path, kill_at, seconds: float) -> str:
    """Start a dbt run (from dbt_invocation), read its output until kill_at(line) is true, then SIGKILL its whole
    process group, as an OOM killer would. The output seen; fails if the run ended before it could be killed."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    started, seen = time.monotonic(), ""
    while time.monotonic() - started < seconds:
        line = process.stdout.readline()
        seen += line
        if kill_at(line) or process.poll() is not None:
            break
    assert process.poll() is None, "the build finished before it could be killed:\n" + seen[-2000:]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return seen


def keep_parse(command: list[str], duckdb_path: Path, workdir: Path, env: dict) -> None:
    """After a dbt run: its partial-parse file becomes the cache entry of its vars, when there is none yet."""
    parse_file = Path(workdir) / "target" / "partial_parse.msgpack"
    cached = _parse_cache_entry(command, Path(duckdb_path).resolve(), env)
    if cached is not None and not cached.exists() and parse_file.exists():
        partial = cached.with_suffix(f".{os.getpid()}.partial")
        shutil.copyfile(parse_file, partial)
        partial.replace(cached)  # atomic: two pytest workers may write the same entry


def _parse_cache_entry(args: list[str], duckdb_path: Path, env: dict) -> Path | None:
    """Where a run with these vars, target and file name keeps its partial-parse file (None: no cache)."""
    folder = os.environ.get("SEGMENTS_TEST_PARSE_CACHE")
    if not folder:
        return None
    variables = args[args.index("--vars") + 1] if "--vars" in args else ""
    key = "|".join([variables, env.get("SEGMENTS_TARGET", ""), duckdb_path.name])
    return Path(folder) / (hashlib.sha1(key.encode()).hexdigest() + ".msgpack")


def pytest_configure(config):
    """One partial-parse cache for the whole session: made by the main process, inherited by pytest-xdist's workers."""
    if "PYTEST_XDIST_WORKER" not in os.environ and "SEGMENTS_TEST_PARSE_CACHE" not in os.environ:
        os.environ["SEGMENTS_TEST_PARSE_CACHE"] = tempfile.mkdtemp(prefix="segments-parse-cache-")
        config._segments_parse_cache = os.environ["SEGMENTS_TEST_PARSE_CACHE"]


def pytest_unconfigure(config):
    DBT_LAUNCHER.close()
    folder = getattr(config, "_segments_parse_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


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
def built_warehouse(tmp_path_factory, worker_id) -> Warehouse:
    """2,000 generated contacts, built with `dbt build` (every model, unit test and data test). Built once per
    session: under pytest-xdist the first worker to need it builds it in the session's shared folder (the others
    wait on a lock), and each worker reads its own copy, so no two processes ever open the same DuckDB file."""
    if worker_id == "master":
        return _build_warehouse(tmp_path_factory.mktemp("built"))
    shared = tmp_path_factory.getbasetemp().parent / "built"
    with FileLock(str(shared) + ".lock"):
        if not (shared / "built.ok").exists():
            shutil.rmtree(shared, ignore_errors=True)  # what a worker whose build failed left
            shared.mkdir()
            _build_warehouse(shared)
            (shared / "built.ok").touch()
    workdir = tmp_path_factory.mktemp("built")
    shutil.copy(shared / WAREHOUSE_FILE, workdir / WAREHOUSE_FILE)
    shutil.copy(shared / "manifest.json", workdir / "manifest.json")
    shutil.copytree(shared / "target", workdir / "target")
    return Warehouse(workdir / WAREHOUSE_FILE, json.loads((workdir / "manifest.json").read_text()), workdir)


def _build_warehouse(workdir: Path) -> Warehouse:
    from segments_warehouse.generate import generate

    path = workdir / WAREHOUSE_FILE
    manifest = generate(2_000, 7, AS_OF, duckdb_path=str(path), progress=False)
    (workdir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    result = run_dbt(["build", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], path, workdir, unit_tests=True)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}"
    return Warehouse(path, manifest, workdir)


def build_loader_warehouse(tmp_path_factory, name: str, write, variables: dict) -> Path:
    """A source-adapter build: `write(con)` lays a loader's raw tables into a new DuckDB file, then one `dbt build`
    with `variables` (which choose the adapters). Its unit tests are left out: they feed the generic adapter's
    models, which such a build does not have. The DuckDB file's path."""
    workdir = tmp_path_factory.mktemp(name)
    path = workdir / WAREHOUSE_FILE
    with duckdb.connect(str(path)) as con:
        write(con)
    result = run_dbt(["build", "--vars", json.dumps(variables)], path, workdir)
    assert result.returncode == 0, f"dbt build of {name} failed:\n{result.stdout[-8000:]}"
    return path


@pytest.fixture()
def warehouse_copy(built_warehouse, tmp_path) -> Path:
    """A private copy of the built warehouse that a test may damage."""
    copy = tmp_path / WAREHOUSE_FILE
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
