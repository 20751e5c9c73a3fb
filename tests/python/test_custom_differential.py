"""Differential test of the custom-segment conditions compiler (docs/custom_segments.md).

Some 590 contact conditions (about 290 written to cover every form, then 300 random trees nested in all/any/not up
to depth 3, fixed seed) and some 110 account conditions (about 90, then 20 random trees), their values drawn from
the built warehouse's own data, are compiled to two dbt models (`conditions_model_sql`: one boolean column per
condition, keyed by contact_id and by account_id, reading their event measures from the shared
int_contacts__custom_event_measures as the compiled custom models do) and run by one dbt run, with the event
pre-aggregates and the shared measures they need, on a copy of the session's built warehouse (2,000 generated
contacts). An independent evaluator, written here in pandas and plain Python from the specification alone, computes
the same booleans for every contact and account from the warehouse's tables: the traits from the seg_* marts, the
contact's account from dim_contact_segments (and, for a roll-up, int_contacts__as_of), the events one by one from
int_events__attributed (never the compiler's pre-aggregates int_contacts__custom_event_days,
int_contacts__custom_event_occurrences and int_contacts__custom_event_measures). The two must agree on every entity
and every condition. The evaluator is itself checked where the marts already hold the answer (logins_30d,
invoice_not_sent, an account's contacts and active users, ...), and its sequences against a plain search.

The copy gets what the generated data lacks (add_what_the_data_lacks): events of a contact at the very same time
and a whole number of days apart, and accounts without contacts.

What the conditions cover: every trait operator on text, number, boolean, date and timestamp traits (values and
boundaries taken from the data, quotes, Jinja braces, LIKE wildcards and non-ASCII text among them), `account.*`
traits (a contact without an account, or whose account the CRM never delivered), event counts, distinct property
values, days since the first and last event, `where` filters, the four kinds of window (none, last_days, days_ago,
since), did X then not Y with and without within_days, sequences of 2 to 4 steps (the same event twice, filters,
gaps, windows; a gap exactly the data's own, two events at the same time), top and bottom percentiles with and
without within, and membership of built-in models, an account model read from contacts among them (its `missing`
value, unknown, without an account). For accounts: the account traits, percentiles and memberships, and roll-ups
(count and share, every operator) of contact conditions of every form, accounts without contacts among them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import math
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

from segments_warehouse.custom import conditions_model_sql, load_catalog
from segments_warehouse.custom.files import write_usage_macro
from segments_warehouse.custom.sql import SharedMeasures

SEED = 20261203
RANDOM_CONDITIONS = 300  # random trees, after the conditions of Generator.coverage
ACCOUNT_RANDOM_CONDITIONS = 20  # random account trees, after AccountGenerator.coverage
MAX_DEPTH = 3
MODEL = "diff_conditions"
ACCOUNT_MODEL = "diff_account_conditions"
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
MEASURES = ("count", "sum", "distinct", "days_since_first", "days_since_last")
# Text that must reach SQL as text: quotes, Jinja, a backslash, LIKE's wildcards, non-ASCII letters.
HOSTILE_TEXT = ("O'Brien", "x' or '1'='1", "{{ var('as_of_date') }}", "{% raw %}", "back\\slash", "%", "_", "São",
                "Île")
PERCENTS = (0.5, 1, 2.5, 5, 10, 12.5, 25, 37.5, 50, 90, 100)  # exact in binary: no rounding question at a cut
# Sequences: funnels of the product (the same event twice in some) and the gaps between their steps.
FUNNELS = (("login", "report_created", "export_created"), ("invoice_created", "invoice_sent"),
           ("page_viewed", "login", "feature_used", "report_created"), ("login", "login", "login", "login"),
           ("login", "dashboard_viewed", "report_created", "export_created"), ("integration_connected", "settings_updated"),
           ("feature_used", "feature_used", "feature_used"), ("dashboard_viewed", "settings_updated", "dashboard_viewed"))
GAPS = (1, 1, 2, 3, 7, 14, 30)
# Injected events (add_what_the_data_lacks): no mart the evaluator is checked against counts them.
INJECTED_EVENTS = ("dashboard_viewed", "settings_updated", "export_created", "integration_connected")
EVERY_CONTACT = {"any": [{"trait": "behavioral.logins_30d", "op": "is null"},
                         {"trait": "behavioral.logins_30d", "op": "is not null"}]}


# --- the population: the built warehouse's tables, read directly -------------------------------------------------

@dataclass
class Population:
    """The entities of one kind (contacts, or accounts) and what a condition of that entity reads about them."""
    as_of: dt.date
    keys: list[str]  # the entities: contact_id (int_contacts__as_of) or account_id (int_accounts__as_of), sorted
    traits: dict[str, dict[str, object]]  # "model.column" or "account.column" -> key -> value (None: missing)
    kinds: dict[str, str]  # trait label -> text, number, boolean, date, timestamp
    names: dict[str, str]  # every name a condition may give a trait -> its label
    memberships: dict[str, dict[str, object]]  # "model.column" (a column with values) -> key -> value
    membership_values: dict[str, tuple[str, ...]]  # "model.column" -> the registry's values
    segment_columns: dict[str, str]  # model -> its segment column
    events: pd.DataFrame  # one row per attributed event of a contact of the population (accounts: none)
    event_names: tuple[str, ...]  # vars.custom_segment_events
    account_id: dict[str, object]  # contact -> its account_id in int_contacts__as_of (accounts: empty)


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


def read_populations(path: Path, project_dir: Path, as_of: dt.date) -> tuple[Population, Population]:
    """The contacts and the accounts."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    registry = project["vars"]["segment_registry"]  # the built-in models only
    with duckdb.connect(str(path), read_only=True) as con:
        contact_accounts = dict(con.execute(
            f"select contact_id, account_id from {_relation(con, 'int_contacts__as_of')}").fetchall())
        contacts = sorted(contact_accounts)
        accounts = sorted(row[0] for row in con.execute(
            f"select account_id from {_relation(con, 'int_accounts__as_of')}").fetchall())
        account_traits, account_kinds, account_memberships, account_values, account_columns = {}, {}, {}, {}, {}
        account_of = dict(con.execute(
            f"select contact_id, account_id from {_relation(con, 'dim_contact_segments')}").fetchall())
        traits, kinds, memberships, membership_values, segment_columns = {}, {}, {}, {}, {}
        contact_columns: dict[str, list[str]] = {}
        for entry in registry:
            relation = _relation(con, entry["mart"])
            account_model = entry["entity_type"] == "account"
            rows = _rows_by_key(con, relation, "account_id" if account_model else "contact_id")
            row_of = {contact: rows.get(account_of.get(contact) if account_model else contact) for contact in contacts}
            # an account segment reads the account models' columns of the account itself
            own_row = {account: rows.get(account) for account in accounts} if account_model else {}
            for column, data_type in _columns(con, relation).items():
                if column in KEYS or column == f"{entry['segment_column']}_explanation":  # text to read, not a trait
                    continue
                label = f"account.{column}" if account_model else f"{entry['name']}.{column}"
                traits[label] = {c: (row[column] if row else None) for c, row in row_of.items()}
                kinds[label] = KINDS[data_type]
                if not account_model:
                    contact_columns.setdefault(column, []).append(label)
                else:
                    own_label = f"{entry['name']}.{column}"
                    account_traits[own_label] = {a: (row[column] if row else None) for a, row in own_row.items()}
                    account_kinds[own_label] = KINDS[data_type]
                    account_columns.setdefault(column, []).append(own_label)
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
                if account_model:
                    account_values[key] = tuple(spec["values"])
                    account_memberships[key] = {a: (row[column] if row else missing) for a, row in own_row.items()}
        events = con.execute(f"""
            select event_id, contact_id, event_name, {', '.join(EVENT_PROPERTIES)}, event_value as value, occurred_at, activity_date
            from {_relation(con, 'int_events__attributed')}
            where contact_id in (select contact_id from {_relation(con, 'int_contacts__as_of')})
        """).df()
    names = {label: label for label in traits}
    names.update({column: labels[0] for column, labels in contact_columns.items() if len(labels) == 1})
    events["occurred_at"] = pd.to_datetime(events["occurred_at"])
    events["activity_date"] = pd.to_datetime(events["activity_date"])
    event_names = tuple(project["vars"]["custom_segment_events"])
    contact_population = Population(as_of, contacts, traits, kinds, names, memberships, membership_values,
                                    segment_columns, events, event_names, contact_accounts)
    account_names = {label: label for label in account_traits}
    account_names.update({column: labels[0] for column, labels in account_columns.items() if len(labels) == 1})
    account_population = Population(
        as_of, accounts, account_traits, account_kinds, account_names, account_memberships, account_values,
        {model: column for model, column in segment_columns.items() if f"{model}.{column}" in account_values},
        events.iloc[0:0], event_names, {})
    return contact_population, account_population


