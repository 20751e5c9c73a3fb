"""The words of the explanations: how a condition, its events, window and comparison are written in a membership's
explanation ("logins_30d=17 >= 15"), and describe(), a condition in words for a roll-up's explanation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .catalog import Trait
from .conditions import Combine, Condition, DidNot, EventSelection, EventTest, Membership, Negate, Percentile, Sequence, TraitTest, Window
from .quoting import literal


def number_text(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def value_text(value: Any) -> str:
    """A definition's value as its explanation writes it (a date as YYYY-MM-DD, a boolean as true or false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def tests_after(op: str, value: Any) -> tuple[str, str]:
    """What the condition asks, after the value, when it holds and when it fails: (" >= 15", ", not >= 15"),
    (" is null", " is not null"). An equality that holds (`=`, `in` one value) adds nothing: the value says it."""
    if op in ("is null", "is not null"):
        return f" {op}", " is not null" if op == "is null" else " is null"
    test = asks(op, value)
    plain = op == "=" or (op == "in" and len(value) == 1)
    return ("" if plain else test), ", not" + test


def trait_label(trait: Trait) -> str:
    return f"account.{trait.column}" if trait.via_account else trait.column


def window_label(window: Window) -> str:
    if window.last_days is not None:
        return f"last {window.last_days} days"
    if window.days_ago is not None:
        return f"{window.days_ago[0]} to {window.days_ago[1]} days ago"
    if window.since is not None:
        return f"since {window.since.isoformat()}"
    return ""


def selection_label(selection: EventSelection, window_format: str | None = ", {}") -> str:
    """The events a condition reads, as its explanation names them: "page_viewed where page_path in (/pricing)",
    then the window in `window_format` (none for a did-not's Y, which has none)."""
    where = "".join(f" where {prop} in ({', '.join(values)})" for prop, values in selection.where)
    window = window_label(selection.window)
    shown = window_format.format(window) if window and window_format else ""
    return " or ".join(selection.events) + where + (" " + shown if shown.startswith("(") else shown)


def sequence_label(condition: Sequence) -> str:
    """"sequence login, then report_created within 1 days (last 30 days)": the steps and the first's window."""
    steps = [selection_label(step.selection, None)
             + ("" if step.within_days is None else f" within {step.within_days} days") for step in condition.steps]
    window = window_label(condition.window)
    return "sequence " + ", then ".join(steps) + (f" ({window})" if window else "")


def describe(condition: Condition) -> str:
    """A condition in words, as a roll-up's explanation names the contact condition it counts."""
    if isinstance(condition, Combine):
        return "(" + f" {'and' if condition.kind == 'all' else 'or'} ".join(map(describe, condition.items)) + ")"
    if isinstance(condition, Negate):
        return f"not {describe(condition.item)}"
    if isinstance(condition, TraitTest):
        return trait_label(condition.trait) + asks(condition.op, condition.value)
    if isinstance(condition, EventTest):
        return measure_label(condition) + asks(condition.op, condition.value)
    if isinstance(condition, DidNot):
        within = f" within {condition.within_days} days" if condition.within_days is not None else " after it"
        return (f"first {selection_label(condition.did, '({})')}, no "
                f"{selection_label(condition.then_not, None)}{within}")
    if isinstance(condition, Sequence):
        return sequence_label(condition)
    if isinstance(condition, Percentile):
        within = f" within {trait_label(condition.within)}" if condition.within else ""
        return f"{trait_label(condition.trait)} in the {condition.direction} {number_text(condition.percent)}%{within}"
    if isinstance(condition, Membership):
        model = condition.model
        return f"{model}.{condition.column}" + asks("in", condition.values)
    raise TypeError(f"cannot describe {condition!r}")  # a roll-up holds only contact conditions, never a roll-up


def asks(op: str, value: Any) -> str:
    """" >= 15", " = free", " in (a, b)", " is null": what a comparison asks, always with its operator."""
    if op in ("is null", "is not null"):
        return f" {op}"
    if op in ("in", "not in"):
        return f" {op} (" + ", ".join(value_text(item) for item in value) + ")"
    if op == "between":
        return f" between {value_text(value[0])} and {value_text(value[1])}"
    return f" {op} {value_text(value)}"


def measure_label(test: EventTest) -> str:
    measure = f"{test.measure} {test.of}" if test.measure in ("distinct", "sum") else test.measure
    return f"{measure}({selection_label(test.selection)})"


def fact_text(label: str, shown: str, test: str, equals: bool = True) -> str:
    """SQL text "<label>=<value><test>": the label and the test (a definition's words) through literal, the value
    through the explain_value macro."""
    if not test:
        return f"concat({literal(label + ('=' if equals else ''))}, {shown})"
    return f"concat({literal(label + ('=' if equals else ''))}, {shown}, {literal(test)})"
