"""`segments load-spark --schema`: the loader tables a source adapter reads are listed from the DuckDB file's schemas,
and a schema with no table is named before Spark starts (no PySpark needed here; scripts/test_spark.sh writes the
loaders' schemas to a real Spark warehouse and compares the marts built on it)."""

from __future__ import annotations

import duckdb
import pytest

from segments_warehouse.spark import SparkError, _schema_tables


def test_every_table_of_a_loaders_schema_is_listed_and_an_empty_schema_is_named(tmp_path):
    path = tmp_path / "loader.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema atomic")
        con.execute("create table atomic.events as select 'e1' as event_id")
        con.execute("create schema segment")
        con.execute("create table segment.tracks as select 'm1' as id")
        con.execute("create table segment.identifies as select 'i1' as id")
        con.execute("create view segment.not_a_table as select 1 as x")
        con.execute("create schema empty_loader")
        assert _schema_tables(con, ["segment", "atomic"]) == [
            ("segment", "identifies"), ("segment", "tracks"), ("atomic", "events")]
        with pytest.raises(SparkError, match="schema empty_loader has no table"):
            _schema_tables(con, ["atomic", "empty_loader"])
