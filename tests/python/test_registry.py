"""The segment registry (vars segment_registry in dbt_project.yml): it parses, its lock agrees with it, every
malformed entry is one clear error, a widened value set is caught, and the YAML dbt needs written out (the
contracts of the wide table and the CRM feeds, the BI exposure) is generated from it and up to date. No dbt build:
a fast test file."""

from __future__ import annotations

import copy
import shutil

import pytest
import yaml
from click.testing import CliRunner
from conftest import PROJECT_DIR

from segments_warehouse.cli import main
from segments_warehouse.custom.catalog import MARTS_YAML
from segments_warehouse.custom.definitions import SEGMENTS_DIR
from segments_warehouse.custom.files import MODELS_YAML
from segments_warehouse.gates import GateError, check_registry
from segments_warehouse.registry import (
    LOCK_FILE,
    RegistryError,
    custom_entries,
    load_registry,
    lock_differences,
    locked_registry,
    parse_registry,
    read_lock,
    write_lock,
)
from segments_warehouse.registry_files import GENERATED
from segments_warehouse.validate import ValidationError, validate


def _entries() -> list[dict]:
    return copy.deepcopy(yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["segment_registry"])


def _with_custom(entries: list[dict]):
    """The built-in entries given, then the project's custom segments (segments/*.yml), as the lock has them."""
    return parse_registry(entries + custom_entries(PROJECT_DIR))


