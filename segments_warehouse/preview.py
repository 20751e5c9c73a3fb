"""`segments preview NAME`: a custom segment as its definition in segments/*.yml says today (edited or not yet
compiled), evaluated against the last build, without building anything (docs/custom_segments.md, Preview).

1. The definition is read and checked like `segments custom compile` does, and compiled to the model's SQL, with
   one change: the shared event pre-aggregate is inlined with what this definition reads (macro
   custom_event_days_sql), so a new event or property needs no build.
2. dbt compiles that SQL (`dbt compile --inline`, writing no manifest or run results, so the last build's files
   stay as they were) for the as_of_date the warehouse was built for.
3. DuckDB runs it on the built warehouse, read-only: the size and share of every segment, a sample of ids with
   their explanation (the values behind them), and how many entities the built model puts elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .custom.catalog import load_catalog
from .custom.conditions import SegmentSet
from .custom.definitions import load_definitions
from .custom.quoting import jinja_value
from .custom.sql import KEYS, segment_set_sql
from .custom.usage import event_usage


class PreviewError(Exception):
    """The preview cannot run: an unknown name, no built warehouse, or SQL dbt or DuckDB refuse."""


@dataclass(frozen=True)
class SegmentSize:
    segment: str
    entities: int
    share: float
    sample: list[tuple[str, str]]  # (id, explanation)


@dataclass
class Preview:
    name: str
    entity: str
    as_of_date: dt.date
    entities: int
    sizes: list[SegmentSize] = field(default_factory=list)
    built: bool = False  # the model is in the warehouse, so the preview compares with it
    changed: int = 0  # entities whose segment differs from the built model's
    sql: str = ""  # the compiled SQL that ran

    def as_dict(self) -> dict:
        return {"name": self.name, "entity": self.entity, "as_of_date": self.as_of_date.isoformat(),
                "entities": self.entities, "built": self.built, "changed_from_built": self.changed if self.built else None,
                "segments": [{"segment": s.segment, "entities": s.entities, "share": s.share,
                              "sample": [{"id": i, "explanation": e} for i, e in s.sample]} for s in self.sizes],
                "sql": self.sql}


def preview_sql(segment_set: SegmentSet, catalog) -> str:
    """The model's SQL with the shared event pre-aggregates inlined for this definition's own events."""
    usage = jinja_value(event_usage(list(segment_set.conditions)))
    return segment_set_sql(segment_set, catalog, event_days=f"{{{{ custom_event_days_sql({usage}) }}}}",
                           event_occurrences=f"{{{{ custom_event_occurrences_sql({usage}) }}}}")


def _find(name: str, project_dir: Path) -> tuple[SegmentSet, object]:
    catalog = load_catalog(project_dir)
    sets = load_definitions(project_dir, catalog)
    for segment_set in sets:
        if segment_set.name == name:
            return segment_set, catalog
    known = ", ".join(s.name for s in sets) or "none"
    raise PreviewError(f"no custom segment named {name!r} in {project_dir / 'segments'}/*.yml (defined: {known})")


def _built_as_of(duckdb_path: Path) -> dt.date:
    import duckdb

    if not duckdb_path.exists():
        raise PreviewError(f"{duckdb_path} does not exist: build the warehouse first (make build), or pass --duckdb")
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as con:
            as_of = con.execute("select max(as_of_date) from marts.dim_contact_segments").fetchone()[0]
    except duckdb.Error as error:
        raise PreviewError(f"{duckdb_path} has no built marts ({str(error).splitlines()[0]}): build first") from None
    if as_of is None:
        raise PreviewError(f"{duckdb_path}: marts.dim_contact_segments is empty: build first")
    return as_of


def compile_inline(sql: str, project_dir: Path, duckdb_path: Path, as_of: dt.date) -> str:
    """dbt's compiled SQL for `sql` (Jinja with the project's macros and refs), for as_of: the date passes through
    SEGMENTS_AS_OF_DATE so that the partial parse of the last build is kept."""
    environment = {**os.environ, "SEGMENTS_DUCKDB_PATH": str(duckdb_path.resolve()),
                   "SEGMENTS_AS_OF_DATE": as_of.isoformat()}
    command = [str(Path(sys.executable).parent / "dbt"), "compile", "--inline", sql, "--quiet", "--no-write-json",
               "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=project_dir)
    if done.returncode != 0:
        message = "\n".join(line for line in (done.stdout + done.stderr).splitlines() if line.strip())[-2000:]
        raise PreviewError(f"dbt could not compile the preview:\n{message}")
    return done.stdout.strip()


def preview(name: str, project_dir: Path | str = ".", duckdb_path: Path | str = "warehouse/segments.duckdb",
            sample: int = 5) -> Preview:
    import duckdb

    project_dir, duckdb_path = Path(project_dir), Path(duckdb_path)
    segment_set, catalog = _find(name, project_dir)
    as_of = _built_as_of(duckdb_path)
    compiled = compile_inline(preview_sql(segment_set, catalog), project_dir, duckdb_path, as_of)
    key, column = KEYS[segment_set.entity], segment_set.segment_column
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        try:
            con.execute(f"create temp table preview as {compiled}")
        except duckdb.Error as error:
            raise PreviewError(f"the preview's SQL failed on {duckdb_path}: {str(error).splitlines()[0]} (a segment "
                               "it reads may not be built yet: build it first)") from None
        counts = dict(con.execute(f"select {column}, count(*) from preview group by 1").fetchall())
        total = sum(counts.values())
        result = Preview(segment_set.name, segment_set.entity, as_of, total, sql=compiled)
        for value in segment_set.values:
            ids = con.execute(f"select {key}, {segment_set.explanation_column} from preview where {column} = ? order by "
                              f"{key} limit ?", [value, sample]).fetchall()
            entities = counts.get(value, 0)
            result.sizes.append(SegmentSize(value, entities, round(entities / total, 4) if total else 0.0, ids))
        built = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' and "
                            "table_name = ?", [segment_set.mart]).fetchone()[0]
        if built:
            result.built = True
            result.changed = con.execute(
                f"select count(*) from preview full outer join marts.{segment_set.mart} as built using ({key}) "
                f"where preview.{column} is distinct from built.{column}").fetchone()[0]
    return result
