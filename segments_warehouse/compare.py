"""Compare every mart of a DuckDB build with the Postgres or Spark build of the same raw data, row by row.

Postgres is read through psycopg2. Spark is read through Parquet: after ``dbt build --target spark`` each mart is
written to a folder of Parquet files by a PySpark process (spark.py ``export_marts``), and DuckDB reads them.

The marts are the dbt models in the schemas ``marts``, ``reverse_etl`` and ``data_quality`` (read from the dbt
manifest of the build, so a new mart is compared without a change here). Two builds agree on a mart when they
have the same column names in the same order and the same rows as a multiset (order-independent, duplicates
counted). A column whose YAML sets ``meta: {engine_specific: true}`` (an engine's own hash, such as
int_contacts__daily_activity's event fingerprint) must exist on both sides; only whether it is null is compared.

Values are normalized before comparing, so that only a real difference counts:

* floating-point numbers (DOUBLE / double precision, and numeric) are rounded to FLOAT_DIGITS (9) significant
  digits: sums of doubles are added in a different order by the two engines and may differ in the last bits;
* timestamps with a zone are converted to UTC and compared without zone; dates and timestamps otherwise as they are
  (microseconds);
* integers compare equal to floats of the same value (3 == 3.0); lists and arrays compare as tuples.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

MART_SCHEMAS = ("marts", "reverse_etl", "data_quality")
FLOAT_DIGITS = 9
SAMPLE_ROWS = 3


class CompareError(Exception):
    """The comparison could not run (no manifest, missing relation, unreachable database)."""


@dataclass(frozen=True)
class Mart:
    schema: str
    name: str
    # columns whose values each engine computes its own way (meta engine_specific): compared as null or set
    engine_specific: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class MartComparison:
    mart: Mart
    left_rows: int = 0
    right_rows: int = 0
    only_left: int = 0
    only_right: int = 0
    column_problem: str | None = None
    error: str | None = None
    samples_left: list[tuple] = field(default_factory=list)
    samples_right: list[tuple] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.column_problem is None and self.only_left == 0 and self.only_right == 0


def _engine_specific(node: dict) -> tuple[str, ...]:
    return tuple(sorted(
        name.lower() for name, column in (node.get("columns") or {}).items()
        if ((column.get("meta") or {}).get("engine_specific")
            or ((column.get("config") or {}).get("meta") or {}).get("engine_specific"))
    ))


def relation_from_node(node: dict) -> Mart:
    """The relation a manifest node builds, with its engine-specific columns."""
    return Mart(node["schema"], node.get("alias") or node["name"], _engine_specific(node))


def marts_from_manifest(manifest_path: str | Path, schemas: tuple[str, ...] = MART_SCHEMAS) -> list[Mart]:
    path = Path(manifest_path)
    if not path.exists():
        raise CompareError(f"{path} not found: run `dbt build` (or `dbt parse`) first, or pass --manifest.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    marts = {
        relation_from_node(node)
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
        and node.get("schema") in schemas
        and (node.get("config") or {}).get("materialized") != "ephemeral"
        and (node.get("config") or {}).get("enabled", True)
    }
    if not marts:
        raise CompareError(f"no model in schemas {', '.join(schemas)} in {path}")
    return sorted(marts, key=lambda mart: (mart.schema, mart.name))


def relations_built_by(run_results_path: str | Path, manifest_path: str | Path) -> list[Mart]:
    """Every relation a dbt run built, whatever its schema: the models and seeds of run_results.json (staging and
    intermediate included, ephemeral models left out), located through the manifest of the same run. A selective
    build (``--select``) is compared this way, on every relation it made, not on the marts alone. A model or seed
    of the run that failed or was skipped is an error: the comparison would otherwise pass without it."""
    run_results, manifest = Path(run_results_path), Path(manifest_path)
    for path in (run_results, manifest):
        if not path.exists():
            raise CompareError(f"{path} not found: pass the run_results.json and manifest.json of one dbt build.")
    nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    built, not_built = set(), []
    for result in json.loads(run_results.read_text(encoding="utf-8")).get("results", []):
        node = nodes.get(result.get("unique_id"), {})
        if node.get("resource_type") not in ("model", "seed"):
            continue
        if (node.get("config") or {}).get("materialized") == "ephemeral":
            continue
        if result.get("status") != "success":
            not_built.append(f"{node.get('name')} ({result.get('status')})")
            continue
        built.add(relation_from_node(node))
    if not_built:
        raise CompareError(f"{run_results}: {len(not_built)} relations did not build: {', '.join(sorted(not_built))}")
    if not built:
        raise CompareError(f"{run_results} lists no model built successfully (is it from the same run as {manifest}?)")
    return sorted(built, key=lambda mart: (mart.schema, mart.name))


def normalize(value):
    """One value in a form both engines' drivers agree on (see the module docstring)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value) or value == 0:
            return value + 0.0  # -0.0 and 0.0 alike
        return float(f"{value:.{FLOAT_DIGITS}g}")
    if isinstance(value, decimal.Decimal):
        return normalize(float(value))
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, (list, tuple)):
        return tuple(normalize(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, normalize(item)) for key, item in value.items()))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return value


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _duckdb_rows(con, mart: Mart) -> tuple[list[str], list[tuple]]:
    relation = con.sql(f"select * from {_quote(mart.schema)}.{_quote(mart.name)}")
    return [column.lower() for column in relation.columns], relation.fetchall()


