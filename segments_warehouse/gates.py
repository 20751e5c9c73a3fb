"""Release gates: `segments publish` and `segments export` stop a build whose numbers moved too far.

A build can pass every dbt test and every Great Expectations suite and still be wrong: a loader that changed its
id type orphans every order, a broken source empties a table, a bug doubles a segment. Before the marts reach BI
(publish) or the CRM (export), this module compares the build with the LAST PUBLISHED build and blocks it when:

- volume: the kept rows of a raw table (data_quality.fct_data_quality__staging_rows) changed by more than
  `gate_max_relative_change` (share of the published count) AND by more than `gate_min_absolute_change` rows;
- segments: the size of a segment (marts.agg_segment_summary, entities) changed by as much (a segment that
  appears or disappears counts from or to 0);
- orphans: the share of orders whose contact is not in the CRM, or of product events whose user links to no
  contact (data_quality.fct_data_quality__flagged_records over the kept rows of the table; anonymous traffic that
  was never identified is neither counted nor in the denominator), is above `gate_max_orphan_share`, or rose by
  more than `gate_max_orphan_share_increase` since the last publish; either only when at least
  `gate_min_absolute_change` records are orphaned. This check needs no published build: it runs on the first
  publish too.

The numbers of the last published build are kept in the working warehouse (table gates.published_metrics, written
after each successful publish; not itself published): export runs against the working warehouse and does not know
where the published file is, and a test warehouse is never compared with a demo published elsewhere. The first
publish has nothing to compare with: the change checks pass and say so.

`--accept-change "why"` lets a blocked build through: it records who, when, why, the command and each blocked check
with its change in data_quality.gate_acknowledgements (published, so BI sees what was accepted), keyed to the
build's dbt invocation id (target/run_results.json). A later publish or export of the SAME build honours that
acknowledgement for the checks it names; the next dbt build has a new invocation id and is checked afresh.

Thresholds are dbt vars (dbt_project.yml, block "Gates"), read from the project of the dbt run being released and
overridden by the `--vars` that run was given (both from its run_results.json), so one `--vars` sets a threshold for
the build and for its release.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import click  # duckdb and yaml are imported where used: the CLI imports this module for its option at start-up

DEFAULTS = {
    "gate_max_relative_change": 0.5,
    "gate_min_absolute_change": 100,
    "gate_max_orphan_share": 0.5,
    "gate_max_orphan_share_increase": 0.1,
}
STATE_SCHEMA = "gates"
BASELINE = f"{STATE_SCHEMA}.published_metrics"
ACKNOWLEDGEMENTS = "data_quality.gate_acknowledgements"
STAGING_ROWS = "data_quality.fct_data_quality__staging_rows"
FLAGGED = "data_quality.fct_data_quality__flagged_records"
SEGMENTS = "marts.agg_segment_summary"
# orphaned records per record type: (flagged record_type, flagged reasons, kept raw tables, reasons taken out of
# the denominator)
ORPHANS = {
    "orders": ("order", ("contact_not_in_crm",), ("crm.orders",), ()),
    "product_events": ("product_event", ("user_never_identified", "user_not_in_crm"),
                       ("product.tracks", "product.pages"), ("anonymous_never_identified",)),
}


class GateError(Exception):
    """The gates cannot run (a missing mart, a bad threshold); the message says why."""


class GatesBlocked(Exception):
    """The build moved past a threshold; nothing was published or exported. `report` has every check."""

    def __init__(self, report: GateReport):
        super().__init__(report.message())
        self.report = report


@dataclass
class Check:
    kind: str  # volume, orphans, segment
    name: str  # product.tracks, orders, behavioral/power_user
    before: str
    after: str
    change: str
    status: str  # pass, blocked, accepted
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"

    def describe(self) -> str:
        return f"{self.kind} {self.name}: {self.before} -> {self.after}{f' ({self.change})' if self.change else ''}; {self.note}"


@dataclass
class GateReport:
    command: str
    invocation_id: str | None
    baseline: str | None  # when and from which dbt run the compared published build came; None: first publish
    checks: list[Check]
    thresholds: dict
    metrics: list[tuple] = field(default_factory=list)  # (kind, name, value, total): what a publish records
    accepted_now: bool = False
    warning: str | None = None

    @property
    def blocked(self) -> list[Check]:
        return [c for c in self.checks if c.status == "blocked"]

    @property
    def accepted(self) -> list[Check]:
        return [c for c in self.checks if c.status == "accepted"]

    def message(self) -> str:
        blocked = self.blocked
        if not blocked:
            return "every gate passed"
        target = "BI (publish)" if self.command == "publish" else "the CRM (export)"
        return (f"{len(blocked)} gate(s) blocked this build from {target}: " + "; ".join(c.describe() for c in blocked)
                + ". If the change is real, run again with --accept-change \"why\" (recorded in "
                f"{ACKNOWLEDGEMENTS}, for this dbt run only)")


# --- thresholds -------------------------------------------------------------------------------------------------

def _run_results(run_results: str | Path | None) -> dict | None:
    if run_results is None or not Path(run_results).exists():
        return None
    try:
        return json.loads(Path(run_results).read_text(encoding="utf-8"))
    except ValueError as error:
        raise GateError(f"{run_results} is not valid JSON ({error}): rerun dbt build") from None


def load_thresholds(results: dict | None, project_dir: str | Path = ".") -> dict:
    """Defaults, then the vars of the project's dbt_project.yml, then the `--vars` of the dbt run."""
    import yaml

    values = dict(DEFAULTS)
    args = (results or {}).get("args") or {}
    project_file = Path(args.get("project_dir") or project_dir) / "dbt_project.yml"
    if project_file.exists():
        project_vars = (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("vars") or {}
        values.update({k: v for k, v in project_vars.items() if k in DEFAULTS})
    run_vars = args.get("vars") or {}
    if isinstance(run_vars, str):
        run_vars = yaml.safe_load(run_vars) or {}
    values.update({k: v for k, v in run_vars.items() if k in DEFAULTS})
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or math.isnan(value):
            raise GateError(f"var {name} must be a number >= 0, got {value!r}")
        if name != "gate_min_absolute_change" and name != "gate_max_relative_change" and value > 1:
            raise GateError(f"var {name} is a share: a number from 0 to 1 (e.g. 0.5 for 50%), got {value!r}")
    return values


def check_registry(results: dict | None, project_dir: str | Path = ".") -> None:
    """The segment models and their values are what the reviewed lock says: refuse a registry that differs from
    segment_registry.lock.yml, and a dbt run that replaced the registry on the command line (its values never
    reviewed), so neither reaches BI or the CRM."""
    import yaml

    from .registry import RegistryError, locked_registry

    args = (results or {}).get("args") or {}
    run_vars = args.get("vars") or {}
    if isinstance(run_vars, str):
        run_vars = yaml.safe_load(run_vars) or {}
    if "segment_registry" in run_vars:
        raise GateError("the dbt run replaced segment_registry with --vars: the segment models and their values are "
                        "declared in dbt_project.yml and reviewed in segment_registry.lock.yml; build again without it")
    try:
        locked_registry(Path(args.get("project_dir") or project_dir))
    except RegistryError as error:
        raise GateError(str(error)) from None


# --- metrics ----------------------------------------------------------------------------------------------------

def _table_exists(con, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def measure(con) -> list[tuple]:
    """(kind, name, value, total) of the build in the warehouse `con` is connected to."""
    missing = [t for t in (STAGING_ROWS, FLAGGED, SEGMENTS) if not _table_exists(con, t)]
    if missing:
        raise GateError(f"the warehouse has no {', '.join(missing)}: run dbt build first")
    kept = dict(con.execute(
        f"select source_name || '.' || table_name, sum(case when outcome = 'kept' then row_count else 0 end) "
        f"from {STAGING_ROWS} group by 1").fetchall())
    metrics = [("volume", name, float(count), None) for name, count in sorted(kept.items())]
    flagged = {(record_type, reason): count
               for record_type, reason, count in con.execute(f"select record_type, reason, row_count from {FLAGGED}").fetchall()}
    for name, (record_type, reasons, tables, excluded) in ORPHANS.items():
        orphaned = sum(flagged.get((record_type, reason), 0) for reason in reasons)
        total = sum(kept.get(table, 0) for table in tables) - sum(flagged.get((record_type, r), 0) for r in excluded)
        metrics.append(("orphans", name, float(orphaned), float(max(total, orphaned))))
    for model, segment, entities in con.execute(
            f"select segment_model, segment, entities from {SEGMENTS} order by 1, 2").fetchall():
        metrics.append(("segment", f"{model}/{segment}", float(entities), None))
    return metrics


# --- checks -----------------------------------------------------------------------------------------------------

def _count(value: float | None) -> str:
    return "-" if value is None else f"{int(value):,}"


def _share(value: float) -> str:
    return f"{value * 100:.1f}%"


def _change_check(kind, name, before, after, limits, has_baseline) -> Check:
    if not has_baseline:
        return Check(kind, name, "-", _count(after), "", "pass", "first publish: nothing to compare with")
    before = before or 0.0
    delta = after - before
    relative = abs(delta) / before if before else math.inf
    change = f"{delta:+,.0f}" + ("" if not (before or delta) else f", {'new' if not before else f'{delta / before * 100:+.0f}%'}")
    too_far = abs(delta) > limits["gate_min_absolute_change"] and relative > limits["gate_max_relative_change"]
    note = (f"changed by more than {limits['gate_max_relative_change'] * 100:g}% and {limits['gate_min_absolute_change']:,} rows "
            "since the last publish" if too_far else "within the thresholds")
    return Check(kind, name, _count(before), _count(after), change, "blocked" if too_far else "pass", note)


def _orphan_check(name, orphaned, total, before, limits, has_baseline) -> Check:
    share = orphaned / total if total else 0.0
    after_text = f"{_share(share)} ({_count(orphaned)} of {_count(total)})"
    problems = []
    enough = orphaned >= limits["gate_min_absolute_change"]
    if enough and share > limits["gate_max_orphan_share"]:
        problems.append(f"above the maximum of {_share(limits['gate_max_orphan_share'])}")
    before_share = None
    if has_baseline and before is not None:
        before_share = before[0] / before[1] if before[1] else 0.0
        if enough and share - before_share > limits["gate_max_orphan_share_increase"]:
            problems.append(f"rose by more than {limits['gate_max_orphan_share_increase'] * 100:g} points since the last publish")
    label = f"{name} linking to no contact"
    change = "" if before_share is None else f"{(share - before_share) * 100:+.1f} points"
    note = "; ".join(problems) if problems else "within the thresholds" + ("" if has_baseline else " (first publish)")
    return Check("orphans", label, "-" if before_share is None else _share(before_share), after_text, change,
                 "blocked" if problems else "pass", note)


def evaluate(metrics: list[tuple], baseline: list[tuple] | None, limits: dict) -> list[Check]:
    has_baseline = baseline is not None
    before = {(kind, name): (value, total) for kind, name, value, total in (baseline or [])}
    checks = []
    now = {(kind, name) for kind, name, _, _ in metrics}
    for kind, name, value, total in metrics:
        previous = before.get((kind, name))
        if kind == "orphans":
            checks.append(_orphan_check(name, value, total, previous, limits, has_baseline))
        else:
            checks.append(_change_check(kind, name, previous[0] if previous else None, value, limits, has_baseline))
    # segments and tables of the last publish that this build no longer has: dropped to 0
    for (kind, name), (value, _) in sorted(before.items()):
        if (kind, name) not in now and kind != "orphans":
            checks.append(_change_check(kind, name, value, 0.0, limits, True))
    return checks


# --- state in the warehouse -------------------------------------------------------------------------------------

def _baseline(con) -> tuple[list[tuple] | None, str | None]:
    if not _table_exists(con, BASELINE):
        return None, None
    rows = con.execute(f"select kind, name, value, total, dbt_invocation_id, published_at from {BASELINE}").fetchall()
    if not rows:
        return None, None
    return [row[:4] for row in rows], f"published {rows[0][5]:%Y-%m-%d %H:%M} UTC (dbt run {rows[0][4]})"


def _ensure_acknowledgements(con) -> None:
    con.execute("create schema if not exists data_quality")
    con.execute(f"""create table if not exists {ACKNOWLEDGEMENTS} (
        acknowledged_at timestamp not null, acknowledged_by varchar not null, command varchar not null,
        dbt_invocation_id varchar not null, gate_check varchar not null, change varchar not null,
        reason varchar not null)""")


def _acknowledged(con, invocation_id: str | None) -> dict[str, tuple]:
    if invocation_id is None or not _table_exists(con, ACKNOWLEDGEMENTS):
        return {}
    rows = con.execute(f"select gate_check, acknowledged_by, acknowledged_at, reason from {ACKNOWLEDGEMENTS} "
                       "where dbt_invocation_id = ? order by acknowledged_at", [invocation_id]).fetchall()
    return {check: (who, when, why) for check, who, when, why in rows}


def _operator() -> str:
    try:
        return os.environ.get("SEGMENTS_OPERATOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def check_release(working_path: str | Path, command: str, run_results: str | Path | None = None,
                  accept_change: str | None = None, project_dir: str | Path = ".") -> GateReport:
    """Run every gate on the working warehouse; raise GatesBlocked unless all pass or are acknowledged."""
    import duckdb

    if accept_change is not None and not accept_change.strip():
        raise GateError('--accept-change needs a reason: --accept-change "why the change is real"')
    results = _run_results(run_results)
    invocation_id = ((results or {}).get("metadata") or {}).get("invocation_id")
    limits = load_thresholds(results, project_dir)
    check_registry(results, project_dir)
    if not Path(working_path).exists():
        raise GateError(f"no working warehouse at {working_path}: run dbt build first")
    try:
        con = duckdb.connect(str(working_path))
    except duckdb.IOException as error:
        raise GateError(f"cannot open {working_path} for the gates (is a dbt build or another client writing it?): "
                        f"{str(error).splitlines()[0]}") from None
    try:
        metrics = measure(con)
        baseline, baseline_text = _baseline(con)
        report = GateReport(command, invocation_id, baseline_text, evaluate(metrics, baseline, limits), limits, metrics)
        earlier = _acknowledged(con, invocation_id)
        for check in report.blocked:
            if check.key in earlier:
                who, when, why = earlier[check.key]
                check.status, check.note = "accepted", f"accepted by {who} at {when:%Y-%m-%d %H:%M} UTC: {why}"
        if report.blocked and accept_change is not None:
            if invocation_id is None:
                raise GateError(f"--accept-change is kept for one dbt run, named by its run results: {run_results} "
                                "not found (run dbt build, or pass --run-results)")
            _ensure_acknowledgements(con)
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            who = _operator()
            con.executemany(
                f"insert into {ACKNOWLEDGEMENTS} values (?, ?, ?, ?, ?, ?, ?)",
                [(now, who, command, invocation_id, c.key, f"{c.before} -> {c.after} ({c.change}): {c.note}",
                  accept_change.strip()) for c in report.blocked])
            for check in report.blocked:
                check.status, check.note = "accepted", f"accepted now by {who}: {accept_change.strip()}"
            report.accepted_now = True
    finally:
        con.close()
    if report.blocked:
        raise GatesBlocked(report)
    return report


def record_published(working_path: str | Path, report: GateReport) -> None:
    """After a successful publish: its numbers become the baseline the next publish and export compare with."""
    import duckdb

    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        with duckdb.connect(str(working_path)) as con:
            con.execute(f"create schema if not exists {STATE_SCHEMA}")
            con.execute("begin transaction")
            con.execute(f"create or replace table {BASELINE} (kind varchar not null, name varchar not null, "
                        "value double not null, total double, dbt_invocation_id varchar, published_at timestamp not null)")
            con.executemany(f"insert into {BASELINE} values (?, ?, ?, ?, ?, ?)",
                            [(*metric, report.invocation_id, published_at) for metric in report.metrics])
            con.execute("commit")
    except duckdb.Error as error:  # published all the same: the next release compares with the publish before
        report.warning = (f"published, but its numbers could not be kept for the gates ({str(error).splitlines()[0]}): "
                          "the next publish and export compare with the publish before this one")


# --- output -----------------------------------------------------------------------------------------------------

STATUS_STYLE = {"pass": "[green]pass[/green]", "blocked": "[red]BLOCKED[/red]", "accepted": "[yellow]accepted[/yellow]"}


def render(report: GateReport, only_notable: bool = True):
    """A rich table of the checks: every blocked or accepted one, and every volume and orphan check."""
    from rich.table import Table

    compared = report.baseline or "no published build yet (first publish): only the orphan limits apply"
    table = Table(title=f"Gates before {report.command}: this build vs the last published one ({compared})")
    for column, justify in (("check", "left"), ("name", "left"), ("last published", "right"), ("this build", "right"),
                            ("change", "right"), ("result", "left"), ("why", "left")):
        table.add_column(column, justify=justify)
    shown = [c for c in report.checks if not only_notable or c.kind != "segment" or c.status != "pass"]
    for check in shown:
        table.add_row(check.kind, check.name, check.before, check.after, check.change, STATUS_STYLE[check.status], check.note)
    segments = [c for c in report.checks if c.kind == "segment"]
    quiet = sum(c.status == "pass" for c in segments)
    if only_notable and quiet:
        table.caption = f"{quiet} of {len(segments)} segment sizes within the thresholds (not listed)"
    return table


def print_blocked(console, blocked: GatesBlocked, verdict: str):
    """The CLI's answer to a blocked build: the table, one red line with the message, exit code 1."""
    import sys

    console.print(render(blocked.report))
    console.print(f"[red]{verdict}:[/red] {blocked}")
    sys.exit(1)


def print_passed(console, report: GateReport | None, accept_change: str | None) -> None:
    if report is None:  # nothing to export: the gates did not run
        return
    console.print(render(report))
    if report.warning:
        console.print(f"[yellow]warning:[/yellow] {report.warning}")
    if accept_change is not None and not report.accepted_now:
        console.print("--accept-change: no check blocked this build (or each was accepted before); nothing recorded")


def accept_change_option(function):
    """`--accept-change WHY` of `segments publish` and `segments export`."""
    return click.option(
        "--accept-change", "accept_change", metavar="WHY", default=None,
        help="Let a build the gates block through, once: recorded with WHY in data_quality.gate_acknowledgements "
             "for this dbt run only (docs/operations.md, Gates).",
    )(function)
