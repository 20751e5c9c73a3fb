"""Custom segments (docs/custom_segments.md): every validation error names the file, the segment and the
condition; hostile text reaches SQL only quoted; the generated files are current; a set's values and order."""

from __future__ import annotations

import copy
import re

import duckdb
import jinja2
import pytest
import yaml
from click.testing import CliRunner
from conftest import PROJECT_DIR

from segments_warehouse.cli import main
from segments_warehouse.custom import CustomSegmentError, load_catalog
from segments_warehouse.custom.definitions import read_definitions
from segments_warehouse.custom.quoting import jinja_string, literal
from segments_warehouse.custom.sql import segment_set_sql

CATALOG = load_catalog(PROJECT_DIR)


def _read(content: dict) -> tuple:
    return read_definitions({"mine.yml": content}, copy.deepcopy(CATALOG))


def _lone(when, **extra) -> dict:
    return {"version": 1, "segments": [{"name": "mine", "description": "d", "owner": "o", "when": when, **extra}]}


def test_the_shipped_definitions_read_and_their_files_are_current():
    result = CliRunner().invoke(main, ["custom", "compile", "--check", "--project-dir", str(PROJECT_DIR)])
    assert result.exit_code == 0, result.output
    examples = yaml.safe_load((PROJECT_DIR / "segments" / "examples.yml").read_text())
    sets = _read(examples)
    outreach = next(s for s in sets if s.name == "outreach_priority")
    # exclusions first, then the holdout, then the segments in priority order, then the fallback
    assert outreach.values == ("rescue_trial", "win_back", "expand_account", "excluded", "holdout", "nurture")
    assert next(s for s in sets if s.name == "power_users").values == ("member", "not_member")