# --- the independent evaluator: the specification, written in pandas and plain Python -----------------------------

def _number(value: Fraction) -> int | float:
    """An exact number as YAML writes it: whole, or a float (the caller's fractions are exact in binary)."""
    return int(value) if value.denominator == 1 else float(value)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def round_double(value: float, digits: int) -> float:
    """The project's round_double (macros/cross_db/round_double.sql), half away from zero, in the same IEEE
    operations, so a sum the engine adds in another order still rounds to the same double."""
    scaled = abs(value * 10.0 ** digits)
    whole = math.ceil(scaled) if scaled - math.floor(scaled) >= 0.5 else math.floor(scaled)
    return math.copysign(1.0, value) * whole / 10.0 ** digits if value else 0.0


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
    """condition (a raw dict, as in the YAML) -> {key: bool} for every entity of the population: contacts, or
    accounts (`contacts`: the contact evaluator, which an account's roll-up of its contacts asks)."""

    def __init__(self, population: Population, contacts: Evaluator | None = None):
        self.population = population
        self.keys = population.keys
        self.contacts = contacts
        self.members: dict[str, list[str]] = {key: [] for key in self.keys}  # account -> its contacts
        if contacts is not None:
            for contact, account in contacts.population.account_id.items():
                if account in self.members:
                    self.members[account].append(contact)
        self.cache: dict[str, dict[str, bool]] = {}  # the generator and the expected values ask the same trees
        self.by_name = dict(iter(population.events.groupby("event_name")))  # event name -> its events

    def __call__(self, condition: dict) -> dict[str, bool]:
        key = json.dumps(condition, sort_keys=True, default=str)
        if key not in self.cache:
            self.cache[key] = self.evaluate(condition)
        return self.cache[key]

    def evaluate(self, condition: dict) -> dict[str, bool]:
        for key in ("all", "any", "not", "trait", "event", "did", "sequence", "contacts", "percentile", "segment"):
            if key in condition:
                return getattr(self, f"_{key}")(condition)
        raise AssertionError(f"not a condition: {condition}")

    def _all(self, condition):
        parts = [self(item) for item in condition["all"]]
        return {c: all(part[c] for part in parts) for c in self.keys}

    def _any(self, condition):
        parts = [self(item) for item in condition["any"]]
        return {c: any(part[c] for part in parts) for c in self.keys}

    def _not(self, condition):
        inner = self(condition["not"])
        return {c: not inner[c] for c in self.keys}

    def _trait(self, condition):
        label = self.population.names[condition["trait"]]
        values = self.population.traits[label]
        operand = _operand(self.population.kinds[label], condition.get("value"))
        return {c: compare(condition["op"], values[c], operand) for c in self.keys}

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
        frames = [self.by_name[name] for name in _as_list(selection["event"]) if name in self.by_name]
        events = pd.concat(frames) if len(frames) > 1 else frames[0] if frames else self.population.events.iloc[0:0]
        mask = pd.Series(True, index=events.index)
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
        elif measure == "sum":  # events without a value add nothing; rounded as the SQL rounds it
            values = {c: round_double(float(v), 6) for c, v in grouped[condition["of"]].sum(min_count=0).items()}
        elif measure == "distinct":
            values = grouped[condition["of"]].nunique()  # distinct values: a missing property is none
        else:
            days = grouped["activity_date"].min() if measure == "days_since_first" else grouped["activity_date"].max()
            values = (pd.Timestamp(self.population.as_of) - days).dt.days
        if measure != "sum":
            values = {c: int(v) for c, v in values.items()}
        zero = 0 if measure in ("count", "sum", "distinct") else None
        return {c: values.get(c, zero) for c in self.keys}

    def _event(self, condition):
        measures = self.measure(condition)
        return {c: compare(condition["op"], measures[c], condition["value"]) for c in self.keys}

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
        return {c: c in first.index and c not in blocked for c in self.keys}

    def sequence_holds(self, condition: dict, shave: pd.Timedelta | None = None) -> set[str]:
        """The contacts a sequence holds for, step by step over the events themselves: the first step reaches its
        events (event, where) whose day is in the window; a later step reaches its events (any day up to as_of)
        with an event the step before reached strictly earlier and, with within_days, no more than that many days
        earlier. The latest strictly earlier reached event is the nearest, so it alone decides (a backward as-of
        join: equal times do not match). `shave` takes that much off every within_days (negative: adds; the
        generator's check that a boundary decides)."""
        shave = pd.Timedelta(0) if shave is None else shave
        first, *rest = condition["sequence"]
        reached = self.selected({**first, "window": condition.get("window")})[["contact_id", "occurred_at"]]
        for step in rest:
            previous = reached.rename(columns={"occurred_at": "previous_at"}).sort_values("previous_at")
            candidates = self.selected({key: step[key] for key in ("event", "where") if key in step})
            joined = pd.merge_asof(candidates[["contact_id", "occurred_at"]].sort_values("occurred_at"), previous,
                                   left_on="occurred_at", right_on="previous_at", by="contact_id",
                                   direction="backward", allow_exact_matches=False)
            near = joined["previous_at"].notna()
            if "within_days" in step:
                near &= joined["occurred_at"] - joined["previous_at"] <= pd.Timedelta(days=step["within_days"]) - shave
            reached = joined.loc[near, ["contact_id", "occurred_at"]]
        return set(reached["contact_id"])

    def _sequence(self, condition):
        holds = self.sequence_holds(condition)
        return {c: c in holds for c in self.keys}

    def rollup(self, condition: dict) -> dict[str, tuple[int, int]]:
        """account -> (its contacts the roll-up's contact condition holds for, its contacts)."""
        holds = self.contacts(condition["contacts"])
        return {a: (sum(holds[c] for c in members), len(members)) for a, members in self.members.items()}

    def _contacts(self, condition):
        """A count compared as it is; a share as the exact percentage (no share without contacts: false)."""
        share = condition.get("measure", "count") == "share"
        result = {}
        for account, (matched, total) in self.rollup(condition).items():
            if share:
                value = condition["value"]
                operand = [Fraction(v) for v in value] if isinstance(value, list) else Fraction(value)
                result[account] = total > 0 and compare(condition["op"], Fraction(100 * matched, total), operand)
            else:
                result[account] = compare(condition["op"], matched, condition["value"])
        return result

    def _percentile(self, condition):
        """In when fewer than N % of the entities with a value (in the group) have a strictly greater (top) or
        smaller (bottom) value. Counted exactly: `beyond * 100 < N * n`."""
        population = self.population
        values = population.traits[population.names[condition["percentile"]]]
        within = condition.get("within")
        groups = population.traits[population.names[within]] if within else {c: None for c in self.keys}
        key = {c: (groups[c] if _present(groups[c]) else None) for c in self.keys}  # no value: one group
        ranked: dict[object, list] = {}
        for c in self.keys:
            if _present(values[c]):
                ranked.setdefault(key[c], []).append(values[c])
        for group in ranked.values():
            group.sort()
        top = "top" in condition
        percent = Fraction(condition["top"] if top else condition["bottom"])
        result = {}
        for c in self.keys:
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
        return {c: values[c] is not None and values[c] in wanted for c in self.keys}


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
        self.seen_values: dict[tuple, list] = {}  # property_values

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
        fitting = [p for p, event in (("feature", "feature_used"), ("page_path", "page_viewed")) if event in names]
        general = ["device_type", "os_name", "browser_name", "country_code"]
        chosen = [self.pick(fitting if fitting and self.rng.random() < 0.5 else general)]
        if self.rng.random() < 0.3:
            chosen.append(self.pick([p for p in fitting + general if p not in chosen]))
        filters = {}
        for prop in sorted(chosen):
            seen = self.property_values(tuple(names), prop)
            if self.rng.random() < 0.7:
                filters[prop] = self.pick(seen)
            else:
                values = sorted(self.rng.sample(seen, min(len(seen), self.rng.randint(2, 3))))
                filters[prop] = values + ([self.pick(HOSTILE_TEXT)] if self.rng.random() < 0.3 else [])
        return filters

    def property_values(self, names: tuple[str, ...], prop: str) -> list:
        """The values of a property on those events (on any event, when they have none)."""
        if (names, prop) not in self.seen_values:
            events = self.population.events
            self.seen_values[names, prop] = (sorted(set(events.loc[events["event_name"].isin(names), prop].dropna()))
                                             or sorted(set(events[prop].dropna())))
        return self.seen_values[names, prop]

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
        measure = measure or self.rng.choices(MEASURES, weights=[40, 10, 15, 15, 20])[0]
        if measure != "count" or self.rng.random() < 0.5:
            condition["measure"] = measure
        if measure == "sum":
            condition["of"] = "value"
            if self.rng.random() < 0.8:  # mostly the events that carry a value (invoice_created), alone or not
                condition["event"] = sorted({"invoice_created", *_as_list(events)}) if self.rng.random() < 0.3 \
                    else "invoice_created"
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

    def sequence(self, steps: int | None = None, window: str | None = "random", where: bool | None = None,
                 within: bool | None = None) -> dict:
        """2 to 4 steps: a funnel of the product (a name repeated in some), or names at random (repeated now and
        then); filters on some steps, within_days on most of the later ones."""
        steps = steps or self.pick((2, 2, 3, 3, 4))
        if self.rng.random() < 0.6:
            chain = self.pick(FUNNELS)
            names = [*chain, *(self.pick(self.events) for _ in range(steps))][:steps]
        else:
            names = [self.pick(self.events) for _ in range(steps)]
            if self.rng.random() < 0.3:
                names[1] = names[0]
        condition = {"sequence": []}
        for i, name in enumerate(names):
            step = {"event": name}
            if where if where is not None else self.rng.random() < 0.25:
                step["where"] = self.where(name)
            if i and (within if within is not None else self.rng.random() < 0.7):
                step["within_days"] = self.pick(GAPS)
            condition["sequence"].append(step)
        chosen = self.window(window)
        if chosen is not None:
            condition["window"] = chosen
        return condition

    def _event_pairs(self, same_time: bool) -> list[dict]:
        """Pairs of events of one contact (any two rows, in each order) at the very same time, or a whole number
        of days apart (1 to 30, to the second), sorted: contact_id, the first's name, day and properties
        (first_<property>), the second's name, time and properties, and the days between them."""
        properties = ", ".join(f"a.{p} as first_{p}, b.{p} as second_{p}" for p in EVENT_PROPERTIES)
        gap = "datediff('second', a.occurred_at, b.occurred_at)"
        apart = "b.occurred_at = a.occurred_at" if same_time else f"{gap} between 1 and 30 * 86400 and {gap} % 86400 = 0"
        with duckdb.connect() as con:
            con.register("events", self.population.events)
            cursor = con.execute(f"""
                select a.contact_id, a.event_name as first, a.activity_date::date as first_day, b.event_name as second,
                       b.occurred_at as second_at, {gap} // 86400 as days, {properties}
                from events a join events b on a.contact_id = b.contact_id and a.event_id != b.event_id
                where {apart}
                order by all""")
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _step(self, pair: dict, which: str, filtered: bool) -> dict:
        """The step of the pair's first or second event; filtered: on every property it has (the one event, more
        or less)."""
        step = {"event": pair[which]}
        where = {p: pair[f"{which}_{p}"] for p in EVENT_PROPERTIES if pair[f"{which}_{p}"] is not None}
        if filtered and where:
            step["where"] = where
        return step

    def _pair_sequence(self, pair: dict, filtered: bool, within_days: int) -> dict:
        """The pair as a two-step sequence, the first event's day the window."""
        return {"sequence": [self._step(pair, "first", filtered),
                             {**self._step(pair, "second", filtered), "within_days": within_days}],
                "window": {"days_ago": [(self.population.as_of - pair["first_day"]).days] * 2}}

    def boundary_sequences(self, count: int = 10) -> list[dict]:
        """Sequences whose within_days is exactly the gap between two events of a contact, and decides for that
        contact (the spec's "at most" holds there, "less than" would not): two steps, their first step's day the
        window; now and then a third step after them."""
        pairs = self._event_pairs(same_time=False)
        self.rng.shuffle(pairs)
        events = self.population.events
        conditions = []
        for pair in pairs:
            for filtered in (False, True):
                condition = self._pair_sequence(pair, filtered, pair["days"])
                if self.rng.random() < 0.3:
                    after = events[(events["contact_id"] == pair["contact_id"])
                                   & (events["occurred_at"] > pair["second_at"])]
                    if len(after):
                        condition["sequence"].append({"event": self.pick(sorted(set(after["event_name"])))})
                if self.decides(condition, pair["contact_id"]):
                    conditions.append(condition)
                    break
            if len(conditions) == count:
                break
        return conditions

    def decides(self, condition: dict, contact: str) -> bool:
        """The sequence holds for the contact with every within_days one second longer, and not one second
        shorter: the gap at the boundary is the contact's nearest (found whether the evaluator's comparison of
        a gap is `<=` or, mistaken, `<`)."""
        second = pd.Timedelta(seconds=1)
        return (contact in self.evaluate.sequence_holds(condition, shave=-second)
                and contact not in self.evaluate.sequence_holds(condition, shave=second))

    def tie_sequences(self, count: int = 5) -> list[dict]:
        """Two events of a contact at the very same time, as a sequence (in either order: neither is after the
        other), their day the window, with and without filters (on all their properties: the one pair): `count`
        of two events of the same name, `count` of two names."""
        pairs = self._event_pairs(same_time=True)
        self.rng.shuffle(pairs)
        same = [pair for pair in pairs if pair["first"] == pair["second"]][:count]
        different = [pair for pair in pairs if pair["first"] != pair["second"]][:count]
        return [self._pair_sequence(pair, i % 2 == 1, self.pick((1, 2))) for i, pair in enumerate(same + different)]

    # trees
    def leaf(self) -> dict:
        kind = self.rng.choices(["trait", "event", "did", "sequence", "percentile", "segment"],
                                weights=[40, 30, 10, 12, 10, 10])[0]
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
        conditions += [self.sequence(steps, window) for steps in (2, 3, 4)
                       for window in (None, "last_days", "days_ago", "since")]
        conditions += [self.sequence(where=True), self.sequence(where=True), self.sequence(within=False),
                       self.sequence(within=True), self.sequence(steps=4, within=True, where=True)]
        conditions += self.boundary_sequences() + self.tie_sequences()
        conditions += [
            {"sequence": [{"event": "login"}, {"event": "report_created", "within_days": 1},
                          {"event": "feature_used", "where": {"feature": "sharing"}, "within_days": 2}],
             "window": {"last_days": 30}},
            {"sequence": [{"event": "login"}, {"event": "login", "within_days": 1}]},  # two logins a day apart at most
            {"sequence": [{"event": "login"}, {"event": "login"}], "window": {"last_days": 7}},
            {"sequence": [{"event": "invoice_created"}, {"event": "invoice_sent", "within_days": 7}],
             "window": {"days_ago": [7, 36500]}},
            {"sequence": [{"event": "page_viewed", "where": {"page_path": "/pricing"}}, {"event": "login"},
                          {"event": "page_viewed", "where": {"page_path": "/pricing"}, "within_days": 30}]},
            {"not": {"sequence": [{"event": "report_created"}, {"event": "export_created", "within_days": 2}],
                     "window": {"since": (self.population.as_of - dt.timedelta(days=90)).isoformat()}}},
            {"sequence": [{"event": "login"}, {"event": "feature_used"}],
             "window": {"since": (self.population.as_of + dt.timedelta(days=1)).isoformat()}},
        ]
        return conditions


