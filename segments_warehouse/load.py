"""Load a user's own raw files (CSV or Parquet) into the warehouse's raw schemas, checked against the contract.

Layout of the input folder: one sub-folder per raw schema or source, one file per table, e.g.
``DIR/raw_crm/contacts.csv`` or ``DIR/crm/contacts.parquet``. Every missing table and column is reported at
once, before anything is written.

CSV files are checked before DuckDB reads them, so every problem names its file, line and column: UTF-8 only (a
Latin-1 or Windows-1252 file is refused naming the first byte that is not UTF-8), no empty file, no duplicate
header (DuckDB would rename the second ``email`` to ``email_1`` silently), no value larger than DuckDB's line
limit. A table found twice (``contacts.csv`` beside ``contacts.parquet``, or under both ``raw_crm/`` and
``crm/``) is refused naming both files, and files that are no contract table are listed as a warning. The tables
are written in one transaction: a file that fails while loading leaves the warehouse as it was.
"""

from __future__ import annotations

import codecs
import csv
import gzip
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .contract import LOADER_TIMESTAMP_COLUMNS, RawTable, load_contract

SUFFIXES = (".parquet", ".csv", ".csv.gz")
# DuckDB's read_csv refuses a line longer than this (its max_line_size default); checked first to name the column
MAX_LINE_BYTES = 2_000_000


class ContractError(Exception):
    """The input does not match the raw-data contract; the message names every problem."""


@dataclass
class LoadedTable:
    table: RawTable
    path: Path
    rows: int


@dataclass
class LoadResult:
    tables: list[LoadedTable]
    warnings: list[str] = field(default_factory=list)


def _candidates(root: Path, table: RawTable) -> list[Path]:
    return [
        root / folder / f"{table.name}{suffix}"
        for folder in dict.fromkeys((table.schema, table.source))
        for suffix in SUFFIXES
        if (root / folder / f"{table.name}{suffix}").is_file()
    ]


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def check_csv(path: Path) -> str | None:
    """The first problem of a CSV file that DuckDB would report without its cause, or None."""
    try:
        with _open_binary(path) as raw:
            decoder = codecs.getincrementaldecoder("utf-8-sig")()
            header: list[str] | None = None
            line_number = 0
            for line_number, line in enumerate(raw, start=1):
                try:
                    text = decoder.decode(line)
                except UnicodeDecodeError as error:
                    byte = line[error.start:error.start + 1].hex()
                    return (f"{path}: line {line_number} is not UTF-8 (byte 0x{byte} at position {error.start + 1}); "
                            "the file looks Latin-1 or Windows-1252 encoded: save it as UTF-8 "
                            f"(e.g. iconv -f latin1 -t utf-8 {path.name} > fixed.csv) and load again")
                if header is None:
                    if not text.strip():
                        continue
                    header = next(csv.reader([text]))
                    seen: dict[str, str] = {}
                    for name in header:
                        key = name.strip().lower()
                        if key in seen:
                            return (f"{path}: duplicate column {name!r} in the header (also {seen[key]!r}): "
                                    "each column must appear once")
                        seen[key] = name
                if len(line) > MAX_LINE_BYTES:
                    csv.field_size_limit(max(csv.field_size_limit(), 2 * len(line)))
                    try:
                        values = next(csv.reader([text]))
                    except (csv.Error, StopIteration):
                        values = []
                    widest = max(range(len(values)), key=lambda i: len(values[i]), default=None)
                    column = header[widest] if header and widest is not None and widest < len(header) else "?"
                    size = len(values[widest].encode("utf-8")) if widest is not None else len(line)
                    return (f"{path}: line {line_number}, column {column!r}: a value of {size:,} bytes (the line is "
                            f"{len(line):,} bytes; at most {MAX_LINE_BYTES:,} bytes per line are read): "
                            "shorten or remove the value")
            if header is None:
                return f"{path}: the file is empty (no header row, no data): write the header line at least"
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        return f"{path}: cannot be read ({error})"
    return None


