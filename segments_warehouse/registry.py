"""The segment registry: every segment model declared once, in `dbt_project.yml` (vars `segment_registry`).

dbt reads it through the macros of `macros/segments/registry.sql` (the long membership, the wide
`dim_contact_segments`, the CRM feed, the accepted-values tests); this module reads the same var for
`segments validate` and `segments registry`, and checks every entry in full (`RegistryError` names the entry
and what is wrong). The entry's types and that check are in registry_schema.py, below segments_warehouse.custom
(whose definitions become entries); this module composes the built-in entries with the custom ones
(`load_registry`) and locks them.

The registry is locked. `segment_registry.lock.yml`, beside `dbt_project.yml`, is the reviewed copy of every
model's entity, segment column, value sets, nullable columns, wide columns, missing values and CRM properties:
`segments validate`, `publish` and `export` refuse to run while the registry and the lock differ (and publish and
export refuse a dbt run that replaced the registry with `--vars`), and `segments registry check` (run by `make
build` and the tests) lists every difference. So an edit that widens what a segment may hold, or what the CRM
receives, shows in review as a change to the lock, and cannot reach BI or the CRM through a build alone.
`segments registry lock` rewrites the lock after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .custom.definitions import CustomSegmentError, load_definitions
from .custom.registry_entries import entry as custom_entry
from .registry_schema import WIDE_KINDS, Column, RegistryError, SegmentModel, parse_registry

__all__ = ["LOCK_FILE", "Column", "RegistryError", "SegmentModel", "crm_properties", "custom_entries", "load_registry",
           "lock_content", "lock_differences", "locked_registry", "mart_problems", "parse_registry", "read_lock",
           "wide_columns", "write_lock"]

LOCK_FILE = "segment_registry.lock.yml"


def load_registry(project_dir: Path | str = ".") -> tuple[SegmentModel, ...]:
    path = Path(project_dir) / "dbt_project.yml"
    try:
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RegistryError(f"cannot read {path}: {error.strerror}") from None
    entries = (project.get("vars") or {}).get("segment_registry")
    return parse_registry(entries + custom_entries(project_dir) if isinstance(entries, list) else entries)


def custom_entries(project_dir: Path | str = ".") -> list[dict[str, Any]]:
    """The custom segments' registry entries (segments/*.yml, docs/custom_segments.md), after the built-in ones;
    a definition's problem is a RegistryError naming its file, segment and condition."""
    try:
        return [custom_entry(segment_set) for segment_set in load_definitions(project_dir)]
    except CustomSegmentError as error:
        raise RegistryError(f"custom segments: {error}") from None


def mart_problems(models: tuple[SegmentModel, ...], project_dir: Path | str = ".") -> list[str]:
    """What the marts' YAML (models/**/*.yml) lacks that the registry's consumers read: each mart described, with
    its segment column and its explanation column (docs/registry.md, Explanations). One line per problem."""
    described: dict[str, set[str]] = {}
    for path in sorted((Path(project_dir) / "models").rglob("*.yml")):
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # dbt reports a broken YAML file itself, with its line
        for node in content.get("models") or [] if isinstance(content, dict) else []:
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                described.setdefault(node["name"], set()).update(
                    column.get("name") for column in node.get("columns") or [] if isinstance(column, dict))
    problems = []
    for model in models:
        columns = described.get(model.mart)
        if columns is None:
            problems.append(f"{model.name}: no YAML under models/ describes its mart {model.mart}")
            continue
        for column, why in ((model.segment_column, "its segment column"),
                            (model.explanation_column, "why each entity has its segment (docs/registry.md, Explanations)")):
            if column not in columns:
                problems.append(f"{model.name}: {model.mart} has no column {column} in its YAML: {why}")
    return problems


def wide_columns(models: tuple[SegmentModel, ...]) -> list[tuple[SegmentModel, Column]]:
    """dim_contact_segments' columns from the marts, in the order the wide model writes them (macro
    wide_segment_columns): every model's attributes, then every model's metrics."""
    return [(model, column) for kind in WIDE_KINDS for model in models for column in model.columns if column.wide == kind]


def crm_properties(models: tuple[SegmentModel, ...]) -> dict[str, str]:
    """The CRM feed's property -> dim_contact_segments column, in the feed's order."""
    return {f"sw_{column.name}": column.name for _, column in wide_columns(models) if column.crm}


# --- The lock ---------------------------------------------------------------------------------------------------

