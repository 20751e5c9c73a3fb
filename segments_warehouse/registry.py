"""The segment registry: every segment model declared once, in `dbt_project.yml` (vars `segment_registry`).

dbt reads it through the macros of `macros/segments/registry.sql` (the long membership, the wide
`dim_contact_segments`, the CRM feed, the accepted-values tests); this module reads the same var for
`segments validate` and `segments registry`, and checks every entry in full (`RegistryError` names the entry
and what is wrong).

The registry is locked. `segment_registry.lock.yml`, beside `dbt_project.yml`, is the reviewed copy of every
model's entity, segment column, value sets, nullable columns, wide columns, missing values and CRM properties:
`segments validate`, `publish` and `export` refuse to run while the registry and the lock differ (and publish and
export refuse a dbt run that replaced the registry with `--vars`), and `segments registry check` (run by `make
build` and the tests) lists every difference. So an edit that widens what a segment may hold, or what the CRM
receives, shows in review as a change to the lock, and cannot reach BI or the CRM through a build alone.
`segments registry lock` rewrites the lock after a deliberate change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LOCK_FILE = "segment_registry.lock.yml"
ENTITY_KEYS = {"contact": "contact_id", "account": "account_id"}
TYPES = ("string", "boolean", "int", "bigint", "double")
WIDE_KINDS = ("attribute", "metric")
MODEL_FIELDS = {"name", "mart", "entity_type", "segment_column", "columns"}
COLUMN_FIELDS = {"values", "nullable", "wide", "type", "missing", "crm", "description"}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
MISSING_TYPES = {"string": str, "boolean": bool, "int": int, "bigint": int, "double": (int, float)}
RESERVED_WIDE = {"contact_id", "account_id", "as_of_date"}  # dim_contact_segments' own columns
RESERVED_CRM = {"sw_segments_as_of"}  # the CRM feed's own column besides email and properties_hash


class RegistryError(Exception):
    """The registry or its lock is malformed or out of date; the message names the entry and the fix."""


@dataclass(frozen=True)
class Column:
    name: str
    values: tuple[str, ...] | None = None
    nullable: bool = False
    wide: str | None = None
    type: str = "string"
    missing: Any = None
    crm: bool = False
    description: str | None = None  # of the wide column, in the generated YAML (default: "From <mart>.")


@dataclass(frozen=True)
class SegmentModel:
    name: str
    mart: str
    entity_type: str
    segment_column: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> str:
        return ENTITY_KEYS[self.entity_type]

    @property
    def explanation_column(self) -> str:
        """The mart's column saying why each entity has its segment (docs/registry.md, Explanations)."""
        return f"{self.segment_column}_explanation"

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def value_sets(self) -> dict[str, list[str]]:
        return {column.name: list(column.values) for column in self.columns if column.values is not None}


def _fail(where: str, problem: str) -> RegistryError:
    return RegistryError(f"segment_registry (dbt_project.yml), {where}: {problem}")