class AccountGenerator(Generator):
    """Account conditions: the account models' traits, percentiles and memberships, and roll-ups of contact
    conditions (any the contact generator makes) by count and by share, combined in all/any/not."""

    def __init__(self, population: Population, evaluator: Evaluator, rng: random.Random, contacts: Generator):
        super().__init__(population, evaluator, rng)
        self.contacts = contacts

    def rollup(self, inner: dict | None = None, measure: str | None = None, op: str | None = None) -> dict:
        for _ in range(5 if inner is None else 0):  # a contact condition true for some contacts, false for others
            inner = self.contacts.tree(depth=1) if self.rng.random() < 0.3 else self.contacts.leaf()
            if len(set(self.contacts.evaluate(inner).values())) == 2:
                break
        condition = {"contacts": inner}
        measure = measure or self.pick(("count", "share"))
        if measure == "share" or self.rng.random() < 0.3:
            condition["measure"] = measure
        condition["op"] = op or self.pick(NUMBER_OPERATORS)
        condition["value"] = self.rollup_value(condition)
        return condition

    def rollup_value(self, condition: dict):
        """A count or share some account has (a boundary), or a round number. A share only where it is exact in
        binary (a whole percentage, 12.5, ...): then no engine can round it to either side of the value."""
        counts = self.evaluate.rollup(condition).values()
        if condition.get("measure") == "share":
            shares = {Fraction(100 * matched, total) for matched, total in counts if total and matched}
            seen = sorted(_number(share) for share in shares if share.denominator & (share.denominator - 1) == 0)
            round_numbers = (0, 12.5, 33.5, 50, 100)
        else:
            seen = sorted({matched for matched, _ in counts if matched})
            round_numbers = (1, 2, 3, 5)
        pick = lambda: self.pick(seen) if seen and self.rng.random() < 0.8 else self.pick(round_numbers)  # noqa: E731
        return sorted([pick(), pick()]) if condition["op"] == "between" else pick()

    def leaf(self) -> dict:
        kind = self.rng.choices(["trait", "rollup", "percentile", "segment"], weights=[30, 50, 10, 10])[0]
        return getattr(self, kind)()

    def coverage(self) -> list[dict]:
        """Every operator on the account traits, percentiles and memberships of accounts, the doc's roll-ups,
        a roll-up of every form of contact condition by count and by share, every operator on each, the accounts
        without contacts (no share; a count of 0), and roll-ups among account traits in all/any/not."""
        conditions = []
        for kind, operators in OPERATORS.items():
            if self.labels[kind]:
                conditions += [self.trait(kind, op) for op in operators]
        conditions += [
            {"trait": "contacts", "op": ">=", "value": 3},  # the mart's column, not a roll-up
            {"trait": "firmographic.active_users_30d", "op": "=", "value": 0},
            {"percentile": "employee_count", "top": 10},
            self.percentile(within=False), self.percentile(within=True),
            {"segment": "firmographic", "is": "enterprise"},
            {"segment": "firmographic.employee_band", "in": ["1_10", "11_50"]},
            self.segment(),
        ]
        c = self.contacts
        conditions += [
            {"contacts": {"trait": "logins_30d", "op": ">=", "value": 1}, "op": ">=", "value": 3},
            {"contacts": {"segment": "behavioral", "is": "power_user"}, "measure": "share", "op": ">=", "value": 50},
        ]
        inners = [c.trait(), c.trait(label="account.employee_count"), c.event(), c.event(measure="days_since_last"),
                  c.did(), c.sequence(), c.sequence(steps=3, within=True), c.percentile(),
                  c.percentile(within=True), c.segment(), c.segment("firmographic.company_segment"),
                  {"not": c.leaf()}, {"all": [c.leaf(), c.leaf()]}, {"any": [c.sequence(), c.leaf()]}]
        conditions += [self.rollup(inner, measure) for inner in inners for measure in ("count", "share")]
        conditions += [self.rollup(measure=measure, op=op) for measure in ("count", "share") for op in NUMBER_OPERATORS]
        # without contacts: no share, so false (true under not); a count of 0
        conditions += [
            {"contacts": EVERY_CONTACT, "measure": "share", "op": "=", "value": 100},
            {"not": {"contacts": EVERY_CONTACT, "measure": "share", "op": ">", "value": 0}},
            {"contacts": EVERY_CONTACT, "op": "=", "value": 0},
            {"contacts": c.sequence(), "measure": "share", "op": "<", "value": 50},
            {"contacts": c.leaf(), "measure": "share", "op": "between", "value": [0, 100]},
            {"contacts": c.leaf(), "measure": "share", "op": "<=", "value": 0},
            {"contacts": c.leaf(), "measure": "share", "op": "!=", "value": 12.5},
        ]
        conditions += [
            {"all": [self.trait(), self.rollup()]},
            {"any": [self.trait(), self.rollup(measure="share")]},
            {"not": self.rollup()},
            {"all": [self.rollup(), {"not": self.rollup(measure="share")}]},
            {"any": [{"all": [self.trait(), self.rollup(c.sequence())]}, self.percentile()]},
        ]
        return conditions


