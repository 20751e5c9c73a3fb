"""Condition trees compiled to the body of a dbt model (SQL with the project's dispatched macros, so the same file
runs on DuckDB, Postgres and Spark). docs/custom_segments.md is the specification.

The model's CTEs: the population (the entities existing on as_of_date), the event measures (one pass over the
shared per-contact, per-day pre-aggregate int_contacts__custom_event_days), the did-X-not-Y checks (one join of
that pre-aggregate with each contact's first X), the sequences (one CTE per step over the shared ordered
occurrences int_contacts__custom_event_occurrences), the account roll-ups (each a contact model's conditions in a
subquery, counted per account), the entities with every value a condition reads (traits,
memberships, measures), the percentile ranks, and the conditions, one boolean column each.

Quoting: names are checked identifiers; numbers are written from checked Python numbers; every text value goes
through `literal`, which writes a call of the dispatched macro sql_string with the value as an ASCII-only Jinja
string, so no user text reaches the SQL (or the Jinja) unquoted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from .catalog import NUMERIC_EVENT_PROPERTIES, Catalog, Trait, load_catalog
from .definitions import (
    Combine,
    Condition,
    DidNot,
    EventSelection,
    EventTest,
    Membership,
    Negate,
    Percentile,
    Rollup,
    SegmentSet,
    Sequence,
    TraitTest,
    Window,
    read_conditions,
)

KEYS = {"contact": "contact_id", "account": "account_id"}
POPULATIONS = {"contact": "int_contacts__as_of", "account": "int_accounts__as_of"}
EVENT_DAYS = "int_contacts__custom_event_days"
SHARED_EVENT_DAYS = f"select * from {{{{ ref('{EVENT_DAYS}') }}}}"  # what a model's event conditions read
EVENT_OCCURRENCES = "int_contacts__custom_event_occurrences"
SHARED_EVENT_OCCURRENCES = f"select * from {{{{ ref('{EVENT_OCCURRENCES}') }}}}"  # what a model's sequences read
EVENT_MEASURES = "int_contacts__custom_event_measures"  # every definition's per-contact event measures, one pass
INDENT = "    "


def jinja_string(text: str) -> str:
    """`text` as a double-quoted Jinja string literal made of printable ASCII letters, digits and a few safe
    signs only: everything else (quotes, backslashes, braces, %, #, newlines, unicode) is a \\x, \\u or \\U
    escape, which Jinja decodes back to the same text."""
    out = []
    for char in text:
        if char.isascii() and (char.isalnum() or char in " _-.,:/@+=()[]<>!?*&^~|`$;"):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def jinja_value(value: Any) -> str:
    """A mapping, list, boolean or text as a Jinja literal, every text through jinja_string."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{jinja_string(k)}: {jinja_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(jinja_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return jinja_string(str(value))


def text_expression(value: str) -> str:
    """A text value as a Jinja expression (for a macro's argument); `literal` wraps it in {{ }}."""
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    return f"sql_string({jinja_string(value)})"


def literal(value: Any, kind: str = "text") -> str:
    """One value as SQL: the only path by which a definition's values reach the generated model."""
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"not a number: {value!r}")
        return repr(value) if isinstance(value, int) else repr(float(value))
    if kind == "boolean":
        return "true" if value is True else "false"
    if kind in ("date", "timestamp"):
        if not isinstance(value, dt.date):
            raise TypeError(f"not a date: {value!r}")
        return f"cast({{{{ {text_expression(value.isoformat())} }}}} as {kind})"
    return f"{{{{ {text_expression(value)} }}}}"


def _list(values, kind: str) -> str:
    return "(" + ", ".join(literal(value, kind) for value in values) + ")"


def _compare(expression: str, op: str, value: Any, kind: str) -> str:
    if op == "is null":
        return f"{expression} is null"
    if op == "is not null":
        return f"{expression} is not null"
    if op in ("in", "not in"):
        return f"{expression} {op} {_list(value, kind)}"
    if op == "between":
        return f"{expression} between {literal(value[0], kind)} and {literal(value[1], kind)}"
    if op == "contains":
        return f"{{{{ dbt.position({text_expression(value)}, '{expression}') }}}} > 0"
    if op == "starts with":
        return f"substr({expression}, 1, {len(value)}) = {literal(value)}"
    return f"{expression} {'<>' if op == '!=' else op} {literal(value, kind)}"


