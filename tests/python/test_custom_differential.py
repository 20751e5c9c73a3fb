"""Differential test of the custom-segment conditions compiler (docs/custom_segments.md).

Some 550 conditions (about 250 written to cover every form, then 300 random trees nested in all/any/not up to
depth 3, fixed seed), their values drawn from the built warehouse's own data, are compiled to one dbt model
(`conditions_model_sql`: one boolean column per condition) and run once by dbt, with the event pre-aggregate they
need, on a copy of the session's built warehouse (2,000 generated contacts). An independent evaluator, written here
in pandas and plain Python from the specification alone, computes the same booleans for every contact from the
warehouse's tables: the traits from the seg_* marts, the contact's account from dim_contact_segments, the events one
by one from int_events__attributed (never the compiler's pre-aggregate int_contacts__custom_event_days). The two must
agree on every contact and every condition. The evaluator is itself checked where the marts already hold the answer
(logins_30d, invoice_not_sent, ...).

What the conditions cover: every trait operator on text, number, boolean, date and timestamp traits (values and
boundaries taken from the data, quotes, Jinja braces, LIKE wildcards and non-ASCII text among them), `account.*`
traits (a contact without an account, or whose account the CRM never delivered), event counts, distinct property
values, days since the first and last event, `where` filters, the four kinds of window (none, last_days, days_ago,
since), did X then not Y with and without within_days, top and bottom percentiles with and without within, and
membership of built-in models, an account model read from contacts among them (its `missing` value, unknown,
without an account).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import AS_OF, BIN_DIR, PROJECT_DIR

from segments_warehouse.custom import conditions_model_sql, load_catalog, write_usage_macro

SEED = 20261203
RANDOM_CONDITIONS = 300  # random trees, after the conditions of Generator.coverage
MAX_DEPTH = 3
MODEL = "diff_conditions"
MODEL_PATH = Path("models/marts/custom") / f"{MODEL}.sql"

KINDS = {"VARCHAR": "text", "BIGINT": "number", "INTEGER": "number", "DOUBLE": "number", "BOOLEAN": "boolean",
         "DATE": "date", "TIMESTAMP": "timestamp"}
KEYS = {"contact_id", "account_id", "as_of_date"}
OPERATORS = {
    "text": ("=", "!=", "in", "not in", "contains", "starts with", "is null", "is not null"),
    "number": ("=", "!=", "in", "not in", "<", "<=", ">", ">=", "between", "is null", "is not null"),
    "boolean": ("=", "!=", "is null", "is not null"),
    "date": ("=", "!=", "<", "<=", ">", ">=", "between", "is null", "is not null"),
    "timestamp": ("=", "!=", "<", "<=", ">", ">=", "between", "is null", "is not null"),
}
NUMBER_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "between")
EVENT_PROPERTIES = ("feature", "page_path", "device_type", "os_name", "browser_name", "country_code")
MEASURES = ("count", "distinct", "days_since_first", "days_since_last")
# Text that must reach SQL as text: quotes, Jinja, a backslash, LIKE's wildcards, non-ASCII letters.
HOSTILE_TEXT = ("O'Brien", "x' or '1'='1", "{{ var('as_of_date') }}", "{% raw %}", "back\\slash", "%", "_", "São",
                "Île")
PERCENTS = (0.5, 1, 2.5, 5, 10, 12.5, 25, 37.5, 50, 90, 100)  # exact in binary: no rounding question at a cut


# --- the population: the built warehouse's tables, read directly -------------------------------------------------

@dataclass
class Population:
    as_of: dt.date
    contacts: list[str]
    traits: dict[str, dict[str, object]]  # "model.column" or "account.column" -> contact -> value (None: missing)
    kinds: dict[str, str]  # trait label -> text, number, boolean, date, timestamp
    names: dict[str, str]  # every name a condition may give a trait -> its label
    memberships: dict[str, dict[str, object]]  # "model.column" (a column with values) -> contact -> value
    membership_values: dict[str, tuple[str, ...]]  # "model.column" -> the registry's values
    segment_columns: dict[str, str]  # model -> its segment column
    events: pd.DataFrame  # one row per attributed event of a contact of the population
    event_names: tuple[str, ...]  # vars.custom_segment_events


def _relation(con, name: str) -> str:
    schema = con.execute("select table_schema from information_schema.tables where table_name = ?", [name]).fetchall()
    assert len(schema) == 1, f"{name}: {schema}"
    return f"{schema[0][0]}.{name}"


def _columns(con, relation: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"describe {relation}").fetchall()}


def _rows_by_key(con, relation: str, key: str) -> dict[str, dict]:
    cursor = con.execute(f"select * from {relation}")
    names = [column[0] for column in cursor.description]
    return {row[names.index(key)]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def read_population(path: Path, project_dir: Path, as_of: dt.date) -> Population:
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    registry = project["vars"]["segment_registry"]  # the built-in models only
    with duckdb.connect(str(path), read_only=True) as con:
        contacts = sorted(row[0] for row in con.execute(
            f"select contact_id from {_relation(con, 'int_contacts__as_of')}").fetchall())
        account_of = dict(con.execute(
            f"select contact_id, account_id from {_relation(con, 'dim_contact_segments')}").fetchall())
        traits, kinds, memberships, membership_values, segment_columns = {}, {}, {}, {}, {}
        contact_columns: dict[str, list[str]] = {}
        for entry in registry:
            relation = _relation(con, entry["mart"])
            account_model = entry["entity_type"] == "account"
            rows = _rows_by_key(con, relation, "account_id" if account_model else "contact_id")
            row_of = {contact: rows.get(account_of.get(contact) if account_model else contact) for contact in contacts}
            for column, data_type in _columns(con, relation).items():
                if column in KEYS or column == f"{entry['segment_column']}_explanation":  # text to read, not a trait
                    continue
                label = f"account.{column}" if account_model else f"{entry['name']}.{column}"
                traits[label] = {c: (row[column] if row else None) for c, row in row_of.items()}
                kinds[label] = KINDS[data_type]
                if not account_model:
                    contact_columns.setdefault(column, []).append(label)
            segment_columns[entry["name"]] = entry["segment_column"]
            for column, spec in (entry.get("columns") or {}).items():
                if spec.get("values") is None:
                    continue
                key = f"{entry['name']}.{column}"
                membership_values[key] = tuple(spec["values"])
                # an account model's value for a contact without an account (or whose account the CRM never
                # delivered); a column without a missing value has none there, so no membership holds
                missing = spec.get("missing")
                memberships[key] = {c: (row[column] if row else missing) for c, row in row_of.items()}
        events = con.execute(f"""
            select contact_id, event_name, {', '.join(EVENT_PROPERTIES)}, occurred_at, activity_date
            from {_relation(con, 'int_events__attributed')}
            where contact_id in (select contact_id from {_relation(con, 'int_contacts__as_of')})
        """).df()
    names = {label: label for label in traits}
    names.update({column: labels[0] for column, labels in contact_columns.items() if len(labels) == 1})
    events["occurred_at"] = pd.to_datetime(events["occurred_at"])
    events["activity_date"] = pd.to_datetime(events["activity_date"])
    return Population(as_of, contacts, traits, kinds, names, memberships, membership_values, segment_columns,
                      events, tuple(project["vars"]["custom_segment_events"]))


# --- the independent evaluator: the specification, written in pandas and plain Python -----------------------------

def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def _operand(kind: str, value):
    """A condition's value as the trait's Python type: a timestamp is compared with the start of the day."""
    if isinstance(value, list):
        return [_operand(kind, item) for item in value]
    if value is None:  # is null, is not null
        return None
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "timestamp":
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    return value


def compare(op: str, value, operand) -> bool:
    """One leaf: false on a missing value, whatever the operator, except `is null`."""
    if op == "is null":
        return not _present(value)
    if op == "is not null":
        return _present(value)
    if not _present(value):
        return False
    if op == "=":
        return value == operand
    if op == "!=":
        return value != operand
    if op == "<":
        return value < operand
    if op == "<=":
        return value <= operand
    if op == ">":
        return value > operand
    if op == ">=":
        return value >= operand
    if op == "between":
        return operand[0] <= value <= operand[1]
    if op == "in":
        return value in operand
    if op == "not in":
        return value not in operand
    if op == "contains":
        return operand in value
    if op == "starts with":
        return value.startswith(operand)
    raise AssertionError(f"unknown operator {op!r}")


class Evaluator:
    """condition (a raw dict, as in the YAML) -> {contact_id: bool} for every contact of the population."""

    def __init__(self, population: Population):
        self.population = population
        self.contacts = population.contacts

    def __call__(self, condition: dict) -> dict[str, bool]:
        for key in ("all", "any", "not", "trait", "event", "did", "percentile", "segment"):
            if key in condition:
                return getattr(self, f"_{key}")(condition)
        raise AssertionError(f"not a condition: {condition}")

    def _all(self, condition):
        parts = [self(item) for item in condition["all"]]
        return {c: all(part[c] for part in parts) for c in self.contacts}

    def _any(self, condition):
        parts = [self(item) for item in condition["any"]]
        return {c: any(part[c] for part in parts) for c in self.contacts}

    def _not(self, condition):
        inner = self(condition["not"])
        return {c: not inner[c] for c in self.contacts}

    def _trait(self, condition):
        label = self.population.names[condition["trait"]]
        values = self.population.traits[label]
        operand = _operand(self.population.kinds[label], condition.get("value"))
        return {c: compare(condition["op"], values[c], operand) for c in self.contacts}

    # events
    def window(self, window: dict | None) -> tuple[dt.date | None, dt.date]:
        """The first and last UTC day of a window (first None: ever)."""
        as_of = self.population.as_of
        if window is None:
            return None, as_of
        (kind, value), = window.items()
        if kind == "last_days":
            return as_of - dt.timedelta(days=value - 1), as_of
        if kind == "days_ago":
            return as_of - dt.timedelta(days=value[1]), as_of - dt.timedelta(days=value[0])
        if kind == "since":
            return dt.date.fromisoformat(value), as_of
        raise AssertionError(f"unknown window {window}")

    def selected(self, selection: dict, windowed: bool = True) -> pd.DataFrame:
        """The events matching a selection: its event names, every `where` filter (a missing property matches
        nothing) and, when windowed, its window of activity dates."""
        events = self.population.events
        mask = events["event_name"].isin(_as_list(selection["event"]))
        for prop, values in (selection.get("where") or {}).items():
            mask &= events[prop].isin(_as_list(values))
        if windowed:
            first, last = self.window(selection.get("window"))
            mask &= events["activity_date"] <= pd.Timestamp(last)
            if first is not None:
                mask &= events["activity_date"] >= pd.Timestamp(first)
        return events[mask]

    def measure(self, condition: dict) -> dict[str, object]:
        """The measure of an event condition per contact (None: missing, days_since_* without an event)."""
        grouped = self.selected(condition).groupby("contact_id")
        measure = condition.get("measure", "count")
        if measure == "count":
            values = grouped.size()
        elif measure == "distinct":
            values = grouped[condition["of"]].nunique()  # distinct values: a missing property is none
        else:
            days = grouped["activity_date"].min() if measure == "days_since_first" else grouped["activity_date"].max()
            values = (pd.Timestamp(self.population.as_of) - days).dt.days
        values = {c: int(v) for c, v in values.items()}
        zero = 0 if measure in ("count", "distinct") else None
        return {c: values.get(c, zero) for c in self.contacts}

    def _event(self, condition):
        measures = self.measure(condition)
        return {c: compare(condition["op"], measures[c], condition["value"]) for c in self.contacts}

    def _did(self, condition):
        """The first X (by occurred_at) in the did window; true when there is one and no Y at or after it (and no
        later than X + within_days days)."""
        first = self.selected(condition["did"]).groupby("contact_id")["occurred_at"].min().rename("x_at")
        later = self.selected(condition["then_not"], windowed=False)[["contact_id", "occurred_at"]]
        pairs = later.join(first, on="contact_id", how="inner")
        blocking = pairs["occurred_at"] >= pairs["x_at"]
        within = condition["then_not"].get("within_days")
        if within is not None:
            blocking &= pairs["occurred_at"] <= pairs["x_at"] + pd.Timedelta(days=within)
        blocked = set(pairs.loc[blocking, "contact_id"])
        return {c: c in first.index and c not in blocked for c in self.contacts}

    def _percentile(self, condition):
        """In when fewer than N % of the entities with a value (in the group) have a strictly greater (top) or
        smaller (bottom) value. Counted exactly: `beyond * 100 < N * n`."""
        population = self.population
        values = population.traits[population.names[condition["percentile"]]]
        within = condition.get("within")
        groups = population.traits[population.names[within]] if within else {c: None for c in self.contacts}
        key = {c: (groups[c] if _present(groups[c]) else None) for c in self.contacts}  # no value: one group
        ranked: dict[object, list] = {}
        for c in self.contacts:
            if _present(values[c]):
                ranked.setdefault(key[c], []).append(values[c])
        for group in ranked.values():
            group.sort()
        top = "top" in condition
        percent = Fraction(condition["top"] if top else condition["bottom"])
        result = {}
        for c in self.contacts:
            if not _present(values[c]):
                result[c] = False
                continue
            group = ranked[key[c]]
            beyond = len(group) - bisect.bisect_right(group, values[c]) if top else bisect.bisect_left(group, values[c])
            result[c] = beyond * 100 < percent * len(group)
        return result

    def _segment(self, condition):
        model, _, column = condition["segment"].partition(".")
        values = self.population.memberships[f"{model}.{column or self.population.segment_columns[model]}"]
        wanted = [condition["is"]] if "is" in condition else condition["in"]
        return {c: values[c] is not None and values[c] in wanted for c in self.contacts}


# --- the generator: conditions from the data's own values --------------------------------------------------------

class Generator:
    """Random conditions whose values are drawn from the population (observed values, exact boundaries), so
    that few are always true or always false."""

    def __init__(self, population: Population, evaluator: Evaluator, rng: random.Random):
        self.population, self.evaluate, self.rng = population, evaluator, rng
        self.observed = {label: [v for v in values.values() if _present(v)]
                         for label, values in population.traits.items()}
        self.labels = {kind: sorted(label for label in population.kinds
                                    if population.kinds[label] == kind and self.observed[label])
                       for kind in OPERATORS}
        self.aliases: dict[str, list[str]] = {}
        for name, label in population.names.items():
            self.aliases.setdefault(label, []).append(name)
        tracked = set(population.events["event_name"])
        self.events = [event for event in population.event_names if event in tracked]
        self.untracked = [event for event in population.event_names if event not in tracked]

    def pick(self, items):
        return self.rng.choice(list(items))

    def name(self, label: str) -> str:
        """The label or, when unambiguous, the bare column name."""
        return self.pick(sorted(self.aliases[label]))

    # traits
    def trait(self, kind: str | None = None, op: str | None = None, label: str | None = None) -> dict:
        label = label or self.pick(self.labels[kind] if kind else sorted(self.population.kinds))
        kind = self.population.kinds[label]
        op = op or self.pick(OPERATORS[kind])
        condition = {"trait": self.name(label), "op": op}
        if op not in ("is null", "is not null"):
            condition["value"] = getattr(self, f"_{kind}_value")(label, op)
        return condition

    def _text_value(self, label: str, op: str):
        observed = [v for v in self.observed[label] if v]
        if op in ("in", "not in"):
            values = sorted({self.pick(observed) for _ in range(self.rng.randint(1, 3))})
            return values + ([self.pick(HOSTILE_TEXT)] if self.rng.random() < 0.2 else [])
        if self.rng.random() < 0.1:
            return self.pick(HOSTILE_TEXT)
        value = self.pick(observed)
        if op == "contains":
            start = self.rng.randrange(len(value))
            value = value[start:self.rng.randint(start + 1, len(value))]
        elif op == "starts with":
            value = value[:self.rng.randint(1, len(value))]
        if op in ("contains", "starts with") and self.rng.random() < 0.15:
            value = value.swapcase()  # case-sensitive: usually matches nothing then
        return value

    def _number_value(self, label: str, op: str):
        observed = self.observed[label]
        if op in ("in", "not in"):
            return sorted({self.pick(observed) for _ in range(self.rng.randint(1, 3))})
        if op == "between":
            return sorted([self.pick(observed), self.pick(observed)])
        value = self.pick(observed)
        if op in ("<", "<=", ">", ">=") and self.rng.random() < 0.25:
            value = value + 0.5  # between two observed values
        return value

    def _boolean_value(self, label: str, op: str):
        return self.rng.random() < 0.5

    def _day(self, label: str) -> dt.date:
        value = self.pick(self.observed[label])
        day = value.date() if isinstance(value, dt.datetime) else value
        return day + dt.timedelta(days=self.pick((0, 0, 0, 1, -1)))

    def _date_value(self, label: str, op: str):
        if op == "between":
            return [day.isoformat() for day in sorted([self._day(label), self._day(label)])]
        return self._day(label).isoformat()

    _timestamp_value = _date_value

    # events
    def event_names(self):
        if self.untracked and self.rng.random() < 0.03:
            return self.pick(self.untracked)  # in the vars, never seen: counts 0
        if self.rng.random() < 0.75:
            return self.pick(self.events)
        return sorted(self.rng.sample(self.events, 2))

    def where(self, events) -> dict:
        """One or two property filters fitting the events (feature for feature_used, page_path for page_viewed),
        with values seen on those events (a list now and then, an odd value in it)."""
        names = _as_list(events)
        rows = self.population.events[self.population.events["event_name"].isin(names)]
        fitting = [p for p, event in (("feature", "feature_used"), ("page_path", "page_viewed")) if event in names]
        general = ["device_type", "os_name", "browser_name", "country_code"]
        chosen = [self.pick(fitting if fitting and self.rng.random() < 0.5 else general)]
        if self.rng.random() < 0.3:
            chosen.append(self.pick([p for p in fitting + general if p not in chosen]))
        filters = {}
        for prop in sorted(chosen):
            seen = sorted(set(rows[prop].dropna())) or sorted(set(self.population.events[prop].dropna()))
            if self.rng.random() < 0.7:
                filters[prop] = self.pick(seen)
            else:
                values = sorted(self.rng.sample(seen, min(len(seen), self.rng.randint(2, 3))))
                filters[prop] = values + ([self.pick(HOSTILE_TEXT)] if self.rng.random() < 0.3 else [])
        return filters

    def window(self, kind: str | None = "random") -> dict | None:
        if kind == "random":
            kind = self.rng.choices([None, "last_days", "days_ago", "since"], weights=[25, 35, 25, 15])[0]
        if kind is None:
            return None
        if kind == "last_days":
            return {"last_days": self.pick((1, 2, 7, 14, 30, 60, 90, 180, 365))}
        if kind == "days_ago":
            low = self.pick((0, 0, 1, 7, 30, 60))
            return {"days_ago": [low, low + self.pick((0, 6, 29, 59, 300))]}
        since = self.population.as_of - dt.timedelta(days=self.pick((0, 1, 7, 45, 120, 400)))
        return {"since": since.isoformat()}

    def event(self, measure: str | None = None, window: str | None = "random", where: bool | None = None) -> dict:
        events = self.event_names()
        condition = {"event": events}
        if where is None:
            where = self.rng.random() < 0.35
        if where:
            condition["where"] = self.where(events)
        measure = measure or self.rng.choices(MEASURES, weights=[45, 15, 15, 25])[0]
        if measure != "count" or self.rng.random() < 0.5:
            condition["measure"] = measure
        if measure == "distinct":
            condition["of"] = self.pick(("feature", "feature", "page_path", "device_type", "os_name", "browser_name",
                                         "country_code"))
        chosen = self.window(window)
        if chosen is not None:
            condition["window"] = chosen
        condition["op"] = self.pick(NUMBER_OPERATORS)
        condition["value"] = self.measure_value(condition)
        return condition

    def measure_value(self, condition: dict):
        """A value the measure takes for some contact (a boundary), or a small number."""
        seen = sorted(v for v in self.evaluate.measure(condition).values() if v not in (None, 0))
        pick = lambda: self.pick(seen) if seen and self.rng.random() < 0.8 else self.pick((0, 1, 2, 7))  # noqa: E731
        return sorted([pick(), pick()]) if condition["op"] == "between" else pick()

    PAIRS = (("invoice_created", "invoice_sent"), ("report_created", "export_created"), ("login", "feature_used"),
             ("page_viewed", "login"), ("integration_connected", "settings_updated"), ("login", "login"))

    def did(self, within: bool | None = None) -> dict:
        did, then = self.pick(self.PAIRS) if self.rng.random() < 0.7 else (self.pick(self.events), self.pick(self.events))
        first, second = {"event": did}, {"event": then}
        if self.rng.random() < 0.3:
            first["where"] = self.where(did)
        if self.rng.random() < 0.2:
            second["where"] = self.where(then)
        window = self.window()
        if window is not None:
            first["window"] = window
        if within is None:
            within = self.rng.random() < 0.5
        if within:
            second["within_days"] = self.pick((1, 2, 7, 30))
        return {"did": first, "then_not": second}

    def percentile(self, within: bool | None = None, label: str | None = None) -> dict:
        label = label or self.pick(self.labels["number"] * 3 + self.labels["date"] + self.labels["timestamp"])
        condition = {"percentile": self.name(label), self.pick(("top", "bottom")): self.pick(PERCENTS)}
        if within is None:
            within = self.rng.random() < 0.4
        if within:
            groups = [g for g in self.population.kinds if 1 < len(set(self.observed[g])) <= 12 and g != label]
            condition["within"] = self.name(self.pick(sorted(groups)))
        return condition

    def segment(self, key: str | None = None) -> dict:
        key = key or self.pick(sorted(self.population.memberships))
        model, column = key.split(".")
        values = self.population.membership_values[key]
        own = column == self.population.segment_columns[model]
        condition = {"segment": model if own and self.rng.random() < 0.7 else key}
        if self.rng.random() < 0.5:
            condition["is"] = self.pick(values)
        else:
            condition["in"] = sorted(self.rng.sample(values, self.rng.randint(1, min(3, len(values)))),
                                     key=values.index)
        return condition

    # trees
    def leaf(self) -> dict:
        kind = self.rng.choices(["trait", "event", "did", "percentile", "segment"], weights=[40, 30, 10, 10, 10])[0]
        return getattr(self, kind)()

    def tree(self, depth: int = MAX_DEPTH) -> dict:
        if depth == 0 or self.rng.random() < 0.3:
            return self.leaf()
        form = self.rng.choices(["all", "any", "not"], weights=[4, 4, 2])[0]
        if form == "not":
            return {"not": self.tree(depth - 1)}
        return {form: [self.tree(depth - 1) for _ in range(self.rng.randint(1, 3))]}

    def splitting_tree(self, tries: int = 5) -> dict:
        """A tree true for some contacts and false for others (the last try whatever it is)."""
        for _ in range(tries):
            condition = self.tree()
            if len(set(self.evaluate(condition).values())) == 2:
                break
        return condition

    def coverage(self) -> list[dict]:
        """One or more conditions for every operator of every trait type, account traits, every measure in
        every kind of window, where filters, did-not with and without within_days, percentiles with and without
        within, memberships, the doc's examples and hostile text."""
        conditions = []
        for kind, operators in OPERATORS.items():
            for op in operators:
                conditions += [self.trait(kind, op) for _ in range(2)]
        for label in sorted(label for label in self.population.kinds if label.startswith("account.")):
            conditions += [self.trait(label=label), self.trait(label=label, op="is null")]
        conditions += [{"not": self.trait(label="account.needs_dedicated_account_manager", op="=")},
                       {"trait": "account.employee_count", "op": ">", "value": 500}]
        for label, value in (("geographic.city", "São Paulo"), ("geographic.state", "Île-de-France"),
                             ("geographic.timezone", "_"), ("demographic.income_band", "_"),
                             ("geographic.state", "%"), ("lifecycle.account_owner", "O'Brien")):
            for op in ("=", "!=", "contains", "starts with"):
                conditions.append({"trait": label, "op": op, "value": value})
        conditions.append({"trait": "geographic.city", "op": "not in", "value": list(HOSTILE_TEXT)})
        for value in HOSTILE_TEXT:
            conditions += [{"trait": "geographic.city", "op": "!=", "value": value},
                           {"event": "page_viewed", "where": {"page_path": ["/pricing", value]}, "op": ">=", "value": 1}]
        for measure in MEASURES:
            for window in (None, "last_days", "days_ago", "since"):
                conditions += [self.event(measure, window, where=False), self.event(measure, window, where=True)]
        conditions += [
            {"event": "report_created", "measure": "count", "window": {"last_days": 7}, "op": ">=", "value": 3},
            {"event": "page_viewed", "where": {"page_path": "/pricing"}, "window": {"last_days": 7}, "op": ">=",
             "value": 3},
            {"event": "feature_used", "measure": "distinct", "of": "feature", "op": ">=", "value": 3},
            {"event": ["login", "report_created"], "measure": "days_since_last", "op": "<=", "value": 7},
            {"all": [{"event": "login", "window": {"days_ago": [30, 59]}, "op": ">=", "value": 1},
                     {"event": "login", "window": {"last_days": 30}, "op": "=", "value": 0}]},
            {"event": "login", "window": {"since": (self.population.as_of + dt.timedelta(days=1)).isoformat()},
             "op": "=", "value": 0},
            {"event": "login", "window": {"days_ago": [0, 0]}, "op": ">=", "value": 1},
            {"not": {"event": "login", "measure": "days_since_first", "window": {"last_days": 30}, "op": ">=",
                     "value": 0}},
        ]
        conditions += [self.did(within=False) for _ in range(6)] + [self.did(within=True) for _ in range(6)]
        conditions += [
            {"did": {"event": "invoice_created", "window": {"last_days": 30}}, "then_not": {"event": "invoice_sent"}},
            {"did": {"event": "invoice_created", "window": {"last_days": 30}},
             "then_not": {"event": "invoice_sent", "within_days": 7}},
            {"did": {"event": "login", "window": {"last_days": 7}}, "then_not": {"event": "login"}},
            {"did": {"event": "page_viewed", "where": {"page_path": "/pricing"}},
             "then_not": {"event": "page_viewed", "where": {"page_path": "/app/invoices"}, "within_days": 1}},
        ]
        conditions += [self.percentile(within=False) for _ in range(6)] + [self.percentile(within=True) for _ in range(6)]
        conditions += [
            {"percentile": "net_revenue", "top": 10},
            {"percentile": "value_based.last_order_date", "bottom": 25},
            {"percentile": "behavioral.first_seen_at", "top": 5, "within": "region"},
            {"percentile": "account.employee_count", "top": 10},
            {"percentile": "behavioral.logins_30d", "top": 1, "within": "account.company_segment"},
            {"percentile": "psychographic.nps_score", "bottom": 100},
        ]
        conditions += [self.segment(key) for key in sorted(self.population.memberships)]
        conditions += [
            {"segment": "behavioral", "is": "power_user"},
            {"segment": "value_based.value_tier", "in": ["vip", "high"]},
            {"segment": "firmographic", "is": "enterprise"},
            {"segment": "firmographic", "is": "unknown"},
            {"not": {"segment": "technographic.primary_device", "is": "desktop"}},
            {"segment": "demographic.gender", "in": ["female", "non_binary"]},
        ]
        return conditions


