"""Custom segment definitions (segments/*.yml) read and checked into condition trees. Every problem is one
CustomSegmentError naming the file, the segment and the condition's path (`when.all[1].value`).
docs/custom_segments.md is the specification."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import yaml

from ..registry_schema import Column, SegmentModel
from .catalog import EVENT_PROPERTIES, NUMERIC_EVENT_PROPERTIES, Catalog, Trait, load_catalog
from .conditions import (
    LONE_VALUES,
    Combine,
    Condition,
    DidNot,
    EventSelection,
    EventTest,
    Membership,
    Negate,
    Percentile,
    Rollup,
    Segment,
    SegmentSet,
    Sequence,
    Step,
    TraitTest,
    Window,
)

SEGMENTS_DIR = "segments"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OPERATORS = {
    "text": ("=", "!=", "in", "not in", "contains", "starts with", "is null", "is not null"),
    "number": ("=", "!=", "in", "not in", "<", "<=", ">", ">=", "between", "is null", "is not null"),
    "boolean": ("=", "!=", "is null", "is not null"),
    "date": ("=", "!=", "<", "<=", ">", ">=", "between", "is null", "is not null"),
    "timestamp": ("=", "!=", "<", "<=", ">", ">=", "between", "is null", "is not null"),
}
EVENT_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "between")
MEASURES = ("count", "sum", "distinct", "days_since_first", "days_since_last")
ROLLUP_MEASURES = ("count", "share")
MAX_STEPS = 10
MAX_DAYS = 36_500  # a hundred years: a larger window is a typo (Spark would turn it into a silent null)
JINJA_MARKERS = ("{{", "{%", "{#")
SET_FIELDS = {"name", "description", "owner", "entity", "segments", "fallback", "exclude", "holdout"}
LONE_FIELDS = {"name", "description", "owner", "entity", "when"}


FORMS = "all, any, not, trait, event, did, sequence, contacts, percentile or segment"


class CustomSegmentError(Exception):
    """A custom segment definition is malformed; the message names the file, the segment and the condition."""


# --- reading ------------------------------------------------------------------------------------------------------

class _Reader:
    """Reads one file's definitions; `fail` raises with the file, the segment and the path."""

    def __init__(self, file: str, catalog: Catalog):
        self.file, self.catalog, self.segment = file, catalog, "?"
        self.entity = "contact"
        self.references: set[str] = set()

    def fail(self, path: str, problem: str) -> CustomSegmentError:
        where = f"{self.file}: segment {self.segment}" + (f", {path}" if path else "")
        return CustomSegmentError(f"{where}: {problem}")

    # conditions
    def condition(self, raw: Any, path: str) -> Condition:
        if not isinstance(raw, dict) or not raw:
            raise self.fail(path, f"a condition is a mapping: {FORMS}")
        for key, reader in (("all", self._combine), ("any", self._combine), ("not", self._negate),
                            ("trait", self._trait_test), ("event", self._event_test), ("did", self._did_not),
                            ("sequence", self._sequence), ("contacts", self._rollup),
                            ("percentile", self._percentile), ("segment", self._membership)):
            if key in raw:
                return reader(key, raw, path)
        raise self.fail(path, f"unknown condition {sorted(map(str, raw))}: give {FORMS}")

    def _only(self, raw: dict, allowed: set[str], path: str) -> None:
        unknown = sorted(map(str, set(raw) - allowed))
        if unknown:
            raise self.fail(path, f"unknown field {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")

    def _combine(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {key}, path)
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise self.fail(f"{path}.{key}", f"{key} takes a non-empty list of conditions")
        return Combine(key, tuple(self.condition(item, f"{path}.{key}[{i}]") for i, item in enumerate(items)))

    def _negate(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {"not"}, path)
        return Negate(self.condition(raw["not"], f"{path}.not"))

    def trait(self, name: Any, path: str) -> Trait:
        if not isinstance(name, str):
            raise self.fail(path, f"trait {name!r} is not a name")
        candidates = self.catalog.traits[self.entity].get(name)
        if not candidates:
            raise self.fail(path, f"unknown trait {name!r} for {self.entity} segments (segments custom traits "
                                  "lists them)")
        if len(candidates) > 1:
            choices = ", ".join(trait.label for trait in candidates)
            raise self.fail(path, f"trait {name!r} is ambiguous: write one of {choices}")
        return candidates[0]

    def _trait_test(self, key: str, raw: dict, path: str) -> Condition:
        trait = self.trait(raw["trait"], f"{path}.trait")
        self._only(raw, {"trait", "op", "value"}, path)
        op = raw.get("op")
        if op not in OPERATORS[trait.kind]:
            raise self.fail(f"{path}.op", f"operator {op!r} does not fit {trait.label}, a {trait.kind} trait; "
                                          f"use {', '.join(OPERATORS[trait.kind])}")
        if op in ("is null", "is not null"):
            if "value" in raw:
                raise self.fail(f"{path}.value", f"{op} takes no value")
            return TraitTest(trait, op, None)
        if "value" not in raw:
            raise self.fail(path, f"{op} needs a value")
        return TraitTest(trait, op, self._operand(trait.kind, op, raw["value"], f"{path}.value"))

    def _operand(self, kind: str, op: str, value: Any, path: str) -> Any:
        if op in ("in", "not in"):
            if not isinstance(value, list) or not value:
                raise self.fail(path, f"{op} takes a non-empty list")
            return tuple(self._scalar(kind, item, f"{path}[{i}]") for i, item in enumerate(value))
        if op == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise self.fail(path, "between takes [low, high]")
            low, high = (self._scalar(kind, item, f"{path}[{i}]") for i, item in enumerate(value))
            if low > high:
                raise self.fail(path, f"between [{low}, {high}]: low is above high")
            return (low, high)
        return self._scalar(kind, value, path)

    def _scalar(self, kind: str, value: Any, path: str) -> Any:
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
                raise self.fail(path, f"{value!r} is not a finite number")
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                raise self.fail(path, f"{value!r} is not true or false")
            return value
        if kind in ("date", "timestamp"):
            return self._date(value, path)
        if not isinstance(value, str):
            raise self.fail(path, f"{value!r} is not text: quote it")
        return value

    def _date(self, value: Any, path: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(path, f"{value!r} is not an ISO date (YYYY-MM-DD)")

    # events
    def selection(self, raw: dict, path: str, windowed: bool = True) -> EventSelection:
        events = raw.get("event")
        events = events if isinstance(events, list) else [events]
        if not events:
            raise self.fail(f"{path}.event", "event takes a name or a non-empty list of names")
        for event in events:
            if event not in self.catalog.events:
                raise self.fail(f"{path}.event", f"unknown event {event!r}: add it to vars custom_segment_events in "
                                                 "dbt_project.yml if the product tracks it")
        where = raw.get("where") or {}
        if not isinstance(where, dict):
            raise self.fail(f"{path}.where", "where takes a mapping of property: value or [values]")
        filters = []
        for prop, values in where.items():
            if prop not in EVENT_PROPERTIES:
                raise self.fail(f"{path}.where", f"unknown event property {prop!r}; use {', '.join(EVENT_PROPERTIES)}")
            values = values if isinstance(values, list) else [values]
            if not values or not all(isinstance(v, str) for v in values):
                raise self.fail(f"{path}.where.{prop}", "a property filter takes a text value or a list of them")
            filters.append((prop, tuple(values)))
        window = self.window(raw.get("window"), f"{path}.window") if windowed else Window()
        return EventSelection(tuple(events), tuple(sorted(filters)), window)

    def window(self, raw: Any, path: str) -> Window:
        if raw is None:
            return Window()
        if not isinstance(raw, dict) or len(raw) != 1:
            raise self.fail(path, "a window is one of {last_days: N}, {days_ago: [N, M]}, {since: YYYY-MM-DD}")
        (key, value), = raw.items()
        if key == "last_days":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
                raise self.fail(path, f"last_days {value!r}: a whole number of days, 1 to {MAX_DAYS}")
            return Window(last_days=value)
        if key == "days_ago":
            if (not isinstance(value, list) or len(value) != 2
                    or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                    or not 0 <= value[0] <= value[1] <= MAX_DAYS):
                raise self.fail(path, f"days_ago {value!r}: [N, M], whole numbers with 0 <= N <= M")
            return Window(days_ago=(value[0], value[1]))
        if key == "since":
            return Window(since=self._date(value, f"{path}.since"))
        raise self.fail(path, f"unknown window {key!r}: last_days, days_ago or since")

    def _contacts_only(self, path: str) -> None:
        if self.entity != "contact":
            raise self.fail(path, "event conditions are for contact segments (events belong to contacts)")

    def _event_test(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {"event", "where", "window", "measure", "of", "op", "value"}, path)
        self._contacts_only(path)
        selection = self.selection(raw, path)
        measure = raw.get("measure", "count")
        if measure not in MEASURES:
            raise self.fail(f"{path}.measure", f"unknown measure {measure!r}; use {', '.join(MEASURES)}")
        of = raw.get("of")
        if (measure in ("distinct", "sum")) != (of is not None):
            raise self.fail(f"{path}.of", "of (the property counted or added up) goes with measure distinct or sum, "
                                          "and only with them")
        if measure == "distinct" and of not in EVENT_PROPERTIES:
            raise self.fail(f"{path}.of", f"unknown event property {of!r}; use {', '.join(EVENT_PROPERTIES)}")
        if measure == "sum" and of not in NUMERIC_EVENT_PROPERTIES:
            raise self.fail(f"{path}.of", f"{of!r} is no numeric event property; a sum adds up "
                                          f"{', '.join(NUMERIC_EVENT_PROPERTIES)}")
        op = raw.get("op")
        if op not in EVENT_OPERATORS:
            raise self.fail(f"{path}.op", f"operator {op!r} does not fit an event measure; use "
                                          f"{', '.join(EVENT_OPERATORS)}")
        if "value" not in raw:
            raise self.fail(path, f"{op} needs a value")
        return EventTest(selection, measure, of, op, self._operand("number", op, raw["value"], f"{path}.value"))

    def _did_not(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {"did", "then_not"}, path)
        self._contacts_only(path)
        did, then_not = raw.get("did"), raw.get("then_not")
        if not isinstance(did, dict) or not isinstance(then_not, dict):
            raise self.fail(path, "did and then_not each take a mapping with an event")
        self._only(did, {"event", "where", "window"}, f"{path}.did")
        self._only(then_not, {"event", "where", "within_days"}, f"{path}.then_not")
        within = then_not.get("within_days")
        if within is not None:
            within = self._days(within, f"{path}.then_not.within_days")
        return DidNot(self.selection(did, f"{path}.did"), self.selection(then_not, f"{path}.then_not", False), within)

    def _days(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
            raise self.fail(path, f"{value!r}: a whole number of days, 1 to {MAX_DAYS}")
        return value

    def _sequence(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {"sequence", "window"}, path)
        self._contacts_only(path)
        items = raw["sequence"]
        if not isinstance(items, list) or not 2 <= len(items) <= MAX_STEPS:
            raise self.fail(f"{path}.sequence", f"a sequence takes a list of 2 to {MAX_STEPS} steps")
        steps = []
        for i, item in enumerate(items):
            where = f"{path}.sequence[{i}]"
            if not isinstance(item, dict):
                raise self.fail(where, "a step is a mapping with an event (and where, within_days)")
            self._only(item, {"event", "where"} | ({"within_days"} if i else set()), where)
            within = item.get("within_days")
            steps.append(Step(self.selection(item, where, False),
                              None if within is None else self._days(within, f"{where}.within_days")))
        return Sequence(tuple(steps), self.window(raw.get("window"), f"{path}.window"))

    def _rollup(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {"contacts", "measure", "op", "value"}, path)
        if self.entity != "account":
            raise self.fail(path, "contacts (a roll-up of the account's contacts) is for account segments")
        measure = raw.get("measure", "count")
        if measure not in ROLLUP_MEASURES:
            raise self.fail(f"{path}.measure", f"unknown measure {measure!r}; use {', '.join(ROLLUP_MEASURES)}")
        op = raw.get("op")
        if op not in EVENT_OPERATORS:
            raise self.fail(f"{path}.op", f"operator {op!r} does not fit a roll-up; use {', '.join(EVENT_OPERATORS)}")
        if "value" not in raw:
            raise self.fail(path, f"{op} needs a value")
        value = self._operand("number", op, raw["value"], f"{path}.value")
        self.entity = "contact"  # the condition is a contact's
        try:
            condition = self.condition(raw["contacts"], f"{path}.contacts")
        finally:
            self.entity = "account"
        return Rollup(condition, measure, op, value)

    def _percentile(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {"percentile", "top", "bottom", "within"}, path)
        trait = self.trait(raw["percentile"], f"{path}.percentile")
        if trait.kind not in ("number", "date", "timestamp"):
            raise self.fail(f"{path}.percentile", f"{trait.label} is a {trait.kind} trait: percentiles rank numbers "
                                                  "and dates")
        directions = [d for d in ("top", "bottom") if d in raw]
        if len(directions) != 1:
            raise self.fail(path, "give top: N or bottom: N (a percentage)")
        percent = raw[directions[0]]
        if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 < percent <= 100:
            raise self.fail(f"{path}.{directions[0]}", f"{percent!r}: a percentage in (0, 100]")
        within = self.trait(raw["within"], f"{path}.within") if "within" in raw else None
        return Percentile(trait, directions[0], float(percent), within)

    def _membership(self, key: str, raw: dict, path: str) -> Condition:
        self._only(raw, {"segment", "is", "in"}, path)
        name = raw["segment"]
        model_name, _, column = str(name).partition(".")
        model = self.catalog.model(model_name)
        if model is None:
            raise self.fail(f"{path}.segment", f"unknown segment model {model_name!r}")
        if model.entity_type != self.entity and not (self.entity == "contact" and model.entity_type == "account"):
            raise self.fail(f"{path}.segment", f"{model_name} is a contact model: an account segment reads only "
                                               "account models")
        column = column or model.segment_column
        values = next((c.values for c in model.columns if c.name == column), None)
        if values is None:
            raise self.fail(f"{path}.segment", f"{model_name} has no segment column {column!r} with values")
        if ("is" in raw) == ("in" in raw):
            raise self.fail(path, "give is: value or in: [values]")
        wanted = [raw["is"]] if "is" in raw else raw["in"]
        if not isinstance(wanted, list) or not wanted:
            raise self.fail(f"{path}.in", "in takes a non-empty list of values")
        for value in wanted:
            if value not in values:
                raise self.fail(path, f"{value!r} is not a value of {model_name}.{column} ({', '.join(values)})")
        self.references.add(model_name)
        return Membership(model_name, column, tuple(wanted))

    # definitions
    def _name(self, raw: Any, path: str) -> str:
        if not isinstance(raw, str) or not NAME.match(raw):
            raise self.fail(path, f"name {raw!r} is not a safe identifier: lower-case letters, digits and _, starting "
                                  "with a letter, at most 40 characters")
        return raw

    def _text(self, raw: dict, field: str, path: str = "") -> str:
        """A description or an owner: text, which dbt renders as Jinja in the YAML, so without Jinja markers."""
        value = raw.get(field)
        where = f"{path}.{field}" if path else field
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"give a {field} (text)")
        if any(marker in value for marker in JINJA_MARKERS):
            raise self.fail(where, f"the {field} may not hold {{{{, {{% or {{# (dbt would read it as Jinja)")
        return value.strip()

    def definition(self, raw: Any, lone: bool, index: int) -> SegmentSet:
        kind = "segments" if lone else "segment_sets"
        self.segment = f"{kind}[{index}]"
        if not isinstance(raw, dict):
            raise self.fail("", "a definition is a mapping")
        self.segment = self._name(raw.get("name"), "name")
        self._only(raw, LONE_FIELDS if lone else SET_FIELDS, "")
        self.entity = raw.get("entity", "contact")
        if self.entity not in ("contact", "account"):
            raise self.fail("entity", f"entity {self.entity!r}: contact or account")
        description, owner = self._text(raw, "description"), self._text(raw, "owner")
        self.references = set()
        if lone:
            segments = (Segment(LONE_VALUES[0], description, self.condition(raw.get("when"), "when")),)
            fallback = LONE_VALUES[1]
        else:
            segments = self._segments(raw.get("segments"))
            fallback = self._name(raw.get("fallback", "other"), "fallback")
        exclude = self.condition(raw["exclude"], "exclude") if "exclude" in raw else None
        share = self._holdout(raw["holdout"]) if "holdout" in raw else None
        result = SegmentSet(self.segment, description, owner, self.entity, self.file, segments, fallback, exclude,
                            share, lone)
        values = result.values
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise self.fail("segments", f"the value {repeated[0]!r} is used twice (segments, fallback, excluded, "
                                        "holdout)")
        return result

    def _segments(self, raw: Any) -> tuple[Segment, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail("segments", "a segment set takes a non-empty list of segments")
        segments = []
        for i, item in enumerate(raw):
            path = f"segments[{i}]"
            if not isinstance(item, dict):
                raise self.fail(path, "a segment is a mapping with name, description and when")
            self._only(item, {"name", "description", "when"}, path)
            name = self._name(item.get("name"), f"{path}.name")
            description = self._text(item, "description", path)
            segments.append(Segment(name, description, self.condition(item.get("when"), f"{path}.when")))
        return tuple(segments)

    def _holdout(self, raw: Any) -> float:
        share = raw.get("share") if isinstance(raw, dict) and set(raw) == {"share"} else None
        if (isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share < 1
                or abs(share * 10000 - round(share * 10000)) > 1e-6):
            raise self.fail("holdout", f"holdout takes {{share: S}} with 0 < S < 1 in steps of 0.0001, got {raw!r}")
        return float(share)


def read_conditions(raws: list, entity: str, catalog: Catalog) -> list[Condition]:
    """Raw conditions (not part of a definition) checked into trees: the differential test's."""
    reader = _Reader("conditions", catalog)
    reader.entity = entity
    return [reader.condition(raw, f"[{i}]") for i, raw in enumerate(raws)]


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _read_file(path: Path) -> Any:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CustomSegmentError(f"{path.name}: cannot read: {error}") from None
    except yaml.YAMLError as error:
        raise CustomSegmentError(f"{path.name}: not valid YAML: {error}") from None
    return {"version": 1} if content is None else content


def definition_files(project_dir: Path | str = ".") -> list[Path]:
    folder = Path(project_dir) / SEGMENTS_DIR
    return sorted(folder.glob("*.yml")) if folder.is_dir() else []


def read_definitions(files: dict[str, Any], catalog: Catalog) -> tuple[SegmentSet, ...]:
    """Every definition of `files` (file name -> its parsed YAML), checked against the catalog, in file order.
    The custom models are added to the catalog as they are read (a later definition may reference an earlier one,
    or a later one: references are resolved after all names are known)."""
    raws: list[tuple[str, bool, int, dict]] = []
    for file, content in files.items():
        if not re.fullmatch(r"[A-Za-z0-9_.-]+\.yml", file):
            raise CustomSegmentError(f"{file}: name a custom segments file with letters, digits, _, - and . only")
        if not isinstance(content, dict) or type(content.get("version")) is not int or content["version"] != 1:
            raise CustomSegmentError(f"{file}: a custom segments file is a mapping with version: 1")
        unknown = set(content) - {"version", "segments", "segment_sets"}
        if unknown:
            raise CustomSegmentError(f"{file}: unknown top-level field {sorted(map(str, unknown))[0]!r}; "
                                     "version, segments, segment_sets")
        for kind, lone in (("segments", True), ("segment_sets", False)):
            items = content.get(kind, [])
            if not isinstance(items, list):
                raise CustomSegmentError(f"{file}: {kind} takes a list of definitions")
            raws.extend((file, lone, i, item) for i, item in enumerate(items))
    _declare(raws, catalog)
    sets, references = [], {}
    for file, lone, index, raw in raws:
        reader = _Reader(file, catalog)
        segment_set = reader.definition(raw, lone, index)
        sets.append(segment_set)
        references[segment_set.name] = reader.references
    _refuse_cycles(sets, references)
    return tuple(sets)


def _declare(raws: list, catalog: Catalog) -> None:
    """Put every custom model in the catalog (name, entity, values) before any condition is read, replacing the
    custom models an earlier read put there. A name whose column the wide table already has is refused here."""
    catalog.models = tuple(model for model in catalog.models if model.name not in catalog.custom_entities)
    catalog.custom_entities.clear()
    builtin = {model.name for model in catalog.models}
    wide = {column.name for model in catalog.models for column in model.columns if column.wide}
    seen: dict[str, str] = {}
    for file, lone, _index, raw in raws:
        reader = _Reader(file, catalog)
        if not isinstance(raw, dict):
            raise reader.fail("", "a definition is a mapping")
        name = reader._name(raw.get("name"), "name")
        reader.segment = name
        if name in builtin:
            raise reader.fail("name", f"{name!r} is a built-in segment model's name")
        if name in seen:
            raise reader.fail("name", f"{name!r} is also defined in {seen[name]}")
        if f"{name}_segment" in wide:
            raise reader.fail("name", f"{name}_segment is already a column of dim_contact_segments: choose another name")
        seen[name] = file
        catalog.models = (*catalog.models, _placeholder_model(name, raw, lone))
        catalog.custom_entities[name] = raw.get("entity", "contact")


def _refuse_cycles(sets: list[SegmentSet], references: dict[str, set[str]]) -> None:
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done" or name not in references:
            return
        if state.get(name) == "visiting":
            cycle = trail[trail.index(name):] + [name]
            owner = next(s for s in sets if s.name == name)
            raise CustomSegmentError(f"{owner.file}: segment {name}: a cycle between segments: {' -> '.join(cycle)}")
        state[name] = "visiting"
        for other in sorted(references[name]):
            visit(other, [*trail, name])
        state[name] = "done"

    for segment_set in sets:
        visit(segment_set.name, [])


def load_definitions(project_dir: Path | str = ".", catalog: Catalog | None = None) -> tuple[SegmentSet, ...]:
    catalog = catalog or load_catalog(project_dir)
    return read_definitions({path.name: _read_file(path) for path in definition_files(project_dir)}, catalog)


def _placeholder_model(name: str, raw: dict, lone: bool) -> SegmentModel:
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
