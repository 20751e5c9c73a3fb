"""`segments bench`: generate, parse, build and query at each scale, with the figures printed and written to
docs/benchmarks.md (segments_warehouse/bench.py measures, bench_report.py writes)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import click
from rich.table import Table

from .cli_common import console, fail, today_utc

_TARGET_HELD = {True: "met", False: "not met", None: "not measured, a build failed"}


@click.command("bench")
@click.option("--contacts", "scales", default="10000,100000", show_default=True,
              help="Comma-separated numbers of contacts, e.g. 10000,100000,1000000.")
@click.option("--workdir", default="warehouse/bench", show_default=True, type=click.Path(file_okay=False))
@click.option("--json-out", default="docs/benchmarks.json", show_default=True, type=click.Path(dir_okay=False))
@click.option("--markdown-out", default="docs/benchmarks.md", show_default=True, type=click.Path(dir_okay=False))
@click.option("--project-dir", default=".", show_default=True, type=click.Path(file_okay=False))
@click.option("--merge/--no-merge", default=True, show_default=True,
              help="Keep the rows of other scales already in --json-out (each row says when and at which commit "
                   "it was measured), so one scale can be re-measured alone.")
@click.option("--keep-warehouses", is_flag=True, help="Keep each scale's DuckDB file (1M contacts: ~10-16 GB).")
@click.option("--repeats", default=3, show_default=True, type=click.IntRange(min=1),
              help="Runs of the behavioral models and of the reference query, in turns; the medians are reported.")
@click.option("--user-agents-only", is_flag=True,
              help="Measure only the user-agent parsing row for each --contacts (no generation, no build).")
@click.option("--custom-segments", default=0, show_default=True, type=click.IntRange(min=0),
              help="Also build each scale's data in a copy of the project with this many generated custom segments "
                   "(segments/bench.yml there) and report the added build time; 0: not measured.")
def bench_command(scales, workdir, json_out, markdown_out, project_dir, merge, keep_warehouses, repeats,
                  user_agents_only, custom_segments) -> None:
    """Generate, parse, build and query at each scale; print and write the figures (measured here)."""
    from . import bench_custom
    from .bench import commit, machine, run_scale, user_agent_parsing
    from .bench_report import markdown

    try:
        sizes = [int(part.replace("_", "")) for part in scales.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"not a list of numbers: {scales}", param_hint="--contacts") from None
    if custom_segments > bench_custom.MAX_SEGMENTS:
        raise click.BadParameter(f"{custom_segments}: the bench generates at most {bench_custom.MAX_SEGMENTS} custom "
                                 "segments", param_hint="--custom-segments")
    if custom_segments and user_agents_only:
        raise click.UsageError("--custom-segments measures builds: not with --user-agents-only")
    if custom_segments:  # the generated definitions checked against this project before anything is generated
        from .custom import CustomSegmentError
        from .registry import RegistryError

        try:
            bench_custom.check(Path(project_dir).resolve(), custom_segments)
        except (ValueError, CustomSegmentError, RegistryError) as error:
            raise click.BadParameter(str(error), param_hint="--custom-segments") from None
    as_of = today_utc() - dt.timedelta(days=1)
    try:
        settings = machine()
    except ValueError as error:  # a bad SEGMENTS_DUCKDB_THREADS: said before anything is generated or built
        fail(error)
    report = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": settings, "scales": []}
    earlier, earlier_agents = [], []
    if merge and Path(json_out).exists():
        try:
            previous = json.loads(Path(json_out).read_text(encoding="utf-8"))
            earlier = [r for r in previous.get("scales", [])
                       if "incremental_build_seconds" in r and (user_agents_only or r.get("contacts") not in sizes)]
            earlier_agents = [r for r in previous.get("user_agents", []) if r.get("contacts") not in sizes]
        except (ValueError, AttributeError):
            earlier, earlier_agents = [], []
    measured_commit = commit(Path(project_dir).resolve())
    # user-agent parsing first: the generated data has no user agents, so it is measured on its own (bench.py)
    agents_now = []
    for size in sizes:
        console.print(f"user-agent parsing for {size:,} contacts ...")
        agents_now.append(user_agent_parsing(size, Path(workdir) / "user_agents", Path(project_dir).resolve(),
                                             repeats=repeats, measured_commit=measured_commit))
        console.print(f"  {agents_now[-1]['distinct_user_agents']:,} distinct user agents: "
                      f"{agents_now[-1]['seconds']} s ({agents_now[-1]['ms_per_user_agent']} ms each)")
    report["user_agents"] = sorted([*earlier_agents, *agents_now], key=lambda r: r["contacts"])
    if user_agents_only:
        report["scales"] = earlier
        Path(json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(json_out).write_text(json.dumps(report, indent=2), encoding="utf-8")
        Path(markdown_out).write_text(markdown(report), encoding="utf-8")
        sys.exit(0)
    measured_now: list[dict] = []
    for size in sizes:
        console.print(f"benchmarking {size:,} contacts ...")
        measured = run_scale(size, Path(workdir) / str(size), Path(project_dir).resolve(), as_of,
                             measured_commit=measured_commit, repeats=repeats, custom_segments=custom_segments)
        if not keep_warehouses:
            for pattern in ("bench.duckdb*", "custom/bench.duckdb*"):
                for leftover in (Path(workdir) / str(size)).glob(pattern):
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        measured_now.append(measured)
        report["scales"] = sorted([*earlier, *measured_now], key=lambda r: r["contacts"])
        table = Table(title="benchmark (seconds unless said)")
        for column in ("contacts", "raw rows", "generate", "parse", "build", "incremental", "nothing new",
                       "behavioral", "reference", "ratio", "peak MiB", "file MiB", "ok"):
            table.add_column(column, justify="right")
        for r in report["scales"]:
            table.add_row(f"{r['contacts']:,}", f"{r['raw_rows_total']:,}", str(r["generate_seconds"]), str(r["parse_seconds"]),
                          str(r["build_seconds"]), str(r["incremental_build_seconds"]),
                          str(r.get("rebuild_nothing_new_seconds", "-")), str(r["behavioral_models_seconds"]),
                          str(r["reference_query_seconds"]), str(r["behavioral_to_reference_ratio"]),
                          f"{r['peak_rss_mib']:,}", str(r["warehouse_mib"]), str(r["build_ok"]))
        console.print(table)
        custom = measured.get("custom_segments")
        if custom:
            share = "-" if custom["added_share"] is None else f"{custom['added_share']:+.1%}"
            console.print(f"{size:,} contacts, {custom['count']} custom segments: build {custom['build_seconds_without']} "
                          f"s without, {custom['build_seconds_with']} s with ({share}; target "
                          f"{custom['target_share']:+.0%}: {_TARGET_HELD[custom['target_held']]}), the "
                          f"custom models {custom.get('custom_models_seconds', '-')} s and their tests "
                          f"{custom.get('custom_tests_seconds', '-')} s of node time")
        for step, nodes in measured.get("failed", {}).items():
            console.print(f"[red]{size:,} contacts, {step} failed:[/red] " + "; ".join(nodes[:10]))
        Path(json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(json_out).write_text(json.dumps(report, indent=2), encoding="utf-8")
        Path(markdown_out).write_text(markdown(report), encoding="utf-8")
    sys.exit(0 if all(r["build_ok"] for r in report["scales"]) else 1)
