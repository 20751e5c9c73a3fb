"""The Dagster definitions (segments_warehouse/orchestration.py) materialized in-process on generated data
(make test-integrations: needs the orchestration extra). The daily job builds every dbt model with its tests as
asset checks, then validates, publishes, exports and syncs to a fake HubSpot and a fake Salesforce; with a dbt
test broken on purpose, nothing is validated, published, exported or synced."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest
import yaml
from conftest import AS_OF, BIN_DIR, PROJECT_DIR, run_cli
from hubspot_fake import TOKEN, FakeHubSpot
from salesforce_fake import TOKEN as SALESFORCE_TOKEN
from salesforce_fake import FakeSalesforce

pytestmark = pytest.mark.integration

DATE = AS_OF.isoformat()


def salesforce_org() -> FakeSalesforce:
    """A fake org with every field the feed needs: the external id and the feed's sw_ columns (its YAML names them)."""
    models = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "reverse_etl" / "_reverse_etl__models.yml").read_text())
    [feed_model] = [m for m in models["models"] if m["name"] == "rev_etl__crm_contacts"]
    # its contacts are not known before the build: an org that accepts creates (as one with a flow setting LastName)
    return FakeSalesforce(["sw_email__c", *[f"{c['name']}__c" for c in feed_model["columns"] if c["name"].startswith("sw_")]],
                          requires_last_name=False)


def run_job(job, tmp_path, hubspot, extra_env=None, salesforce=None) -> dict:
    env = {"PATH": f"{BIN_DIR}:/usr/bin:/bin", "HOME": str(tmp_path), "DBT_PROFILES_DIR": str(PROJECT_DIR),
           "SEGMENTS_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
           "SEGMENTS_PUBLISHED_PATH": str(tmp_path / "published" / "segments.duckdb"),
           "SEGMENTS_EXPORT_DIR": str(tmp_path / "exports"), "SEGMENTS_DAGSTER_RUNS_DIR": str(tmp_path / "runs"),
           "DAGSTER_HOME": str(tmp_path / "dagster"), "HUBSPOT_ACCESS_TOKEN": TOKEN,
           "SEGMENTS_HUBSPOT_API_URL": hubspot.url, **(extra_env or {})}
    if salesforce is not None:
        env.update({"SALESFORCE_ACCESS_TOKEN": SALESFORCE_TOKEN, "SALESFORCE_INSTANCE_URL": salesforce.url})
    (tmp_path / "dagster").mkdir(exist_ok=True)
    done = subprocess.run([str(BIN_DIR / "python"), str(PROJECT_DIR / "tests" / "python" / "dagster_run.py"), job, DATE],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def generated(tmp_path):
    made = run_cli(["generate", "--contacts", "300", "--as-of", DATE, "--duckdb", str(tmp_path / "w.duckdb"), "--quiet"])
    assert made.returncode == 0, made.stderr
    return tmp_path


def test_the_daily_job_materializes_every_asset_with_its_checks(generated):
    with FakeHubSpot() as hubspot, salesforce_org() as salesforce:
        outcome = run_job("daily", generated, hubspot, salesforce=salesforce)
        assert outcome["success"], json.dumps(outcome["failures"])[:4000]
        assert outcome["checks_failed"] == []
        # the dbt tests of severity warn (orders whose contact the CRM does not have) warn in Dagster too
        assert outcome["checks_warned"] and all(name.startswith("relationships_") for name in outcome["checks_warned"])
        # the dbt data tests on one model are its asset checks (the singular tests, over many models, run in the
        # same dbt build and fail its step: the second test)
        assert len(outcome["checks_passed"]) > 300
        assert any(name.startswith("unique_") for name in outcome["checks_passed"])
        assert any(name.startswith("accepted_values_") for name in outcome["checks_passed"])
        # the dbt models are assets keyed by schema and name
        assert {"validation", "published_warehouse", "crm_export_file", "hubspot_sync", "salesforce_sync",
                "marts/dim_contact_segments",
                "marts/seg_behavioral", "staging/stg_crm__contacts"} <= set(outcome["materialized"])
        with duckdb.connect(str(generated / "published" / "segments.duckdb"), read_only=True) as con:
            published = con.execute("select count(*) from marts.dim_contact_segments").fetchone()[0]
        with duckdb.connect(str(generated / "w.duckdb"), read_only=True) as con:
            feed = con.execute("select count(*) from reverse_etl.rev_etl__crm_contacts").fetchone()[0]
            as_of = con.execute("select max(as_of_date) from marts.dim_contact_segments").fetchone()[0]
        assert published > 250 and str(as_of) == DATE
        assert len(list((generated / "exports").glob("crm_contacts_hubspot_*.csv"))) == 1
        assert len(hubspot.applied) == feed and set(hubspot.applied.values()) == {1}
        assert len(salesforce.applied) == feed and set(salesforce.applied.values()) == {1} and len(salesforce.jobs) == 1
        # the partition's run results are a complete `dbt build --selector daily_full` (what publish accepts)
        args = json.loads((generated / "runs" / "daily" / DATE / "run_results.json").read_text())["args"]
        assert args["which"] == "build" and args["selector"] == "daily_full" and not args.get("select")
        assert args["vars"]["as_of_date"] == DATE


def test_a_failed_dbt_test_stops_validate_publish_export_and_sync(generated):
    broken = {"SEGMENTS_DBT_VARS": json.dumps({"max_quarantine_share": 0.0001, "quarantine_gate_min_rows": 1})}
    with FakeHubSpot() as hubspot, salesforce_org() as salesforce:
        outcome = run_job("daily", generated, hubspot, broken, salesforce=salesforce)
        assert not outcome["success"]
        assert "assert_quarantine_share_within_threshold" in json.dumps(outcome["checks_failed"] + outcome["failures"])
        assert [f["step"] for f in outcome["failures"]] == ["warehouse_dbt"]
        assert not {"validation", "published_warehouse", "crm_export_file", "hubspot_sync"} & set(outcome["materialized"])
        assert not (generated / "published" / "segments.duckdb").exists()
        assert not (generated / "exports").exists() or list((generated / "exports").iterdir()) == []
        assert hubspot.requests == [] and salesforce.requests == []