def _reader(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.name.endswith(".parquet"):
        return f"read_parquet('{quoted}')"
    # Text stays text: staging parses and quarantines, the loader never guesses types.
    return f"read_csv('{quoted}', header = true, all_varchar = true)"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _first_lines(error: Exception, count: int = 3) -> str:
    """DuckDB's error text without its long option dump (and without a multi-megabyte 'Original Line')."""
    lines = [line for line in str(error).splitlines() if line.strip() and not line.startswith("Original Line")]
    return "; ".join(line.strip()[:300] for line in lines[:count])


def _loader_timestamp(column: str) -> str:
    """A loader timestamp column as UTC: an offset is converted (never dropped), also after a space as a Snowflake
    unload writes it (``2026-10-30 12:00:00.000 +0000``); text without zone is UTC (the connection's TimeZone)."""
    text = f"replace(replace(trim(cast({_quote(column)} as varchar)), ' +', '+'), ' -', '-')"
    return f"timezone('UTC', try_cast({text} as timestamptz))"


def load_directory(source_dir: str | Path, duckdb_path: str | Path, project_dir: str | Path = ".") -> LoadResult:
    root = Path(source_dir)
    if not root.is_dir():
        raise ContractError(f"{root} is not a folder. Expected DIR/<schema>/<table>.csv|parquet, e.g. DIR/raw_crm/contacts.csv.")
    contract = load_contract(project_dir)
    problems: list[str] = []
    found: list[tuple[RawTable, Path, list[str]]] = []
    used: set[Path] = set()
    with duckdb.connect() as probe:
        probe.execute("set TimeZone = 'UTC'")
        for table in contract:
            candidates = _candidates(root, table)
            used.update(candidates)
            if not candidates:
                problems.append(
                    f"missing table {table.qualified}: no {table.schema}/{table.name}.csv or .parquet under {root}"
                )
                continue
            if len(candidates) > 1:
                problems.append(
                    f"table {table.qualified} is given twice: {' and '.join(str(c) for c in candidates)}: keep one"
                )
                continue
            path = candidates[0]
            if not path.name.endswith(".parquet"):
                problem = check_csv(path)
                if problem:
                    problems.append(problem)
                    continue
            try:
                columns = [row[0] for row in probe.execute(f"describe select * from {_reader(path)}").fetchall()]
            except duckdb.Error as error:
                problems.append(f"{path}: cannot be read ({_first_lines(error)})")
                continue
            duplicates = sorted({c for c in columns if [x.lower() for x in columns].count(c.lower()) > 1})
            if duplicates:
                problems.append(f"{path}: duplicate column(s) {', '.join(duplicates)}: each column must appear once")
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
    unknown = sorted(str(p.relative_to(root)) for p in root.rglob("*")
                     if p.is_file() and p not in used and not any(part.startswith(".") for part in p.relative_to(root).parts))
    warnings = []
    if unknown:
        warnings.append(f"{len(unknown)} file(s) under {root} are no table of the contract and were not loaded: "
                        + ", ".join(unknown))

    loaded: list[LoadedTable] = []
    Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(duckdb_path))
    except duckdb.Error as error:
        raise ContractError(f"cannot open {duckdb_path} ({_first_lines(error, 1)}): is a dbt build or another "
                            "segments command using it? Run again when it has finished") from None
    with con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        current = None
        try:
            for table, path, columns in found:
                current = path
                _load_table(con, table, path, columns, loaded)
            con.execute("commit")
        except duckdb.Error as error:
            con.execute("rollback")
            raise ContractError(f"{current}: could not be loaded ({_first_lines(error)}); nothing was written") from None
    return LoadResult(loaded, warnings)


def _load_table(con, table: RawTable, path: Path, columns: list[str], loaded: list[LoadedTable]) -> None:
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
