"""Generator of realistic, dirty raw data for every raw table of docs/raw_contract.md.

``generate(contacts, seed, as_of, duckdb_path=... | parquet_dir=...)`` writes raw_crm.accounts, contacts,
subscriptions, orders, tickets; raw_product.tracks, pages, identifies; raw_surveys.responses and
raw_compliance.erasure_requests, and returns a manifest of row counts, the exact number of rows of each quarantine
reason a correct staging layer must find, counts of cleanable dirt and the behavioral personas.

The package, by concern: ``schema`` (the raw tables' columns and types), ``world`` (random streams, the
expected-quarantine bookkeeping, the people), ``crm`` (accounts, contacts, tickets), ``billing`` (subscriptions,
orders), ``events`` (what each persona does), ``tracks_pages`` and ``identifies`` (event rows), ``surveys``,
``compliance`` (erasure requests), ``dirt`` (how defective rows are made), ``words``, ``arrays``, ``text_sql``
(vectorized helpers), ``sinks`` (DuckDB or Parquet), and ``append_day`` (one more day of events, for incremental
builds).

How it works:

* Deterministic for (contacts, seed, as_of): every table (and every chunk of product events) draws from its own
  ``numpy.random.default_rng([seed, crc32(name), part])``; nothing reads the clock except the manifest's
  ``seconds``; every output is written in an explicit order.
* Vectorized: numpy draws numbers and category codes for all rows at once; pyarrow maps codes to text; DuckDB SQL
  on the arrow tables formats ids, emails and text timestamps. No Python code runs per row.
* Bounded memory: product events are made per chunk of contacts and streamed out (DuckDB ``insert into`` or a
  pyarrow ``ParquetWriter``), so a million contacts (tens of millions of events) stay well under 10 GB.
* Honest dirt: every defect is an extra row (a defective copy of a clean row of a clean person, or a new row)
  carrying exactly one defect, and the people it is copied from are neither deleted nor erased. The reason each
  dirty row must get is therefore known and counted as it is made, not recomputed from the output.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .append_day import append_day
from .billing import orders, subscriptions
from .compliance import erasure_requests
from .crm import accounts, tickets
from .crm import contacts as contacts_table
from .events import EVENT_CHUNK_CONTACTS, events
from .schema import SCHEMAS, SOURCES
from .sinks import Sink
from .surveys import surveys
from .words import PLACEHOLDER_KEYS
from .world import PERSONAS, World, people

__all__ = ["PERSONAS", "PLACEHOLDER_KEYS", "SCHEMAS", "SOURCES", "append_day", "generate"]


def generate(contacts: int, seed: int, as_of: dt.date, *, duckdb_path: str | None = None,
             parquet_dir: str | None = None, progress: bool = True) -> dict:
    """Write every raw table of docs/raw_contract.md for `contacts` people as of `as_of` (the last complete UTC
    day) into a DuckDB file (`duckdb_path`) or Parquet files (`parquet_dir`/<schema>/<table>.parquet), and return
    the manifest: rows per table, the exact count of each quarantine reason staging must find, cleanable dirt, and
    the behavioral personas."""
    if (duckdb_path is None) == (parquet_dir is None):
        raise ValueError("give exactly one of duckdb_path or parquet_dir")
    if int(contacts) < 1:
        raise ValueError("contacts must be at least 1")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    started = time.perf_counter()
    sink = Sink(duckdb_path, parquet_dir)
    generator = World(int(contacts), int(seed), as_of, sink)
    chunks = -(-int(contacts) // EVENT_CHUNK_CONTACTS)
    steps = [("people", people), ("accounts", accounts), ("contacts", contacts_table),
             ("subscriptions", subscriptions), ("orders", orders), ("tickets", tickets), ("product events", None),
             ("survey responses", surveys), ("erasure requests", erasure_requests)]
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   disable=not progress)
    try:
        with bar:
            task = bar.add_task("generating", total=len(steps) - 1 + chunks + 1)
            for name, step in steps:
                bar.update(task, description=f"generating {name}")
                if step is None:
                    events(generator, lambda: bar.advance(task))
                    bar.advance(task)  # ghosts
                else:
                    step(generator)
                    bar.advance(task)
    finally:
        sink.close()
    tables = {}
    for schema, table in SCHEMAS:
        key = f"{SOURCES[schema]}.{table}"
        tables[key] = {"rows": int(sink.rows[key]),
                       "quarantined": dict(sorted(generator.quarantined.get(key, Counter()).items()))}
    return {
        "contacts": int(contacts), "seed": int(seed), "as_of": as_of.isoformat(),
        "seconds": round(time.perf_counter() - started, 2),
        "tables": dict(sorted(tables.items())),
        "total_rows": int(sum(t["rows"] for t in tables.values())),
        "cleanable": {key: int(value) for key, value in sorted(generator.cleanable.items())},
        "personas": {name: int(generator.personas[name]) for name in PERSONAS},
    }
