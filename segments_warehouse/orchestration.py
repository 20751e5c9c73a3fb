"""Dagster definitions: the dbt project as assets (its data tests as asset checks), then Great Expectations
validation, the atomic publish for BI, the CRM import file and the HubSpot sync as downstream assets.

    make orchestrate        # the Dagster UI on http://127.0.0.1:3000 (dagster dev -m segments_warehouse.orchestration)

Jobs and schedules (docs/operations.md, "Running it in an orchestrator"):
- `daily`: partitioned by as_of_date (one partition per day, the day's key is the var as_of_date): `dbt build
  --selector daily_full`, then validate, publish, export and, when HUBSPOT_ACCESS_TOKEN (SALESFORCE_ACCESS_TOKEN)
  is set where Dagster runs, the HubSpot (Salesforce) sync. Scheduled at 02:00 UTC for the day before (the last complete UTC day).
- `hourly_incremental`: the dbt models of selector hourly_incremental (the incremental event models and what they
  feed), every hour at :15, for the as_of_date of the last daily run (yesterday); no publish (BI keeps the last
  daily publish).
A failed dbt test fails the dbt step, so nothing downstream runs: a wrong build is never validated, published,
exported or synced. Validation failing, or the release gates blocking, fails that asset the same way.

Paths come from the environment, as for the CLI: SEGMENTS_DUCKDB_PATH (the working warehouse),
SEGMENTS_PUBLISHED_PATH (the file BI reads), SEGMENTS_EXPORT_DIR (the CRM import files, default warehouse/exports),
SEGMENTS_DBT_VARS (JSON, more dbt vars for every run, e.g. rule thresholds), SEGMENTS_PROJECT_DIR (the dbt
project, default the checkout this package is installed from), SEGMENTS_DAGSTER_RUNS_DIR (each date's dbt run
results and validation record, default target/dagster/runs).
"""

# no `from __future__ import annotations`: Dagster reads the context parameter's annotation at definition time
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    DailyPartitionsDefinition,
    Definitions,
    Failure,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    asset,
    build_schedule_from_partitioned_job,
    define_asset_job,
    schedule,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.dbt_manifest_asset_selection import DbtManifestAssetSelection

PROJECT_DIR = Path(os.environ.get("SEGMENTS_PROJECT_DIR") or Path(__file__).resolve().parents[1])
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
# its own target path: the manifest Dagster reads is parsed once, and each partition's run results stay apart
TARGET = "target/dagster"
DAILY = DailyPartitionsDefinition(start_date="2026-01-01", timezone="UTC", end_offset=0)


def _duckdb_path() -> str:
    return os.environ.get("SEGMENTS_DUCKDB_PATH", str(PROJECT_DIR / "warehouse" / "segments.duckdb"))


def _run_dir(context: AssetExecutionContext) -> Path:
    """Each job's and date's dbt run results, validation record and Data Docs (SEGMENTS_DAGSTER_RUNS_DIR moves
    them): the hourly job's partial build never replaces the run results the daily job's publish checks."""
    root = Path(os.environ.get("SEGMENTS_DAGSTER_RUNS_DIR") or PROJECT_DIR / TARGET / "runs")
    return root / context.run.job_name / context.partition_key


def _user_vars() -> dict:
    raw = os.environ.get("SEGMENTS_DBT_VARS") or "{}"
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise Failure(f"SEGMENTS_DBT_VARS is not JSON ({error}): {raw[:200]}") from None
    if not isinstance(value, dict):
        raise Failure(f"SEGMENTS_DBT_VARS must be a JSON object of dbt vars, not {raw[:200]}")
    return value


# what dbt parses (dbt_project.yml's paths; tests/contracts and tests/python are in .dbtignore)
PROJECT_FILES = ("models", "macros", "seeds", "snapshots", "segments", "tests/generic", "dbt_project.yml",
                 "selectors.yml", "segment_registry.lock.yml")


def _project_changed_since(stamp: float) -> bool:
    for name in PROJECT_FILES:
        path = PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        if any(f.stat().st_mtime > stamp for f in files):
            return True
    return any(f.stat().st_mtime > stamp for f in (PROJECT_DIR / "tests").glob("*.sql"))