def generate_conditions(population: Population, evaluator: Evaluator, account_population: Population,
                        account_evaluator: Evaluator) -> tuple[list[dict], list[dict]]:
    """The contact conditions and the account conditions."""
    generator = Generator(population, evaluator, random.Random(SEED))
    contact_conditions = generator.coverage() + [generator.splitting_tree() for _ in range(RANDOM_CONDITIONS)]
    accounts = AccountGenerator(account_population, account_evaluator, random.Random(SEED + 1), generator)
    account_conditions = accounts.coverage() + [accounts.splitting_tree() for _ in range(ACCOUNT_RANDOM_CONDITIONS)]
    return contact_conditions, account_conditions


# --- the harness: what the data lacks, compile, run dbt once on a copy, compare ------------------------------------

def add_what_the_data_lacks(path: Path, rng: random.Random) -> None:
    """The generated data has no two events of a contact at the very same time, few a whole number of days apart,
    and no account without contacts. The module's copy of the warehouse gets some, so that a sequence's strict
    order, its `<=` gap and the share of no contacts are put to the test:
    - events named in INJECTED_EVENTS (which no mart the evaluator is checked against counts; device desktop) at
      the very time of another event of the contact (of another name, or of the same), or 1 to 7 days after one
      to the second (in the last 30 days only for a contact active there anyway: active_users_30d holds);
      int_events__attributed becomes the built view's rows and these;
    - accounts without contacts: copies of accounts (int_accounts__as_of, seg_firmographic) under new ids."""
    with duckdb.connect(str(path)) as con:
        events = _relation(con, "int_events__attributed")
        schema = events.split(".")[0]
        rows = con.execute(f"""
            select event_id, contact_id, event_name, activity_date from {events}
            where contact_id in (select contact_id from {_relation(con, 'int_contacts__as_of')}) order by event_id
        """).fetchall()
        last_active = {}
        for _, contact, _, day in rows:
            last_active[contact] = max(day, last_active.get(contact, day))
        recent = AS_OF - dt.timedelta(days=29)
        injected = []  # (anchor event_id, name, days after it)
        for event_id, _, name, _ in rng.sample(rows, 16):
            injected.append((event_id, rng.choice([n for n in INJECTED_EVENTS if n != name]), 0))
        for event_id, _, name, _ in rng.sample([row for row in rows if row[2] in INJECTED_EVENTS], 8):
            injected.append((event_id, name, 0))
        shuffled = rng.sample(rows, len(rows))
        for event_id, contact, _, day in shuffled:
            days = rng.choice((1, 2, 3, 7))
            later = day + dt.timedelta(days=days)
            if later <= AS_OF and (later < recent or last_active[contact] >= recent):
                injected.append((event_id, rng.choice(INJECTED_EVENTS), days))
            if len(injected) == 40:
                break
        con.execute(f"create table {schema}.diff_injected_events as select * from {events} limit 0")
        con.execute(f"""
            insert into {schema}.diff_injected_events
            select e.* replace ('diff_injected_' || v.i as event_id, 'track' as event_type, v.name as event_name,
                                null as feature, null as page_path, 'desktop' as device_type,
                                e.occurred_at + to_days(v.days) as occurred_at,
                                cast(e.occurred_at + to_days(v.days) as date) as activity_date)
            from {events} e join (values {', '.join(['(?, ?, ?, ?)'] * len(injected))}) v(i, anchor, name, days)
                on e.event_id = v.anchor
        """, [value for i, (event_id, name, days) in enumerate(injected) for value in (i, event_id, name, days)])
        con.execute(f"alter view {events} rename to int_events__attributed_built")
        con.execute(f"create view {events} as select * from {schema}.int_events__attributed_built "
                    f"union all select * from {schema}.diff_injected_events")
        accounts, firmographic = _relation(con, "int_accounts__as_of"), _relation(con, "seg_firmographic")
        existing = [row[0] for row in con.execute(f"select account_id from {accounts} order by account_id").fetchall()]
        for i, account in enumerate(rng.sample(existing, 3)):
            con.execute(f"insert into {accounts} select * replace (? as account_id) from {accounts} where account_id = ?",
                        [f"a_diff_no_contacts_{i}", account])
            con.execute(f"insert into {firmographic} select * replace (? as account_id, 0 as contacts, "
                        f"0 as active_users_30d) from {firmographic} where account_id = ?",
                        [f"a_diff_no_contacts_{i}", account])


