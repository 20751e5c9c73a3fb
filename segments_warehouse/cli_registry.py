"""`segments registry ...` and `segments custom ...`: the segment registry with its lock, and the custom segments
of segments/*.yml compiled to dbt models."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from .cli_common import Commands, console, fail, new_table, project_dir_option, stdout_console


@click.group("registry", cls=Commands)
def registry_group() -> None:
    """The segment registry (vars segment_registry in dbt_project.yml) and its reviewed lock of allowed values."""


@registry_group.command("show")
@project_dir_option
def registry_show_command(project_dir) -> None:
    """Every segment model: its mart, entity, segment column and values, wide columns and CRM properties."""
    from .registry import RegistryError, load_registry

    try:
        models = load_registry(project_dir)
    except RegistryError as error:
        fail(error)
    table = Table(title=f"Segment registry: {len(models)} models")
    for heading in ("segment_model", "mart", "entity", "segment column: values", "in dim_contact_segments", "to the CRM"):
        table.add_column(heading, overflow="fold")
    for model in models:
        wide = [column.name for column in model.columns if column.wide]
        table.add_row(model.name, model.mart, model.entity_type,
                      f"{model.segment_column}: {', '.join(model.column(model.segment_column).values)}",
                      ", ".join(wide), ", ".join(f"sw_{column.name}" for column in model.columns if column.crm))
    stdout_console().print(table)  # stdout: a listing, not a message


@registry_group.command("check")
@project_dir_option
def registry_check_command(project_dir) -> None:
    """Exit 1 when the registry and segment_registry.lock.yml differ, listing every difference, or when a mart's
    YAML lacks its segment or explanation column (2: malformed)."""
    from .registry import LOCK_FILE, RegistryError, load_registry, lock_differences, mart_problems, read_lock

    try:
        models = load_registry(project_dir)
        problems = lock_differences(models, read_lock(project_dir))
    except RegistryError as error:
        fail(error)
    for problem in problems:
        console.print(f"[red]differs:[/red] {problem}")
    if problems:
        console.print(f"If the change is intended, run `segments registry lock` and commit dbt_project.yml and {LOCK_FILE}.")
    missing = mart_problems(models, project_dir)
    for problem in missing:
        console.print(f"[red]incomplete:[/red] {problem}")
    if problems or missing:
        sys.exit(1)
    console.print(f"[green]The segment registry and {LOCK_FILE} agree[/green] ({len(models)} models).")


@registry_group.command("lock")
@project_dir_option
def registry_lock_command(project_dir) -> None:
    """Write segment_registry.lock.yml from the registry, printing what changed: review it and commit it."""
    from .registry import RegistryError, load_registry, lock_differences, read_lock, write_lock

    try:
        models = load_registry(project_dir)
        try:
            changes = lock_differences(models, read_lock(project_dir))
        except RegistryError:
            changes = ["a new lock"]
        path = write_lock(models, project_dir)
    except RegistryError as error:
        fail(error)
    for change in changes:
        console.print(f"locked: {change}")
    console.print(f"{path}: {len(models)} models{'' if changes else ', unchanged'}.")


@registry_group.command("sync")
@project_dir_option
@click.option("--check", is_flag=True, help="Change nothing: exit 1 when a generated file is missing or out of date.")
def registry_sync_command(project_dir, check) -> None:
    """Write the dbt YAML the registry generates (the wide table's and the CRM feeds' contracts, the BI exposure)."""
    from .registry import RegistryError, load_registry
    from .registry_files import stale_files, write_files

    try:
        models = load_registry(project_dir)
    except RegistryError as error:
        fail(error)
    paths = stale_files(models, project_dir) if check else write_files(models, project_dir)
    _report_generated(paths, check, "segments registry sync", "The generated YAML is up to date[/green] with the "
                      "segment registry.")


def _report_generated(paths: list, check: bool, command: str, current: str) -> None:
    """What a generating command wrote, or with --check which files are stale (exit 1 when any is)."""
    if check:
        for path in paths:
            console.print(f"[red]out of date:[/red] {path}")
        if paths:
            console.print(f"Run `{command}` and commit the files it writes.")
            sys.exit(1)
        console.print(f"[green]{current}")
        return
    for path in paths:
        console.print(f"wrote {path}")
    console.print(f"{len(paths)} file(s) written; the others were up to date.")


@click.group("custom", cls=Commands)
def custom_group() -> None:
    """Custom segments declared in segments/*.yml, compiled to dbt models (docs/custom_segments.md)."""


@custom_group.command("compile")
@project_dir_option
@click.option("--check", is_flag=True, help="Change nothing: exit 1 when a generated file is missing or out of date.")
def custom_compile_command(project_dir, check) -> None:
    """Check every definition and write its model, its YAML and the registry entries (run by `make build`)."""
    from .custom import CustomSegmentError
    from .custom.files import compile_files
    from .registry import RegistryError

    try:
        paths = compile_files(project_dir, check=check)
    except (CustomSegmentError, RegistryError) as error:
        fail(error)
    _report_generated(paths, check, "segments custom compile", "The generated custom segment models are up to "
                      "date[/green] with segments/*.yml.")


@custom_group.command("traits")
@project_dir_option
@click.option("--entity", type=click.Choice(["contact", "account"]), default="contact", show_default=True)
def custom_traits_command(project_dir, entity) -> None:
    """The traits a custom segment of contacts (or accounts) may compare, with their types and operators."""
    from .custom import load_catalog
    from .custom.definitions import OPERATORS
    from .registry import RegistryError

    try:
        catalog = load_catalog(project_dir)
    except RegistryError as error:
        fail(error)
    table = new_table(f"Traits of {entity} segments", "trait", "also written", "type", "operators")
    for name, traits in sorted(catalog.traits[entity].items()):
        if "." in name and not name.startswith("account."):
            continue
        for trait in traits:
            qualified = trait.label if trait.label != name else ""
            table.add_row(name + (" (ambiguous)" if len(traits) > 1 else ""), qualified, trait.kind,
                          ", ".join(OPERATORS[trait.kind]))
    stdout_console().print(table)