project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR, target_path=Path(TARGET))
if not project.manifest_path.exists() or _project_changed_since(project.manifest_path.stat().st_mtime):
    # the asset graph is read from the manifest at load time: parse again whenever the project changed (a stale
    # manifest would miss a new test or model); no warehouse needed, seconds with dbt's partial parse
    parsed = subprocess.run([DBT_EXECUTABLE, "parse", "--target-path", TARGET], cwd=PROJECT_DIR, capture_output=True,
                            text=True, env={**os.environ, "DBT_PROFILES_DIR": str(PROJECT_DIR)})
    if parsed.returncode != 0:
        raise RuntimeError(f"dbt parse failed in {PROJECT_DIR}, so Dagster has no asset graph: "
                           f"{(parsed.stdout + parsed.stderr)[-2000:]}")


# one run per date: every asset body reads its one as_of_date
ONE_DATE_A_RUN = BackfillPolicy.multi_run(max_partitions_per_run=1)
# every step writes or reads the one DuckDB file, which one process may write at a time: the instance's pool limit
# for POOL (make orchestrate writes 1 into warehouse/dagster/dagster.yaml) queues the daily and hourly runs' steps
POOL = "segments_warehouse"


@dbt_assets(manifest=project.manifest_path, project=project, select="", selector="daily_full", partitions_def=DAILY,
            backfill_policy=ONE_DATE_A_RUN, name="warehouse_dbt", pool=POOL)
