"""Publish the marts for BI readers: atomically, and only from a build that passed.

DuckDB lets one process write a database file, so BI tools do not read the working warehouse that dbt builds.
They read a separate, published file. Publishing copies every published table into a new file under a temporary
name, flushes it, and renames it over the published file: the rename is atomic, so a reader opening the file
sees either the previous complete publish or the new one, never a mix, and a reader already connected keeps its
snapshot. A run whose results show a failure, or whose Great Expectations validation did not pass (the record
`segments validate` writes), is never published: the last good publish stays in place.

Only a complete production build is trusted: run_results.json must come from `dbt build` with no --select or
--exclude (at most the production selector PRODUCTION_SELECTOR, or unit tests left out), and every node must have
succeeded. Any other dbt command (docs generate, test, run --select ...) writes the same file and is refused. A
publish that fails to write (a full disk) or is killed leaves only its temporary file, which the next publish removes.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .gates import check_release, record_published

PUBLISHED_SCHEMAS = ("marts", "data_quality", "reverse_etl")
# the exporter's own state stays with the working warehouse
SKIPPED = {("reverse_etl", "sync_state"), ("reverse_etl", "export_pending")}
PRODUCTION_SELECTOR = "daily_full"
OK_STATUSES = {"success", "pass", "warn", "no-op"}


class PublishRefused(Exception):
    """Nothing was published; the message says why."""


@dataclass
class PublishResult:
    path: Path
    tables: list[str]
    gates: object = None  # the gates' report (segments_warehouse/gates.py)


def check_run_results(path: str | Path) -> None:
    run_results = Path(path)
    if not run_results.exists():
        raise PublishRefused(f"{run_results} not found: publish only after a dbt run whose results can be checked")
    document = json.loads(run_results.read_text(encoding="utf-8"))
    args, results = document.get("args", {}), document["results"]
    command = args.get("invocation_command") or args.get("which") or "?"
    if args.get("which") != "build":
        raise PublishRefused(
            f"{run_results} is from `{command}`, not a `dbt build`: publish only after a complete build "
            "(`make build`, or `dbt build --selector daily_full`); the last good publish stays in place")
    narrowing = [f"--{name} {' '.join(args[name])}" for name in ("select", "exclude") if args.get(name)]
    if args.get("selector") not in (None, PRODUCTION_SELECTOR):
        narrowing.append(f"--selector {args['selector']}")
    if set(args.get("exclude_resource_types") or []) - {"unit_test"} or args.get("resource_types"):
        narrowing.append("--resource-type/--exclude-resource-type")
    if args.get("empty"):
        narrowing.append("--empty")
    if narrowing:
        raise PublishRefused(
            f"{run_results} is from a partial build ({', '.join(narrowing)}): publish only after a complete build "
            f"(no --select/--exclude; at most --selector {PRODUCTION_SELECTOR}); the last good publish stays in place")
    if not results:
        raise PublishRefused(f"{run_results} lists no node: publish only after a complete build")
    failed = [r["unique_id"] for r in results if r["status"] not in OK_STATUSES]
    if failed:
        raise PublishRefused(
            f"the last dbt run had {len(failed)} failed or skipped node(s) (first: {failed[0]}); the last good publish stays in place"
        )


def check_validation(record_path: str | Path, working: Path, run_results: str | Path | None) -> None:
    """The Great Expectations record must be a pass, for this warehouse file, after this very dbt run."""
    record_file = Path(record_path)
    if not record_file.exists():
        raise PublishRefused(f"{record_file} not found: run `segments validate` after the build; the last good publish stays in place")
    record = json.loads(record_file.read_text(encoding="utf-8"))
    if not record.get("success"):
        failed = record.get("failed") or [{}]
        raise PublishRefused(
            f"Great Expectations validation failed ({len(failed)} expectation(s), first: {failed[0].get('suite')}: "
            f"{failed[0].get('expectation')}); the last good publish stays in place"
        )
    if record.get("warehouse") != str(working.resolve()):
        raise PublishRefused(f"the validation record is for {record.get('warehouse')}, not {working.resolve()}: validate this warehouse")
    if run_results is not None:
        invocation = json.loads(Path(run_results).read_text(encoding="utf-8"))["metadata"].get("invocation_id")
        if record.get("dbt_invocation_id") != invocation:
            raise PublishRefused("the validation record is for another dbt run: run `segments validate` after this build")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish(working_path: str | Path, published_path: str | Path, run_results: str | Path | None = None,
            validation_record: str | Path | None = None, accept_change: str | None = None) -> PublishResult:
    """validation_record None skips the Great Expectations gate (library use only; the CLI always requires it)."""
    if run_results is not None:
        check_run_results(run_results)
    working, published = Path(working_path), Path(published_path)
    if not working.exists():
        raise PublishRefused(f"no working warehouse at {working}: run dbt build first")
    if validation_record is not None:
        check_validation(validation_record, working, run_results)
    gates = check_release(working, "publish", run_results, accept_change)  # raises GatesBlocked: nothing published
    published.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(published)
    temporary = published.with_name(f".{published.name}.{os.getpid()}.partial")
    temporary.unlink(missing_ok=True)
    try:
        return _publish(working, published, temporary, gates)
    except (OSError, duckdb.IOException) as error:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
        full = isinstance(error, OSError) and error.errno == errno.ENOSPC or "No space left" in str(error)
        cause = "the disk is full" if full else str(error).splitlines()[0]
        raise PublishRefused(f"could not write {published} ({cause}); nothing was published, the last good publish "
                             "stays in place") from None


def remove_stale_partials(published: Path) -> list[Path]:
    """The temporary files of publishes that were killed or ran out of disk (their process is gone)."""
    removed = []
    for leftover in published.parent.glob(f".{published.name}.*.partial*"):
        pid = leftover.name[len(published.name) + 2:].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _publish(working: Path, published: Path, temporary: Path, gates) -> PublishResult:
    con = duckdb.connect()
    try:
        try:
            con.execute(f"attach '{str(working).replace(chr(39), chr(39) * 2)}' as work (read_only)")
        except duckdb.IOException as error:
            raise PublishRefused(f"{working} is in use by another process, e.g. a dbt build that is still running "
                                 f"({str(error).splitlines()[0][:200]}): publish when it has finished") from None
        schemas = ", ".join(f"'{s}'" for s in PUBLISHED_SCHEMAS)
        tables = [
            (schema, table)
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables "
                f"where table_catalog = 'work' and table_schema in ({schemas}) and table_type = 'BASE TABLE' order by 1, 2"
            ).fetchall()
            if (schema, table) not in SKIPPED
        ]
        if not any(schema == "marts" for schema, _ in tables):
            raise PublishRefused(f"{working} has no marts: run dbt build first")
        con.execute(f"attach '{str(temporary).replace(chr(39), chr(39) * 2)}' as pub")
        for schema in sorted({schema for schema, _ in tables}):
            con.execute(f"create schema pub.{_quote(schema)}")
        for schema, table in tables:
            con.execute(f"create table pub.{_quote(schema)}.{_quote(table)} as select * from work.{_quote(schema)}.{_quote(table)}")
        as_of = con.execute("select max(as_of_date) from work.marts.dim_contact_segments").fetchone()[0]
        con.execute("create table pub.main.publish_info (published_at timestamp, as_of_date date, tables integer)")
        con.execute("insert into pub.main.publish_info values (?, ?, ?)",
                    [dt.datetime.now(dt.UTC).replace(tzinfo=None), as_of, len(tables)])
        con.execute("detach pub")
    except BaseException:
        con.close()
        temporary.unlink(missing_ok=True)
        raise
    con.close()
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    record_published(working, gates)
    return PublishResult(published, [f"{schema}.{table}" for schema, table in tables], gates)
