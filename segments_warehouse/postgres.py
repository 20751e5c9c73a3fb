"""Copy the raw tables from the DuckDB file into a PostgreSQL database, with COPY (no row-by-row inserts).

``segments load-postgres`` reads every raw table of the contract (the dbt sources YAML, see contract.py) from the
DuckDB file that ``segments generate`` or ``segments load`` filled, and writes it to the same schema and table in
Postgres: each table is dropped, re-created with the DuckDB column types mapped to Postgres types (raw text stays
text, the contract's BIGINT / DOUBLE / BOOLEAN / TIMESTAMP columns keep their type) and filled by one
``COPY ... FROM STDIN (FORMAT csv)`` fed from DuckDB's Arrow batches, in one transaction per table.

Connection settings come from the same environment variables as the dbt profile (profiles.yml):
SEGMENTS_PG_HOST, SEGMENTS_PG_PORT, SEGMENTS_PG_USER, SEGMENTS_PG_PASSWORD, SEGMENTS_PG_DATABASE.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .contract import LOADER_TIMESTAMP_COLUMNS, RawTable, load_contract, loader_schema_tables

BATCH_ROWS = 100_000

# DuckDB type (as information_schema.columns.data_type spells it) -> Postgres type. Anything else is sent as text.
PG_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "HUGEINT": "numeric",
    "UBIGINT": "numeric",
    "UINTEGER": "bigint",
    "USMALLINT": "integer",
    "UTINYINT": "smallint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


class PostgresError(Exception):
    """Postgres is unreachable, refused the credentials, or rejected the data; the message says which."""


@dataclass(frozen=True)
class ConnectionSettings:
    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ConnectionSettings:
        """The profile's defaults (profiles.yml) for whatever is unset."""
        env = os.environ if environ is None else environ
        port_text = env.get("SEGMENTS_PG_PORT", "5432")
        try:
            port = int(port_text)
        except ValueError:
            raise PostgresError(f"SEGMENTS_PG_PORT must be a port number, got {port_text!r}") from None
        return cls(
            host=env.get("SEGMENTS_PG_HOST", "127.0.0.1"),
            port=port,
            user=env.get("SEGMENTS_PG_USER", "segments"),
            password=env.get("SEGMENTS_PG_PASSWORD", ""),
            database=env.get("SEGMENTS_PG_DATABASE", "segments"),
        )

    def describe(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def _psycopg2():
    try:
        import psycopg2
    except ImportError:
        raise PostgresError(
            "psycopg2 is not installed: install the Postgres extra, e.g. `pip install -e '.[postgres]'` (or `make install`)"
        ) from None
    return psycopg2


def connect(settings: ConnectionSettings | None = None):
    """A psycopg2 connection, or PostgresError with a readable reason (never the password)."""
    psycopg2 = _psycopg2()

    settings = settings or ConnectionSettings.from_env()
    try:
        return psycopg2.connect(
            host=settings.host,
            port=settings.port,
            user=settings.user,
            password=settings.password or None,
            dbname=settings.database,
            connect_timeout=10,
            application_name="segments",
            options="-c TimeZone=UTC",
        )
    except psycopg2.OperationalError as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        hint = (
            "Set SEGMENTS_PG_HOST, SEGMENTS_PG_PORT, SEGMENTS_PG_USER, SEGMENTS_PG_PASSWORD and "
            "SEGMENTS_PG_DATABASE (the same variables the dbt profile reads)."
        )
        if not settings.password:
            hint += " SEGMENTS_PG_PASSWORD is not set."
        raise PostgresError(f"cannot connect to Postgres as {settings.describe()}: {reason}\n{hint}") from None


def quote_identifier(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass
class CopiedTable:
    table: RawTable
    rows: int
    columns: int


class _CsvStream(io.RawIOBase):
    """A read-only file over the CSV rendering of an Arrow record-batch reader, for psycopg2's copy_expert.

    pyarrow's CSV writer quotes every string and writes null as an empty unquoted field, which is exactly how
    Postgres's CSV COPY tells NULL from the empty string; doubles are written with the shortest text that
    round-trips, so no digit is lost.
    """

    def __init__(self, batches):
        import pyarrow.csv as pacsv

        self._batches = iter(batches)
        self._options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
        self._write_csv = pacsv.write_csv
        self._buffer = b""
        self.rows = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        for batch in self._batches:
            if batch.num_rows == 0:
                continue
            sink = io.BytesIO()
            self._write_csv(batch, sink, write_options=self._options)
            self._buffer += sink.getvalue()
            self.rows += batch.num_rows
            return True
        return False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            while self._fill():
                pass
            data, self._buffer = self._buffer, b""
            return data
        while len(self._buffer) < size and self._fill():
            pass
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _duckdb_columns(con, table: RawTable) -> list[tuple[str, str]] | None:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [table.schema, table.name],
    ).fetchall()
    return rows or None


def _pg_columns(cursor, table: RawTable) -> list[tuple[str, str]]:
    """The table's columns in Postgres with their types spelled as in PG_TYPES; empty when it does not exist."""
    cursor.execute(
        "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute as a "
        "join pg_class as c on c.oid = a.attrelid join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relname = %s and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped "
        "order by a.attnum",
        [table.schema, table.name],
    )
    spelled = {"timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz"}
    return [(name, spelled.get(data_type, data_type)) for name, data_type in cursor.fetchall()]


def _check_against_contract(con, contract: list[RawTable]) -> list[tuple[RawTable, list[tuple[str, str]]]]:
    problems: list[str] = []
    found = []
    for table in contract:
        columns = _duckdb_columns(con, table)
        if columns is None:
            problems.append(f"missing table {table.qualified}")
            continue
        present = {name.lower(): data_type for name, data_type in columns}
        missing = [c for c in table.required if c.lower() not in present]
        if missing:
            problems.append(f"table {table.qualified} lacks column(s): {', '.join(missing)}")
        for name, data_type in columns:
            if name.lower() in LOADER_TIMESTAMP_COLUMNS and not data_type.startswith("TIMESTAMP"):
                problems.append(f"table {table.qualified} column {name}: loader timestamp typed {data_type}, not TIMESTAMP")
        found.append((table, columns))
    if problems:
        raise PostgresError(
            "The DuckDB file's raw tables do not match the contract (docs/raw_contract.md):\n  - "
            + "\n  - ".join(problems)
            + "\nFill it first with `segments generate` or `segments load --from DIR`."
        )
    return found


def _schema_tables(con, schemas: list[str]) -> list[tuple[RawTable, list[tuple[str, str]]]]:
    """Every table of the given DuckDB schemas, as a loader landed them, with its columns."""
    tables, empty = loader_schema_tables(con, schemas)
    if empty:
        raise PostgresError("Nothing to copy:\n  - " + "\n  - ".join(f"schema {schema} has no table" for schema in empty))
    found = []
    for schema, name in tables:
        table = RawTable(schema, schema, name, (), ())
        found.append((table, _duckdb_columns(con, table)))
    return found


def load_postgres(duckdb_path: str | Path, project_dir: str | Path = ".", settings: ConnectionSettings | None = None,
                  progress=None, schemas: list[str] | None = None) -> list[CopiedTable]:
    """Copy every raw table of the contract from the DuckDB file into Postgres, or, given `schemas`, every table of
    those schemas (a loader's own tables, read by a source adapter); returns rows per table."""
    psycopg2 = _psycopg2()

    if not Path(duckdb_path).exists():
        raise PostgresError(f"{duckdb_path} does not exist: run `segments generate` or `segments load --from DIR` first.")
    contract = load_contract(project_dir)
    try:
        source = duckdb.connect(str(duckdb_path), read_only=True)
    except duckdb.Error as error:
        raise PostgresError(f"cannot open {duckdb_path}: {str(error).splitlines()[0]}") from None
    with source:
        source.execute("set TimeZone = 'UTC'")
        found = _schema_tables(source, schemas) if schemas else _check_against_contract(source, contract)
        connection = connect(settings)
        copied: list[CopiedTable] = []
        try:
            for table, columns in found:
                schema, name = quote_identifier(table.schema), quote_identifier(table.name)
                select_list, definitions = [], []
                for column, data_type in columns:
                    pg_type = PG_TYPES.get(data_type, "text")
                    expression = quote_identifier(column)
                    if data_type not in PG_TYPES:
                        expression = f"cast({expression} as varchar)"
                    elif data_type == "TIMESTAMP WITH TIME ZONE":
                        # rendered with its offset, read back by Postgres as the same instant
                        expression = f"strftime({expression}, '%Y-%m-%d %H:%M:%S.%f+00')"
                    select_list.append(f"{expression} as {quote_identifier(column.lower())}")
                    definitions.append(f"{quote_identifier(column.lower())} {pg_type}")
                reader = source.sql(f"select {', '.join(select_list)} from {schema}.{name}").to_arrow_reader(BATCH_ROWS)
                stream = _CsvStream(reader)
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(f"create schema if not exists {schema}")
                        wanted = [(column.lower(), PG_TYPES.get(data_type, "text")) for column, data_type in columns]
                        if _pg_columns(cursor, table) == wanted:
                            # same shape: keep the table, so the staging views built on it stay valid
                            cursor.execute(f"truncate table {schema}.{name}")
                        else:
                            cursor.execute(f"drop table if exists {schema}.{name} cascade")
                            cursor.execute(f"create table {schema}.{name} ({', '.join(definitions)})")
                        cursor.copy_expert(
                            f"copy {schema}.{name} from stdin with (format csv, header false)", stream, size=1 << 20
                        )
                        cursor.execute(f"analyze {schema}.{name}")
                    connection.commit()
                except psycopg2.Error as error:
                    connection.rollback()
                    reason = " ".join(str(error).split())
                    raise PostgresError(f"copying {table.qualified} into Postgres failed: {reason}") from None
                copied.append(CopiedTable(table, stream.rows, len(columns)))
                if progress:
                    progress(copied[-1])
        finally:
            connection.close()
    return copied
