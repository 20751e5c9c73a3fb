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

import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.table import Table

from .gates import accept_change_option

# soft_wrap: messages are never broken across lines (logs and tests read them whole); tables get a wide
# canvas when written to a log instead of a terminal, so no column is truncated
console = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)

DEFAULT_DUCKDB_PATH = "warehouse/segments.duckdb"


def _duckdb_path_option(function):
    return click.option(
        "--duckdb",
        "duckdb_path",
        default=lambda: os.environ.get("SEGMENTS_DUCKDB_PATH", DEFAULT_DUCKDB_PATH),
        show_default=f"$SEGMENTS_DUCKDB_PATH or {DEFAULT_DUCKDB_PATH}",
        help="DuckDB warehouse file (the dbt profile reads the same variable).",
    )(function)


_project_dir_option = click.option(
    "--project-dir", default=".", show_default=True, type=click.Path(file_okay=False),
    help="The dbt project (its dbt_project.yml, segment registry and lock, and segments/*.yml).")
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout instead of tables.")


def _stdout() -> Console:
    """Tables a command answers with, on stdout; a wide canvas when it is not a terminal (logs, pipes)."""
    return Console(width=None if sys.stdout.isatty() else 200, soft_wrap=False)


def _print_json(document: dict) -> None:
    click.echo(json.dumps(document, indent=2, default=str))


def _table(title: str, *headings: str) -> Table:
    table = Table(title=title)
    for heading in headings:
        table.add_column(heading, overflow="fold")
    return table


def _fail(error: Exception) -> NoReturn:
    """A usage or input problem: one red line, exit code 2 (a failed check exits 1)."""
    console.print(f"[red]error:[/red] {error}")
    sys.exit(2)


