"""Operations faults (issue 18 part 6): publish trusts only a complete production build; a locked warehouse or a
full disk during publish or export is one clear message; the .partial files a kill or a full disk leaves are
removed by the next run; a kill between the export file's rename and its sync-state commit sends nothing twice."""

from __future__ import annotations

import csv
import errno
import json
import shutil

import duckdb
import pytest
from click.testing import CliRunner
from conftest import run_cli

from segments_warehouse import export as export_module
from segments_warehouse import publish as publish_module
from segments_warehouse.cli import main
from segments_warehouse.export import ExportError, export_changes
from segments_warehouse.publish import PublishRefused, check_run_results, publish


def _run_results(built_warehouse, tmp_path, **args):
    document = json.loads((built_warehouse.workdir / "target" / "run_results.json").read_text())
    document["args"].update(args)
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(document))
    return path


def test_publish_trusts_only_a_complete_build(built_warehouse, tmp_path):
    check_run_results(built_warehouse.workdir / "target" / "run_results.json")  # the full build
    check_run_results(_run_results(built_warehouse, tmp_path, selector="daily_full"))
    refusals = {
        "docs": ({"which": "generate", "invocation_command": "dbt docs generate"}, "is from `dbt docs generate`, not a `dbt build`"),
        "select": ({"select": ["seg_behavioral+"]}, "is from a partial build (--select seg_behavioral+)"),
        "exclude": ({"exclude": ["marts"]}, "is from a partial build (--exclude marts)"),
        "selector": ({"selector": "segments_only"}, "is from a partial build (--selector segments_only)"),
    }
    for name, (args, message) in refusals.items():
        with pytest.raises(PublishRefused, match=None) as refused:
            check_run_results(_run_results(built_warehouse, tmp_path, **args))
        assert message in str(refused.value), name
    # every node must have succeeded: an unknown status is not a success
    document = json.loads((built_warehouse.workdir / "target" / "run_results.json").read_text())
    document["results"][0]["status"] = "partial success"
    (tmp_path / "odd.json").write_text(json.dumps(document))
    with pytest.raises(PublishRefused, match="failed or skipped node"):
        check_run_results(tmp_path / "odd.json")


def test_full_disk_during_publish_keeps_the_last_publish_and_cleans_up(built_warehouse, tmp_path, monkeypatch):
    run_results = built_warehouse.workdir / "target" / "run_results.json"
    published = tmp_path / "pub" / "segments.duckdb"
    publish(built_warehouse.path, published, run_results)
    before = published.read_bytes()
    stale = published.with_name(f".{published.name}.999999999.partial")  # a killed publish (no such process)
    stale.write_bytes(b"half a file")

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish_module.os, "fsync", full)
    with pytest.raises(PublishRefused) as refused:
        publish(built_warehouse.path, published, run_results)
    assert "the disk is full" in str(refused.value) and "the last good publish stays in place" in str(refused.value)
    assert published.read_bytes() == before
    assert sorted(p.name for p in published.parent.iterdir()) == [published.name]  # no partial, old one removed too