@dataclass
class SharedMeasures:
    """The per-contact event measures and did-X-not-Y checks of every compiled model, collected while they are
    compiled: the model int_contacts__custom_event_measures computes them all in one group-by over the shared
    pre-aggregate, and each custom model selects the columns it reads. A column's name is a hash of its
    aggregate, so the same measure in two definitions is one column, whatever the order they are compiled in."""

    measures: dict[str, str] = field(default_factory=dict)  # column -> aggregate over event_days
    checks: dict[str, str] = field(default_factory=dict)  # column -> aggregate over event_measures x event_days

    def sql(self) -> str:
        """The model int_contacts__custom_event_measures: one row per contact with an event the definitions read."""
        measures = dict(sorted(self.measures.items()))
        checks = dict(sorted(self.checks.items()))
        ctes = [("event_days", SHARED_EVENT_DAYS),
                ("event_measures", _select(["event_days.contact_id", *_aliased(measures)],
                                           "event_days\ngroup by event_days.contact_id"))]
        columns = ["event_measures.contact_id", *(f"event_measures.{name}" for name in measures)]
        from_clause = "event_measures"
        if checks:
            ctes.append(("did_checks", _did_checks(checks)))
            columns += [f"did_checks.{name}" for name in checks]
            from_clause += "\nleft join did_checks\n    on event_measures.contact_id = did_checks.contact_id"
        header = ("-- Generated by `segments custom compile` from segments/*.yml (docs/custom_segments.md): every "
                  "custom segment's\n-- event measures (measure_*) and did-X-not-Y checks (check_*), computed "
                  "once per contact for all of them.\n")
        return header + _with(ctes, _select(columns, from_clause))


def _did_checks(checks: dict[str, str]) -> str:
    """The did-X-not-Y checks: whether a Y falls after each contact's first X (a column of event_measures)."""
    return _select(["event_measures.contact_id", *_aliased(checks)],
                   "event_measures\ninner join event_days\n    on event_measures.contact_id = event_days.contact_id"
                   "\ngroup by event_measures.contact_id")


def _hashed(columns: dict[str, str], prefix: str, expression: str) -> str:
    """The column holding `expression`, named for it: `prefix`_ and 12 hex digits of its md5."""
    name = f"{prefix}_{hashlib.md5(expression.encode('utf-8')).hexdigest()[:12]}"
    columns[name] = expression
    return name


