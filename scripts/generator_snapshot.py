"""Prove that a change to segments_warehouse/generate/ leaves its output byte for byte the same.

    .venv/bin/python scripts/generator_snapshot.py write target/gen-before    # on the old code
    .venv/bin/python scripts/generator_snapshot.py write target/gen-after     # on the new code
    .venv/bin/python scripts/generator_snapshot.py compare target/gen-before target/gen-after

`write` generates 2,000 contacts (seed 7) and 60,000 contacts (seed 3: two event chunks) as Parquet, and 2,000
contacts into a DuckDB file followed by `append_day` (2026-11-02), with the manifests. `compare` exits 1 unless every
Parquet file is byte-identical, every DuckDB table is identical row by row in stored order, and the manifests
(without their `seconds`) are equal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
from pathlib import Path

import duckdb

AS_OF = dt.date(2026, 11, 1)


def write(out: Path) -> None:
    from segments_warehouse.generate import append_day, generate

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    manifests = {}
    for contacts, seed in ((2_000, 7), (60_000, 3)):
        manifests[f"p{contacts}"] = generate(contacts, seed, AS_OF, parquet_dir=str(out / f"p{contacts}"), progress=False)
    manifests["duckdb"] = generate(2_000, 7, AS_OF, duckdb_path=str(out / "w.duckdb"), progress=False)
    for manifest in manifests.values():
        manifest.pop("seconds")
    manifests["append_day"] = append_day(str(out / "w.duckdb"), AS_OF + dt.timedelta(days=1), seed=7)
    (out / "manifest.json").write_text(json.dumps(manifests, indent=1, sort_keys=True))


def compare(a: Path, b: Path) -> str:
    problems = []
    if json.loads((a / "manifest.json").read_text()) != json.loads((b / "manifest.json").read_text()):
        problems.append("manifests differ")
    files = sorted(p.relative_to(a) for p in a.rglob("*.parquet"))
    if files != sorted(p.relative_to(b) for p in b.rglob("*.parquet")):
        problems.append("not the same Parquet files")
    for name in files:
        if (b / name).exists() and hashlib.sha256((a / name).read_bytes()).digest() != hashlib.sha256((b / name).read_bytes()).digest():
            problems.append(f"{name} differs")
    con = duckdb.connect()
    con.execute(f"attach '{a / 'w.duckdb'}' as a (read_only)")
    con.execute(f"attach '{b / 'w.duckdb'}' as b (read_only)")
    listing = "select schema_name, table_name from duckdb_tables() where database_name = '{}' order by all"
    tables = con.execute(listing.format("a")).fetchall()
    if tables != con.execute(listing.format("b")).fetchall():
        problems.append("not the same DuckDB tables")
    rows = 0
    for schema, table in tables:
        # stored order (rowid) and every value, compared as their repr (so that a NaN equals a NaN)
        left = con.execute(f"select * from a.{schema}.{table} order by rowid").fetchall()
        right = con.execute(f"select * from b.{schema}.{table} order by rowid").fetchall()
        if [repr(r) for r in left] != [repr(r) for r in right]:
            problems.append(f"{schema}.{table} differs")
        rows += len(left)
    if problems:
        raise SystemExit("\n".join(problems))
    return f"identical: {len(files)} Parquet files byte for byte, {len(tables)} DuckDB tables ({rows:,} rows) row by row, manifests"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        print(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        raise SystemExit(__doc__)
