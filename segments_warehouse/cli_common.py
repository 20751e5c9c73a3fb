"""What every `segments` command shares: the console for messages, the common options, the output helpers, and the
command group that lists each command's whole first paragraph."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import NoReturn

import click
from rich.console import Console
from rich.table import Table

# soft_wrap: messages are never broken across lines (logs and tests read them whole); tables get a wide
# canvas when written to a log instead of a terminal, so no column is truncated
console = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)

DEFAULT_DUCKDB_PATH = "warehouse/segments.duckdb"


def duckdb_path_option(function):
    return click.option(
        "--duckdb",
        "duckdb_path",
        default=lambda: os.environ.get("SEGMENTS_DUCKDB_PATH", DEFAULT_DUCKDB_PATH),
        show_default=f"$SEGMENTS_DUCKDB_PATH or {DEFAULT_DUCKDB_PATH}",
        help="DuckDB warehouse file (the dbt profile reads the same variable).",
    )(function)


project_dir_option = click.option(
    "--project-dir", default=".", show_default=True, type=click.Path(file_okay=False),
    help="The dbt project (its dbt_project.yml, segment registry and lock, and segments/*.yml).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout instead of tables.")


def stdout_console() -> Console:
    """Tables a command answers with, on stdout; a wide canvas when it is not a terminal (logs, pipes)."""
    return Console(width=None if sys.stdout.isatty() else 200, soft_wrap=False)


def print_json(document: dict) -> None:
    click.echo(json.dumps(document, indent=2, default=str))


def new_table(title: str, *headings: str) -> Table:
    table = Table(title=title)
    for heading in headings:
        table.add_column(heading, overflow="fold")
    return table


def fail(error: Exception) -> NoReturn:
    """A usage or input problem: one red line, exit code 2 (a failed check exits 1)."""
    console.print(f"[red]error:[/red] {error}")
    sys.exit(2)


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class Commands(click.Group):
    """`segments --help` lists each command with its whole first paragraph, wrapped, instead of click's 45
    characters cut off with '...'."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