@dataclass
class _Model:
    """What one model's conditions need, collected while they are compiled."""

    entity: str
    catalog: Catalog
    event_days: str = SHARED_EVENT_DAYS  # the SQL of the event_days CTE
    event_occurrences: str = SHARED_EVENT_OCCURRENCES  # the SQL of the event_occurrences CTE
    sequences: dict[Sequence, str] = field(default_factory=dict)  # condition -> the name of its CTEs
    sequence_ctes: list[tuple[str, str]] = field(default_factory=list)
    rollups: dict[Rollup, str] = field(default_factory=dict)  # condition -> the name of its CTE
    rollup_ctes: list[tuple[str, str]] = field(default_factory=list)
    joins: dict[str, str] = field(default_factory=dict)  # alias -> join clause
    values: dict[str, str] = field(default_factory=dict)  # entities column -> expression
    measures: dict[str, str] = field(default_factory=dict)  # event_measures column -> aggregate
    checks: dict[str, str] = field(default_factory=dict)  # did_checks column -> aggregate
    ranks: dict[str, str] = field(default_factory=dict)  # ranked column -> window expression
    leaves: dict[str, str] = field(default_factory=dict)  # leaves column -> one condition's boolean
    facts: dict[str, tuple[str, str]] = field(default_factory=dict)  # leaves column -> its text when true, false
    needs_account: bool = False
    shared: SharedMeasures | None = None  # with it, the measures and checks are read from EVENT_MEASURES

    def _measure(self, expression: str) -> str:
        if self.shared is not None:
            _hashed(self.shared.measures, "measure", expression)
        return _hashed(self.measures, "measure", expression)

    def _check(self, expression: str) -> str:
        if self.shared is not None:
            _hashed(self.shared.checks, "check", expression)
        return _hashed(self.checks, "check", expression)

    @property
    def key(self) -> str:
        return KEYS[self.entity]

    def _named(self, columns: dict[str, str], prefix: str, expression: str) -> str:
        for name, existing in columns.items():
            if existing == expression:
                return name
        name = f"{prefix}_{len(columns)}"
        columns[name] = expression
        return name

    # values read from marts
    def _join(self, mart: str, via_account: bool) -> str:
        alias = ("account_" if via_account else "") + mart
        on = "population.account_id" if via_account else f"population.{self.key}"
        key = "account_id" if via_account else self.key
        self.needs_account = self.needs_account or via_account
        self.joins.setdefault(alias, f"left join {{{{ ref('{mart}') }}}} as {alias}\n{INDENT}on {on} = {alias}.{key}")
        return alias

    def trait(self, trait: Trait) -> str:
        alias = self._join(trait.model.mart, trait.via_account)
        return self._named(self.values, "trait", f"{alias}.{trait.column}")

    def membership(self, condition: Membership) -> str:
        model = self.catalog.model(condition.model)
        via_account = model.entity_type == "account" and self.entity == "contact"
        alias = self._join(model.mart, via_account)
        expression = f"{alias}.{condition.column}"
        if via_account:
            missing = next(column.missing for column in model.columns if column.name == condition.column)
            expression = f"coalesce({expression}, {literal(missing)})" if missing is not None else expression
        return self._named(self.values, "segment", expression)

    # events
    def _where(self, selection: EventSelection, window: Window | None = None, alias: str = "event_days") -> str:
        parts = [f"{alias}.event_name in {_list(selection.events, 'text')}"]
        parts += [f"{alias}.{prop} in {_list(values, 'text')}" for prop, values in selection.where]
        window = selection.window if window is None else window
        if window.last_days is not None:
            parts.append(f"{alias}.activity_date >= {{{{ window_start({window.last_days}) }}}}")
        elif window.days_ago is not None:
            near, far = window.days_ago
            parts.append(f"{alias}.activity_date between {{{{ dbt.dateadd('day', {-far}, as_of_date()) }}}} "
                         f"and {{{{ dbt.dateadd('day', {-near}, as_of_date()) }}}}")
        elif window.since is not None:
            parts.append(f"{alias}.activity_date >= {literal(window.since, 'date')}")
        return " and ".join(parts)

    def sequence(self, condition: Sequence) -> tuple[str, str]:
        """The entities columns of the time the sequence was first completed and of the steps it reached.

        One CTE per step: the events the step reaches. The first step's are its events in the window; a later
        step's are its events with a reached event of the step before strictly earlier and, with within_days, at
        most that many days earlier: the latest earlier reached event (a running max over both, ordered by time
        with the step's own events first among equal times, so an equal time is not earlier) decides."""
        if condition not in self.sequences:
            name = f"sequence_{len(self.sequences)}_reached"
            self.sequences[condition] = name
            steps = []
            for i, step in enumerate(condition.steps, start=1):
                cte = name.replace("_reached", f"_step_{i}")
                if i == 1:
                    where = self._where(step.selection, condition.window, "event_occurrences")
                    sql = _select(["event_occurrences.contact_id", "event_occurrences.occurred_at as reached_at"],
                                  f"event_occurrences\nwhere {where}")
                else:
                    before = steps[-1]
                    where = self._where(step.selection, Window(), "event_occurrences")
                    gap = ("" if step.within_days is None else
                           f"\n    and candidates.occurred_at <= "
                           f"{{{{ dbt.dateadd('day', {step.within_days}, 'candidates.previous_at') }}}}")
                    sql = (
                        "select\n    candidates.contact_id,\n    candidates.occurred_at as reached_at\nfrom (\n"
                        "    select\n        ordered.contact_id,\n        ordered.occurred_at,\n"
                        "        ordered.is_step,\n"
                        "        max(case when ordered.is_step = 0 then ordered.occurred_at end) over (\n"
                        "            partition by ordered.contact_id order by ordered.occurred_at, ordered.is_step desc\n"
                        "            rows between unbounded preceding and 1 preceding\n"
                        "        ) as previous_at\n"
                        "    from (\n"
                        f"        select contact_id, reached_at as occurred_at, 0 as is_step from {before}\n"
                        "        union all\n"
                        "        select event_occurrences.contact_id, event_occurrences.occurred_at, 1 as is_step\n"
                        f"        from event_occurrences\n        where {where}\n"
                        f"            and event_occurrences.contact_id in (select contact_id from {before})\n"
                        "    ) as ordered\n"
                        ") as candidates\n"
                        f"where candidates.is_step = 1 and candidates.previous_at is not null{gap}")
                steps.append(cte)
                self.sequence_ctes.append((cte, sql))
            last = len(steps)
            reached = "\n    union all\n".join(
                f"    select contact_id, {i} as step, reached_at from {cte}" for i, cte in enumerate(steps, start=1))
            self.sequence_ctes.append((name, (
                f"select\n    reached.contact_id,\n    max(reached.step) as reached_steps,\n"
                f"    min(case when reached.step = {last} then reached.reached_at end) as completed_at\n"
                f"from (\n{reached}\n) as reached\ngroup by reached.contact_id")))
            self.joins[name] = f"left join {name}\n{INDENT}on population.contact_id = {name}.contact_id"
        name = self.sequences[condition]
        return (self._named(self.values, "sequence", f"{name}.completed_at"),
                self._named(self.values, "sequence", f"coalesce({name}.reached_steps, 0)"))

    def rollup(self, condition: Rollup) -> str:
        """The CTE of the account's contacts matching the contact condition (matching) and of its contacts.

        The condition is compiled as a contact model's (its own population, events and ranks: CTEs named
        rollup_<n>__<name>), whose last CTE holds one row per contact, its account and whether the condition
        holds; this CTE counts them per account."""
        if condition not in self.rollups:
            name = f"rollup_{len(self.rollups)}_contacts"
            self.rollups[condition] = name
            inner = _Model("contact", self.catalog, self.event_days, self.event_occurrences, shared=self.shared)
            matched = inner.condition(condition.condition)
            inner.needs_account = True
            owner = inner._named(inner.values, "owner", "population.account_id")
            # the contact model's CTEs, hoisted into this model under names of their own (no nested WITH: Spark 3
            # refuses a nested CTE name that an outer one has)
            prefix = name.replace("_contacts", "__")
            for cte, sql in inner.ctes({"matched": matched}):
                self.rollup_ctes.append((prefix + cte, _prefixed(sql, prefix, inner.cte_names)))
            self.rollup_ctes.append((name, (
                "select\n"
                f"    {prefix}conditions.{owner} as account_id,\n"
                f"    sum(case when {prefix}conditions.matched then 1 else 0 end) as matching,\n"
                "    count(*) as contacts\n"
                f"from {prefix}conditions\n"
                f"where {prefix}conditions.{owner} is not null\n"
                f"group by {prefix}conditions.{owner}")))
            self.joins[name] = f"left join {name}\n{INDENT}on population.account_id = {name}.account_id"
        return self.rollups[condition]

    def event(self, test: EventTest) -> str:
        where = self._where(test.selection)
        if test.measure == "count":
            name = self._measure(f"sum(case when {where} then event_days.events else 0 end)")
            return self._named(self.values, "event", f"coalesce(event_measures.{name}, 0)")
        if test.measure == "distinct":
            name = self._measure(f"count(distinct case when {where} then event_days.{test.of} end)")
            return self._named(self.values, "event", f"coalesce(event_measures.{name}, 0)")
        if test.measure == "sum":
            # the daily sums added up; rounded to 6 decimals, so the order an engine adds doubles in cannot move a
            # sum across a threshold (0 when no matching event has a value)
            name = self._measure(f"sum(case when {where} then event_days.{NUMERIC_EVENT_PROPERTIES[test.of]}_sum end)")
            return self._named(self.values, "event", f"{{{{ round_double('coalesce(event_measures.{name}, 0)', 6) }}}}")
        aggregate = "min" if test.measure == "days_since_first" else "max"
        name = self._measure(f"{aggregate}(case when {where} then event_days.activity_date end)")
        return self._named(self.values, "event", f"{{{{ days_since('event_measures.{name}') }}}}")

    def did_not(self, condition: DidNot) -> str:
        first = self._measure(f"min(case when {self._where(condition.did)} then event_days.first_event_at end)")
        x = f"event_measures.{first}"
        day = "event_days.activity_date"
        if condition.within_days is None:
            after = f"({day} > cast({x} as date) or ({day} = cast({x} as date) and event_days.last_event_at >= {x}))"
        else:
            end = f"{{{{ dbt.dateadd('day', {condition.within_days}, '{x}') }}}}"
            after = (f"({day} >= cast({x} as date) and {day} <= cast({end} as date)"
                     f" and ({day} > cast({x} as date) or event_days.last_event_at >= {x})"
                     f" and ({day} < cast({end} as date) or event_days.first_event_at <= {end}))")
        then_not = self._where(condition.then_not, Window())
        check = self._check(f"max(case when {then_not} and {after} then 1 else 0 end)")
        checks = "did_checks" if self.shared is None else "event_measures"
        return self._named(self.values, "did", f"({x} is not null and coalesce({checks}.{check}, 0) = 0)")

    def did_first(self, condition: DidNot) -> str:
        """The entities column holding the time of the first X (did_not has put it in event_measures)."""
        first = self._measure(f"min(case when {self._where(condition.did)} then event_days.first_event_at end)")
        return self._named(self.values, "event", f"event_measures.{first}")

    def percentile(self, condition: Percentile) -> str:
        value = self.trait(condition.trait)
        partition = f"partition by {self.trait(condition.within)} " if condition.within else ""
        order = "desc" if condition.direction == "top" else "asc"
        beyond = self._named(self.ranks, "rank", f"rank() over ({partition}order by {value} {order} nulls last) - 1")
        count = self._named(self.ranks, "rank", f"count({value}) over ({partition.strip()})")
        return f"({value} is not null and {beyond} * 100 < {literal(condition.percent, 'number')} * {count})"

    # the tree: each leaf is a boolean column of the leaves CTE, with the text that explains it either way
    def _leaf(self, expression: str, label: str, value: str, tests: tuple[str, str], kind: str = "number") -> str:
        """A leaf column, explained as "<label>=<value><test>" with the test it passed or failed (_tests)."""
        name = self._named(self.leaves, "leaf", f"coalesce({expression}, false)")
        shown = f"{{{{ explain_value('{value}', '{kind}') }}}}"
        self.facts.setdefault(name, (_text(label, shown, tests[0]), _text(label, shown, tests[1])))
        return name

    def condition(self, condition: Condition) -> str:
        """The condition's boolean over the leaves' columns (each leaf registered, with its facts, once)."""
        if isinstance(condition, Combine):
            joiner = " and " if condition.kind == "all" else " or "
            return "(" + joiner.join(self.condition(item) for item in condition.items) + ")"
        if isinstance(condition, Negate):
            return f"(not {self.condition(condition.item)})"
        if isinstance(condition, TraitTest):
            trait = condition.trait
            value = self.trait(trait)
            return self._leaf(_compare(value, condition.op, condition.value, trait.kind), _trait_label(trait), value,
                              _tests(condition.op, condition.value), trait.kind)
        if isinstance(condition, EventTest):
            value = self.event(condition)
            return self._leaf(_compare(value, condition.op, condition.value, "number"), _measure_label(condition),
                              value, _tests(condition.op, condition.value))
        if isinstance(condition, DidNot):
            did = self.did_not(condition)
            first = self.did_first(condition)
            name = self._named(self.leaves, "leaf", f"coalesce({did}, false)")
            x, y = _selection_label(condition.did, "({})"), _selection_label(condition.then_not, None)
            within = f" within {condition.within_days} days" if condition.within_days is not None else " after it"
            shown = f"{{{{ explain_value('{first}', 'timestamp') }}}}"
            self.facts.setdefault(name, (
                _text(f"first {x} at ", shown, f", no {y}{within}", equals=False),
                f"case when {first} is null then {literal('no ' + x)} "
                f"else {_text(f'first {x} at ', shown, f', then {y}{within}', equals=False)} end",
            ))
            return name
        if isinstance(condition, Sequence):
            completed, reached = self.sequence(condition)
            name = self._named(self.leaves, "leaf", f"({completed} is not null)")
            label = _sequence_label(condition)
            self.facts.setdefault(name, (
                _text(f"{label} completed at ", f"{{{{ explain_value('{completed}', 'timestamp') }}}}", "",
                      equals=False),
                _text(f"{label}, reached step ", f"{{{{ explain_value('{reached}', 'number') }}}}",
                      f" of {len(condition.steps)}", equals=False),
            ))
            return name
        if isinstance(condition, Rollup):
            cte = self.rollup(condition)
            matching = self._named(self.values, "rollup", f"coalesce({cte}.matching, 0)")
            words = describe(condition.condition)
            words = words if words.startswith("(") else f"({words})"
            label = ("share of " if condition.measure == "share" else "") + f"contacts where {words}"
            if condition.measure == "count":
                return self._leaf(_compare(matching, condition.op, condition.value, "number"), label, matching,
                                  _tests(condition.op, condition.value))
            # the percentage compared exactly, without a division: 100 * matching <op> value * contacts (an
            # account without contacts has no share)
            contacts = self._named(self.values, "rollup", f"coalesce({cte}.contacts, 0)")
            share = self._named(self.values, "rollup", f"case when {cte}.contacts > 0 then "
                                                       f"cast({cte}.matching as {{{{ type_double() }}}}) * 100 / {cte}.contacts end")
            if condition.op == "between":
                low, high = (literal(v, "number") for v in condition.value)
                test = f"100 * {matching} between {low} * {contacts} and {high} * {contacts}"
            else:
                op = "<>" if condition.op == "!=" else condition.op
                test = f"100 * {matching} {op} {literal(condition.value, 'number')} * {contacts}"
            return self._leaf(f"({contacts} > 0 and {test})", label, share, _tests(condition.op, condition.value))
        if isinstance(condition, Percentile):
            value = self.trait(condition.trait)
            within = f" within {_trait_label(condition.within)}" if condition.within else ""
            cut = f" in the {condition.direction} {_number_text(condition.percent)}%{within}"
            return self._leaf(self.percentile(condition), _trait_label(condition.trait), value, (cut, ", not" + cut),
                              condition.trait.kind)
        value = self.membership(condition)
        label = condition.model if self._is_segment_column(condition) else f"{condition.model}.{condition.column}"
        return self._leaf(f"{value} in {_list(condition.values, 'text')}", label, value,
                          _tests("in", condition.values), "text")

    def _is_segment_column(self, condition: Membership) -> bool:
        model = self.catalog.model(condition.model)
        return model is not None and model.segment_column == condition.column

    def explain(self, condition: Condition, holds: bool) -> str:
        """SQL text saying why `condition` holds (or, holds=False, fails) for the row, read only on rows where it
        does: an `all` that holds lists every part, one that fails its failing parts; an `any` the reverse; `not`
        explains its part the other way."""
        if isinstance(condition, Negate):
            return self.explain(condition.item, not holds)
        if isinstance(condition, Combine):
            every = (condition.kind == "all") == holds
            parts = [self.explain(item, holds) if every else
                     f"case when {'' if holds else 'not '}{self.condition(item)} then {self.explain(item, holds)} end"
                     for item in condition.items]
            return parts[0] if len(parts) == 1 else "concat_ws('; ', " + ", ".join(parts) + ")"
        true, false = self.facts[self.condition(condition)]
        return true if holds else false

    # the model
    @property
    def cte_names(self) -> list[str]:
        """The names of the CTEs `ctes` writes (before a roll-up's prefix)."""
        return [name for name, _ in self.ctes({})]

    def ctes(self, conditions: dict[str, str]) -> list[tuple[str, str]]:
        population_columns = [self.key] + (["account_id"] if self.needs_account else [])
        ctes = [("population", _select(population_columns, f"{{{{ ref('{POPULATIONS[self.entity]}') }}}}"))]
        joins = list(self.joins.values())
        if self.measures and self.shared is not None:
            ctes.append(("event_measures", _select(["contact_id", *self.measures, *self.checks],
                                                   f"{{{{ ref('{EVENT_MEASURES}') }}}}")))
            joins.append("left join event_measures\n    on population.contact_id = event_measures.contact_id")
        elif self.measures:
            ctes.append(("event_days", self.event_days))
            ctes.append(("event_measures", _select(["event_days.contact_id", *_aliased(self.measures)],
                                                   "event_days\ngroup by event_days.contact_id")))
            joins.append("left join event_measures\n    on population.contact_id = event_measures.contact_id")
            if self.checks:
                ctes.append(("did_checks", _did_checks(self.checks)))
                joins.append("left join did_checks\n    on population.contact_id = did_checks.contact_id")
        if self.sequence_ctes:
            ctes.append(("event_occurrences", self.event_occurrences))
            ctes.extend(self.sequence_ctes)
        ctes.extend(self.rollup_ctes)
        ctes.append(("entities", _select([f"population.{self.key}", *_aliased(self.values)],
                                         "population" + "".join(f"\n{join}" for join in joins))))
        if self.ranks:
            ctes.append(("ranked", _select(["entities.*", *_aliased(self.ranks)], "entities")))
        ctes.append(("leaves", _select(["*", *_aliased(self.leaves)], "ranked" if self.ranks else "entities")))
        ctes.append(("conditions", _select(["*", *_aliased(conditions)], "leaves")))
        return ctes


