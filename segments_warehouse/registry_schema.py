"""What a segment registry entry is: its types (SegmentModel, Column) and the reader that checks entries in full
(`parse_registry`; `RegistryError` names the entry and what is wrong).

The bottom of the registry's layers: segments_warehouse.custom builds its entries with these types, and
segments_warehouse.registry composes the built-in entries (dbt_project.yml) with the custom ones and locks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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
