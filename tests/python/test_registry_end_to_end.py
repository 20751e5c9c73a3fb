"""A segment model added through the registry alone, and a custom segment added as one YAML entry, reach every
consumer. In a copy of the project: a new mart (seg_engagement, its SQL and its YAML) and one registry entry, and
one custom segment in segments/added.yml; then `segments custom compile`, `registry sync` and `lock`, then `dbt
build` on the known-answers data. Both are in the long membership, the summary, the history and size series, the
wide table, the CRM feed, and `segments validate` checks them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import duckdb
import known_answers as ka
import pytest
import yaml
from click.testing import CliRunner
from conftest import BIN_DIR, PROJECT_DIR

from segments_warehouse.cli import main
from segments_warehouse.registry import crm_properties, load_registry, wide_columns
from segments_warehouse.validate import validate

ENGAGEMENT_SQL = """\
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

behavior as (

    select * from {{ ref('int_contacts__behavior_metrics') }}

)

select
    cast(contacts.contact_id as {{ dbt.type_string() }}) as contact_id,
    cast(case
        when behavior.logins_30d >= 3 then 'engaged'
        when behavior.logins_30d > 0 then 'light'
        else 'quiet'
    end as {{ dbt.type_string() }}) as engagement_segment,
    cast({{ explain_fact('logins_30d', 'behavior.logins_30d') }} as {{ dbt.type_string() }}) as engagement_segment_explanation,
    {{ as_of_date() }} as as_of_date