def _number_text(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _value_text(value: Any) -> str:
    """A definition's value as its explanation writes it (a date as YYYY-MM-DD, a boolean as true or false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _number_text(value)
    return str(value)


def _tests(op: str, value: Any) -> tuple[str, str]:
    """What the condition asks, after the value, when it holds and when it fails: (" >= 15", ", not >= 15"),
    (" is null", " is not null"). An equality that holds (`=`, `in` one value) adds nothing: the value says it."""
    if op in ("is null", "is not null"):
        return f" {op}", " is not null" if op == "is null" else " is null"
    test = _asks(op, value)
    plain = op == "=" or (op == "in" and len(value) == 1)
    return ("" if plain else test), ", not" + test


def _trait_label(trait: Trait) -> str:
    return f"account.{trait.column}" if trait.via_account else trait.column


def _window_label(window: Window) -> str:
    if window.last_days is not None:
        return f"last {window.last_days} days"
    if window.days_ago is not None:
        return f"{window.days_ago[0]} to {window.days_ago[1]} days ago"
    if window.since is not None:
        return f"since {window.since.isoformat()}"
    return ""


def _selection_label(selection: EventSelection, window_format: str | None = ", {}") -> str:
    """The events a condition reads, as its explanation names them: "page_viewed where page_path in (/pricing)",
    then the window in `window_format` (none for a did-not's Y, which has none)."""
    where = "".join(f" where {prop} in ({', '.join(values)})" for prop, values in selection.where)
    window = _window_label(selection.window)
    shown = window_format.format(window) if window and window_format else ""
    return " or ".join(selection.events) + where + (" " + shown if shown.startswith("(") else shown)


def _sequence_label(condition: Sequence) -> str:
    """"sequence login, then report_created within 1 days (last 30 days)": the steps and the first's window."""
    steps = [_selection_label(step.selection, None)
             + ("" if step.within_days is None else f" within {step.within_days} days") for step in condition.steps]
    window = _window_label(condition.window)
    return "sequence " + ", then ".join(steps) + (f" ({window})" if window else "")


def describe(condition: Condition) -> str:
    """A condition in words, as a roll-up's explanation names the contact condition it counts."""
    if isinstance(condition, Combine):
        return "(" + f" {'and' if condition.kind == 'all' else 'or'} ".join(map(describe, condition.items)) + ")"
    if isinstance(condition, Negate):
        return f"not {describe(condition.item)}"
    if isinstance(condition, TraitTest):
        return _trait_label(condition.trait) + _asks(condition.op, condition.value)
    if isinstance(condition, EventTest):
        return _measure_label(condition) + _asks(condition.op, condition.value)
    if isinstance(condition, DidNot):
        within = f" within {condition.within_days} days" if condition.within_days is not None else " after it"
        return (f"first {_selection_label(condition.did, '({})')}, no "
                f"{_selection_label(condition.then_not, None)}{within}")
    if isinstance(condition, Sequence):
        return _sequence_label(condition)
    if isinstance(condition, Percentile):
        within = f" within {_trait_label(condition.within)}" if condition.within else ""
        return f"{_trait_label(condition.trait)} in the {condition.direction} {_number_text(condition.percent)}%{within}"
    if isinstance(condition, Membership):
        model = condition.model
        return f"{model}.{condition.column}" + _asks("in", condition.values)
    raise TypeError(f"cannot describe {condition!r}")  # a roll-up holds only contact conditions, never a roll-up


def _asks(op: str, value: Any) -> str:
    """" >= 15", " = free", " in (a, b)", " is null": what a comparison asks, always with its operator."""
    if op in ("is null", "is not null"):
        return f" {op}"
    if op in ("in", "not in"):
        return f" {op} (" + ", ".join(_value_text(item) for item in value) + ")"
    if op == "between":
        return f" between {_value_text(value[0])} and {_value_text(value[1])}"
    return f" {op} {_value_text(value)}"


def _measure_label(test: EventTest) -> str:
    measure = f"{test.measure} {test.of}" if test.measure in ("distinct", "sum") else test.measure
    return f"{measure}({_selection_label(test.selection)})"


def _text(label: str, shown: str, test: str, equals: bool = True) -> str:
    """SQL text "<label>=<value><test>": the label and the test (a definition's words) through literal, the value
    through the explain_value macro."""
    if not test:
        return f"concat({literal(label + ('=' if equals else ''))}, {shown})"
    return f"concat({literal(label + ('=' if equals else ''))}, {shown}, {literal(test)})"


def _prefixed(sql: str, prefix: str, names: list[str]) -> str:
    """`sql` with each of the CTE names `names` renamed `prefix` + name, as whole words, except inside the
    double-quoted Jinja strings that hold a definition's text (jinja_string writes no quote inside them)."""
    word = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b")
    parts = re.split(r'("[^"]*")', sql)
    return "".join(part if i % 2 else word.sub(lambda m: prefix + m.group(1), part) for i, part in enumerate(parts))


def _aliased(columns: dict[str, str]) -> list[str]:
    return [f"{sql} as {name}" for name, sql in columns.items()]


def _select(columns: list[str], from_clause: str) -> str:
    """A select of one column a line, from `from_clause` (a relation, its joins, a group by)."""
    return "select\n" + ",\n".join(INDENT + column for column in columns) + f"\nfrom {from_clause}"


def _with(ctes: list[tuple[str, str]], final: str) -> str:
    body = ",\n\n".join(f"{name} as (\n\n{_indent(sql)}\n\n)" for name, sql in ctes)
    return f"with\n\n{body}\n\n{final}\n"


def _indent(sql: str) -> str:
    return "\n".join(INDENT + line if line else line for line in sql.splitlines())


def conditions_model_sql(conditions: list[dict], entity: str = "contact", catalog: Catalog | None = None,
                         project_dir: str = ".", shared: SharedMeasures | None = None) -> str:
    """A model selecting the key and one boolean column c_<i> per raw condition (the differential test's model);
    with `shared`, its event measures are read from int_contacts__custom_event_measures (and collected in it)."""
    catalog = catalog or load_catalog(project_dir)
    model = _Model(entity, catalog, shared=shared)
    compiled = {f"c_{i}": model.condition(tree) for i, tree in enumerate(read_conditions(conditions, entity, catalog))}
    return _with(model.ctes(compiled), _select([model.key, *compiled], "conditions"))


def segment_set_sql(segment_set: SegmentSet, catalog: Catalog, event_days: str = SHARED_EVENT_DAYS,
                    event_occurrences: str = SHARED_EVENT_OCCURRENCES, shared: SharedMeasures | None = None) -> str:
    """The model of one custom segment or segment set: its key, its segment column, its explanation and
    as_of_date. `event_days`, `event_occurrences`: the SQL the event conditions and the sequences read instead
    of the shared pre-aggregates (preview). `shared`: the compiled models' measures, to which this model's are
    added and from whose model (int_contacts__custom_event_measures) it reads them; without it (preview), the
    model computes its measures itself."""
    model = _Model(segment_set.entity, catalog, event_days, event_occurrences, shared=shared)
    compiled: dict[str, str] = {}
    cases = []
    if segment_set.exclude is not None:
        compiled["is_excluded"] = model.condition(segment_set.exclude)
        cases.append(("conditions.is_excluded", "excluded"))
    if segment_set.holdout_share:
        bucket = f"{{{{ holdout_bucket(dbt.concat(['{model.key}', \"':{segment_set.name}'\"])) }}}}"
        compiled["is_holdout"] = f"({bucket} < {round(segment_set.holdout_share * 10000)})"
        cases.append(("conditions.is_holdout", "holdout"))
    for i, segment in enumerate(segment_set.segments):
        compiled[f"matches_{i}"] = model.condition(segment.condition)
        cases.append((f"conditions.matches_{i}", segment.name))
    when = "\n".join(f"{INDENT * 3}when {test} then '{value}'" for test, value in cases)
    why = "\n".join(f"{INDENT * 3}when {test} then {text}" for (test, _), text in
                    zip(cases, _explanations(model, segment_set), strict=True))
    final = (f"select\n"
             f"{INDENT}cast(conditions.{model.key} as {{{{ dbt.type_string() }}}}) as {model.key},\n"
             f"{INDENT}cast(\n{INDENT * 2}case\n{when}\n{INDENT * 3}else '{segment_set.fallback}'\n"
             f"{INDENT * 2}end as {{{{ dbt.type_string() }}}}\n{INDENT}) as {segment_set.segment_column},\n"
             f"{INDENT}cast(\n{INDENT * 2}case\n{why}\n{INDENT * 3}else {_fallback_explanation(model, segment_set)}\n"
             f"{INDENT * 2}end as {{{{ dbt.type_string() }}}}\n{INDENT}) as {segment_set.explanation_column},\n"
             f"{INDENT}{{{{ as_of_date() }}}} as as_of_date\n"
             f"from conditions")
    header = (f"-- Generated by `segments custom compile` from segments/{segment_set.file} (docs/custom_segments.md):\n"
              f"-- edit the definition, not this file. {segment_set.mart}: the custom segment {segment_set.name}.\n")
    return header + _with(model.ctes(compiled), final)


def _explanations(model: _Model, segment_set: SegmentSet) -> list[str]:
    """The explanation of each case of the set's segment, in the order of its cases: excluded, holdout, segments."""
    texts = []
    if segment_set.exclude is not None:
        texts.append(model.explain(segment_set.exclude, True))
    if segment_set.holdout_share:
        share = round(segment_set.holdout_share * 10000)
        texts.append(literal(f"in the holdout: bucket of md5({model.key}, {segment_set.name}) below {share} of 10000"))
    texts.extend(model.explain(segment.condition, True) for segment in segment_set.segments)
    return texts


def _fallback_explanation(model: _Model, segment_set: SegmentSet) -> str:
    """Why no segment matched: a lone segment's failing condition; for a set, each segment's, by name."""
    if segment_set.lone:
        return model.explain(segment_set.segments[0].condition, False)
    parts = [f"concat({literal('not ' + segment.name + ' (')}, {model.explain(segment.condition, False)}, ')')"
             for segment in segment_set.segments]
    return parts[0] if len(parts) == 1 else "concat_ws('; ', " + ", ".join(parts) + ")"


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