def generate_conditions(population: Population, evaluator: Evaluator) -> list[dict]:
    generator = Generator(population, evaluator, random.Random(SEED))
    return generator.coverage() + [generator.splitting_tree() for _ in range(RANDOM_CONDITIONS)]


# --- the harness: compile, run dbt once on a copy, compare ---------------------------------------------------------

@pytest.fixture(scope="module")
def population(built_warehouse) -> Population:
    return read_population(built_warehouse.path, PROJECT_DIR, AS_OF)


@pytest.fixture(scope="module")
def evaluator(population) -> Evaluator:
    return Evaluator(population)


@pytest.fixture(scope="module")
def conditions(population, evaluator) -> list[dict]:
    return generate_conditions(population, evaluator)


@pytest.fixture(scope="module")
def expected(conditions, evaluator) -> list[dict[str, bool]]:
    return [evaluator(condition) for condition in conditions]


def copy_project(destination: Path) -> Path:
    shutil.copytree(PROJECT_DIR, destination, ignore=shutil.ignore_patterns(
        ".venv", ".git", "target", "logs", "warehouse", "*.egg-info", "__pycache__", ".pytest_cache"))
    return destination


@pytest.fixture(scope="module")
def compiled(built_warehouse, conditions, tmp_path_factory) -> pd.DataFrame:
    """The conditions compiled into one model, run by dbt (with the event pre-aggregate they need) on a copy of
    the built warehouse in a copy of the project: contact_id, c_0 ... c_<n-1>."""
    root = tmp_path_factory.mktemp("custom_differential")
    project = copy_project(root / "project")
    sql = conditions_model_sql(conditions, entity="contact", catalog=load_catalog(project))
    # the custom folder's contract needs every column declared; this scratch model has none
    (project / MODEL_PATH).write_text("{{ config(contract={'enforced': false}) }}\n" + sql, encoding="utf-8")
    write_usage_macro(project, conditions)
    warehouse = root / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "SEGMENTS_DUCKDB_PATH": str(warehouse),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    run = subprocess.run(
        [str(BIN_DIR / "dbt"), "run", "-s", "int_contacts__custom_event_days", MODEL,
         "--vars", json.dumps({"as_of_date": AS_OF.isoformat()}), "--project-dir", str(project),
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        cwd=project, env=env, capture_output=True, text=True)
    assert run.returncode == 0, f"dbt run failed:\n{run.stdout[-6000:]}\n{run.stderr[-2000:]}"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {_relation(con, MODEL)}").df().set_index("contact_id")


def _yaml(condition: dict) -> str:
    return yaml.safe_dump(condition, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000).strip()


# Where the warehouse already knows the answer (a mart's column and its documented meaning), the evaluator finds it.
KNOWN_MEASURES = [
    ("behavioral.logins_30d", {"event": "login", "window": {"last_days": 30}}),
    ("behavioral.logins_7d", {"event": "login", "window": {"last_days": 7}}),
    ("behavioral.page_views_30d", {"event": "page_viewed", "window": {"last_days": 30}}),
    ("behavioral.distinct_features_30d",
     {"event": "feature_used", "measure": "distinct", "of": "feature", "window": {"last_days": 30}}),
    ("behavioral.days_since_last_login", {"event": "login", "measure": "days_since_last"}),
    ("needs_based.reports_created_total", {"event": "report_created"}),
    ("needs_based.invoices_created_30d", {"event": "invoice_created", "window": {"last_days": 30}}),
    ("technographic.mobile_events_90d",
     {"event": "*", "where": {"device_type": ["mobile", "tablet"]}, "window": {"last_days": 90}}),
]


@pytest.mark.parametrize(("label", "condition"), KNOWN_MEASURES, ids=[label for label, _ in KNOWN_MEASURES])
def test_the_evaluator_finds_what_the_marts_computed(population, evaluator, label, condition):
    if condition["event"] == "*":
        condition = {**condition, "event": sorted(set(population.events["event_name"]))}
    assert evaluator.measure(condition) == population.traits[label]


def test_the_evaluator_finds_invoice_not_sent(population, evaluator):
    did = {"did": {"event": "invoice_created", "window": {"last_days": 30}}, "then_not": {"event": "invoice_sent"}}
    assert evaluator(did) == population.traits["needs_based.invoice_not_sent"]


def test_the_generated_conditions_split_the_population(conditions, expected):
    """The generator is worth its salt: every form is there, and most conditions are true for some contacts and
    false for others."""
    text = "\n".join(_yaml(condition) for condition in conditions)
    for form in ("all:", "any:", "not:", "trait:", "event:", "did:", "within_days:", "percentile:", "within:",
                 "segment:", "last_days:", "days_ago:", "since:", "where:", "account."):
        assert form in text, form
    splitting = [values for values in expected if len(set(values.values())) == 2]
    assert len(conditions) >= 400 and len(splitting) >= 0.8 * len(conditions), (len(splitting), len(conditions))


def test_the_compiled_sql_agrees_with_the_independent_evaluator(population, conditions, expected, compiled):
    assert sorted(compiled.index) == population.contacts
    assert list(compiled.columns) == [f"c_{i}" for i in range(len(conditions))]
    failures = []
    for i, (condition, want) in enumerate(zip(conditions, expected, strict=True)):
        got = {c: (None if pd.isna(v) else bool(v)) for c, v in compiled[f"c_{i}"].items()}
        differing = [c for c in population.contacts if got[c] is not want[c]]
        if differing:
            examples = ", ".join(f"{c}: expected {want[c]}, got {got[c]}" for c in differing[:4])
            failures.append((len(_yaml(condition)), f"c_{i}: {_yaml(condition)}\n    {len(differing)} of "
                                                    f"{len(population.contacts)} contacts differ ({examples})"))
    failures.sort(key=lambda failure: failure[0])  # the smallest conditions first: the likeliest repros
    assert not failures, (f"{len(failures)} of {len(conditions)} conditions differ:\n"
                          + "\n".join(message for _, message in failures[:20]))