VALID_TRAIT = {"trait": "logins_30d", "op": ">", "value": 15}
ERRORS = [
    ({"trait": "logins_31d", "op": ">", "value": 1}, "when.trait: unknown trait 'logins_31d'"),
    ({"trait": "plan", "op": "=", "value": "pro"}, "trait 'plan' is ambiguous: write one of needs_based.plan, lifecycle.plan"),
    ({"trait": "logins_30d", "op": "contains", "value": "1"}, "operator 'contains' does not fit behavioral.logins_30d, a number trait"),
    ({"trait": "region", "op": ">", "value": "emea"}, "operator '>' does not fit geographic.region, a text trait"),
    ({"trait": "logins_30d", "op": ">", "value": "15"}, "when.value: '15' is not a finite number"),
    ({"trait": "logins_30d", "op": ">", "value": True}, "True is not a finite number"),
    ({"trait": "region", "op": "=", "value": 3}, "3 is not text: quote it"),
    ({"trait": "is_eu", "op": "=", "value": "yes"}, "'yes' is not true or false"),
    ({"trait": "first_order_date", "op": ">", "value": "2026-13-01"}, "'2026-13-01' is not an ISO date"),
    ({"trait": "logins_30d", "op": "between", "value": [10, 5]}, "low is above high"),
    ({"trait": "logins_30d", "op": "in", "value": []}, "in takes a non-empty list"),
    ({"trait": "logins_30d", "op": "is null", "value": 1}, "is null takes no value"),
    ({"trait": "logins_30d", "op": ">"}, "> needs a value"),
    ({"trait": "logins_30d", "op": ">", "value": 1, "vlaue": 2}, "unknown field 'vlaue'"),
    ({"all": []}, "when.all: all takes a non-empty list"),
    ({"all": [VALID_TRAIT, {"any": [{"nope": 1}]}]}, "when.all[1].any[0]: unknown condition ['nope']"),
    ({"not": "x"}, "when.not: a condition is a mapping"),
    ({"event": "lgoin", "op": ">", "value": 1}, "unknown event 'lgoin': add it to vars custom_segment_events"),
    ({"event": "login", "where": {"colour": "red"}, "op": ">", "value": 1}, "unknown event property 'colour'"),
    ({"event": "login", "window": {"last_days": 0}, "op": ">", "value": 1}, "last_days 0: a whole number of days, 1 to 36500"),
    ({"event": "login", "window": {"days_ago": [30, 7]}, "op": ">", "value": 1}, "days_ago [30, 7]: [N, M]"),
    ({"event": "login", "window": {"last_days": 10**6}, "op": ">", "value": 1}, "1 to 36500"),
    ({"trait": "logins_30d", "op": ">", "value": 10**400}, "is not a finite number"),
    ({"trait": "logins_30d", "op": "in", "value": [1, float("nan")]}, "nan is not a finite number"),
    ({"event": "login", "window": {"last_weeks": 2}, "op": ">", "value": 1}, "when.window: unknown window 'last_weeks'"),
    ({"event": "login", "window": {"since": "yesterday"}, "op": ">", "value": 1}, "'yesterday' is not an ISO date"),
    ({"event": "login", "measure": "distinct", "op": ">", "value": 1},
     "of (the property counted or added up) goes with measure distinct or sum"),
    ({"event": "invoice_created", "measure": "sum", "op": ">", "value": 1}, "goes with measure distinct or sum"),
    ({"event": "invoice_created", "measure": "count", "of": "value", "op": ">", "value": 1},
     "goes with measure distinct or sum, and only with them"),
    ({"event": "invoice_created", "measure": "sum", "of": "feature", "op": ">", "value": 1},
     "when.of: 'feature' is no numeric event property; a sum adds up value"),
    ({"event": "invoice_created", "measure": "distinct", "of": "value", "op": ">", "value": 1},
     "unknown event property 'value'"),
    ({"event": "invoice_created", "measure": "sum", "of": "value", "op": ">", "value": "1000"}, "when.value"),
    ({"event": "login", "measure": "average", "op": ">", "value": 1}, "unknown measure 'average'"),
    ({"event": "login", "op": "contains", "value": 1}, "operator 'contains' does not fit an event measure"),
    ({"did": {"event": "invoice_created"}, "then_not": {"event": "invoice_sent", "within_days": 0}}, "within_days: 0"),
    ({"percentile": "region", "top": 10}, "geographic.region is a text trait: percentiles rank numbers"),
    ({"percentile": "net_revenue", "top": 0}, "when.top: 0: a percentage in (0, 100]"),
    ({"percentile": "net_revenue", "top": 10, "bottom": 10}, "give top: N or bottom: N"),
    ({"segment": "behavioural", "is": "power_user"}, "unknown segment model 'behavioural'"),
    ({"segment": "behavioral", "is": "superuser"}, "'superuser' is not a value of behavioral.behavioral_segment"),
    ({"segment": "behavioral.logins_30d", "is": "1"}, "behavioral has no segment column 'logins_30d' with values"),
    ({"sequence": [{"event": "login"}]}, "when.sequence: a sequence takes a list of 2 to 10 steps"),
    ({"sequence": [{"event": "login"}] * 11}, "a sequence takes a list of 2 to 10 steps"),
    ({"sequence": "login"}, "a sequence takes a list of 2 to 10 steps"),
    ({"sequence": [{"event": "login", "within_days": 1}, {"event": "login"}]},
     "when.sequence[0]: unknown field 'within_days'"),
    ({"sequence": [{"event": "login"}, {"event": "login", "within_days": 0}]},
     "when.sequence[1].within_days: 0: a whole number of days"),
    ({"sequence": [{"event": "login"}, {"event": "logn"}]}, "when.sequence[1].event: unknown event 'logn'"),
    ({"sequence": [{"event": "login"}, "report_created"]}, "when.sequence[1]: a step is a mapping"),
    ({"sequence": [{"event": "login"}, {"event": "report_created"}], "window": {"last_days": -1}},
     "when.window: last_days -1"),
    ({"sequence": [{"event": "login"}, {"event": "report_created", "window": {"last_days": 3}}]},
     "when.sequence[1]: unknown field 'window'"),
    ({"contacts": VALID_TRAIT, "op": ">=", "value": 3}, "contacts (a roll-up of the account's contacts) is for account"),
]

