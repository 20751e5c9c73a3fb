"""The Spark target's data path: raw tables into a local Spark warehouse, and marts out of it, through Parquet.

dbt-spark's ``session`` method runs Spark inside the dbt process, with a Hive metastore (Derby) and a warehouse
folder under SEGMENTS_SPARK_DIR (default ``target/spark``, see profiles.yml). Derby allows one process at a time,
so the raw tables are written by a separate PySpark process that exits before dbt starts:

* ``load_spark``: every raw table of the contract (contract.py) is written from the DuckDB file to Parquet with
  DuckDB's ``COPY ... (FORMAT parquet)``, then registered as a managed Spark table in the same schema
  (raw_crm, raw_product, raw_surveys, raw_compliance), replacing what was there; or, with ``--schema``, every
  table of the named schemas as a loader landed them (a source adapter's tables: hubspot, segment, atomic, ...).
* ``export_marts``: after ``dbt build --target spark``, every mart is written to Parquet (one folder each), which
  ``segments compare --spark-dir`` reads with DuckDB and compares with the DuckDB build.

Settings come from the same environment variables as the profile: SEGMENTS_SPARK_DIR, SEGMENTS_SPARK_MASTER,
SEGMENTS_SPARK_SHUFFLE_PARTITIONS, SEGMENTS_SPARK_DRIVER_MEMORY.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .contract import load_contract, loader_schema_tables


class SparkError(Exception):
    """PySpark is missing or Spark refused the data; the message says which."""


@dataclass
class SparkTable:
    schema: str
    name: str
    rows: int
    path: Path

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def spark_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("SEGMENTS_SPARK_DIR", "target/spark")).absolute()


def spark_conf(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The same Spark settings as the `spark` output of profiles.yml."""
    env = os.environ if environ is None else environ
    base = spark_dir(env)
    return {
        "spark.master": env.get("SEGMENTS_SPARK_MASTER", "local[2]"),
        "spark.sql.warehouse.dir": str(base / "warehouse"),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={base / 'metastore'} -Duser.timezone=UTC",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": env.get("SEGMENTS_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.driver.memory": env.get("SEGMENTS_SPARK_DRIVER_MEMORY", "2g"),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # Parquet timestamps as UTC microseconds (not INT96), so DuckDB reads them exactly
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.ansi.enabled": "false",  # as dbt-spark sets it
        # Spark 4.3's fused UNION ALL codegen fails some tasks with a ClassCastException (profiles.yml says when)
        "spark.sql.codegen.wholeStage.union.enabled": "false",
    }


def spark_session(environ: dict[str, str] | None = None):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError("pyspark is not installed: `pip install -e '.[spark]'`") from None
    base = spark_dir(environ)
    (base / "metastore").mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("segments").enableHiveSupport()
    for key, value in spark_conf(environ).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _schema_tables(con, schemas: list[str]) -> list[tuple[str, str]]:
    """(schema, table) of every table of the given DuckDB schemas, as a loader landed them."""
    tables, empty = loader_schema_tables(con, schemas)
    if empty:
        raise SparkError("Nothing to write: " + ", ".join(f"schema {schema} has no table" for schema in empty))
    return tables


def load_spark(duckdb_path: str | Path, project_dir: str | Path = ".", environ=None,
               schemas: list[str] | None = None) -> list[SparkTable]:
    """Every raw table of the contract from the DuckDB file into the local Spark warehouse (via Parquet), or, given
    `schemas`, every table of those schemas (a loader's own tables, read by a source adapter)."""
    if not Path(duckdb_path).exists():
        raise FileNotFoundError(f"{duckdb_path} does not exist: run `segments generate` or `segments load` first")
    parquet_dir = spark_dir(environ) / "raw_parquet"
    shutil.rmtree(parquet_dir, ignore_errors=True)
    parquet_dir.mkdir(parents=True)
    exported: list[SparkTable] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        tables = _schema_tables(con, schemas) if schemas else [
            (table.schema, table.name) for table in load_contract(project_dir)]
        for schema, name in tables:
            path = parquet_dir / f"{schema}.{name}.parquet"
            con.execute(f"copy {_quote(schema)}.{_quote(name)} to '{path}' (format parquet)")
            rows = con.execute(f"select count(*) from {_quote(schema)}.{_quote(name)}").fetchone()[0]
            exported.append(SparkTable(schema, name, rows, path))
    spark = spark_session(environ)
    try:
        for schema in sorted({item.schema for item in exported}):
            spark.sql(f"create database if not exists `{schema}`")
        for item in exported:
            spark.sql(f"drop table if exists `{item.schema}`.`{item.name}`")
            # DuckDB writes timestamps without zone as plain TIMESTAMP; Spark reads them as TIMESTAMP (UTC session).
            spark.read.parquet(str(item.path)).write.mode("overwrite").saveAsTable(f"`{item.schema}`.`{item.name}`")
    finally:
        spark.stop()
    return exported


def export_marts(marts, out_dir: str | Path, environ=None) -> list[SparkTable]:
    """Each mart (schema, name) of the Spark build to out_dir/<schema>.<name>/ as Parquet."""
    out_dir = Path(out_dir)
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    spark = spark_session(environ)
    written: list[SparkTable] = []
    try:
        for mart in marts:
            frame = spark.table(f"`{mart.schema}`.`{mart.name}`")
            path = out_dir / f"{mart.schema}.{mart.name}"
            frame.coalesce(1).write.mode("overwrite").parquet(str(path))
            written.append(SparkTable(mart.schema, mart.name, -1, path))
    finally:
        spark.stop()
    return written
