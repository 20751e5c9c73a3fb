"""Summarize a dbt run for people and orchestrators: what was built, what was tested, how many rows the marts have."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .publish import PUBLISHED_SCHEMAS, SKIPPED


@dataclass
class RunSummary:
    command: str
    elapsed_seconds: float
    statuses: dict[str, Counter] = field(default_factory=dict)  # resource type -> status -> count
    failures: list[str] = field(default_factory=list)
    slowest: list[tuple[str, float]] = field(default_factory=list)
    mart_rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


def _command_title(args: dict) -> str:
    """`dbt build --selector daily_full`, not the first three words (`dbt build --vars`): the command and the
    options that say what was run, without values such as --vars JSON or paths."""
    which = args.get("which")
    if not which:
        return " ".join(args.get("invocation_command", "dbt").split()[:2])
    words = ["dbt", which]
    for option in ("select", "exclude"):
        if args.get(option):
            words.append(f"--{option} {' '.join(args[option])}")
    if args.get("selector"):
        words.append(f"--selector {args['selector']}")
    if args.get("full_refresh"):
        words.append("--full-refresh")
    return " ".join(words)


def summarize(run_results_path: str | Path, duckdb_path: str | Path | None = None) -> RunSummary:
    path = Path(run_results_path)
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run dbt first (it writes target/run_results.json)")
    results = json.loads(path.read_text(encoding="utf-8"))
    summary = RunSummary(
        command=_command_title(results.get("args", {})),
        elapsed_seconds=round(results.get("elapsed_time", 0.0), 1),
    )
    timings = []
    for result in results["results"]:
        unique_id = result["unique_id"]
        kind = unique_id.split(".")[0]
        summary.statuses.setdefault(kind, Counter())[result["status"]] += 1
        if result["status"] in ("error", "fail", "runtime error"):
            message = (result.get("message") or "").splitlines()[0] if result.get("message") else ""
            summary.failures.append(f"{unique_id}: {result['status']} {message}".strip())
        timings.append((unique_id, float(result.get("execution_time") or 0.0)))
    summary.slowest = sorted(timings, key=lambda item: item[1], reverse=True)[:5]
    if duckdb_path and Path(duckdb_path).exists():
        with duckdb.connect(str(duckdb_path), read_only=True) as con:
            placeholders = ", ".join(f"'{s}'" for s in PUBLISHED_SCHEMAS)
            for schema, table in con.execute(
                f"select table_schema, table_name from information_schema.tables where table_schema in ({placeholders}) "
                "and table_type = 'BASE TABLE' order by 1, 2"
            ).fetchall():
                if (schema, table) in SKIPPED:  # the exporter's own state is not published
                    continue
                summary.mart_rows[f"{schema}.{table}"] = con.execute(f'select count(*) from {schema}."{table}"').fetchone()[0]
    return summary
