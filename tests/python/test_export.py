"""Reverse-ETL export: only what changed since the last successful export, and a crash never marks rows synced."""

from __future__ import annotations

import csv
import json

import duckdb
from conftest import AS_OF, run_cli, run_dbt


def export(path, out_dir, fmt="hubspot", env=None):
    return run_cli(["export", "--to", str(out_dir), "--format", fmt, "--duckdb", str(path)], extra_env=env)


def files(out_dir):
    return sorted(p for p in out_dir.iterdir() if not p.name.startswith("."))


def change_contacts(path, workdir, how_many):
    """Change the segments of some contacts in a mart and rebuild the feed, as a new build would."""
    with duckdb.connect(str(path)) as con:
        emails = [r[0] for r in con.execute(
            "select email from reverse_etl.rev_etl__crm_contacts where sw_value_tier <> 'vip' order by email limit ?",
            [how_many]).fetchall()]
        con.execute(
            "update marts.dim_contact_segments set value_tier = 'vip' where contact_id in "
            "(select contact_id from intermediate.int_contacts__emails where email in (select unnest(?)))", [emails])
    result = run_dbt(["run", "--select", "rev_etl__crm_contacts", "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})],
                     path, workdir)
    assert result.returncode == 0, result.stdout[-3000:]
    return emails


def test_first_second_changed_and_crashed_exports(warehouse_copy, tmp_path):
    out = tmp_path / "out"
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        feed_rows = con.execute("select count(*) from reverse_etl.rev_etl__crm_contacts").fetchone()[0]
    assert feed_rows > 1000

    # first sync: everything
    first = export(warehouse_copy, out)
    assert first.returncode == 0, first.stderr
    [file] = files(out)
    with open(file, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == feed_rows
    assert set(rows[0]) >= {"Email", "sw_behavioral_segment", "sw_rfm_segment", "sw_company_segment"}
    assert "properties_hash" not in rows[0]

    # an immediate second sync: nothing
    second = export(warehouse_copy, out)
    assert second.returncode == 0 and "Nothing changed" in second.stderr
    assert len(files(out)) == 1

    # one contact changes: exactly one row
    [changed] = change_contacts(warehouse_copy, tmp_path, 1)
    third = export(warehouse_copy, out)
    assert third.returncode == 0, third.stderr
    newest = files(out)[-1]
    with open(newest, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Email"] for r in rows] == [changed]
    assert rows[0]["sw_value_tier"] == "vip"

    # a crash while writing: no complete file, nothing marked synced, the next run exports them again
    emails = change_contacts(warehouse_copy, tmp_path, 3)
    crashed = export(warehouse_copy, out, env={"SEGMENTS_EXPORT_CRASH_AFTER_ROWS": "2"})
    assert crashed.returncode != 0
    assert len(files(out)) == 2  # the partial file is hidden and never renamed
    retry = export(warehouse_copy, out)
    assert retry.returncode == 0, retry.stderr
    with open(files(out)[-1], newline="", encoding="utf-8") as handle:
        assert sorted(r["Email"] for r in csv.DictReader(handle)) == sorted(emails)
    assert "Nothing changed" in export(warehouse_copy, out).stderr


def test_parquet_and_csv_formats(warehouse_copy, tmp_path):
    result = export(warehouse_copy, tmp_path / "pq", fmt="parquet")
    assert result.returncode == 0, result.stderr
    [file] = files(tmp_path / "pq")
    with duckdb.connect() as con:
        columns = [r[0] for r in con.execute(f"describe select * from read_parquet('{file}')").fetchall()]
    assert columns[0] == "email" and "properties_hash" not in columns


def test_export_without_a_build_is_a_clear_error(tmp_path):
    result = export(tmp_path / "missing.duckdb", tmp_path / "out")
    assert result.returncode == 2
    assert "run `dbt build` first" in result.stderr and "Traceback" not in result.stderr