ACCOUNT_ERRORS = [
    ({"contacts": VALID_TRAIT, "op": "contains", "value": 3}, "when.op: operator 'contains' does not fit a roll-up"),
    ({"contacts": VALID_TRAIT, "measure": "mean", "op": ">", "value": 3}, "when.measure: unknown measure 'mean'"),
    ({"contacts": VALID_TRAIT, "op": ">"}, "> needs a value"),
    ({"contacts": VALID_TRAIT, "op": ">", "value": "3"}, "when.value: '3' is not a finite number"),
    ({"contacts": {"trait": "employee_count", "op": ">", "value": 1}, "op": ">", "value": 3},
     "when.contacts.trait: unknown trait 'employee_count' for contact segments"),
    ({"contacts": {"contacts": VALID_TRAIT, "op": ">", "value": 1}, "op": ">", "value": 3},
     "when.contacts: contacts (a roll-up of the account's contacts) is for account segments"),
    ({"sequence": [{"event": "login"}, {"event": "login"}]}, "when: event conditions are for contact segments"),
    ({"contacts": VALID_TRAIT, "op": ">", "value": 3, "of": "x"}, "unknown field 'of'"),
]


@pytest.mark.parametrize("when, message", ACCOUNT_ERRORS, ids=[message[:40] for _, message in ACCOUNT_ERRORS])
def test_each_account_validation_error_names_the_condition(when, message):
    with pytest.raises(CustomSegmentError) as error:
        _read(_lone(when, entity="account"))
    assert str(error.value).startswith("mine.yml: segment mine, ") and message in str(error.value), str(error.value)


def test_a_roll_up_reads_its_contact_condition_as_a_contact_segment():
    when = {"all": [{"trait": "employee_count", "op": ">", "value": 5},
                    {"contacts": {"all": [VALID_TRAIT, {"segment": "behavioral", "is": "power_user"}]},
                     "measure": "share", "op": "between", "value": [25, 75]}]}
    (segment_set,) = _read(_lone(when, entity="account"))
    rollup = segment_set.segments[0].condition.items[1]
    assert (rollup.measure, rollup.op, rollup.value) == ("share", "between", (25, 75))
    assert rollup.condition.items[0].trait.label == "behavioral.logins_30d"


@pytest.mark.parametrize("when, message", ERRORS, ids=[message[:40] for _, message in ERRORS])
def test_each_validation_error_names_the_file_the_segment_and_the_condition(when, message):
    with pytest.raises(CustomSegmentError) as error:
        _read(_lone(when))
    assert str(error.value).startswith("mine.yml: segment mine"), str(error.value)
    assert message in str(error.value), str(error.value)


def test_definition_level_errors():
    def one(**definition):
        return {"version": 1, "segment_sets": [{"name": "mine", "description": "d", "owner": "o",
                                                 "segments": [{"name": "a", "description": "d", "when": VALID_TRAIT}],
                                                 **definition}]}
    cases = [
        (_lone(VALID_TRAIT, name="Power Users"), "name 'Power Users' is not a safe identifier"),
        (_lone(VALID_TRAIT, name="x" * 41), "is not a safe identifier"),
        (_lone(VALID_TRAIT, name="behavioral"), "'behavioral' is a built-in segment model's name"),
        (_lone(VALID_TRAIT, owner=""), "give a owner"),
        (_lone(VALID_TRAIT, entity="company"), "entity 'company': contact or account"),
        (_lone(VALID_TRAIT, colour="red"), "unknown field 'colour'"),
        (_lone({"trait": "employee_count", "op": ">", "value": 1}), "unknown trait 'employee_count' for contact"),
        (_lone({"event": "login", "op": ">", "value": 1}, entity="account"), "event conditions are for contact segments"),
        (one(fallback="a"), "the value 'a' is used twice"),
        (one(holdout={"share": 1.5}), "holdout takes {share: S} with 0 < S < 1"),
        (one(segments=[]), "a segment set takes a non-empty list of segments"),
        (one(holdout={"share": 0.12345}), "in steps of 0.0001"),
        (one(holdout=True), "holdout takes {share: S}"),
        (_lone(VALID_TRAIT, description="Hi {{ env_var('HOME') }}"), "the description may not hold {{"),
        (_lone(VALID_TRAIT, owner="{% if %}"), "the owner may not hold"),
        (one(segments=[{"name": "a", "description": "{# x #}", "when": VALID_TRAIT}]), "segments[0].description"),
        (_lone(VALID_TRAIT, name="company"), "company_segment is already a column of dim_contact_segments"),
        (_lone({"segment": "behavioral", "is": "new"}, entity="account"), "behavioral is a contact model"),
        ({"version": True}, "a mapping with version: 1"),
        ({"version": 1, "segments": 0}, "segments takes a list of definitions"),
        (one(segments=[{"name": "holdout", "description": "d", "when": VALID_TRAIT}], holdout={"share": 0.1}),
         "the value 'holdout' is used twice"),
        ({"version": 1, "segments": [_lone(VALID_TRAIT)["segments"][0]] * 2}, "'mine' is also defined in mine.yml"),
        ({"version": 2}, "a custom segments file is a mapping with version: 1"),
        ({"version": 1, "segmnets": []}, "unknown top-level field 'segmnets'"),
    ]
    for content, message in cases:
        with pytest.raises(CustomSegmentError, match=re.escape(message)):
            _read(content)