def warehouse_dbt(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build --selector daily_full` for the partition's as_of_date (a subset: the selected models only)."""
    as_of = context.partition_key
    run_dir = _run_dir(context)
    run_dir.mkdir(parents=True, exist_ok=True)
    args = ["build", "--vars", json.dumps({**_user_vars(), "as_of_date": as_of})]
    yield from dbt.cli(args, context=context, target_path=run_dir).stream()


@asset(deps=[warehouse_dbt], partitions_def=DAILY, backfill_policy=ONE_DATE_A_RUN, pool=POOL, group_name="release")
def validation(context: AssetExecutionContext) -> MaterializeResult:
    """Great Expectations on the built marts (segments validate); any failed expectation fails this asset."""
    from .validate import ValidationError, validate, write_record

    run_dir = _run_dir(context)
    record = run_dir / "validation_results.json"
    record.unlink(missing_ok=True)
    try:
        report = validate(_duckdb_path(), run_dir / "gx", PROJECT_DIR)
    except ValidationError as error:
        raise Failure(str(error)) from None
    write_record(report, record, _duckdb_path(), run_dir / "run_results.json")
    if not report.success:
        raise Failure(f"{len(report.failures)} of {len(report.outcomes)} expectations failed",
                      metadata={"failed": MetadataValue.md("\n".join(
                          f"- {o.suite}: {o.expectation} {o.column or ''}: {o.observed}" for o in report.failures))})
    return MaterializeResult(metadata={"expectations": len(report.outcomes), "seconds": report.seconds})


@asset(deps=[validation], partitions_def=DAILY, backfill_policy=ONE_DATE_A_RUN, pool=POOL, group_name="release")
def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    """The marts copied atomically to the file BI reads (segments publish), after the gates."""
    from .gates import GateError, GatesBlocked
    from .publish import PublishRefused, publish

    run_dir = _run_dir(context)
    target = os.environ.get("SEGMENTS_PUBLISHED_PATH", str(PROJECT_DIR / "warehouse" / "published" / "segments.duckdb"))
    try:
        result = publish(_duckdb_path(), target, run_dir / "run_results.json", run_dir / "validation_results.json")
    except (GatesBlocked, PublishRefused, GateError) as error:
        raise Failure(f"not published: {error}") from None
    return MaterializeResult(metadata={"path": str(result.path), "tables": len(result.tables)})


@asset(deps=[published_warehouse], partitions_def=DAILY, backfill_policy=ONE_DATE_A_RUN, pool=POOL, group_name="crm")
def crm_export_file(context: AssetExecutionContext) -> MaterializeResult:
    """The contacts whose segment properties changed, as a CRM import file (segments export), each row once."""
    from .export import ExportError, export_changes
    from .gates import GateError, GatesBlocked

    out = os.environ.get("SEGMENTS_EXPORT_DIR", str(PROJECT_DIR / "warehouse" / "exports"))
    try:
        result = export_changes(_duckdb_path(), out, "hubspot", _run_dir(context) / "run_results.json")
    except (GatesBlocked, ExportError, GateError) as error:
        raise Failure(f"not exported: {error}") from None
    return MaterializeResult(metadata={"rows": result.rows, "file": str(result.path) if result.path else "nothing changed"})


def _sync(context: AssetExecutionContext, name: str) -> MaterializeResult:
    """segments sync --to NAME for the partition's daily run (the destination configured from the environment)."""
    from .crm_sync import SyncError, run_sync
    from .crm_sync.destinations import from_environment
    from .gates import GateError, GatesBlocked

    try:
        result = run_sync(_duckdb_path(), name, from_environment(name),
                          run_results=str(_run_dir(context) / "run_results.json"))
    except (GatesBlocked, SyncError, GateError) as error:
        raise Failure(f"not synced: {error}") from None
    metadata = {"confirmed": result.confirmed, "rejected": result.rejected, "held_back": result.held_back,
                "unconfirmed": result.unconfirmed, "requests": result.requests}
    if result.rejected:
        raise Failure(f"{name} rejected {result.rejected} contact(s): see reverse_etl.crm_sync_errors", metadata=metadata)
    return MaterializeResult(metadata=metadata)


@asset(deps=[published_warehouse], partitions_def=DAILY, backfill_policy=ONE_DATE_A_RUN, pool=POOL, group_name="crm")
def hubspot_sync(context: AssetExecutionContext) -> MaterializeResult:
    """The changed contacts sent to HubSpot through its API (segments sync --to hubspot, docs/crm_sync.md)."""
    return _sync(context, "hubspot")


@asset(deps=[published_warehouse], partitions_def=DAILY, backfill_policy=ONE_DATE_A_RUN, pool=POOL, group_name="crm")
def salesforce_sync(context: AssetExecutionContext) -> MaterializeResult:
    """The changed contacts upserted into Salesforce by Bulk API 2.0 jobs (segments sync --to salesforce)."""
    return _sync(context, "salesforce")


def _daily_selection():
    keys = [*warehouse_dbt.keys, validation.key, published_warehouse.key, crm_export_file.key]
    if os.environ.get("HUBSPOT_ACCESS_TOKEN"):
        keys.append(hubspot_sync.key)
    if os.environ.get("SALESFORCE_ACCESS_TOKEN"):
        keys.append(salesforce_sync.key)
    return keys


daily_job = define_asset_job("daily", selection=_daily_selection(), partitions_def=DAILY,
                             description="dbt build (selector daily_full), validate, publish, export, and the "
                                         "HubSpot / Salesforce sync when HUBSPOT_ACCESS_TOKEN / SALESFORCE_ACCESS_TOKEN "
                                         "is set")
hourly_job = define_asset_job("hourly_incremental", partitions_def=DAILY,
                              selection=DbtManifestAssetSelection.build(manifest=project.manifest_path, project=project,
                                                                        selector="hourly_incremental"),
                              description="the incremental event models and what they feed, for the date of the "
                                          "last daily run (yesterday)")

daily_schedule = build_schedule_from_partitioned_job(daily_job, hour_of_day=2, minute_of_hour=0)


@schedule(cron_schedule="15 * * * *", job=hourly_job, execution_timezone="UTC")
def hourly_schedule(context):
    """The hourly build keeps the as_of_date of the last daily build: yesterday (the last complete UTC day)."""
    day = (context.scheduled_execution_time.date() - dt.timedelta(days=1)).isoformat()
    return RunRequest(run_key=context.scheduled_execution_time.isoformat(), partition_key=day)


defs = Definitions(
    assets=[warehouse_dbt, validation, published_warehouse, crm_export_file, hubspot_sync, salesforce_sync],
    jobs=[daily_job, hourly_job],
    schedules=[daily_schedule, hourly_schedule],
    resources={"dbt": DbtCliResource(project_dir=project, profiles_dir=str(PROJECT_DIR), dbt_executable=DBT_EXECUTABLE)},
)
