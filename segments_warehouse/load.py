"""Load a user's own raw files (CSV or Parquet) into the warehouse's raw schemas, checked against the contract.

Layout of the input folder: one sub-folder per raw schema or source, one file per table, e.g.
``DIR/raw_crm/contacts.csv`` or ``DIR/crm/contacts.parquet``. Every missing table and column is reported at
once, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .contract import LOADER_TIMESTAMP_COLUMNS, RawTable, load_contract

SUFFIXES = (".parquet", ".csv", ".csv.gz")


class ContractError(Exception):
    """The input does not match the raw-data contract; the message names every problem."""


@dataclass
class LoadedTable:
    table: RawTable
    path: Path
    rows: int


def _find_file(root: Path, table: RawTable) -> Path | None:
    for folder in (table.schema, table.source):
        for suffix in SUFFIXES:
            candidate = root / folder / f"{table.name}{suffix}"
            if candidate.exists():
                return candidate
    return None


def _reader(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.name.endswith(".parquet"):
        return f"read_parquet('{quoted}')"
    # Text stays text: staging parses and quarantines, the loader never guesses types.
    return f"read_csv('{quoted}', header = true, all_varchar = true)"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _loader_timestamp(column: str) -> str:
    """A loader timestamp column as UTC: an offset is converted (never dropped), also after a space as a Snowflake
    unload writes it (``2026-10-30 12:00:00.000 +0000``); text without zone is UTC (the connection's TimeZone)."""
    text = f"replace(replace(trim(cast({_quote(column)} as varchar)), ' +', '+'), ' -', '-')"
    return f"timezone('UTC', try_cast({text} as timestamptz))"


def load_directory(source_dir: str | Path, duckdb_path: str | Path, project_dir: str | Path = ".") -> list[LoadedTable]:
    root = Path(source_dir)
    if not root.is_dir():
        raise ContractError(f"{root} is not a folder. Expected DIR/<schema>/<table>.csv|parquet, e.g. DIR/raw_crm/contacts.csv.")
    contract = load_contract(project_dir)
    problems: list[str] = []
    found: list[tuple[RawTable, Path, list[str]]] = []
    with duckdb.connect() as probe:
        probe.execute("set TimeZone = 'UTC'")
        for table in contract:
            path = _find_file(root, table)
            if path is None:
                problems.append(
                    f"missing table {table.qualified}: no {table.schema}/{table.name}.csv or .parquet under {root}"
                )
                continue
            try:
                columns = [row[0] for row in probe.execute(f"describe select * from {_reader(path)}").fetchall()]
            except duckdb.Error as error:
                problems.append(f"{path}: cannot be read ({str(error).splitlines()[0]})")
                continue
            lowered = {c.lower() for c in columns}
            missing = [c for c in table.required if c.lower() not in lowered]
            if missing:
                problems.append(f"table {table.qualified} ({path.name}) lacks column(s): {', '.join(missing)}")
            for column in columns:
                if column.lower() in LOADER_TIMESTAMP_COLUMNS:
                    bad = probe.execute(
                        f"select count(*) from {_reader(path)} where {_loader_timestamp(column)} is null"
                    ).fetchone()[0]
                    if bad:
                        problems.append(
                            f"table {table.qualified} column {column.lower()}: {bad} row(s) without a valid loader "
                            "timestamp (loader timestamps must be set on every row, ISO 8601 UTC)"
                        )
            found.append((table, path, columns))
    if problems:
        raise ContractError("Raw files do not match the contract (docs/raw_contract.md):\n  - " + "\n  - ".join(problems))

    loaded: list[LoadedTable] = []
    Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(duckdb_path)) as con:
        con.execute("set TimeZone = 'UTC'")
        for table, path, columns in found:
            select_list = []
            for column in columns:
                if column.lower() in LOADER_TIMESTAMP_COLUMNS:
                    select_list.append(f"{_loader_timestamp(column)} as {_quote(column.lower())}")
                else:
                    select_list.append(f"{_quote(column)} as {_quote(column.lower())}")
            con.execute(f"create schema if not exists {_quote(table.schema)}")
            con.execute(
                f"create or replace table {_quote(table.schema)}.{_quote(table.name)} as "
                f"select {', '.join(select_list)} from {_reader(path)}"
            )
            rows = con.execute(f"select count(*) from {_quote(table.schema)}.{_quote(table.name)}").fetchone()[0]
            loaded.append(LoadedTable(table, path, rows))
    return loaded