def _feed_size(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from reverse_etl.rev_etl__crm_contacts_changes").fetchone()[0]


def _visible(out):
    return sorted(p for p in out.iterdir() if not p.name.startswith("."))


def test_export_of_a_warehouse_in_use_is_one_message(warehouse_copy, tmp_path):
    with duckdb.connect(str(warehouse_copy)):  # a running dbt build holds the same write lock
        result = run_cli(["export", "--to", str(tmp_path / "out"), "--duckdb", str(warehouse_copy)])
    assert result.returncode == 2
    assert "is in use by another process, e.g. a dbt build that is still running" in result.stderr
    assert "Traceback" not in result.stderr


def test_full_disk_during_export_marks_nothing_synced(warehouse_copy, tmp_path, monkeypatch):
    out = tmp_path / "out"
    total = _feed_size(warehouse_copy)
    real_open = open

    class FullDisk:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def write(self, text):
            self.written += len(text)
            if self.written > 10_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(text)

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(export_module, "open", lambda *a, **k: FullDisk(real_open(*a, **k)), raising=False)
    with pytest.raises(ExportError) as failed:
        export_changes(str(warehouse_copy), str(out))
    assert "the disk is full" in str(failed.value) and "no row was marked synced" in str(failed.value)
    assert list(out.iterdir()) == []  # no partial file left behind
    assert _feed_size(warehouse_copy) == total
    monkeypatch.undo()
    (out / ".crm_contacts_hubspot_20260101T000000000000Z.csv.partial").write_text("Email\nhalf")  # a killed run
    result = export_changes(str(warehouse_copy), str(out))
    assert result.rows == total
    assert [p.name for p in out.iterdir()] == [result.path.name]


def test_a_kill_between_rename_and_commit_sends_nothing_twice(warehouse_copy, tmp_path):
    out = tmp_path / "out"
    total = _feed_size(warehouse_copy)
    killed = run_cli(["export", "--to", str(out), "--duckdb", str(warehouse_copy)],
                     extra_env={"SEGMENTS_EXPORT_CRASH_AT": "after_rename"})
    assert killed.returncode == 70
    [delivered] = _visible(out)
    with open(delivered, newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == total
    assert _feed_size(warehouse_copy) == total  # the sync state was not committed
    rerun = run_cli(["export", "--to", str(out), "--duckdb", str(warehouse_copy)])
    assert rerun.returncode == 0, rerun.stderr
    assert f"{delivered} was delivered by an export that was stopped before recording it" in rerun.stderr
    assert "Nothing changed since the last export" in rerun.stderr
    assert _visible(out) == [delivered]
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        assert con.execute("select count(*), min(export_file), max(export_file) from reverse_etl.sync_state").fetchone() == (
            total, delivered.name, delivered.name)
        assert con.execute("select count(*) from reverse_etl.export_pending").fetchone() == (0,)
    # a file recorded as pending but never renamed into place was not delivered: its rows go out again
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("delete from reverse_etl.sync_state where email in "
                    "(select email from reverse_etl.sync_state order by email limit 5)")
        con.execute("insert into reverse_etl.export_pending select ?, email, properties_hash, now()::timestamp "
                    "from reverse_etl.rev_etl__crm_contacts_changes", [str(out / "crm_contacts_never_written.csv")])
    again = run_cli(["export", "--to", str(out), "--duckdb", str(warehouse_copy)])
    assert again.returncode == 0, again.stderr
    assert "Exported 5 changed contact(s)" in again.stderr


def test_summary_title_and_published_tables(built_warehouse, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copy(built_warehouse.path, copy)
    result = CliRunner().invoke(main, ["summary", "--run-results", str(built_warehouse.workdir / "target" / "run_results.json"),
                                       "--duckdb", str(copy)])
    assert result.exit_code == 0, result.output
    output = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert "dbt build: " in output and "dbt build --vars" not in output
    assert "marts.seg_behavioral" in output and "reverse_etl.sync_state" not in output


def test_first_run_texts(tmp_path):
    """`make help` expands $(DEMO_CONTACTS); `segments --help` shows every command's whole first paragraph."""
    import subprocess

    from conftest import PROJECT_DIR

    made = subprocess.run(["make", "--no-print-directory", "help"], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "$(DEMO_CONTACTS)" not in made.stdout and "generate demo data (10000 contacts)" in made.stdout
    # docs never write the build's run_results.json, and say how to open the site
    docs = subprocess.run(["make", "--no-print-directory", "-n", "docs"], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert "dbt docs generate --vars '{}' --target-path target/docs" in docs.stdout
    assert "dbt docs serve --target-path target/docs --host 127.0.0.1" in docs.stdout
    helped = CliRunner().invoke(main, ["--help"], terminal_width=100)
    assert helped.exit_code == 0
    commands = helped.output.split("Commands:")[1]
    assert "..." not in commands
    text = " ".join(helped.output.split())
    for command in main.commands.values():
        first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
        assert first_paragraph.replace("- ", "-") in text.replace("- ", "-"), command.name