def _project_copy(tmp_path, entries: list[dict] | None = None):
    """dbt_project.yml and the lock in tmp_path, the registry replaced by entries when given."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    if entries is not None:
        project["vars"]["segment_registry"] = entries
    (tmp_path / "dbt_project.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    shutil.copy(PROJECT_DIR / LOCK_FILE, tmp_path / LOCK_FILE)
    for path in [*GENERATED, MARTS_YAML, MODELS_YAML]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_DIR / path, tmp_path / path)
    shutil.copytree(PROJECT_DIR / SEGMENTS_DIR, tmp_path / SEGMENTS_DIR)  # the custom segments
    return tmp_path


def _yaml_model(path: str, name: str) -> dict:
    return next(model for model in yaml.safe_load((PROJECT_DIR / path).read_text())["models"] if model["name"] == name)


def test_the_registry_agrees_with_its_lock():
    models, lock = locked_registry(PROJECT_DIR)
    assert [model.mart for model in models] == list(lock)
    result = CliRunner().invoke(main, ["registry", "check", "--project-dir", str(PROJECT_DIR)])
    assert result.exit_code == 0, result.output
    assert f"agree ({len(models)} models)" in result.output


def test_the_nine_built_in_models_in_order():
    models = load_registry(PROJECT_DIR)
    assert [(m.name, m.entity_type, m.key, m.segment_column) for m in models][:9] == [
        ("behavioral", "contact", "contact_id", "behavioral_segment"),
        ("value_based", "contact", "contact_id", "rfm_segment"),
        ("psychographic", "contact", "contact_id", "nps_category"),
        ("demographic", "contact", "contact_id", "age_band"),
        ("geographic", "contact", "contact_id", "region"),
        ("technographic", "contact", "contact_id", "device_mix"),
        ("firmographic", "account", "account_id", "company_segment"),
        ("needs_based", "contact", "contact_id", "needs_segment"),
        ("lifecycle", "contact", "contact_id", "lifecycle_stage"),
    ]
    # YAML reads 18_24 as the number 1824: the registry's values are quoted, and stay text
    assert load_registry(PROJECT_DIR)[3].column("age_band").values[1] == "18_24"


def _with(change) -> list[dict]:
    entries = _entries()
    change(entries)
    return entries


BAD_REGISTRIES = {
    "unquoted number": (lambda e: e[3]["columns"]["age_band"]["values"].__setitem__(1, 1824),
                        "entry 4 (demographic), column age_band: value 1824 is not text"),
    "repeated value": (lambda e: e[0]["columns"]["behavioral_segment"]["values"].append("new"),
                       "value 'new' is listed twice"),
    "unknown field": (lambda e: e[0]["columns"]["logins_30d"].update(kind="metric"), "unknown field(s) kind"),
    "unknown model field": (lambda e: e[0].update(owner="x"), "entry 1 (behavioral): unknown field(s) owner"),
    "no segment column values": (lambda e: e[0]["columns"]["behavioral_segment"].pop("values"),
                                 "the segment column behavioral_segment needs its values"),
    "nullable segment column": (lambda e: e[0]["columns"]["behavioral_segment"].update(nullable=True),
                                "cannot be nullable"),
    "bad entity": (lambda e: e[0].update(entity_type="person"), "entity_type 'person': contact or account"),
    "unsafe name": (lambda e: e[0].update(name="behavioral; drop table x"), "name 'behavioral; drop table x' is not"),
    "unsafe column": (lambda e: e[0]["columns"].update({"x y": {"wide": "metric"}}), "column name 'x y' is not"),
    "duplicate name": (lambda e: e[1].update(name="behavioral"), "name or mart repeats entry behavioral"),
    "unknown type": (lambda e: e[0]["columns"]["logins_30d"].update(type="long"), "type 'long' is not one of"),
    "bad wide": (lambda e: e[0]["columns"]["logins_30d"].update(wide="yes"), "wide 'yes' is not one of"),
    "crm metric": (lambda e: e[0]["columns"]["logins_30d"].update(crm=True), "a crm property must be a wide attribute"),
    "account wide without missing": (lambda e: e[6]["columns"]["company_segment"].pop("missing"),
                                     "needs a missing value"),
    "missing on a contact model": (lambda e: e[0]["columns"]["logins_30d"].update(missing=0),
                                   "missing applies only to an account model's wide columns"),
    "wide name twice": (lambda e: e[1]["columns"].update({"logins_30d": {"wide": "metric"}}),
                        "logins_30d is a wide column of two models"),
    "no entries": (lambda e: e.clear(), "must be a non-empty list"),
    "crm boolean": (lambda e: e[4]["columns"]["is_eu"].update(crm=True), "a crm property is text: is_eu is boolean"),
    "missing of another type": (lambda e: e[6]["columns"]["company_segment"].update(missing=False),
                                "missing False is not a string value"),
    "missing number on a boolean": (lambda e: e[6]["columns"]["needs_dedicated_account_manager"].update(missing=0),
                                    "missing 0 is not a boolean value"),
    "missing outside the values": (lambda e: e[6]["columns"]["company_segment"].update(missing="tiny"),
                                   "missing 'tiny' is not one of the column's values"),
    "wide name of the table's own": (lambda e: e[0]["columns"].update({"as_of_date": {"wide": "metric"}}),
                                     "as_of_date is a column dim_contact_segments has already"),
    "crm name of the feed's own": (lambda e: e[0]["columns"].update(
        {"segments_as_of": {"wide": "attribute", "crm": True}}), "sw_segments_as_of is a column the CRM feed has"),
    "mart not seg_": (lambda e: e[0].update(mart="contacts"), "mart 'contacts': a segment mart is named seg_<model>"),
    "no crm column": (lambda e: [spec.pop("crm", None) for entry in e for spec in entry["columns"].values()],
                      "no column is crm: true"),
    "description not text": (lambda e: e[0]["columns"]["logins_30d"].update(description=["x"]), "description must be text"),
    "entry lacks a field": (lambda e: e[2].pop("mart"), "entry 3 (psychographic): no mart"),
}


@pytest.mark.parametrize("case", BAD_REGISTRIES)
def test_each_malformed_registry_is_one_clear_error(case):
    change, message = BAD_REGISTRIES[case]
    with pytest.raises(RegistryError) as raised:
        parse_registry(_with(change))
    assert message in str(raised.value)
    assert str(raised.value).startswith("segment_registry (dbt_project.yml)")


def test_a_widened_value_set_is_caught_until_locked(tmp_path):
    def widen(entries):
        entries[0]["columns"]["behavioral_segment"]["values"].append("vip_lurker")
        entries[6]["columns"]["revenue_band"]["values"].remove("1b_plus")

    project = _project_copy(tmp_path, _with(widen))
    problems = lock_differences(load_registry(project), read_lock(project))
    assert problems == ["seg_behavioral.behavioral_segment: the registry adds vip_lurker",
                        "seg_firmographic.revenue_band: the registry drops 1b_plus"]
    runner = CliRunner()
    check = runner.invoke(main, ["registry", "check", "--project-dir", str(project)])
    assert check.exit_code == 1
    assert "adds vip_lurker" in check.output and "segments registry lock" in check.output
    # validation refuses to run on a registry its lock does not vouch for, before opening the warehouse
    (tmp_path / "w.duckdb").write_bytes(b"")
    with pytest.raises(ValidationError, match="adds vip_lurker"):
        validate(tmp_path / "w.duckdb", tmp_path / "gx", project)
    lock = runner.invoke(main, ["registry", "lock", "--project-dir", str(project)])
    assert lock.exit_code == 0 and "locked: seg_behavioral.behavioral_segment: the registry adds vip_lurker" in lock.output
    assert runner.invoke(main, ["registry", "check", "--project-dir", str(project)]).exit_code == 0
    assert read_lock(project)["seg_behavioral"]["values"]["behavioral_segment"][-1] == "vip_lurker"


def test_a_mart_without_its_explanation_column_is_named(tmp_path):
    project = _project_copy(tmp_path)
    marts = yaml.safe_load((project / MARTS_YAML).read_text())
    behavioral = next(model for model in marts["models"] if model["name"] == "seg_behavioral")
    behavioral["columns"] = [c for c in behavioral["columns"] if c["name"] != "behavioral_segment_explanation"]
    (project / MARTS_YAML).write_text(yaml.safe_dump(marts, sort_keys=False))
    (project / MODELS_YAML).unlink()
    check = CliRunner().invoke(main, ["registry", "check", "--project-dir", str(project)])
    assert check.exit_code == 1
    assert ("behavioral: seg_behavioral has no column behavioral_segment_explanation in its YAML: why each entity "
            "has its segment") in check.output
    assert "power_users: no YAML under models/ describes its mart seg_custom__power_users" in check.output


def test_other_lock_differences_are_named(tmp_path):
    def change(entries):
        entries[3]["columns"]["income_band"]["nullable"] = True
        entries[4]["segment_column"] = "country_source"
        entries[5]["columns"]["device_mix"]["values"].reverse()
        entries.pop()  # lifecycle

    problems = lock_differences(_with_custom(_with(change)), read_lock(PROJECT_DIR))
    assert "seg_lifecycle: in the lock, not in the registry" in problems
    # what the CRM receives is locked too, and the order its properties_hash reads them in
    crm = lock_differences(_with_custom(_with(lambda e: e[3]["columns"]["gender"].update(crm=True))),
                           read_lock(PROJECT_DIR))
    assert crm == ["seg_demographic: crm is ['sw_age_band', 'sw_gender'] in the registry, ['sw_age_band'] in the lock"]
    missing = lock_differences(_with_custom(_with(lambda e: e[6]["columns"]["company_segment"].update(missing="smb"))),
                               read_lock(PROJECT_DIR))
    assert missing == ["seg_firmographic: missing is {'company_segment': 'smb', 'needs_dedicated_account_manager': False} "
                       "in the registry, {'company_segment': 'unknown', 'needs_dedicated_account_manager': False} in the lock"]
    reordered = lock_differences(_with_custom(_with(lambda e: e.reverse())), read_lock(PROJECT_DIR))
    assert reordered and reordered[0].startswith("the models are in another order than in the lock")
    assert "seg_geographic: segment_column is 'country_source' in the registry, 'region' in the lock" in problems
    assert "seg_technographic.device_mix: the registry reorders the values" in problems
    assert "seg_demographic: nullable is ['gender', 'income_band'] in the registry, ['gender'] in the lock" in problems


def test_publish_and_export_refuse_an_unlocked_or_overridden_registry(tmp_path):
    """The gates both commands run: a registry its lock does not match, or a dbt run that replaced it with --vars,
    never reaches BI or the CRM."""
    with pytest.raises(GateError, match="replaced segment_registry with --vars"):
        check_registry({"args": {"vars": {"as_of_date": "2026-11-01", "segment_registry": []}}}, PROJECT_DIR)
    with pytest.raises(GateError, match="replaced segment_registry with --vars"):
        check_registry({"args": {"vars": "{segment_registry: []}"}}, PROJECT_DIR)
    check_registry({"args": {"vars": {"as_of_date": "2026-11-01"}}}, PROJECT_DIR)  # the reviewed registry passes
    project = _project_copy(tmp_path, _with(lambda e: e[0]["columns"]["behavioral_segment"]["values"].append("vip")))
    with pytest.raises(GateError, match="the registry adds vip"):
        check_registry({"args": {"project_dir": str(project)}}, PROJECT_DIR)


def test_a_missing_or_broken_lock_says_how_to_make_it(tmp_path):
    project = _project_copy(tmp_path)
    (project / LOCK_FILE).unlink()
    with pytest.raises(RegistryError, match="is missing: run `segments registry lock`"):
        locked_registry(project)
    (project / LOCK_FILE).write_text("models: [unclosed")
    with pytest.raises(RegistryError, match="not valid YAML"):
        read_lock(project)
    write_lock(load_registry(project), project)
    assert locked_registry(project)[1] == read_lock(PROJECT_DIR)


def test_the_accepted_values_tests_read_the_registry():
    """No segment value list is written by hand in the marts' YAML: each test of a registry value set calls
    segment_values for its own mart and column, and every registry value set has such a test."""
    tested = set()
    for path in [*(PROJECT_DIR / "models" / "marts" / "segments").glob("*.yml"), PROJECT_DIR / MODELS_YAML]:
        for model in yaml.safe_load(path.read_text()).get("models", []):
            for column in model.get("columns", []):
                for test in column.get("data_tests", []) or []:
                    for name, config in (test.items() if isinstance(test, dict) else []):
                        if name in ("accepted_values", "exhaustive_exclusive_segments"):
                            assert config["arguments"]["values"] == (
                                f"{{{{ segment_values('{model['name']}', '{column['name']}') }}}}"), (model["name"], column["name"])
                            tested.add((model["name"], column["name"]))
    registry = {(model.mart, name) for model in load_registry(PROJECT_DIR) for name in model.value_sets}
    assert tested == registry


def test_the_generated_yaml_is_up_to_date():
    result = CliRunner().invoke(main, ["registry", "sync", "--check", "--project-dir", str(PROJECT_DIR)])
    assert result.exit_code == 0, result.output


def test_a_registry_change_is_caught_until_synced(tmp_path):
    def send_csat(entries):
        entries[2]["columns"]["csat_category"]["crm"] = True

    project = _project_copy(tmp_path, _with(send_csat))
    runner = CliRunner()
    check = runner.invoke(main, ["registry", "sync", "--check", "--project-dir", str(project)])
    assert check.exit_code == 1
    assert "out of date: models/marts/reverse_etl/_reverse_etl__models.yml" in check.output
    assert "_dim_contact_segments.yml" not in check.output  # a crm flag changes the feed only
    sync = runner.invoke(main, ["registry", "sync", "--project-dir", str(project)])
    assert sync.exit_code == 0 and "1 file(s) written" in sync.output
    feed = yaml.safe_load((project / "models/marts/reverse_etl/_reverse_etl__models.yml").read_text())["models"][0]
    names = [column["name"] for column in feed["columns"]]
    assert names.index("sw_csat_category") == names.index("sw_nps_category") + 1
    assert runner.invoke(main, ["registry", "sync", "--check", "--project-dir", str(project)]).exit_code == 0


def test_registry_show_lists_every_model():
    result = CliRunner().invoke(main, ["registry", "show", "--project-dir", str(PROJECT_DIR)])
    assert result.exit_code == 0, result.output
    for name in ("seg_behavioral", "seg_firmographic", "sw_renewal_window", "never_active", "outreach_priority"):
        assert name in result.output