def lock_content(models: tuple[SegmentModel, ...]) -> dict[str, dict[str, Any]]:
    return {
        model.mart: {"name": model.name, "entity_type": model.entity_type, "segment_column": model.segment_column,
                     "values": model.value_sets,
                     "nullable": [column.name for column in model.columns if column.nullable],
                     # what the wide table carries, and for whom a contact without an account gets what; what the
                     # CRM receives, in the order its properties_hash reads them
                     "wide": {column.name: column.type for column in model.columns if column.wide},
                     "missing": {column.name: column.missing for column in model.columns if column.missing is not None},
                     "crm": [f"sw_{column.name}" for column in model.columns if column.crm]}
        for model in models
    }


def read_lock(project_dir: Path | str = ".") -> dict[str, dict[str, Any]]:
    path = Path(project_dir) / LOCK_FILE
    if not path.exists():
        raise RegistryError(f"{path} is missing: run `segments registry lock` and commit it")
    try:
        lock = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RegistryError(f"{path} is not valid YAML ({error}): run `segments registry lock`") from None
    if not isinstance(lock, dict) or not isinstance(lock.get("models"), dict):
        raise RegistryError(f"{path} has no models mapping: run `segments registry lock`")
    return lock["models"]


def lock_differences(models: tuple[SegmentModel, ...], lock: dict[str, dict[str, Any]]) -> list[str]:
    """What the registry says that the lock does not, one line each; empty when they agree."""
    current = lock_content(models)
    problems = [f"{mart}: in the lock, not in the registry" for mart in lock if mart not in current]
    if not problems and [mart for mart in lock if mart in current] != [mart for mart in current if mart in lock]:
        problems.append("the models are in another order than in the lock (the CRM feed's properties_hash follows "
                        "it: every contact would be exported again)")
    for mart, entry in current.items():
        locked = lock.get(mart)
        if locked is None:
            problems.append(f"{mart}: in the registry, not in the lock")
            continue
        for field in ("name", "entity_type", "segment_column"):
            if locked.get(field) != entry[field]:
                problems.append(f"{mart}: {field} is {entry[field]!r} in the registry, {locked.get(field)!r} in the lock")
        locked_values = locked.get("values") or {}
        for column in sorted(set(entry["values"]) | set(locked_values)):
            new, old = entry["values"].get(column), locked_values.get(column)
            if new is None or old is None:
                problems.append(f"{mart}.{column}: value set only in the {'lock' if new is None else 'registry'}")
            elif new != old:
                added = [value for value in new if value not in old]
                removed = [value for value in old if value not in new]
                change = "; ".join(part for part in (
                    f"adds {', '.join(added)}" if added else "", f"drops {', '.join(removed)}" if removed else "",
                ) if part) or "reorders the values"
                problems.append(f"{mart}.{column}: the registry {change}")
        for field in ("nullable", "wide", "missing", "crm"):
            if (locked.get(field) or type(entry[field])()) != entry[field]:
                problems.append(f"{mart}: {field} is {entry[field]} in the registry, {locked.get(field)} in the lock")
    return problems


def write_lock(models: tuple[SegmentModel, ...], project_dir: Path | str = ".") -> Path:
    path = Path(project_dir) / LOCK_FILE
    header = (
        "# The reviewed copy of the segment registry (segments_warehouse/registry.py, docs/registry.md): every model's\n"
        "# values, wide columns, missing values and CRM properties. Written by `segments registry lock` from\n"
        "# vars.segment_registry in dbt_project.yml; segments validate, publish and export refuse to run, and\n"
        "# `segments registry check` fails, while the registry and this file differ.\n"
    )
    body = yaml.safe_dump({"models": lock_content(models)}, sort_keys=False, default_flow_style=None, width=118)
    path.write_text(header + body, encoding="utf-8")
    return path


def locked_registry(project_dir: Path | str = ".") -> tuple[tuple[SegmentModel, ...], dict[str, dict[str, Any]]]:
    """The registry and its lock, refusing a registry the lock does not match (the message lists every difference)."""
    models = load_registry(project_dir)
    lock = read_lock(project_dir)
    problems = lock_differences(models, lock)
    if problems:
        raise RegistryError(
            f"the segment registry and {LOCK_FILE} differ:\n  " + "\n  ".join(problems)
            + "\nIf the change is intended, run `segments registry lock` and commit both files."
        )
    return models, lock
