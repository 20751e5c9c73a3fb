"""`segments load` of a user's CSV files: every file fault named with its file, line and column and cause, and the
README's CSV path (segments load, then dbt build with every unit and data test) green on known-answer data."""

from __future__ import annotations

import json
import shutil

import duckdb
import known_answers as ka
import pytest
from conftest import WAREHOUSE_FILE, run_cli, run_dbt


@pytest.fixture(scope="module")
def csv_folder(tmp_path_factory):
    """Every raw table of the known-answer data as DIR/<raw schema>/<table>.csv, as a user would write them."""
    workdir = tmp_path_factory.mktemp("csv")
    source = workdir / "known.duckdb"
    ka.write(str(source))
    folder = workdir / "files"
    with duckdb.connect(str(source), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_schema like 'raw_%' order by 1, 2").fetchall()
        for schema, table in tables:
            (folder / schema).mkdir(parents=True, exist_ok=True)
            con.execute(f"copy {schema}.{table} to '{folder / schema / (table + '.csv')}' (header)")
    return folder


def _load(folder, tmp_path):
    target = tmp_path / WAREHOUSE_FILE
    result = run_cli(["load", "--from", str(folder), "--duckdb", str(target)])
    assert "Traceback" not in result.stderr, result.stderr
    return result, target


def _copy(csv_folder, tmp_path):
    folder = tmp_path / "files"
    shutil.copytree(csv_folder, folder)
    return folder


def test_latin1_file_is_refused_naming_the_encoding(csv_folder, tmp_path):
    folder = _copy(csv_folder, tmp_path)
    contacts = folder / "raw_crm" / "contacts.csv"
    text = contacts.read_text(encoding="utf-8").replace("Alex Rep", "José Rep", 1)
    contacts.write_bytes(text.encode("latin-1"))
    result, target = _load(folder, tmp_path)
    assert result.returncode == 2
    assert f"{contacts}: line 2 is not UTF-8 (byte 0xe9" in result.stderr
    assert "Latin-1" in result.stderr and "iconv" in result.stderr
    assert not target.exists()


def test_over_large_value_names_file_line_and_column(csv_folder, tmp_path):
    folder = _copy(csv_folder, tmp_path)
    tickets = folder / "raw_crm" / "tickets.csv"
    lines = tickets.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("subject")] = "x" * 2_500_000
    lines[1] = ",".join(row)
    tickets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, target = _load(folder, tmp_path)
    assert result.returncode == 2
    assert f"{tickets}: line 2, column 'subject': a value of 2,500,000 bytes" in result.stderr
    assert "at most 2,000,000 bytes per line" in result.stderr
    assert len(result.stderr) < 5_000  # the value itself is not printed
    assert not target.exists()


def test_empty_file_is_reported_as_empty(csv_folder, tmp_path):
    folder = _copy(csv_folder, tmp_path)
    (folder / "raw_crm" / "tickets.csv").write_bytes(b"")
    result, _ = _load(folder, tmp_path)
    assert result.returncode == 2
    assert f"{folder / 'raw_crm' / 'tickets.csv'}: the file is empty" in result.stderr
    assert "lacks column" not in result.stderr


def test_duplicate_header_is_refused_naming_it(csv_folder, tmp_path):
    folder = _copy(csv_folder, tmp_path)
    contacts = folder / "raw_crm" / "contacts.csv"
    lines = contacts.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("first_name", "Email", 1)
    contacts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, target = _load(folder, tmp_path)
    assert result.returncode == 2
    assert f"{contacts}: duplicate column 'Email' in the header (also 'email')" in result.stderr
    assert not target.exists()


def test_a_table_given_twice_is_refused_naming_both(csv_folder, tmp_path):
    folder = _copy(csv_folder, tmp_path)
    csv_path = folder / "raw_crm" / "contacts.csv"
    parquet_path = folder / "raw_crm" / "contacts.parquet"
    with duckdb.connect() as con:
        con.execute(f"copy (select * from read_csv('{csv_path}', all_varchar = true)) to '{parquet_path}' (format parquet)")
    (folder / "crm").mkdir()
    shutil.copy(folder / "raw_crm" / "orders.csv", folder / "crm" / "orders.csv")
    result, target = _load(folder, tmp_path)
    assert result.returncode == 2
    assert f"table raw_crm.contacts is given twice: {parquet_path} and {csv_path}" in result.stderr
    assert (f"table raw_crm.orders is given twice: {folder / 'raw_crm' / 'orders.csv'} and "
            f"{folder / 'crm' / 'orders.csv'}") in result.stderr
    assert not target.exists()


def test_unknown_files_are_listed_in_a_warning(csv_folder, tmp_path):
    folder = _copy(csv_folder, tmp_path)
    shutil.copy(folder / "raw_crm" / "tickets.csv", folder / "raw_crm" / "ticket.csv")
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    (folder / "raw_crm" / ".hidden").write_text("editor state", encoding="utf-8")
    result, target = _load(folder, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning: 2 file(s) under" in result.stderr
    assert "are no table of the contract and were not loaded: notes.txt, raw_crm/ticket.csv" in result.stderr
    assert target.exists()


def test_csv_files_build_green_with_every_unit_test(csv_folder, tmp_path):
    """The README's CSV path: segments load, then a full dbt build (unit tests included) on all-text raw tables,
    with the known answers."""
    result, target = _load(csv_folder, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("select data_type from information_schema.columns where table_schema = 'raw_crm' "
                           "and table_name = 'orders' and column_name = 'amount'").fetchone() == ("VARCHAR",)
    build = run_dbt(["build", "--vars", json.dumps({"as_of_date": ka.AS_OF})], target, tmp_path, unit_tests=True)
    assert build.returncode == 0, build.stdout[-6000:]
    with duckdb.connect(str(target), read_only=True) as con:
        behavioral = dict(con.execute("select contact_id, behavioral_segment from marts.seg_behavioral").fetchall())
        lifecycle = dict(con.execute("select contact_id, lifecycle_stage from marts.seg_lifecycle").fetchall())
        rfm = dict(con.execute("select contact_id, rfm_segment from marts.seg_value_based").fetchall())
    assert behavioral == {c: answers[0] for c, answers in ka.EXPECTED_CONTACTS.items()}
    assert rfm == {c: answers[1] for c, answers in ka.EXPECTED_CONTACTS.items()}
    assert lifecycle == {c: answers[8] for c, answers in ka.EXPECTED_CONTACTS.items()}
