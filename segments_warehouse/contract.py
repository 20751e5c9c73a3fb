"""The raw-data contract, read from the dbt sources YAML (the one place it is declared).

`segments load` checks a user's files against it before anything is written, and the dbt project checks the
warehouse against the same YAML at the start of every run (macros/hooks/assert_raw_sources_present.sql).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

# Columns written by loaders (not by people): typed timestamps that staging relies on.
LOADER_TIMESTAMP_COLUMNS = {"_loaded_at", "received_at", "uuid_ts"}


@dataclass(frozen=True)
class RawTable:
    source: str  # dbt source name: crm, product, surveys, compliance
    schema: str  # default raw schema: raw_crm, ...
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


def _default_schema(schema_expression: str, source: str) -> str:
    # "{{ var('crm_schema', 'raw_crm') }}" -> raw_crm
    if "'" in schema_expression:
        return schema_expression.split("'")[-2]
    return schema_expression or f"raw_{source}"


def load_contract(project_dir: str | Path = ".") -> list[RawTable]:
    """Every raw table the project reads, with its required and optional columns."""
    project_dir = Path(project_dir)
    files = sorted(project_dir.glob("models/staging/*/_*__sources.yml"))
    if not files:
        raise FileNotFoundError(
            f"No sources YAML under {project_dir / 'models/staging'}: run this command from the project's root "
            "(the folder with dbt_project.yml) or pass --project-dir."
        )
    tables: list[RawTable] = []
    for path in files:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for source in document.get("sources", []):
            schema = _default_schema(str(source.get("schema", "")), source["name"])
            for table in source.get("tables", []):
                columns = table.get("columns", [])
                optional = tuple(c["name"] for c in columns if (c.get("meta") or {}).get("optional"))
                required = tuple(c["name"] for c in columns if c["name"] not in optional)
                tables.append(RawTable(source["name"], schema, table["name"], required, optional))
    return tables


def loader_schema_tables(con, schemas: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(schema, table) of every base table in the given schemas of a DuckDB connection, by schema then name, and the
    schemas that have none. A loader's own tables, read by a source adapter: their shape is the loader's, checked
    by dbt's run-start check, not by this contract (`segments load-postgres --schema`, `load-spark --schema`)."""
    found, empty = [], []
    for schema in schemas:
        names = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' "
            "order by table_name", [schema]).fetchall()]
        if not names:
            empty.append(schema)
        found += [(schema, name) for name in names]
    return found, empty
