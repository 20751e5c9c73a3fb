"""`segments`: the command line of the customer-segmentation warehouse.

    segments generate --contacts 10000 --seed 42 --as-of 2026-11-01     demo raw data into the DuckDB file
    segments generate --contacts 10000 --parquet-dir data/raw           ... or as Parquet files
    segments load --from DIR                                            your own CSV/Parquet files
    segments validate                                                   Great Expectations on the built marts
    segments explain CONTACT_ID                                         a contact's segments, and why
    segments preview NAME                                               a custom segment on the last build
    segments publish                                                    atomically publish for BI readers
    segments load-postgres                                              the raw tables, copied to Postgres
    segments compare --postgres                                         every mart: DuckDB vs Postgres, row by row
    segments load-spark                                                 the raw tables, into the local Spark warehouse
    segments compare --spark                                            every mart: DuckDB vs Spark, row by row
    segments export --to DIR --format hubspot                           changed segments as a CRM import file
    segments registry show | check | lock | sync                        the segment models, their locked values, their YAML
    segments custom compile [--check] | traits                          custom segments (segments/*.yml) to dbt models
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.table import Table

from .cli_bench import bench_command
from .cli_bi import bi_group
from .cli_common import (
    Commands,
    console,
    duckdb_path_option,
    fail,
    json_option,
    new_table,
    print_json,
    project_dir_option,
    stdout_console,
    today_utc,
)
from .cli_registry import custom_group, registry_group
from .cli_sync import sync_command
from .gates import accept_change_option


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
def main() -> None:
    """Customer-segmentation warehouse: generate or load raw data, then build it with dbt."""


@main.command()
@click.option("--contacts", type=click.IntRange(min=1), default=10_000, show_default=True, help="CRM contacts to generate.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed: same seed, same data.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last complete day of the data (YYYY-MM-DD). Default: today in UTC.",
)
@duckdb_path_option
@click.option(
    "--parquet-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write Parquet files under this folder (DIR/<raw schema>/<table>.parquet) instead of the DuckDB file.",
)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the manifest of row and dirt counts. Default: next to the output.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def generate(contacts, seed, as_of, duckdb_path, parquet_dir, manifest_path, quiet) -> None:
    """Generate realistic, dirty raw data (CRM, product events, surveys, erasure requests)."""
    from .generate import generate as run_generate

    as_of_date = as_of.date() if as_of else today_utc()
    if parquet_dir:
        target = {"parquet_dir": parquet_dir}
        default_manifest = Path(parquet_dir) / "manifest.json"
    else:
        Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
        target = {"duckdb_path": duckdb_path}
        default_manifest = Path(duckdb_path).with_suffix(".manifest.json")
    manifest = run_generate(contacts, seed, as_of_date, progress=not quiet, **target)
    manifest_file = Path(manifest_path) if manifest_path else default_manifest
    manifest_file.parent.mkdir(parents=True, exist_ok=True)
    manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")

    table = Table(title=f"Generated {contacts:,} contacts as of {as_of_date} (seed {seed})")
    table.add_column("raw table")
    table.add_column("rows", justify="right")
    table.add_column("to quarantine", justify="right")
    for name, info in sorted(manifest["tables"].items()):
        table.add_row(name, f"{info['rows']:,}", f"{sum(info.get('quarantined', {}).values()):,}")
    console.print(table)
    console.print(f"{manifest.get('seconds', 0):.1f} s; manifest: {manifest_file}")


@main.command("append-day")
@click.option("--day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The new last complete day (the next as_of_date), YYYY-MM-DD.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed: same seed, same rows.")
@duckdb_path_option
def append_day_command(day, seed, duckdb_path) -> None:
    """Append one more day of product events (new, late, duplicated, re-attributed) and an erasure request to
    the raw data in the DuckDB file, as a loader would land them.

    It builds nothing: run the incremental build next (`make build AS_OF=<day>`: the day is the new as_of_date)."""
    from .generate import append_day

    counts = append_day(duckdb_path, day.date(), seed)
    table = Table(title=f"Appended {day.date()} to {duckdb_path}")
    table.add_column("rows")
    table.add_column("added", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@main.command("load")
@click.option(
    "--from",
    "source_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder with DIR/<raw schema or source>/<table>.csv|parquet.",
)
@duckdb_path_option
@click.option("--project-dir", default=".", show_default=True, type=click.Path(file_okay=False), help="The dbt project.")
def load_command(source_dir, duckdb_path, project_dir) -> None:
    """Load your own raw CSV/Parquet files into the warehouse, checked against the raw-data contract."""
    from .load import ContractError, load_directory

    try:
        result = load_directory(source_dir, duckdb_path, project_dir)
    except (ContractError, FileNotFoundError) as error:
        fail(error)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    table = Table(title=f"Loaded into {duckdb_path}")
    table.add_column("raw table")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for item in result.tables:
        table.add_row(item.table.qualified, str(item.path), f"{item.rows:,}")
    console.print(table)


@main.command("load-postgres")
@duckdb_path_option
@click.option("--project-dir", default=".", show_default=True, type=click.Path(file_okay=False), help="The dbt project.")
@click.option("--schema", "schemas", multiple=True,
              help="Copy every table of this DuckDB schema as it is (a loader's tables, for a source adapter) instead "
                   "of the contract's raw tables. Repeatable.")
def load_postgres_command(duckdb_path, project_dir, schemas) -> None:
    """Copy every raw table from the DuckDB file into Postgres (COPY), for `dbt build --target postgres`.

    Connection from SEGMENTS_PG_HOST, SEGMENTS_PG_PORT, SEGMENTS_PG_USER, SEGMENTS_PG_PASSWORD,
    SEGMENTS_PG_DATABASE (the variables the dbt profile reads).
    """
    import time

    from .postgres import ConnectionSettings, PostgresError, load_postgres

    started = time.perf_counter()
    try:
        settings = ConnectionSettings.from_env()
        copied = load_postgres(duckdb_path, project_dir, settings, schemas=list(schemas) or None)
    except (PostgresError, FileNotFoundError) as error:
        fail(error)
    table = Table(title=f"Copied from {duckdb_path} to Postgres {settings.describe()}")
    table.add_column("raw table")
    table.add_column("columns", justify="right")
    table.add_column("rows", justify="right")
    for item in copied:
        table.add_row(item.table.qualified, str(item.columns), f"{item.rows:,}")
    console.print(table)
    console.print(f"{time.perf_counter() - started:.1f} s")


@main.command("load-spark")
@duckdb_path_option
@click.option("--project-dir", default=".", show_default=True, type=click.Path(file_okay=False), help="The dbt project.")
@click.option("--schema", "schemas", multiple=True,
              help="Write every table of this DuckDB schema as it is (a loader's tables, for a source adapter) instead "
                   "of the contract's raw tables. Repeatable.")
def load_spark_command(duckdb_path, project_dir, schemas) -> None:
    """Write every raw table from the DuckDB file into the local Spark warehouse, for `dbt build --target spark`.

    Through Parquet, in a PySpark process of its own that ends before dbt starts (Derby allows one process).
    Warehouse and metastore under SEGMENTS_SPARK_DIR (default target/spark), as the dbt profile.
    """
    import time

    from .spark import SparkError, load_spark, spark_dir

    started = time.perf_counter()
    try:
        loaded = load_spark(duckdb_path, project_dir, schemas=list(schemas) or None)
    except (SparkError, FileNotFoundError) as error:
        fail(error)
    table = Table(title=f"Written from {duckdb_path} to the Spark warehouse in {spark_dir()}")
    table.add_column("raw table")
    table.add_column("rows", justify="right")
    for item in loaded:
        table.add_row(item.qualified, f"{item.rows:,}")
    console.print(table)
    console.print(f"{time.perf_counter() - started:.1f} s")


@main.command("compare")
@duckdb_path_option
@click.option("--manifest", "manifest_path", default="target/manifest.json", show_default=True,
              type=click.Path(dir_okay=False), help="dbt manifest listing the marts (from either build).")
@click.option("--spark", "against_spark", is_flag=True,
              help="Compare with the local Spark build (SEGMENTS_SPARK_DIR) instead of Postgres.")
@click.option("--built-by", "run_results_path", type=click.Path(dir_okay=False),
              help="A run_results.json: compare every model and seed that run built (any schema), not only the marts.")
def compare_command(duckdb_path, manifest_path, against_spark, run_results_path) -> None:
    """Compare every mart (schemas marts, reverse_etl, data_quality) of the DuckDB build with the Postgres build,
    or with the Spark build (--spark); with --built-by, every model and seed a (selective) build made.

    Rows are compared as multisets, order-independent; doubles rounded to 9 significant digits, timestamps in UTC.
    Exits 1 on any difference. Postgres connection from the SEGMENTS_PG_* variables; with --spark, every mart is
    first written from the Spark warehouse to Parquet (SEGMENTS_SPARK_DIR/marts_parquet) and read from there.
    """
    from .compare import (
        FLOAT_DIGITS,
        CompareError,
        compare_duckdb_parquet,
        compare_duckdb_postgres,
        marts_from_manifest,
        relations_built_by,
    )
    from .postgres import ConnectionSettings, PostgresError

    noun = "relations" if run_results_path else "marts"
    try:
        marts = (relations_built_by(run_results_path, manifest_path) if run_results_path
                 else marts_from_manifest(manifest_path))
        if against_spark:
            from .spark import SparkError, export_marts, spark_dir

            label = "Spark"
            where = str(spark_dir())
            parquet_dir = spark_dir() / "marts_parquet"
            try:
                export_marts(marts, parquet_dir)
            except SparkError as error:
                raise CompareError(str(error)) from None
            except Exception as error:  # pyspark's AnalysisException and friends: one line is enough
                raise CompareError(f"cannot export the Spark marts: {str(error).splitlines()[0]}") from None
            results = compare_duckdb_parquet(duckdb_path, manifest_path, parquet_dir, label, marts)
        else:
            label = "Postgres"
            settings = ConnectionSettings.from_env()
            where = settings.describe()
            results = compare_duckdb_postgres(duckdb_path, manifest_path, settings, marts)
    except (CompareError, PostgresError) as error:
        fail(error)
    table = Table(title=f"{noun.capitalize()}: DuckDB {duckdb_path} vs {label} {where} "
                        f"(doubles to {FLOAT_DIGITS} significant digits)")
    table.add_column(noun[:-1])
    table.add_column("DuckDB rows", justify="right")
    table.add_column(f"{label} rows", justify="right")
    table.add_column("only DuckDB", justify="right")
    table.add_column(f"only {label}", justify="right")
    table.add_column("result")
    for result in results:
        verdict = "[green]identical[/green]" if result.ok else f"[red]{result.error or result.column_problem or 'DIFFERENT'}[/red]"
        table.add_row(result.mart.qualified, f"{result.left_rows:,}", f"{result.right_rows:,}",
                      f"{result.only_left:,}", f"{result.only_right:,}", verdict)
    console.print(table)
    for result in results:
        for side, samples in (("only in DuckDB", result.samples_left), (f"only in {label}", result.samples_right)):
            for row in samples:
                console.print(f"  {result.mart.qualified} {side}: {row!r}", highlight=False)
    different = [r for r in results if not r.ok]
    if different:
        console.print(f"[red]{len(different)} of {len(results)} {noun} differ between DuckDB and {label}[/red]")
        sys.exit(1)
    console.print(f"[green]all {len(results)} {noun} identical on DuckDB and {label}[/green]")


@main.command("export")
@click.option("--to", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder for the CRM import file.")
@click.option("--format", "fmt", type=click.Choice(["hubspot", "csv", "parquet"]), default="hubspot", show_default=True)
@duckdb_path_option
@click.option("--run-results", default="target/run_results.json", show_default=True,
              help="The dbt run being exported (its invocation id keys an --accept-change).")
@accept_change_option
def export_command(out_dir, fmt, duckdb_path, run_results, accept_change) -> None:
    """Export the contacts whose segment properties changed since the last export, then mark them synced.

    Blocked (exit 1, nothing written) when the gates find the build too far from the last published one."""
    from .export import ExportError, export_changes
    from .gates import GateError, GatesBlocked, print_blocked, print_passed

    try:
        result = export_changes(duckdb_path, out_dir, fmt, run_results, accept_change)
    except GatesBlocked as blocked:
        print_blocked(console, blocked, "not exported")
    except (ExportError, GateError) as error:
        fail(error)
    print_passed(console, result.gates, accept_change)
    for delivered in result.reconciled or []:
        console.print(f"{delivered} was delivered by an export that was stopped before recording it: its rows are now "
                      "marked synced and not exported again")
    if result.rows == 0:
        console.print("Nothing changed since the last export; no file written.")
    else:
        console.print(f"Exported {result.rows:,} changed contact(s) to {result.path}")


@main.command("summary")
@click.option("--run-results", default="target/run_results.json", show_default=True, type=click.Path(dir_okay=False))
@duckdb_path_option
def summary_command(run_results, duckdb_path) -> None:
    """Summarize the last dbt run: nodes by status, failures, slowest nodes, rows per published table.

    Exits 1 when anything failed, so an orchestrator can alert on it.
    """
    from .summary import summarize

    try:
        result = summarize(run_results, duckdb_path)
    except FileNotFoundError as error:
        fail(error)
    table = Table(title=f"{result.command}: {result.elapsed_seconds} s")
    table.add_column("resource")
    table.add_column("statuses")
    for kind, statuses in sorted(result.statuses.items()):
        table.add_row(kind, ", ".join(f"{status} {count}" for status, count in sorted(statuses.items())))
    console.print(table)
    if result.mart_rows:
        rows = Table(title="rows per published table")
        rows.add_column("table")
        rows.add_column("rows", justify="right")
        for name, count in result.mart_rows.items():
            rows.add_row(name, f"{count:,}")
        console.print(rows)
    console.print("slowest: " + ", ".join(f"{name.split('.')[-1]} {seconds:.1f} s" for name, seconds in result.slowest))
    for failure in result.failures:
        console.print(f"[red]failed:[/red] {failure}")
    sys.exit(0 if result.ok else 1)


@main.command("explain")
@click.argument("contact_id")
@duckdb_path_option
@project_dir_option
@click.option("--transitions", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="How many of the latest transitions to show.")
@json_option
def explain_command(contact_id, duckdb_path, project_dir, transitions, as_json) -> None:
    """Every segment model's segment for one contact, and why, from the last build; then its latest transitions.

    Account models (firmographic) show the contact's account. Reads the built marts; builds nothing.
    """
    from .explain import ExplainError, explain_contact
    from .registry import RegistryError, load_registry

    try:
        result = explain_contact(duckdb_path, contact_id, load_registry(project_dir), transitions)
    except (ExplainError, RegistryError) as error:
        fail(error)
    if as_json:
        return print_json(result.as_dict())
    out = stdout_console()
    account = f", account {result.account_id}" if result.account_id else ", no account"
    table = new_table(f"Contact {result.contact_id}{account}: segments on {result.as_of_date}", "model", "of", "segment", "why")
    for m in result.memberships:
        table.add_row(m.segment_model, m.entity_type, m.segment, m.explanation)
    out.print(table)
    if result.transitions:
        history = new_table("latest transitions", "date", "model", "change", "from", "to", "why")
        for t in result.transitions:
            history.add_row(str(t.transition_date), t.segment_model, t.transition_type, t.from_segment or "",
                            t.to_segment or "", t.explanation or "")
        out.print(history)


@main.command("preview")
@click.argument("name")
@duckdb_path_option
@project_dir_option
@click.option("--sample", default=5, show_default=True, type=click.IntRange(0, 1000),
              help="How many ids of each segment to show, with their explanation.")
@click.option("--sql", "show_sql", is_flag=True, help="Print the compiled SQL too (the JSON always has it).")
@json_option
def preview_command(name, duckdb_path, project_dir, sample, show_sql, as_json) -> None:
    """A custom segment as segments/*.yml defines it now, on the last build: size, share, sample ids and why.

    Builds nothing and writes nothing: the definition (edited or not yet compiled) runs read-only against the
    warehouse's built marts and events, for the date they were built for.
    """
    from .custom import CustomSegmentError
    from .preview import PreviewError, preview
    from .registry import RegistryError

    try:
        result = preview(name, project_dir, duckdb_path, sample)
    except (PreviewError, CustomSegmentError, RegistryError) as error:
        fail(error)
    if as_json:
        return print_json(result.as_dict())
    out = stdout_console()
    table = new_table(f"{result.name}: {result.entities:,} {result.entity}s on {result.as_of_date}",
                   "segment", "entities", "share", "sample: id, why")
    for size in result.sizes:
        table.add_row(size.segment, f"{size.entities:,}", f"{size.share:.1%}",
                      "\n".join(f"{key}: {why}" for key, why in size.sample))
    out.print(table)
    if result.built:
        out.print(f"{result.changed:,} {result.entity}(s) would change segment from the built model.")
    else:
        out.print("Not built yet: `segments custom compile`, then `make build`, to build it.")
    if show_sql:
        out.print(result.sql, markup=False, highlight=False)


@main.command("validate")
@duckdb_path_option
@click.option("--docs-dir", default="target/gx", show_default=True, type=click.Path(file_okay=False),
              help="Where GX keeps its run data and writes Data Docs (HTML).")
@click.option("--record", "record_path", default="target/validation_results.json", show_default=True,
              type=click.Path(dir_okay=False), help="The result record that `segments publish` requires.")
@click.option("--run-results", default="target/run_results.json", show_default=True, type=click.Path(dir_okay=False),
              help="The dbt run being validated (its invocation id goes into the record).")
@click.option("--project-dir", default=".", show_default=True, type=click.Path(file_okay=False))
def validate_command(duckdb_path, docs_dir, record_path, run_results, project_dir) -> None:
    """Validate the marts with Great Expectations (suites in segments_warehouse/validate.py).

    Prints a pass/fail table per suite and every failed expectation, writes GX Data Docs, and exits 1 when any
    expectation fails (2 when validation cannot run), so a scheduler stops before publishing.
    """
    from .validate import ValidationError, validate, write_record

    Path(record_path).unlink(missing_ok=True)  # a stale record must never vouch for this build
    try:
        report = validate(duckdb_path, docs_dir, project_dir)
    except ValidationError as error:
        fail(error)
    write_record(report, record_path, duckdb_path, run_results)
    table = Table(title=f"Great Expectations: {duckdb_path} as of {report.as_of_date}")
    table.add_column("suite")
    table.add_column("expectations", justify="right")
    table.add_column("failed", justify="right")
    table.add_column("result")
    suites: dict[str, list] = {}
    for outcome in report.outcomes:
        suites.setdefault(outcome.suite, []).append(outcome)
    for name, outcomes in suites.items():
        failed = sum(not o.success for o in outcomes)
        table.add_row(name, str(len(outcomes)), str(failed), "[red]FAIL[/red]" if failed else "[green]pass[/green]")
    console.print(table)
    for outcome in report.failures:
        console.print(f"[red]failed:[/red] {outcome.suite}: {outcome.expectation}"
                      f"{' on ' + outcome.column if outcome.column else ''}: {outcome.observed}")
    verdict = "passed" if report.success else f"FAILED ({len(report.failures)} of {len(report.outcomes)})"
    console.print(f"{len(report.outcomes)} expectations {verdict} in {report.seconds} s; Data Docs: {report.docs_index}")
    sys.exit(0 if report.success else 1)


@main.command("publish")
@duckdb_path_option
@click.option(
    "--to",
    "published_path",
    default=lambda: os.environ.get("SEGMENTS_PUBLISHED_PATH", "warehouse/published/segments.duckdb"),
    show_default="$SEGMENTS_PUBLISHED_PATH or warehouse/published/segments.duckdb",
    help="The file BI tools open (read-only).",
)
@click.option("--run-results", default="target/run_results.json", show_default=True,
              help="Publish only if this dbt run passed entirely.")
@click.option("--validation", "validation_record", default="target/validation_results.json", show_default=True,
              help="Publish only if `segments validate` passed on this warehouse after this dbt run.")
@accept_change_option
def publish_command(duckdb_path, published_path, run_results, validation_record, accept_change) -> None:
    """Atomically publish the marts to the file BI tools read, only after a fully green run and validation, and
    when the gates find the build close enough to the last published one."""
    from .gates import GateError, GatesBlocked, print_blocked, print_passed
    from .publish import PublishRefused, publish

    try:
        result = publish(duckdb_path, published_path, run_results, validation_record, accept_change)
    except GatesBlocked as blocked:
        print_blocked(console, blocked, "not published")
    except (PublishRefused, GateError) as error:
        console.print(f"[red]not published:[/red] {error}")
        sys.exit(1)
    print_passed(console, result.gates, accept_change)
    console.print(f"Published {len(result.tables)} tables to {result.path}")


main.add_command(bench_command)
main.add_command(registry_group)
main.add_command(custom_group)
main.add_command(sync_command)
main.add_command(bi_group)

if __name__ == "__main__":
    main()