def _today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class _Commands(click.Group):
    """`segments --help` lists each command with its whole first paragraph, wrapped, instead of click's 45
    characters cut off with '...'."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
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
@_duckdb_path_option
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

    as_of_date = as_of.date() if as_of else _today_utc()
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
@_duckdb_path_option
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
@_duckdb_path_option
@click.option("--project-dir", default=".", show_default=True, type=click.Path(file_okay=False), help="The dbt project.")
def load_command(source_dir, duckdb_path, project_dir) -> None:
    """Load your own raw CSV/Parquet files into the warehouse, checked against the raw-data contract."""
    from .load import ContractError, load_directory

    try:
        result = load_directory(source_dir, duckdb_path, project_dir)
    except (ContractError, FileNotFoundError) as error:
        _fail(error)
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
@_duckdb_path_option
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
        _fail(error)
    table = Table(title=f"Copied from {duckdb_path} to Postgres {settings.describe()}")
    table.add_column("raw table")
    table.add_column("columns", justify="right")
    table.add_column("rows", justify="right")
    for item in copied:
        table.add_row(item.table.qualified, str(item.columns), f"{item.rows:,}")
    console.print(table)
    console.print(f"{time.perf_counter() - started:.1f} s")


@main.command("load-spark")
@_duckdb_path_option
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
        _fail(error)
    table = Table(title=f"Written from {duckdb_path} to the Spark warehouse in {spark_dir()}")
    table.add_column("raw table")
    table.add_column("rows", justify="right")
    for item in loaded:
        table.add_row(item.qualified, f"{item.rows:,}")
    console.print(table)
    console.print(f"{time.perf_counter() - started:.1f} s")


@main.command("compare")
@_duckdb_path_option
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
        _fail(error)
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
@_duckdb_path_option
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
        _fail(error)
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
@_duckdb_path_option
def summary_command(run_results, duckdb_path) -> None:
    """Summarize the last dbt run: nodes by status, failures, slowest nodes, rows per published table.

    Exits 1 when anything failed, so an orchestrator can alert on it.
    """
    from .summary import summarize

    try:
        result = summarize(run_results, duckdb_path)
    except FileNotFoundError as error:
        _fail(error)
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
@_duckdb_path_option
@_project_dir_option
@click.option("--transitions", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="How many of the latest transitions to show.")
@_json_option
def explain_command(contact_id, duckdb_path, project_dir, transitions, as_json) -> None:
    """Every segment model's segment for one contact, and why, from the last build; then its latest transitions.

    Account models (firmographic) show the contact's account. Reads the built marts; builds nothing.
    """
    from .explain import ExplainError, explain_contact
    from .registry import RegistryError, load_registry

    try:
        result = explain_contact(duckdb_path, contact_id, load_registry(project_dir), transitions)
    except (ExplainError, RegistryError) as error:
        _fail(error)
    if as_json:
        return _print_json(result.as_dict())
    out = _stdout()
    account = f", account {result.account_id}" if result.account_id else ", no account"
    table = _table(f"Contact {result.contact_id}{account}: segments on {result.as_of_date}", "model", "of", "segment", "why")
    for m in result.memberships:
        table.add_row(m.segment_model, m.entity_type, m.segment, m.explanation)
    out.print(table)
    if result.transitions:
        history = _table("latest transitions", "date", "model", "change", "from", "to", "why")
        for t in result.transitions:
            history.add_row(str(t.transition_date), t.segment_model, t.transition_type, t.from_segment or "",
                            t.to_segment or "", t.explanation or "")
        out.print(history)


@main.command("preview")
@click.argument("name")
@_duckdb_path_option
@_project_dir_option
@click.option("--sample", default=5, show_default=True, type=click.IntRange(0, 1000),
              help="How many ids of each segment to show, with their explanation.")
@click.option("--sql", "show_sql", is_flag=True, help="Print the compiled SQL too (the JSON always has it).")
@_json_option
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
        _fail(error)
    if as_json:
        return _print_json(result.as_dict())
    out = _stdout()
    table = _table(f"{result.name}: {result.entities:,} {result.entity}s on {result.as_of_date}",
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
@_duckdb_path_option
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
        _fail(error)
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
@_duckdb_path_option
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


_TARGET_HELD = {True: "met", False: "not met", None: "not measured, a build failed"}


@main.command("bench")
@click.option("--contacts", "scales", default="10000,100000", show_default=True,
              help="Comma-separated numbers of contacts, e.g. 10000,100000,1000000.")
@click.option("--workdir", default="warehouse/bench", show_default=True, type=click.Path(file_okay=False))
@click.option("--json-out", default="docs/benchmarks.json", show_default=True, type=click.Path(dir_okay=False))
@click.option("--markdown-out", default="docs/benchmarks.md", show_default=True, type=click.Path(dir_okay=False))
@click.option("--project-dir", default=".", show_default=True, type=click.Path(file_okay=False))
@click.option("--merge/--no-merge", default=True, show_default=True,
              help="Keep the rows of other scales already in --json-out (each row says when and at which commit "
                   "it was measured), so one scale can be re-measured alone.")
@click.option("--keep-warehouses", is_flag=True, help="Keep each scale's DuckDB file (1M contacts: ~10-16 GB).")
@click.option("--repeats", default=3, show_default=True, type=click.IntRange(min=1),
              help="Runs of the behavioral models and of the reference query, in turns; the medians are reported.")
@click.option("--user-agents-only", is_flag=True,
              help="Measure only the user-agent parsing row for each --contacts (no generation, no build).")
@click.option("--custom-segments", default=0, show_default=True, type=click.IntRange(min=0),
              help="Also build each scale's data in a copy of the project with this many generated custom segments "
                   "(segments/bench.yml there) and report the added build time; 0: not measured.")
def bench_command(scales, workdir, json_out, markdown_out, project_dir, merge, keep_warehouses, repeats,
                  user_agents_only, custom_segments) -> None:
    """Generate, parse, build and query at each scale; print and write the figures (measured here)."""
    from . import bench_custom
    from .bench import commit, machine, markdown, run_scale, user_agent_parsing

    try:
        sizes = [int(part.replace("_", "")) for part in scales.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"not a list of numbers: {scales}", param_hint="--contacts") from None
    if custom_segments > bench_custom.MAX_SEGMENTS:
        raise click.BadParameter(f"{custom_segments}: the bench generates at most {bench_custom.MAX_SEGMENTS} custom "
                                 "segments", param_hint="--custom-segments")
    if custom_segments and user_agents_only:
        raise click.UsageError("--custom-segments measures builds: not with --user-agents-only")
    if custom_segments:  # the generated definitions checked against this project before anything is generated
        from .custom import CustomSegmentError
        from .registry import RegistryError

        try:
            bench_custom.check(Path(project_dir).resolve(), custom_segments)
        except (ValueError, CustomSegmentError, RegistryError) as error:
            raise click.BadParameter(str(error), param_hint="--custom-segments") from None
    as_of = _today_utc() - dt.timedelta(days=1)
    try:
        settings = machine()
    except ValueError as error:  # a bad SEGMENTS_DUCKDB_THREADS: said before anything is generated or built
        _fail(error)
    report = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": settings, "scales": []}
    earlier, earlier_agents = [], []
    if merge and Path(json_out).exists():
        try:
            previous = json.loads(Path(json_out).read_text(encoding="utf-8"))
            earlier = [r for r in previous.get("scales", [])
                       if "incremental_build_seconds" in r and (user_agents_only or r.get("contacts") not in sizes)]
            earlier_agents = [r for r in previous.get("user_agents", []) if r.get("contacts") not in sizes]
        except (ValueError, AttributeError):
            earlier, earlier_agents = [], []
    measured_commit = commit(Path(project_dir).resolve())
    # user-agent parsing first: the generated data has no user agents, so it is measured on its own (bench.py)
    agents_now = []
    for size in sizes:
        console.print(f"user-agent parsing for {size:,} contacts ...")
        agents_now.append(user_agent_parsing(size, Path(workdir) / "user_agents", Path(project_dir).resolve(),
                                             repeats=repeats, measured_commit=measured_commit))
        console.print(f"  {agents_now[-1]['distinct_user_agents']:,} distinct user agents: "
                      f"{agents_now[-1]['seconds']} s ({agents_now[-1]['ms_per_user_agent']} ms each)")
    report["user_agents"] = sorted([*earlier_agents, *agents_now], key=lambda r: r["contacts"])
    if user_agents_only:
        report["scales"] = earlier
        Path(json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(json_out).write_text(json.dumps(report, indent=2), encoding="utf-8")
        Path(markdown_out).write_text(markdown(report), encoding="utf-8")
        sys.exit(0)
    measured_now: list[dict] = []
    for size in sizes:
        console.print(f"benchmarking {size:,} contacts ...")
        measured = run_scale(size, Path(workdir) / str(size), Path(project_dir).resolve(), as_of,
                             measured_commit=measured_commit, repeats=repeats, custom_segments=custom_segments)
        if not keep_warehouses:
            for pattern in ("bench.duckdb*", "custom/bench.duckdb*"):
                for leftover in (Path(workdir) / str(size)).glob(pattern):
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        measured_now.append(measured)
        report["scales"] = sorted([*earlier, *measured_now], key=lambda r: r["contacts"])
        table = Table(title="benchmark (seconds unless said)")
        for column in ("contacts", "raw rows", "generate", "parse", "build", "incremental", "nothing new",
                       "behavioral", "reference", "ratio", "peak MiB", "file MiB", "ok"):
            table.add_column(column, justify="right")
        for r in report["scales"]:
            table.add_row(f"{r['contacts']:,}", f"{r['raw_rows_total']:,}", str(r["generate_seconds"]), str(r["parse_seconds"]),
                          str(r["build_seconds"]), str(r["incremental_build_seconds"]),
                          str(r.get("rebuild_nothing_new_seconds", "-")), str(r["behavioral_models_seconds"]),
                          str(r["reference_query_seconds"]), str(r["behavioral_to_reference_ratio"]),
                          f"{r['peak_rss_mib']:,}", str(r["warehouse_mib"]), str(r["build_ok"]))
        console.print(table)
        custom = measured.get("custom_segments")
        if custom:
            share = "-" if custom["added_share"] is None else f"{custom['added_share']:+.1%}"
            console.print(f"{size:,} contacts, {custom['count']} custom segments: build {custom['build_seconds_without']} "
                          f"s without, {custom['build_seconds_with']} s with ({share}; target "
                          f"{custom['target_share']:+.0%}: {_TARGET_HELD[custom['target_held']]}), the "
                          f"custom models {custom.get('custom_models_seconds', '-')} s and their tests "
                          f"{custom.get('custom_tests_seconds', '-')} s of node time")
        for step, nodes in measured.get("failed", {}).items():
            console.print(f"[red]{size:,} contacts, {step} failed:[/red] " + "; ".join(nodes[:10]))
        Path(json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(json_out).write_text(json.dumps(report, indent=2), encoding="utf-8")
        Path(markdown_out).write_text(markdown(report), encoding="utf-8")
    sys.exit(0 if all(r["build_ok"] for r in report["scales"]) else 1)


@main.group("registry", cls=_Commands)
def registry_group() -> None:
    """The segment registry (vars segment_registry in dbt_project.yml) and its reviewed lock of allowed values."""


@registry_group.command("show")
@_project_dir_option
def registry_show_command(project_dir) -> None:
    """Every segment model: its mart, entity, segment column and values, wide columns and CRM properties."""
    from .registry import RegistryError, load_registry

    try:
        models = load_registry(project_dir)
    except RegistryError as error:
        _fail(error)
    table = Table(title=f"Segment registry: {len(models)} models")
    for heading in ("segment_model", "mart", "entity", "segment column: values", "in dim_contact_segments", "to the CRM"):
        table.add_column(heading, overflow="fold")
    for model in models:
        wide = [column.name for column in model.columns if column.wide]
        table.add_row(model.name, model.mart, model.entity_type,
                      f"{model.segment_column}: {', '.join(model.column(model.segment_column).values)}",
                      ", ".join(wide), ", ".join(f"sw_{column.name}" for column in model.columns if column.crm))
    _stdout().print(table)  # stdout: a listing, not a message


@registry_group.command("check")
@_project_dir_option
def registry_check_command(project_dir) -> None:
    """Exit 1 when the registry and segment_registry.lock.yml differ, listing every difference, or when a mart's
    YAML lacks its segment or explanation column (2: malformed)."""
    from .registry import LOCK_FILE, RegistryError, load_registry, lock_differences, mart_problems, read_lock

    try:
        models = load_registry(project_dir)
        problems = lock_differences(models, read_lock(project_dir))
    except RegistryError as error:
        _fail(error)
    for problem in problems:
        console.print(f"[red]differs:[/red] {problem}")
    if problems:
        console.print(f"If the change is intended, run `segments registry lock` and commit dbt_project.yml and {LOCK_FILE}.")
    missing = mart_problems(models, project_dir)
    for problem in missing:
        console.print(f"[red]incomplete:[/red] {problem}")
    if problems or missing:
        sys.exit(1)
    console.print(f"[green]The segment registry and {LOCK_FILE} agree[/green] ({len(models)} models).")


@registry_group.command("lock")
@_project_dir_option
def registry_lock_command(project_dir) -> None:
    """Write segment_registry.lock.yml from the registry, printing what changed: review it and commit it."""
    from .registry import RegistryError, load_registry, lock_differences, read_lock, write_lock

    try:
        models = load_registry(project_dir)
        try:
            changes = lock_differences(models, read_lock(project_dir))
        except RegistryError:
            changes = ["a new lock"]
        path = write_lock(models, project_dir)
    except RegistryError as error:
        _fail(error)
    for change in changes:
        console.print(f"locked: {change}")
    console.print(f"{path}: {len(models)} models{'' if changes else ', unchanged'}.")


@registry_group.command("sync")
@_project_dir_option
@click.option("--check", is_flag=True, help="Change nothing: exit 1 when a generated file is missing or out of date.")
def registry_sync_command(project_dir, check) -> None:
    """Write the dbt YAML the registry generates (the wide table's and the CRM feeds' contracts, the BI exposure)."""
    from .registry import RegistryError, load_registry
    from .registry_files import stale_files, write_files

    try:
        models = load_registry(project_dir)
    except RegistryError as error:
        _fail(error)
    paths = stale_files(models, project_dir) if check else write_files(models, project_dir)
    _report_generated(paths, check, "segments registry sync", "The generated YAML is up to date[/green] with the "
                      "segment registry.")


def _report_generated(paths: list, check: bool, command: str, current: str) -> None:
    """What a generating command wrote, or with --check which files are stale (exit 1 when any is)."""
    if check:
        for path in paths:
            console.print(f"[red]out of date:[/red] {path}")
        if paths:
            console.print(f"Run `{command}` and commit the files it writes.")
            sys.exit(1)
        console.print(f"[green]{current}")
        return
    for path in paths:
        console.print(f"wrote {path}")
    console.print(f"{len(paths)} file(s) written; the others were up to date.")


@main.group("custom", cls=_Commands)
def custom_group() -> None:
    """Custom segments declared in segments/*.yml, compiled to dbt models (docs/custom_segments.md)."""


@custom_group.command("compile")
@_project_dir_option
@click.option("--check", is_flag=True, help="Change nothing: exit 1 when a generated file is missing or out of date.")
def custom_compile_command(project_dir, check) -> None:
    """Check every definition and write its model, its YAML and the registry entries (run by `make build`)."""
    from .custom import CustomSegmentError
    from .custom.files import compile_files
    from .registry import RegistryError

    try:
        paths = compile_files(project_dir, check=check)
    except (CustomSegmentError, RegistryError) as error:
        _fail(error)
    _report_generated(paths, check, "segments custom compile", "The generated custom segment models are up to "
                      "date[/green] with segments/*.yml.")


@custom_group.command("traits")
@_project_dir_option
@click.option("--entity", type=click.Choice(["contact", "account"]), default="contact", show_default=True)
def custom_traits_command(project_dir, entity) -> None:
    """The traits a custom segment of contacts (or accounts) may compare, with their types and operators."""
    from .custom import load_catalog
    from .custom.definitions import OPERATORS
    from .registry import RegistryError

    try:
        catalog = load_catalog(project_dir)
    except RegistryError as error:
        _fail(error)
    table = _table(f"Traits of {entity} segments", "trait", "also written", "type", "operators")
    for name, traits in sorted(catalog.traits[entity].items()):
        if "." in name and not name.startswith("account."):
            continue
        for trait in traits:
            qualified = trait.label if trait.label != name else ""
            table.add_row(name + (" (ambiguous)" if len(traits) > 1 else ""), qualified, trait.kind,
                          ", ".join(OPERATORS[trait.kind]))
    _stdout().print(table)


if __name__ == "__main__":
    main()