from contacts
left join behavior on contacts.contact_id = behavior.contact_id
"""

ENGAGEMENT_YAML = {"version": 2, "models": [{
    "name": "seg_engagement",
    "description": "Logins in the last 30 days, in three bands (a test's segment model).",
    "columns": [
        {"name": "contact_id", "data_type": "varchar", "description": "The contact.", "data_tests": ["unique", "not_null"]},
        {"name": "engagement_segment", "data_type": "varchar", "description": "engaged, light or quiet.",
         "data_tests": [{"exhaustive_exclusive_segments": {"arguments": {
             "key": "contact_id", "entities": "ref('int_contacts__as_of')",
             "values": "{{ segment_values('seg_engagement', 'engagement_segment') }}"}}}]},
        {"name": "engagement_segment_explanation", "data_type": "varchar", "description": "Why: logins_30d."},
        {"name": "as_of_date", "data_type": "date", "description": "The day the segment holds for."},
    ],
}]}

# One YAML entry: a custom segment (docs/custom_segments.md), with nothing else written by hand
CUSTOM = {"version": 1, "segments": [{
    "name": "report_makers", "description": "Created a report in the last 30 days, or logged in more than 3 times.",
    "owner": "a test", "when": {"any": [
        {"event": "report_created", "window": {"last_days": 30}, "op": ">=", "value": 1},
        {"trait": "logins_30d", "op": ">", "value": 3}]}}]}

ENTRY = {"name": "engagement", "mart": "seg_engagement", "entity_type": "contact", "segment_column": "engagement_segment",
         "columns": {"engagement_segment": {"values": ["engaged", "light", "quiet"], "wide": "attribute", "crm": True}}}


@pytest.fixture(scope="module")
def extended_project(tmp_path_factory):
    """The project with seg_engagement added, built on the known-answers data; (project, warehouse, target)."""
    root = tmp_path_factory.mktemp("registry_e2e")
    project = root / "project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns(
        ".venv", ".git", "target", "logs", "warehouse", "*.egg-info", "__pycache__", ".pytest_cache"))
    (project / "models/marts/segments/seg_engagement.sql").write_text(ENGAGEMENT_SQL)
    (project / "models/marts/segments/_engagement__models.yml").write_text(yaml.safe_dump(ENGAGEMENT_YAML, sort_keys=False))
    config = yaml.safe_load((project / "dbt_project.yml").read_text())
    config["vars"]["segment_registry"].append(ENTRY)
    (project / "dbt_project.yml").write_text(yaml.safe_dump(config, sort_keys=False))

    (project / "segments/added.yml").write_text(yaml.safe_dump(CUSTOM, sort_keys=False))

    runner = CliRunner()
    for command in (["custom", "compile"], ["registry", "sync"], ["registry", "lock"]):
        result = runner.invoke(main, [*command, "--project-dir", str(project)])
        assert result.exit_code == 0, result.output
    warehouse = root / "warehouse.duckdb"
    ka.write(str(warehouse))
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "SEGMENTS_DUCKDB_PATH": str(warehouse),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    build = subprocess.run(
        [str(BIN_DIR / "dbt"), "build", "--vars", json.dumps({"as_of_date": ka.AS_OF}), "--exclude-resource-type",
         "unit_test", "--project-dir", str(project), "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        cwd=project, env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-4000:]
    return project, warehouse, root


def test_the_new_model_is_in_every_consumer(extended_project):
    project, warehouse, _ = extended_project
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mart = dict(con.execute("select contact_id, engagement_segment from marts.seg_engagement").fetchall())
        assert set(mart.values()) <= {"engaged", "light", "quiet"} and len(mart) > 0
        membership = dict(con.execute("select entity_id, segment from marts.fct_segment_membership "
                                      "where segment_model = 'engagement'").fetchall())
        assert membership == mart
        wide = dict(con.execute("select contact_id, engagement_segment from marts.dim_contact_segments").fetchall())
        assert wide == mart
        # the dbt macros and the Python registry agree on the wide table's and the CRM feed's columns: the new
        # column after the other models' attributes, before the metrics; its property after the others
        models = load_registry(project)
        columns = [row[0] for row in con.execute("describe marts.dim_contact_segments").fetchall()]
        assert columns == ["contact_id", "account_id", *(column.name for _, column in wide_columns(models)), "as_of_date"]
        assert columns.index("engagement_segment") == columns.index("renewal_window") + 1
        properties = [row[0] for row in con.execute("describe reverse_etl.rev_etl__crm_contacts").fetchall()]
        assert properties == ["email", *crm_properties(models), "sw_segments_as_of", "properties_hash"]
        assert properties.index("sw_engagement_segment") == properties.index("sw_renewal_window") + 1
        feed = con.execute("select count(*), count(sw_engagement_segment) from reverse_etl.rev_etl__crm_contacts").fetchone()
        assert feed[0] > 0 and feed[0] == feed[1]
        summary = dict(con.execute("select segment, entities from marts.agg_segment_summary "
                                   "where segment_model = 'engagement'").fetchall())
        assert summary == {segment: list(mart.values()).count(segment) for segment in set(mart.values())}
        baseline = con.execute("select count(*) from marts.fct_segment_transitions where segment_model = 'engagement' "
                               "and transition_type = 'baseline'").fetchone()[0]
        assert baseline == len(mart)
        sizes = dict(con.execute("select segment, entities from marts.agg_segment_size_daily "
                                 "where segment_model = 'engagement'").fetchall())
        assert sizes == summary


def test_one_yaml_entry_makes_a_segment_in_every_consumer(extended_project):
    """The custom segment's members are what its condition says, computed here from the events and the behavioral
    mart, and it is in the membership, the wide table, the history and the CRM feed."""
    _, warehouse, _ = extended_project
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mart = dict(con.execute("select contact_id, report_makers_segment from marts.seg_custom__report_makers").fetchall())
        expected_members = {row[0] for row in con.execute(
            "select contact_id from intermediate.int_events__attributed where event_name = 'report_created' "
            f"and activity_date > date '{ka.AS_OF}' - 30 union select contact_id from marts.seg_behavioral "
            "where logins_30d > 3").fetchall() if row[0] is not None}
        assert expected_members and {c for c, v in mart.items() if v == "member"} == expected_members
        assert set(mart.values()) == {"member", "not_member"}
        membership = dict(con.execute("select entity_id, segment from marts.fct_segment_membership "
                                      "where segment_model = 'report_makers'").fetchall())
        assert membership == mart
        wide = dict(con.execute("select contact_id, report_makers_segment from marts.dim_contact_segments").fetchall())
        assert wide == mart
        baseline = con.execute("select count(*) from marts.fct_segment_transitions where segment_model = "
                               "'report_makers' and transition_type = 'baseline'").fetchone()[0]
        assert baseline == len(mart)
        feed = con.execute("select count(*), count(sw_report_makers_segment) from reverse_etl.rev_etl__crm_contacts").fetchone()
        assert feed[0] > 0 and feed[0] == feed[1]
        # an any explains the parts that held, or when none did, every part
        reports = dict(con.execute(
            "select contact_id, count(*) from intermediate.int_events__attributed where event_name = 'report_created' "
            f"and activity_date > date '{ka.AS_OF}' - 30 and contact_id is not null group by 1").fetchall())
        logins = dict(con.execute("select contact_id, logins_30d from marts.seg_behavioral").fetchall())
        explained = dict(con.execute("select contact_id, report_makers_segment_explanation "
                                     "from marts.seg_custom__report_makers").fetchall())
        for contact, explanation in explained.items():
            count = reports.get(contact, 0)
            login = "null" if logins.get(contact) is None else logins[contact]
            parts = [(count >= 1, f"count(report_created, last 30 days)={count}", " >= 1"),
                     (login != "null" and login > 3, f"logins_30d={login}", " > 3")]
            if mart[contact] == "member":
                want = "; ".join(text + test for held, text, test in parts if held)
            else:
                want = "; ".join(f"{text}, not{test}" for _, text, test in parts)
            assert explanation == want, contact
        assert dict(con.execute("select entity_id, explanation from marts.fct_segment_membership "
                                "where segment_model = 'report_makers'").fetchall()) == explained


def test_validation_checks_the_new_model(extended_project):
    project, warehouse, root = extended_project
    report = validate(warehouse, root / "gx", project)
    assert report.success, [(o.suite, o.expectation, o.observed) for o in report.failures]
    assert {"seg_engagement", "seg_custom__report_makers"} <= {outcome.suite for outcome in report.outcomes}
    in_set = [o for o in report.outcomes if o.suite == "seg_engagement" and o.column == "engagement_segment"]
    assert in_set and all(o.success for o in in_set)


def test_preview_runs_a_definition_on_the_last_build_without_building(extended_project, monkeypatch):
    """`segments preview` of the built custom segment agrees with its model; of a new definition (not compiled,
    reading a property no built model reads), its sizes are what the events say, and nothing in
    the warehouse changes."""
    project, warehouse, root = extended_project
    monkeypatch.setenv("DBT_TARGET_PATH", str(root / "target"))
    runner = CliRunner()
    args = ["--duckdb", str(warehouse), "--project-dir", str(project), "--json", "--sample", "3"]
    done = runner.invoke(main, ["preview", "report_makers", *args])
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = dict(con.execute("select report_makers_segment, count(*) from marts.seg_custom__report_makers "
                                 "group by 1").fetchall())
        explained = dict(con.execute("select contact_id, report_makers_segment_explanation "
                                     "from marts.seg_custom__report_makers").fetchall())
        tables = con.execute("select count(*) from information_schema.tables").fetchone()[0]
    assert result["built"] and result["changed_from_built"] == 0
    assert {s["segment"]: s["entities"] for s in result["segments"]} == built
    assert all(len(s["sample"]) == min(3, s["entities"]) for s in result["segments"])
    assert all(explained[row["id"]] == row["explanation"] for s in result["segments"] for row in s["sample"])
    assert "select" in result["sql"] and "{{" not in result["sql"]

    new = {"version": 1, "segments": [{
        "name": "mobile_logins", "description": "Logged in from a mobile device in the last 30 days.",
        "owner": "a test", "when": {"event": "login", "where": {"device_type": ["mobile"]},
                                    "window": {"last_days": 30}, "op": ">=", "value": 1}}]}
    definition = project / "segments" / "preview_only.yml"
    definition.write_text(yaml.safe_dump(new, sort_keys=False))
    try:
        done = runner.invoke(main, ["preview", "mobile_logins", *args])
    finally:
        definition.unlink()
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        members = con.execute(
            "select count(distinct contact_id) from intermediate.int_events__attributed where event_name = "
            f"'login' and device_type = 'mobile' and activity_date > date '{ka.AS_OF}' - 30").fetchone()[0]
        contacts = con.execute("select count(*) from marts.dim_contact_segments").fetchone()[0]
        assert con.execute("select count(*) from information_schema.tables").fetchone()[0] == tables
    sizes = {s["segment"]: s["entities"] for s in result["segments"]}
    assert not result["built"] and sizes == {"member": members, "not_member": contacts - members}
    assert members > 0

    unknown = runner.invoke(main, ["preview", "no_such_segment", *args])
    assert unknown.exit_code == 2 and "no custom segment named 'no_such_segment'" in unknown.output
    assert "report_makers" in unknown.output
