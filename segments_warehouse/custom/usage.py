"""What the shared event pre-aggregates must keep for a set of conditions (the macro custom_segment_usage that
`segments custom compile` writes, and what `segments preview` inlines)."""

from __future__ import annotations

from .catalog import NUMERIC_EVENT_PROPERTIES
from .conditions import Combine, Condition, DidNot, EventSelection, EventTest, Negate, Rollup, Sequence


def event_usage(conditions: list[Condition]) -> dict[str, list[str]]:
    """What the shared pre-aggregates keep for the conditions: the event names the daily one keeps (events), those
    the ordered occurrences keep (sequence_events: the events sequences name), the properties both carry and the
    numeric columns the daily one adds up (sums: columns of int_events__attributed, catalog.NUMERIC_EVENT_PROPERTIES)."""
    events: set[str] = set()
    sequence_events: set[str] = set()
    properties: set[str] = set()
    sums: set[str] = set()

    def take(selection: EventSelection, names: set[str]) -> None:
        names.update(selection.events)
        properties.update(prop for prop, _ in selection.where)

    def walk(condition: Condition | None) -> None:
        if isinstance(condition, Combine):
            for item in condition.items:
                walk(item)
        elif isinstance(condition, (Negate, Rollup)):
            walk(condition.item if isinstance(condition, Negate) else condition.condition)
        elif isinstance(condition, EventTest):
            take(condition.selection, events)
            if condition.of and condition.measure == "sum":
                sums.add(NUMERIC_EVENT_PROPERTIES[condition.of])
            elif condition.of:
                properties.add(condition.of)
        elif isinstance(condition, DidNot):
            take(condition.did, events)
            take(condition.then_not, events)
        elif isinstance(condition, Sequence):
            for step in condition.steps:
                take(step.selection, sequence_events)

    for condition in conditions:
        walk(condition)
    return {"events": sorted(events), "properties": sorted(properties), "sequence_events": sorted(sequence_events),
            "sums": sorted(sums)}
