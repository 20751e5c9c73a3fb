"""Regenerate seeds/ua_parser_rules.csv from the ua-parser project's rules (uap-core regexes.yaml, Apache-2.0) as the
pip package `ua-parser-builtins` bundles them (pinned in pyproject's dev extra):

    .venv/bin/python -m segments_warehouse.ua_rules

One row per rule, in uap-core's order (the first matching rule of a kind wins): rule_kind (browser, os, device),
rule_order, pattern, family (uap's replacement, `$1` where uap takes the first group). Only the family is kept:
staging strips versions anyway. A device rule's case-insensitive flag becomes a leading `(?i)`, which RE2 (DuckDB),
Java (Spark) and Postgres's ARE all read. Rules the SQL engines cannot run are left out and counted: lookarounds,
backreferences, named groups and atomic groups (Python-only or not in RE2), repetition bounds over 255 (Postgres),
and any pattern DuckDB does not compile. Postgres reads `\\b` as a backspace: its macro rewrites it to `\\y`.
"""

from __future__ import annotations

import ast
import csv
import re
from importlib import resources
from pathlib import Path

import duckdb

SEED = Path(__file__).resolve().parents[1] / "seeds" / "ua_parser_rules.csv"
UNSUPPORTED = re.compile(r"\(\?[=!<>P]|\\[1-9]")
# Postgres's regex engine refuses a repetition bound over 255
LARGE_BOUND = re.compile(r"\{\d*,?(\d+)\}")
KINDS = {"USER_AGENT_PARSERS": "browser", "OS_PARSERS": "os", "DEVICE_PARSERS": "device"}


def _rules() -> list[tuple[str, str, str]]:
    source = resources.files("ua_parser_builtins").joinpath("regexes.py").read_text()
    rules = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.List)):
            continue
        kind = KINDS.get(node.targets[0].id)
        if kind is None:
            continue
        for call in node.value.elts:
            args = [ast.literal_eval(arg) for arg in call.args]
            pattern = args[0]
            if kind == "device":
                flag = args[1] if len(args) > 1 else None
                family = args[2] if len(args) > 2 else None
                pattern = f"(?i){pattern}" if flag == "i" else pattern
            else:
                family = args[1] if len(args) > 1 else None
            rules.append((kind, pattern, family or "$1"))
    return rules


def main() -> None:
    con = duckdb.connect()
    kept, dropped = [], {}
    for kind, pattern, family in _rules():
        usable = not UNSUPPORTED.search(pattern) and all(int(b) <= 255 for b in LARGE_BOUND.findall(pattern))
        if usable:
            try:
                con.execute("select regexp_matches('x', ?)", [pattern])
            except duckdb.Error:
                usable = False
        if usable:
            kept.append((kind, pattern, family))
        else:
            dropped[kind] = dropped.get(kind, 0) + 1
    with SEED.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["rule_kind", "rule_order", "pattern", "family"])
        order = {}
        for kind, pattern, family in kept:
            order[kind] = order.get(kind, 0) + 1
            writer.writerow([kind, order[kind], pattern, family])
    print(f"{SEED}: {len(kept)} rules kept; left out (engines cannot run them): {dropped}")


if __name__ == "__main__":
    main()
