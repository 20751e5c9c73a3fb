"""Export the reverse-ETL change feed as a CRM import file, then record it as synced.

The order is what makes it safe: the file is written under a temporary name, flushed to disk, renamed into
place (atomic on one file system), and only then are its rows recorded in the warehouse's sync state, in one
transaction. A crash at any point before that leaves the sync state untouched, so the next run exports the same
rows again; nothing is marked synced that is not in a complete file.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .gates import check_release

FORMATS = ("hubspot", "csv", "parquet")
CHANGES = "reverse_etl.rev_etl__crm_contacts_changes"
STATE = "reverse_etl.sync_state"


class ExportError(Exception):
    """The export cannot run; the message says why."""


@dataclass
class ExportResult:
    rows: int
    path: Path | None
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


def _crash_point() -> None:
    """Test hook: SEGMENTS_EXPORT_CRASH_AFTER_ROWS=n makes the export die after writing n rows."""
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
    con = duckdb.connect(duckdb_path)
    try:
        try:
            columns = _columns(con)
        except duckdb.CatalogException as error:
            raise ExportError(f"the change feed {CHANGES} does not exist: run `dbt build` first ({str(error).splitlines()[0]})") from None
        exported = [c for c in columns if c != "properties_hash"]
        rows = con.execute(f"select {', '.join(exported)}, properties_hash from {CHANGES} order by email").fetchall()
        if not rows:
            return ExportResult(0, None)
        gates = check_release(duckdb_path, "export", run_results, accept_change)  # raises GatesBlocked: no file
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        suffix = "parquet" if fmt == "parquet" else "csv"
        final = out / f"crm_contacts_{fmt}_{stamp}.{suffix}"
        partial = out / f".{final.name}.partial"
        # HubSpot's contact import matches on a column named "Email"; properties by their internal names
        header = ["Email" if c == "email" and fmt == "hubspot" else c for c in exported]
        _write_rows(partial, fmt, header, [row[:-1] for row in rows], con, exported)
        os.replace(partial, final)
        synced_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        con.execute("begin transaction")
        con.execute("create temp table exported (email varchar, properties_hash varchar)")
        con.executemany("insert into exported values (?, ?)", [(row[0], row[-1]) for row in rows])
        con.execute(f"delete from {STATE} where email in (select email from exported)")
        con.execute(
            f"insert into {STATE} select email, properties_hash, ?::timestamp, ? from exported",
            [synced_at, final.name],
        )
        con.execute("commit")
        return ExportResult(len(rows), final, gates)
    finally:
        con.close()