def _column(where: str, name: Any, spec: Any, entity_type: str) -> Column:
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise _fail(where, f"column name {name!r} is not a lower-case identifier")
    where = f"{where}, column {name}"
    if not isinstance(spec, dict):
        raise _fail(where, "give a mapping of " + ", ".join(sorted(COLUMN_FIELDS)))
    unknown = set(spec) - COLUMN_FIELDS
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; known: {', '.join(sorted(COLUMN_FIELDS))}")
    values = spec.get("values")
    if values is not None:
        if not isinstance(values, list) or not values:
            raise _fail(where, "values must be a non-empty list")
        not_text = [value for value in values if not isinstance(value, str)]
        if not_text:
            raise _fail(where, f"value {not_text[0]!r} is not text (YAML reads 18_24 as a number: quote it)")
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise _fail(where, f"value {repeated[0]!r} is listed twice")
    type_ = spec.get("type", "string")
    if type_ not in TYPES:
        raise _fail(where, f"type {type_!r} is not one of {', '.join(TYPES)}")
    wide = spec.get("wide")
    if wide is not None and wide not in WIDE_KINDS:
        raise _fail(where, f"wide {wide!r} is not one of {', '.join(WIDE_KINDS)}")
    if not isinstance(spec.get("description", ""), str):
        raise _fail(where, "description must be text")
    for flag in ("nullable", "crm"):
        if not isinstance(spec.get(flag, False), bool):
            raise _fail(where, f"{flag} must be true or false")
    crm, missing = spec.get("crm", False), spec.get("missing")
    if crm and wide != "attribute":
        raise _fail(where, "a crm property must be a wide attribute (wide: attribute)")
    if wide and entity_type == "account" and missing is None:
        raise _fail(where, "an account model's wide column needs a missing value (for contacts without an account)")
    if missing is not None and (wide is None or entity_type != "account"):
        raise _fail(where, "missing applies only to an account model's wide columns")
    if crm and type_ != "string":
        raise _fail(where, f"a crm property is text: {name} is {type_}")
    if missing is not None:
        # YAML's true/false are bools, and Python's bools are ints: a boolean column takes only those
        if isinstance(missing, bool) != (type_ == "boolean") or not isinstance(missing, MISSING_TYPES[type_]):
            raise _fail(where, f"missing {missing!r} is not a {type_} value")
        if values is not None and missing not in values:
            raise _fail(where, f"missing {missing!r} is not one of the column's values")
    if wide and name in RESERVED_WIDE:
        raise _fail(where, f"{name} is a column dim_contact_segments has already: give the wide column another name")
    if crm and f"sw_{name}" in RESERVED_CRM:
        raise _fail(where, f"sw_{name} is a column the CRM feed has already")
    return Column(name, tuple(values) if values is not None else None, spec.get("nullable", False), wide, type_,
                  missing, crm, spec.get("description"))


def parse_registry(entries: Any) -> tuple[SegmentModel, ...]:
    """The registry's entries as SegmentModels, each checked; RegistryError on the first problem."""
    if not isinstance(entries, list) or not entries:
        raise _fail("vars", "segment_registry must be a non-empty list of segment models")
    models: list[SegmentModel] = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise _fail(f"entry {index}", "give a mapping of " + ", ".join(sorted(MODEL_FIELDS)))
        where = f"entry {index} ({entry.get('name', 'no name')})"
        missing = MODEL_FIELDS - set(entry)
        if missing:
            raise _fail(where, f"no {', '.join(sorted(missing))}")
        unknown = set(entry) - MODEL_FIELDS
        if unknown:
            raise _fail(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        for field in ("name", "mart", "segment_column"):
            if not isinstance(entry[field], str) or not IDENTIFIER.match(entry[field]):
                raise _fail(where, f"{field} {entry[field]!r} is not a lower-case identifier")
        if not entry["mart"].startswith("seg_"):
            raise _fail(where, f"mart {entry['mart']!r}: a segment mart is named seg_<model>")
        if entry["entity_type"] not in ENTITY_KEYS:
            raise _fail(where, f"entity_type {entry['entity_type']!r}: contact or account")
        if not isinstance(entry["columns"], dict) or not entry["columns"]:
            raise _fail(where, "columns must be a mapping of column names")
        columns = tuple(_column(where, name, spec, entry["entity_type"]) for name, spec in entry["columns"].items())
        model = SegmentModel(entry["name"], entry["mart"], entry["entity_type"], entry["segment_column"], columns)
        if model.segment_column not in {column.name for column in columns} or model.column(model.segment_column).values is None:
            raise _fail(where, f"the segment column {model.segment_column} needs its values under columns")
        if model.column(model.segment_column).nullable:
            raise _fail(where, f"the segment column {model.segment_column} cannot be nullable: every entity has a segment")
        for other in models:
            if other.name == model.name or other.mart == model.mart:
                raise _fail(where, f"name or mart repeats entry {other.name}")
        models.append(model)
    wide = [column.name for model in models for column in model.columns if column.wide]
    repeated = sorted({name for name in wide if wide.count(name) > 1})
    if repeated:
        raise _fail("wide columns", f"{repeated[0]} is a wide column of two models: dim_contact_segments needs unique names")
    if not any(column.crm for model in models for column in model.columns):
        raise _fail("crm", "no column is crm: true; the CRM feed needs at least one property")
    return tuple(models)


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
    from .custom import CustomSegmentError, load_definitions
    from .custom.registry_entries import entry

    try:
        return [entry(segment_set) for segment_set in load_definitions(project_dir)]
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