def test_a_file_name_must_be_plain():
    with pytest.raises(CustomSegmentError, match="name a custom segments file with letters"):
        read_definitions({"my {{x}}.yml": {"version": 1}}, copy.deepcopy(CATALOG))


def test_a_custom_account_segment_read_from_contacts_takes_its_fallback_without_an_account():
    content = {"version": 1, "segments": [
        {"name": "big", "description": "d", "owner": "o", "entity": "account",
         "when": {"trait": "employee_count", "op": ">", "value": 500}},
        {"name": "at_small", "description": "d", "owner": "o", "when": {"segment": "big", "is": "not_member"}}]}
    catalog = copy.deepcopy(CATALOG)
    sets = read_definitions({"mine.yml": content}, catalog)
    sql = segment_set_sql(sets[1], catalog)
    assert "coalesce(account_seg_custom__big.big_segment, {{ sql_string(\"not_member\") }})" in sql
    # reading twice with one catalog gives the same definitions (the custom models are replaced, not added)
    assert read_definitions({"mine.yml": content}, catalog) == sets


def test_a_cycle_between_segments_is_named():
    content = {"version": 1, "segments": [
        {"name": "a", "description": "d", "owner": "o", "when": {"segment": "b", "is": "member"}},
        {"name": "b", "description": "d", "owner": "o", "when": {"segment": "c", "is": "member"}},
        {"name": "c", "description": "d", "owner": "o", "when": {"not": {"segment": "a", "is": "not_member"}}},
    ]}
    with pytest.raises(CustomSegmentError, match=re.escape("segment a: a cycle between segments: a -> b -> c -> a")):
        _read(content)
    with pytest.raises(CustomSegmentError, match="a cycle between segments: a -> a"):
        _read(_lone({"segment": "a", "is": "member"}, name="a"))


HOSTILE = ["it's", "'; drop table marts.seg_behavioral; --", "a\\'b", "/* comment */", "-- line", "{{ 7*7 }}",
           "{% raw %}", "{# x #}", "naïve café", "東京", "emoji 😀", "tab\tnew\nline", '"double"', "\\", "%s"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_reaches_sql_only_through_the_quoting_macro(text):
    """The generated model holds the value as an ASCII Jinja string inside a sql_string call: Jinja decodes it back
    to the same text, and the default quoting gives a literal DuckDB reads as that text."""
    encoded = jinja_string(text)
    assert re.fullmatch(r'"[A-Za-z0-9 _\-.,:/@+=()\[\]<>!?*&^~|`$;\\]*"', encoded), encoded
    sql = literal(text)
    assert "{{" not in sql[2:-2] and "{%" not in sql and "{#" not in sql
    env = jinja2.Environment()
    rendered = env.from_string(sql).render(sql_string=lambda value: "'" + value.replace("'", "''") + "'")
    assert duckdb.sql(f"select {rendered} as v").fetchall()[0][0] == text
