"""A custom segment as a segment registry entry: the model `seg_custom__<name>`, its one column `<name>_segment`
(its values, a wide attribute, a CRM property; for an account segment, the fallback for a contact without an
account). segments_warehouse.registry reads these after the built-in entries."""

from __future__ import annotations

from typing import Any

from .conditions import SegmentSet


def entry(segment_set: SegmentSet) -> dict[str, Any]:
    column: dict[str, Any] = {"values": list(segment_set.values), "wide": "attribute", "crm": True,
                              "description": f"{segment_set.description} Custom segment ({segment_set.file}, owner "
                                             f"{segment_set.owner})."}
    if segment_set.entity == "account":
        column["missing"] = segment_set.fallback
    return {"name": segment_set.name, "mart": segment_set.mart, "entity_type": segment_set.entity,
            "segment_column": segment_set.segment_column, "columns": {segment_set.segment_column: column}}
