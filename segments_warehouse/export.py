"""Export the reverse-ETL change feed as a CRM import file, then record it as synced: each row delivered once.

The order is what makes it exactly-once:
1. the rows and the file's final path are recorded in ``reverse_etl.export_pending`` (committed);
2. the file is written under a temporary name, flushed to disk, and renamed into place (atomic on one file system);
3. in one transaction, its rows go into ``reverse_etl.sync_state`` and its pending record is deleted.
Every run first reconciles what a killed run left: a pending file that exists was delivered (the kill came
between 2 and 3), so its rows are marked synced and not exported again; a pending file that does not exist was
never delivered, so its record is dropped and its rows are exported again. The temporary ``.partial`` files a kill
or a full disk leaves are removed. A warehouse in use by a running build, or a full disk, gives one message.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .gates import check_release

FORMATS = ("hubspot", "csv", "parquet")
CHANGES = "reverse_etl.rev_etl__crm_contacts_changes"
STATE = "reverse_etl.sync_state"
PENDING = "reverse_etl.export_pending"


class ExportError(Exception):
    """The export cannot run; the message says why."""


@dataclass
class ExportResult:
    rows: int
    path: Path | None
    reconciled: list[str] | None = None  # files a killed run delivered, now recorded as synced
    gates: object = None  # the gates' report (segments_warehouse/gates.py)


def _columns(con) -> list[str]:
    return [row[0] for row in con.execute(f"describe select * from {CHANGES}").fetchall()]


def _write_rows(path: Path, fmt: str, header: list[str], rows: list[tuple], con, exported_columns: list[str]) -> None:
    if fmt == "parquet":
        target = str(path).replace("'", "''")
        con.execute(f"copy (select {', '.join(exported_columns)} from {CHANGES} order by email) to '{target}' (format parquet)")
        return
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            _crash_point()
        handle.flush()
        os.fsync(handle.fileno())


def _crash_point(step: str = "row") -> None:
    """Test hooks: SEGMENTS_EXPORT_CRASH_AFTER_ROWS=n makes the export die after writing n rows;
    SEGMENTS_EXPORT_CRASH_AT=after_rename dies between the file's rename and the sync-state commit."""
    if step != "row":
        if os.environ.get("SEGMENTS_EXPORT_CRASH_AT") == step:
            os._exit(70)
        return
    limit = os.environ.get("SEGMENTS_EXPORT_CRASH_AFTER_ROWS")
    if limit is None:
        return
    _crash_point.count = getattr(_crash_point, "count", 0) + 1
    if _crash_point.count >= int(limit):
        os._exit(70)  # as abrupt as a killed process: no cleanup, no except blocks


def export_changes(duckdb_path: str, out_dir: str, fmt: str = "hubspot", run_results: str | None = None,
                   accept_change: str | None = None) -> ExportResult:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not Path(duckdb_path).exists():
        raise ExportError(f"no warehouse at {duckdb_path}: run `dbt build` first")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(duckdb_path)
    except duckdb.IOException as error:
        raise ExportError(f"{duckdb_path} is in use by another process, e.g. a dbt build that is still running "
                          f"({str(error).splitlines()[0][:200]}): export when it has finished") from None
    try:
        return _export(con, out, fmt, duckdb_path, run_results, accept_change)
    except OSError as error:
        cause = "the disk is full" if error.errno == errno.ENOSPC else str(error)
        raise ExportError(f"could not write the export file in {out} ({cause}); no row was marked synced, the next "
                          "run exports them") from None
    except duckdb.IOException as error:
        raise ExportError(f"could not write the export ({str(error).splitlines()[0][:200]}); no row was marked "
                          "synced, the next run exports them") from None
    finally:
        con.close()


def _reconcile(con, out: Path) -> list[str]:
    """Settle what a killed export left (see the module docstring); returns the files found delivered."""
    con.execute(f"create table if not exists {PENDING} (file_path varchar, email varchar, properties_hash varchar, "
                "recorded_at timestamp)")
    delivered = []
    for (file_path,) in con.execute(f"select distinct file_path from {PENDING} order by 1").fetchall():
        final = Path(file_path)
        con.execute("begin transaction")
        if final.exists():
            con.execute(f"delete from {STATE} where email in (select email from {PENDING} where file_path = ?)", [file_path])
            con.execute(f"insert into {STATE} select email, properties_hash, recorded_at, ? from {PENDING} "
                        "where file_path = ?", [final.name, file_path])
            delivered.append(file_path)
        con.execute(f"delete from {PENDING} where file_path = ?", [file_path])
        con.execute("commit")
        final.with_name(f".{final.name}.partial").unlink(missing_ok=True)
    for leftover in out.glob(".crm_contacts_*.partial"):  # the warehouse lock means no other export is writing
        leftover.unlink(missing_ok=True)
    return delivered


def _export(con, out: Path, fmt: str, duckdb_path: str, run_results, accept_change) -> ExportResult:
    try:
        columns = _columns(con)
    except duckdb.CatalogException as error:
        raise ExportError(f"the change feed {CHANGES} does not exist: run `dbt build` first ({str(error).splitlines()[0]})") from None
    reconciled = _reconcile(con, out)
    exported = [c for c in columns if c != "properties_hash"]
    rows = con.execute(f"select {', '.join(exported)}, properties_hash from {CHANGES} order by email").fetchall()
    if not rows:
        return ExportResult(0, None, reconciled)
    gates = check_release(duckdb_path, "export", run_results, accept_change)  # raises GatesBlocked: no file
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = "parquet" if fmt == "parquet" else "csv"
    final = out / f"crm_contacts_{fmt}_{stamp}.{suffix}"
    partial = out / f".{final.name}.partial"
    # HubSpot's contact import matches on a column named "Email"; properties by their internal names
    header = ["Email" if c == "email" and fmt == "hubspot" else c for c in exported]
    synced_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    file_path = str(final.resolve())
    con.execute("begin transaction")
    con.execute(f"insert into {PENDING} select ?, email, properties_hash, ?::timestamp from {CHANGES}",
                [file_path, synced_at])
    con.execute("commit")
    try:
        _write_rows(partial, fmt, header, [row[:-1] for row in rows], con, exported)
        os.replace(partial, final)
        _fsync_directory(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        con.execute(f"delete from {PENDING} where file_path = ?", [file_path])
        raise
    _crash_point("after_rename")
    con.execute("begin transaction")
    con.execute(f"delete from {STATE} where email in (select email from {PENDING} where file_path = ?)", [file_path])
    con.execute(f"insert into {STATE} select email, properties_hash, recorded_at, ? from {PENDING} "
                "where file_path = ?", [final.name, file_path])
    con.execute(f"delete from {PENDING} where file_path = ?", [file_path])
    con.execute("commit")
    return ExportResult(len(rows), final, reconciled, gates)


def _fsync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
