"""Where the rows go: a DuckDB file, or one Parquet file per raw table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .schema import _DUCKDB_TYPES, BATCH_ROWS, SCHEMAS, SOURCES

# --------------------------------------------------------------------------------------------------------------
# output


def _arrow_reader(relation, batch_rows: int):
    for name in ("to_arrow_reader", "fetch_arrow_reader", "record_batch"):
        method = getattr(relation, name, None)
        if method is not None:
            return method(batch_rows)
    raise RuntimeError("this duckdb version cannot stream query results as arrow")  # pragma: no cover


class Sink:
    """Appends rows to the raw tables: into a DuckDB file, or into Parquet files DIR/<schema>/<table>.parquet."""

    def __init__(self, duckdb_path: str | None, parquet_dir: str | None):
        self.parquet_dir = Path(parquet_dir) if parquet_dir is not None else None
        self.con = duckdb.connect(":memory:" if self.parquet_dir else str(duckdb_path))
        self.con.execute("set TimeZone = 'UTC'")
        self.rows: Counter = Counter()
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        for (schema, table), arrow_schema in SCHEMAS.items():
            if self.parquet_dir:
                folder = self.parquet_dir / schema
                folder.mkdir(parents=True, exist_ok=True)
                self.writers[(schema, table)] = pq.ParquetWriter(str(folder / f"{table}.parquet"), arrow_schema)
            else:
                columns = ", ".join(f'"{f.name}" {_DUCKDB_TYPES[f.type]}' for f in arrow_schema)
                self.con.execute(f"create schema if not exists {schema}")
                self.con.execute(f"create or replace table {schema}.{table} ({columns})")

    def write(self, schema: str, table: str, expressions: dict[str, str], inputs: pa.Table, order_by: str = "_k"):
        """Append `select <expressions> from inputs order by <order_by>` to the table (columns in contract order)."""
        arrow_schema = SCHEMAS[(schema, table)]
        missing = [f.name for f in arrow_schema if f.name not in expressions]
        extra = set(expressions) - set(arrow_schema.names)
        assert not missing and not extra, (schema, table, missing, extra)
        select = ",\n".join(
            f'cast({expressions[f.name]} as {_DUCKDB_TYPES[f.type]}) as "{f.name}"' for f in arrow_schema)
        sql = f"select {select} from inputs order by {order_by}"
        self.con.register("inputs", inputs)
        try:
            if self.parquet_dir:
                writer = self.writers[(schema, table)]
                for batch in _arrow_reader(self.con.sql(sql), BATCH_ROWS):
                    if batch.num_rows:
                        writer.write_batch(batch.cast(arrow_schema))
            else:
                self.con.execute(f"insert into {schema}.{table} {sql}")
        finally:
            self.con.unregister("inputs")
        self.rows[f"{SOURCES[schema]}.{table}"] += inputs.num_rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.con.close()