@pytest.fixture(scope="module")
def warehouse(built_warehouse, tmp_path_factory) -> Path:
    """The module's copy of the built warehouse, with what its data lacks: read by the evaluator, then the file the
    conditions' models run on."""
    path = tmp_path_factory.mktemp("custom_differential_warehouse") / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, path)
    add_what_the_data_lacks(path, random.Random(SEED))
    return path


@pytest.fixture(scope="module")
def populations(warehouse) -> tuple[Population, Population]:
    return read_populations(warehouse, PROJECT_DIR, AS_OF)


@pytest.fixture(scope="module")
def population(populations) -> Population:
    return populations[0]


@pytest.fixture(scope="module")
def account_population(populations) -> Population:
    return populations[1]


@pytest.fixture(scope="module")
def evaluator(population) -> Evaluator:
    return Evaluator(population)


@pytest.fixture(scope="module")
def account_evaluator(account_population, evaluator) -> Evaluator:
    return Evaluator(account_population, contacts=evaluator)


@pytest.fixture(scope="module")
def generated(population, evaluator, account_population, account_evaluator) -> tuple[list[dict], list[dict]]:
    return generate_conditions(population, evaluator, account_population, account_evaluator)


@pytest.fixture(scope="module")
def conditions(generated) -> list[dict]:
    return generated[0]


