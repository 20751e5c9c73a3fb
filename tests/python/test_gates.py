"""Gates: wrong data stops before BI and the CRM see it.

- dbt build fails with one message when a raw table's quarantine share passes its threshold (every event's
  timestamp in a form nothing parses);
- publish, export and sync are blocked when every order links to no contact, and when a segment doubles against the
  last publish; --accept-change lets that one dbt run through and records it, the next run is blocked again;
- the generated (demo-like) data passes every gate.
One extra dbt build (the broken raw data); the rest reuses the session's built warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import shutil

import duckdb
import pytest
from conftest import AS_OF, WAREHOUSE_FILE, run_cli, run_dbt, run_validate
from hubspot_fake import TOKEN, FakeHubSpot

from segments_warehouse.gates import DEFAULTS, GatesBlocked, check_release, evaluate, load_thresholds


def fresh_copy(source, path):
    """A private copy of the session's warehouse without the gates' record of an earlier publish from it."""
    shutil.copy(source, path)
    with duckdb.connect(str(path)) as con:
        con.execute("drop schema if exists gates cascade")
        con.execute("drop table if exists data_quality.gate_acknowledgements")


def files(out_dir):
    return sorted(p for p in out_dir.iterdir() if not p.name.startswith(".")) if out_dir.exists() else []


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export(path, out_dir, run_results, *extra):
    return run_cli(["export", "--to", str(out_dir), "--duckdb", str(path), "--run-results", str(run_results), *extra])


def publish(path, published, run_results, record, *extra):
    return run_cli(["publish", "--duckdb", str(path), "--to", str(published), "--run-results", str(run_results),
                    "--validation", str(record), *extra])


@pytest.fixture(scope="module")
def broken_build(built_warehouse, tmp_path_factory):
    """The generated data with every track's timestamp written 30/10/2026 12:00 (a form nothing parses) and every
    order pointing at a contact id the CRM does not have; rebuilt from raw."""
    workdir = tmp_path_factory.mktemp("broken")
    path = workdir / WAREHOUSE_FILE
    fresh_copy(built_warehouse.path, path)
    with duckdb.connect(str(path)) as con:
        con.execute("update raw_product.tracks set timestamp = strftime(received_at, '%d/%m/%Y %H:%M')")
        con.execute("update raw_crm.orders set contact_id = 'gone_' || contact_id")
        raw_tracks = con.execute("select count(*) from raw_product.tracks").fetchone()[0]
    result = run_dbt(["build", "--full-refresh", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})], path, workdir)
    return path, workdir, result, raw_tracks


def test_all_events_quarantined_fails_the_build_with_one_message(broken_build):
    path, workdir, result, raw_tracks = broken_build
    assert result.returncode != 0
    output = result.stdout
    assert "Traceback" not in output + result.stderr
    # the gate is the only failing node, and dbt prints its one message (also in the summary at the end)
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    failed = sorted(r["unique_id"] for r in results if r["status"] in ("error", "fail"))
    assert failed == ["test.segments.assert_quarantine_share_within_threshold"]
    [message] = {line.strip() for line in output.splitlines() if line.strip().startswith("Quarantine gate:")}
    with duckdb.connect(str(path), read_only=True) as con:
        [(count, rows_in)] = con.execute(
            "select row_count, rows_in from data_quality.fct_data_quality__staging_rows "
            "where table_name = 'tracks' and reason = 'unparseable_timestamp'").fetchall()
        sample = re.search(r"sample record id '([^']+)'", message).group(1)
        assert ("unparseable_timestamp",) in con.execute(
            "select reason from staging.stg_product__tracks_quarantined where record_id = ?", [sample]).fetchall()
    assert rows_in == raw_tracks and count > 0.95 * raw_tracks
    assert f"product.tracks: {count:,} of {rows_in:,} raw rows ({count / rows_in * 100:.1f}%) quarantined as " \
           "unparseable_timestamp, above the threshold of 20%" in message
    assert message.count("quarantined as") == 1  # only tracks passes a threshold: no other table is named
    # publish refuses the failed run
    refused = run_cli(["publish", "--duckdb", str(path), "--to", str(workdir / "published.duckdb"),
                       "--run-results", str(workdir / "target" / "run_results.json"),
                       "--validation", str(workdir / "none.json")])
    assert refused.returncode == 1 and "assert_quarantine_share_within_threshold" in refused.stderr
    assert not (workdir / "published.duckdb").exists()


def test_every_order_orphaned_blocks_publish_and_export(broken_build):
    path, workdir, _, _ = broken_build
    run_results = workdir / "target" / "run_results.json"
    with duckdb.connect(str(path), read_only=True) as con:
        orders = con.execute("select count(*) from staging.stg_crm__orders").fetchone()[0]
        orphaned = con.execute("select row_count from data_quality.fct_data_quality__flagged_records "
                               "where record_type = 'order'").fetchone()[0]
        later = con.execute("select count(*) from staging.stg_crm__orders where ordered_at >= ?",
                            [AS_OF + dt.timedelta(days=1)]).fetchone()[0]
    # every order up to as_of_date; the few dated later are not counted by data quality yet
    assert orders > 1000 and orphaned == orders - later and later < 10
    share = f"{orphaned / orders * 100:.1f}%"
    out = workdir / "out"
    blocked = export(path, out, run_results)
    assert blocked.returncode == 1, blocked.stderr
    assert "Traceback" not in blocked.stderr
    assert files(out) == []
    line = [text for text in blocked.stderr.splitlines() if text.startswith("not exported:")]
    assert len(line) == 1
    assert (f"orphans orders linking to no contact: - -> {share} ({orphaned:,} of {orders:,}); above the maximum of 50.0%"
            in line[0])
    # no published build yet: the change checks pass and say so, the orphan limit still applies
    assert "first publish: nothing to compare with" in blocked.stderr
    # the CRM sync: the same gate, before any API call
    with FakeHubSpot() as hubspot:
        sync = run_cli(["sync", "--to", "hubspot", "--duckdb", str(path), "--run-results", str(run_results)],
                       extra_env={"HUBSPOT_ACCESS_TOKEN": TOKEN, "SEGMENTS_HUBSPOT_API_URL": hubspot.url})
        assert sync.returncode == 1, sync.stderr
        assert [t for t in sync.stderr.splitlines() if t.startswith("not synced:")] == [line[0].replace("not exported:", "not synced:")]
        assert hubspot.requests == []
    # publish: the same gate, before anything is copied (the library call; the CLI refuses this failed run first)
    with pytest.raises(GatesBlocked) as error:
        check_release(path, "publish", run_results)
    assert f"orphans orders linking to no contact: - -> {share}" in str(error.value)
    assert [c.key for c in error.value.report.blocked] == ["orphans:orders linking to no contact"]


def test_demo_like_data_passes_then_a_doubled_segment_is_blocked_until_accepted(built_warehouse, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    fresh_copy(built_warehouse.path, path)
    run_results = tmp_path / "run_results.json"
    shutil.copy(built_warehouse.workdir / "target" / "run_results.json", run_results)
    invocation = json.loads(run_results.read_text())["metadata"]["invocation_id"]
    published = tmp_path / "published" / "segments.duckdb"
    out = tmp_path / "out"

    # the generated data passes every gate; the first publish has nothing to compare with
    validated, record = run_validate(path, run_results, tmp_path)
    assert validated.returncode == 0, validated.stderr[-3000:]
    first = publish(path, published, run_results, record)
    assert first.returncode == 0, first.stderr
    assert "first publish: nothing to compare with" in first.stderr and "BLOCKED" not in first.stderr
    exported = export(path, out, run_results)
    assert exported.returncode == 0, exported.stderr
    assert len(files(out)) == 1 and "BLOCKED" not in exported.stderr
    assert "segment sizes within the thresholds" in exported.stderr

    # a segment doubles (as a bug would double it), with contacts to export
    with duckdb.connect(str(path)) as con:
        [(segment, size)] = con.execute(
            "select segment, entities from marts.agg_segment_summary where segment_model = 'behavioral' "
            "and entities > 100 order by entities, segment limit 1").fetchall()
        con.execute("update marts.agg_segment_summary set entities = entities * 2 "
                    "where segment_model = 'behavioral' and segment = ?", [segment])
        con.execute("delete from reverse_etl.sync_state where email in "
                    "(select email from reverse_etl.sync_state order by email limit 5)")
    change = f"segment behavioral/{segment}: {size:,} -> {2 * size:,} (+{size:,}, +100%)"
    before = digest(published)
    blocked_export = export(path, out, run_results)
    assert blocked_export.returncode == 1 and change in blocked_export.stderr, blocked_export.stderr
    assert len(files(out)) == 1
    blocked_publish = publish(path, published, run_results, record)
    assert blocked_publish.returncode == 1 and "not published:" in blocked_publish.stderr
    assert change in blocked_publish.stderr and "--accept-change" in blocked_publish.stderr
    assert digest(published) == before
    # the CRM sync: the same size gate, before any API call (nothing it has sent, so every contact would go)
    with FakeHubSpot() as hubspot:
        blocked_sync = run_cli(["sync", "--to", "hubspot", "--duckdb", str(path), "--run-results", str(run_results)],
                               extra_env={"HUBSPOT_ACCESS_TOKEN": TOKEN, "SEGMENTS_HUBSPOT_API_URL": hubspot.url})
        assert blocked_sync.returncode == 1 and "not synced:" in blocked_sync.stderr, blocked_sync.stderr
        assert change in blocked_sync.stderr and hubspot.requests == []

    # accepted once: exported, and recorded with who, when, why, which check, for this dbt run
    accepted = export(path, out, run_results, "--accept-change", "spring campaign doubled it")
    assert accepted.returncode == 0, accepted.stderr
    assert len(files(out)) == 2
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("select command, dbt_invocation_id, gate_check, change, reason, acknowledged_by, "
                           "acknowledged_at from data_quality.gate_acknowledgements").fetchall()
    assert [row[:5] for row in rows] == [("export", invocation, f"segment:behavioral/{segment}",
                                          f"{size:,} -> {2 * size:,} (+{size:,}, +100%): changed by more than 50% "
                                          "and 100 rows since the last publish", "spring campaign doubled it")]
    assert rows[0][5] and rows[0][6] is not None
    # the same dbt run is let through by that acknowledgement (publish too); the published file carries it
    honoured = publish(path, published, run_results, record)
    assert honoured.returncode == 0, honoured.stderr
    assert "accepted by" in honoured.stderr and "spring campaign doubled it" in honoured.stderr
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from data_quality.gate_acknowledgements").fetchone()[0] == 1

    # the next dbt run is checked afresh: it doubles the segment again against the new publish, and is blocked
    with duckdb.connect(str(path)) as con:
        con.execute("update marts.agg_segment_summary set entities = entities * 2 "
                    "where segment_model = 'behavioral' and segment = ?", [segment])
        con.execute("delete from reverse_etl.sync_state where email in "
                    "(select email from reverse_etl.sync_state order by email limit 5)")
    next_run = tmp_path / "next_run_results.json"
    results = json.loads(run_results.read_text())
    results["metadata"]["invocation_id"] = "next-" + invocation
    next_run.write_text(json.dumps(results))
    again = export(path, out, next_run)
    assert again.returncode == 1, again.stderr
    assert f"segment behavioral/{segment}: {2 * size:,} -> {4 * size:,} (+{2 * size:,}, +100%)" in again.stderr
    assert len(files(out)) == 2
    with open(files(out)[-1], newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 5


def test_thresholds_come_from_the_project_then_the_run_vars(tmp_path):
    assert load_thresholds(None, tmp_path) == DEFAULTS  # no project file: the documented defaults
    from conftest import PROJECT_DIR

    assert load_thresholds(None, PROJECT_DIR) == DEFAULTS  # dbt_project.yml says the same
    results = {"args": {"project_dir": str(PROJECT_DIR), "vars": {"gate_max_relative_change": 2, "other": 1}}}
    assert load_thresholds(results)["gate_max_relative_change"] == 2
    with pytest.raises(Exception, match="gate_max_orphan_share is a share"):
        load_thresholds({"args": {"vars": "{gate_max_orphan_share: 5}"}}, tmp_path)


def test_change_and_orphan_limits_at_their_boundaries():
    limits = dict(DEFAULTS)  # 50% and 100 rows; orphans 50%, +10 points, at least 100 orphaned
    published = [("segment", "behavioral/active", 1000.0, None), ("segment", "behavioral/new", 150.0, None),
                 ("volume", "crm.orders", 200.0, None), ("orphans", "orders", 100.0, 1000.0)]

    def statuses(now):
        return {c.key: (c.status, c.change) for c in evaluate(now, published, limits)}

    # exactly 50% / exactly 100 rows is not beyond the threshold; one more is
    assert statuses([("segment", "behavioral/active", 1500.0, None), ("segment", "behavioral/new", 50.0, None),
                     ("volume", "crm.orders", 300.0, None), ("orphans", "orders", 200.0, 1000.0)]) == {
        "segment:behavioral/active": ("pass", "+500, +50%"),
        "segment:behavioral/new": ("pass", "-100, -67%"),  # 67% but only 100 rows: small segments do not flap
        "volume:crm.orders": ("pass", "+100, +50%"),
        "orphans:orders linking to no contact": ("pass", "+10.0 points"),
    }
    assert statuses([("segment", "behavioral/active", 1501.0, None), ("segment", "behavioral/new", 49.0, None),
                     ("segment", "behavioral/dormant", 101.0, None), ("volume", "crm.orders", 301.0, None),
                     ("orphans", "orders", 201.0, 1000.0)]) == {
        "segment:behavioral/active": ("blocked", "+501, +50%"),
        "segment:behavioral/new": ("blocked", "-101, -67%"),
        "segment:behavioral/dormant": ("blocked", "+101, new"),  # a segment that appears counts from 0
        "volume:crm.orders": ("blocked", "+101, +50%"),
        "orphans:orders linking to no contact": ("blocked", "+10.1 points"),
    }
    # a segment that disappears counts to 0; no published build: only the orphan limit, above 50% with >= 100 rows
    assert statuses([("segment", "behavioral/active", 1000.0, None), ("volume", "crm.orders", 200.0, None),
                     ("orphans", "orders", 100.0, 1000.0)])["segment:behavioral/new"] == ("blocked", "-150, -100%")
    first = {c.key: c.status for c in evaluate([("segment", "behavioral/active", 5.0, None),
                                                ("orphans", "orders", 99.0, 99.0), ("orphans", "events", 101.0, 200.0)],
                                               None, limits)}
    assert first == {"segment:behavioral/active": "pass", "orphans:orders linking to no contact": "pass",
                     "orphans:events linking to no contact": "blocked"}
