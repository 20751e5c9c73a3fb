"""A custom segment as a segment registry entry: the model `seg_custom__<name>`, its one column `<name>_segment`
(its values, a wide attribute, a CRM property; for an account segment, the fallback for a contact without an
account). segments_warehouse.registry reads these after the built-in entries."""

from __future__ import annotations

from typing import Any

from ..registry import Column, SegmentModel
from .definitions import LONE_VALUES, SegmentSet


def entry(segment_set: SegmentSet) -> dict[str, Any]:
    column: dict[str, Any] = {"values": list(segment_set.values), "wide": "attribute", "crm": True,
                              "description": f"{segment_set.description} Custom segment ({segment_set.file}, owner "
                                             f"{segment_set.owner})."}
    if segment_set.entity == "account":
        column["missing"] = segment_set.fallback
    return {"name": segment_set.name, "mart": segment_set.mart, "entity_type": segment_set.entity,
            "segment_column": segment_set.segment_column, "columns": {segment_set.segment_column: column}}


def placeholder_model(name: str, raw: dict, lone: bool) -> SegmentModel:
    """The model a definition will be, from its raw YAML, so that membership conditions of other definitions
    can be checked before it is read in full (its own errors are reported when it is)."""
    extra = (["excluded"] if "exclude" in raw else []) + (["holdout"] if "holdout" in raw else [])
    if lone:
        values = [LONE_VALUES[0], *extra, LONE_VALUES[1]]
    else:
        segments = raw.get("segments") if isinstance(raw.get("segments"), list) else []
        values = [item.get("name") for item in segments if isinstance(item, dict)] + extra
        values.append(raw.get("fallback", "other"))
    entity = raw.get("entity", "contact") if raw.get("entity") in ("contact", "account") else "contact"
    # as entry() writes it: an account segment's value for a contact without an account is its fallback (last)
    column = Column(f"{name}_segment", tuple(str(value) for value in values), wide="attribute", crm=True,
                    missing=str(values[-1]) if entity == "account" else None)
    return SegmentModel(name, f"seg_custom__{name}", entity, column.name, (column,))