@pytest.fixture(scope="module")
def account_conditions(generated) -> list[dict]:
    return generated[1]


@pytest.fixture(scope="module")
def expected(conditions, evaluator) -> list[dict[str, bool]]:
    return [evaluator(condition) for condition in conditions]


@pytest.fixture(scope="module")
def account_expected(account_conditions, account_evaluator) -> list[dict[str, bool]]:
    return [account_evaluator(condition) for condition in account_conditions]


def copy_project(destination: Path) -> Path:
    shutil.copytree(PROJECT_DIR, destination, ignore=shutil.ignore_patterns(
        ".venv", ".git", "target", "logs", "warehouse", "*.egg-info", "__pycache__", ".pytest_cache"))
    return destination


def write_usage(project: Path, conditions: list[dict], account_conditions: list[dict]) -> None:
    """The pre-aggregates keep what both models read: write_usage_macro widens the usage by one entity's
    conditions, so the contact conditions go in as one more roll-up among the account conditions."""
    rollup = {"contacts": {"any": conditions}, "op": ">=", "value": 0}
    write_usage_macro(project, [*account_conditions, rollup], entity="account")


@pytest.fixture(scope="module")
def compiled(warehouse, conditions, account_conditions, tmp_path_factory) -> dict[str, pd.DataFrame]:
    """The contact conditions compiled into one model and the account conditions into another, run by one dbt run
    (with the event pre-aggregates they need) on the module's warehouse in a copy of the project:
    {"contact": contact_id, c_0 ... c_<n-1>; "account": account_id, c_0 ...}."""
    root = tmp_path_factory.mktemp("custom_differential")
    project = copy_project(root / "project")
    catalog = load_catalog(project)
    models = {"contact": (MODEL, conditions), "account": (ACCOUNT_MODEL, account_conditions)}
    for entity, (model, entity_conditions) in models.items():
        sql = conditions_model_sql(entity_conditions, entity=entity, catalog=catalog, shared=SharedMeasures())
        # the custom folder's contract needs every column declared; these scratch models have none
        (project / MODEL_PATH.with_name(f"{model}.sql")).write_text(
            "{{ config(contract={'enforced': false}) }}\n" + sql, encoding="utf-8")
    write_usage(project, conditions, account_conditions)
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "SEGMENTS_DUCKDB_PATH": str(warehouse),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    run = subprocess.run(
        [str(BIN_DIR / "dbt"), "run", "-s", "int_contacts__custom_event_days", "int_contacts__custom_event_occurrences",
         "int_contacts__custom_event_measures",
         MODEL, ACCOUNT_MODEL, "--vars", json.dumps({"as_of_date": AS_OF.isoformat()}), "--project-dir", str(project),
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        cwd=project, env=env, capture_output=True, text=True)
    assert run.returncode == 0, f"dbt run failed:\n{run.stdout[-6000:]}\n{run.stderr[-2000:]}"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {"contact": con.execute(f"select * from {_relation(con, MODEL)}").df().set_index("contact_id"),
                "account": con.execute(f"select * from {_relation(con, ACCOUNT_MODEL)}").df().set_index("account_id")}


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


def test_the_evaluator_counts_the_accounts_contacts(population, account_population, account_evaluator):
    """firmographic.contacts and active_users_30d are roll-ups of the account's contacts."""
    assert {a: matched for a, (matched, _) in account_evaluator.rollup({"contacts": EVERY_CONTACT}).items()} \
        == account_population.traits["firmographic.contacts"]
    active = {"event": sorted(set(population.events["event_name"])), "window": {"last_days": 30}, "op": ">=", "value": 1}
    assert {a: matched for a, (matched, _) in account_evaluator.rollup({"contacts": active}).items()} \
        == account_population.traits["firmographic.active_users_30d"]
    assert sum(1 for members in account_evaluator.members.values() if not members) == 3  # add_what_the_data_lacks


def _search(times: list[list[int]], withins: list[int | None]) -> bool:
    """A chain of events, one per step, each strictly after the one before and, with a gap, at most that many
    seconds after it, searched for depth first (memoized per step and time), not as the evaluator does."""
    @functools.cache
    def completes(step: int, at: int) -> bool:  # the steps after `step` can follow its event at `at`
        if step == len(times) - 1:
            return True
        gap = withins[step + 1]
        return any(at < t and (gap is None or t - at <= gap) and completes(step + 1, t) for t in times[step + 1])
    return any(completes(0, t) for t in times[0])


def test_the_sequence_evaluator_agrees_with_a_search(population, evaluator, conditions):
    """The evaluator's sequences (an as-of join, step by step) against a plain search over the events, for every
    sequence of the coverage list: on a sample of contacts, or on all of them when the first step's window is
    one day (the boundaries and the same-time pairs: few events to search)."""
    sequences = [condition for condition in conditions if "sequence" in condition]
    assert len(sequences) >= 30
    counts = population.events.groupby("contact_id").size()
    sample = set(random.Random(SEED).sample(sorted(counts[counts <= 150].index), 200))
    for condition in sequences:
        steps = condition["sequence"]
        selections = [evaluator.selected({**steps[0], "window": condition.get("window")}), *(
            evaluator.selected({key: step[key] for key in ("event", "where") if key in step}) for step in steps[1:])]
        window = condition.get("window") or {}
        one_day = "days_ago" in window and window["days_ago"][0] == window["days_ago"][1]
        starting = set(selections[0]["contact_id"])  # without a first step's event, no chain
        searched = starting if one_day else sample
        times = [{contact: sorted(int(t.timestamp()) for t in group) for contact, group
                  in selected[selected["contact_id"].isin(searched)].groupby("contact_id")["occurred_at"]}
                 for selected in selections]
        withins = [step["within_days"] * 86400 if "within_days" in step else None for step in steps]
        holds = evaluator(condition)
        assert not any(holds[contact] for contact in population.keys if contact not in starting), _yaml(condition)
        for contact in sorted(searched):
            found = _search([step_times.get(contact, []) for step_times in times], withins)
            assert found is holds[contact], (contact, _yaml(condition))


def _splitting(expected: list[dict[str, bool]]) -> int:
    return sum(1 for values in expected if len(set(values.values())) == 2)


def test_the_generated_conditions_split_the_population(conditions, expected, account_conditions, account_expected):
    """The generator is worth its salt: every form is there, and most conditions are true for some entities and
    false for others (contacts, and the far fewer accounts)."""
    text = "\n".join(_yaml(condition) for condition in conditions)
    for form in ("all:", "any:", "not:", "trait:", "event:", "did:", "within_days:", "percentile:", "within:",
                 "segment:", "last_days:", "days_ago:", "since:", "where:", "account.", "sequence:"):
        assert form in text, form
    account_text = "\n".join(_yaml(condition) for condition in account_conditions)
    for form in ("all:", "any:", "not:", "trait:", "percentile:", "segment:", "contacts:", "measure: share",
                 "sequence:", "event:", "did:"):
        assert form in account_text, form
    assert len(conditions) >= 400 and _splitting(expected) >= 0.8 * len(conditions), \
        (_splitting(expected), len(conditions))
    assert len(account_conditions) >= 100 and _splitting(account_expected) >= 0.8 * len(account_conditions), \
        (_splitting(account_expected), len(account_conditions))


def _disagreements(keys: list[str], conditions: list[dict], expected: list[dict[str, bool]],
                   frame: pd.DataFrame) -> list[str]:
    """The conditions on which the model's column and the evaluator differ, the smallest first (the likeliest
    repros), each with a few of the entities."""
    assert sorted(frame.index) == keys
    assert list(frame.columns) == [f"c_{i}" for i in range(len(conditions))]
    failures = []
    for i, (condition, want) in enumerate(zip(conditions, expected, strict=True)):
        got = {key: (None if pd.isna(v) else bool(v)) for key, v in frame[f"c_{i}"].items()}
        differing = [key for key in keys if got[key] is not want[key]]
        if differing:
            examples = ", ".join(f"{key}: expected {want[key]}, got {got[key]}" for key in differing[:4])
            failures.append((len(_yaml(condition)), f"c_{i}: {_yaml(condition)}\n    {len(differing)} of "
                                                    f"{len(keys)} differ ({examples})"))
    failures.sort(key=lambda failure: failure[0])
    return [message for _, message in failures]


def test_the_compiled_sql_agrees_with_the_independent_evaluator(population, conditions, expected, compiled):
    failures = _disagreements(population.keys, conditions, expected, compiled["contact"])
    assert not failures, f"{len(failures)} of {len(conditions)} conditions differ:\n" + "\n".join(failures[:20])


def test_the_compiled_account_sql_agrees_with_the_independent_evaluator(account_population, account_conditions,
                                                                        account_expected, compiled):
    failures = _disagreements(account_population.keys, account_conditions, account_expected, compiled["account"])
    assert not failures, (f"{len(failures)} of {len(account_conditions)} account conditions differ:\n"
                          + "\n".join(failures[:20]))
