"""`segments bi import`: the Superset dashboard of bi/dashboard.yml into a running Superset (segments_warehouse/bi.py)."""

from __future__ import annotations

import os

import click

from .cli_common import console, fail


@click.group("bi")
def bi_group() -> None:
    """The BI dashboard kept as code (bi/dashboard.yml): import it into Superset."""


@bi_group.command("import")
@click.option("--url", default="http://127.0.0.1:8088", show_default=True, help="The Superset to import into.")
@click.option("--published", "published_path",
              default=lambda: os.environ.get("SEGMENTS_PUBLISHED_PATH", "warehouse/published/segments.duckdb"),
              show_default="$SEGMENTS_PUBLISHED_PATH or warehouse/published/segments.duckdb",
              help="The published warehouse file Superset reads (read-only).")
@click.option("--spec", default=None, type=click.Path(dir_okay=False, exists=True),
              help="The dashboard spec (default bi/dashboard.yml).")
def import_command(url, published_path, spec) -> None:
    """Create or replace the dashboard, its charts, datasets and database connection in Superset, through its
    REST API, as a user with SUPERSET_ADMIN_USER and SUPERSET_ADMIN_PASSWORD from the environment."""
    from .bi import DEFAULT_SPEC, BiError, import_dashboard

    user, password = os.environ.get("SUPERSET_ADMIN_USER"), os.environ.get("SUPERSET_ADMIN_PASSWORD")
    if not user or not password:
        fail(click.UsageError("set SUPERSET_ADMIN_USER and SUPERSET_ADMIN_PASSWORD to a Superset user that may create "
                              "databases, datasets, charts and dashboards"))
    try:
        result = import_dashboard(url, user, password, published_path, spec or DEFAULT_SPEC)
    except BiError as error:
        fail(error)
    console.print(f"Imported the dashboard with {len(result.charts)} charts: {result.url}")