def _postgres_rows(connection, mart: Mart) -> tuple[list[str], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(f"select * from {_quote(mart.schema)}.{_quote(mart.name)}")
        return [column.name.lower() for column in cursor.description], cursor.fetchall()


def _parquet_rows(con, path: Path) -> tuple[list[str], list[tuple]]:
    relation = con.sql(f"select * from read_parquet('{path}/*.parquet')")
    return [column.lower() for column in relation.columns], relation.fetchall()


def compare_rows(mart: Mart, left: tuple[list[str], list[tuple]], right: tuple[list[str], list[tuple]],
                 right_label: str = "Postgres") -> MartComparison:
    result = MartComparison(mart, left_rows=len(left[1]), right_rows=len(right[1]))
    if left[0] != right[0]:
        missing = [c for c in left[0] if c not in right[0]]
        extra = [c for c in right[0] if c not in left[0]]
        result.column_problem = (
            f"columns differ: only in DuckDB {missing}, only in {right_label} {extra}" if missing or extra
            else f"column order differs: {left[0]} vs {right[0]}"
        )
        return result
    # an engine-specific column compares as present or null only (its value is each engine's own)
    specific = [column in mart.engine_specific for column in left[0]]

    def comparable(row: tuple) -> tuple:
        return tuple(("null" if value is None else "set") if own else normalize(value)
                     for value, own in zip(row, specific, strict=True))

    left_counts = Counter(comparable(row) for row in left[1])
    right_counts = Counter(comparable(row) for row in right[1])
    only_left = left_counts - right_counts
    only_right = right_counts - left_counts
    result.only_left = sum(only_left.values())
    result.only_right = sum(only_right.values())
    result.samples_left = sorted(only_left, key=repr)[:SAMPLE_ROWS]
    result.samples_right = sorted(only_right, key=repr)[:SAMPLE_ROWS]
    return result


class _Unreadable(Exception):
    """The other engine's copy of a mart could not be read; the message says why (one line)."""


def _open_duckdb(duckdb_path: str | Path):
    if not Path(duckdb_path).exists():
        raise CompareError(f"{duckdb_path} does not exist")
    try:
        con = duckdb.connect(str(duckdb_path), read_only=True)
    except duckdb.Error as error:
        raise CompareError(f"cannot open {duckdb_path}: {str(error).splitlines()[0]}") from None
    con.execute("set TimeZone = 'UTC'")
    return con


def _compare_each(con, marts: list[Mart], read_right, right_label: str) -> list[MartComparison]:
    """Each mart read from DuckDB and by read_right(mart), compared; a mart either side cannot read is reported."""
    results: list[MartComparison] = []
    for mart in marts:
        try:
            left = _duckdb_rows(con, mart)
        except duckdb.Error as error:
            results.append(MartComparison(mart, error=f"DuckDB: {str(error).splitlines()[0]}"))
            continue
        try:
            right = read_right(mart)
        except _Unreadable as problem:
            results.append(MartComparison(mart, left_rows=len(left[1]), error=f"{right_label}: {problem}"))
            continue
        results.append(compare_rows(mart, left, right, right_label))
    return results


def compare_duckdb_postgres(duckdb_path: str | Path, manifest_path: str | Path, settings=None,
                            marts: list[Mart] | None = None) -> list[MartComparison]:
    """Every mart of the manifest (or the given relations), read from the DuckDB file and from Postgres, compared."""
    from .postgres import connect

    marts = marts if marts is not None else marts_from_manifest(manifest_path)
    con = _open_duckdb(duckdb_path)
    try:
        connection = connect(settings)
    except Exception:
        con.close()
        raise

    def read_postgres(mart: Mart) -> tuple[list[str], list[tuple]]:
        try:
            return _postgres_rows(connection, mart)
        except Exception as error:  # psycopg2.Error; the connection stays usable in autocommit
            raise _Unreadable(" ".join(str(error).split())) from None

    try:
        connection.set_session(readonly=True, autocommit=True)
        with con:
            return _compare_each(con, marts, read_postgres, "Postgres")
    finally:
        connection.close()


def compare_duckdb_parquet(duckdb_path: str | Path, manifest_path: str | Path, parquet_dir: str | Path,
                           right_label: str = "Spark", marts: list[Mart] | None = None) -> list[MartComparison]:
    """Every mart of the manifest (or the given relations), read from the DuckDB file and from
    parquet_dir/<schema>.<name>/, compared."""
    marts = marts if marts is not None else marts_from_manifest(manifest_path)
    parquet_dir = Path(parquet_dir)
    con = _open_duckdb(duckdb_path)

    def read_parquet(mart: Mart) -> tuple[list[str], list[tuple]]:
        path = parquet_dir / mart.qualified
        if not path.is_dir():
            raise _Unreadable(f"no export in {path}")
        try:
            return _parquet_rows(con, path)
        except duckdb.Error as error:
            raise _Unreadable(str(error).splitlines()[0]) from None

    with con:
        return _compare_each(con, marts, read_parquet, right_label)
