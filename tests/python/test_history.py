"""Segment history: successive as_of_dates on the hand-written dataset, checked against movements worked out by
hand and against the membership snapshot of every build (the diff of two snapshots is the truth of the
transitions between them)."""

from __future__ import annotations

from collections import Counter

import duckdb
import known_answers as ka
import pytest
from conftest import WAREHOUSE_FILE, run_dbt

DATES = ["2026-11-01", "2026-11-03", "2026-11-10"]

# Worked out by hand from known_answers.py and docs/SEGMENTS.md:
KNOWN_MOVES = {
    # c02: 15 logins in the 30 days to 11-01 (power_user); two fall out of the window by 11-03, and its last login
    # (10-28) is within 7 days: active; by 11-10 it is not: at_risk
    ("c02", "behavioral", "2026-11-03"): ("power_user", "active", "moved"),
    ("c02", "behavioral", "2026-11-10"): ("active", "at_risk", "moved"),
    # c02 was born 2008-11-02: 17 on 11-01, 18 from 11-02
    ("c02", "demographic", "2026-11-03"): ("under_18", "18_24", "moved"),
    # c09: its only event is on 11-02: never_active on 11-01, new on 11-03
    ("c09", "behavioral", "2026-11-03"): ("never_active", "new", "moved"),
    # c92: created in the CRM on 11-05: enters every contact model on 11-10
    ("c92", "behavioral", "2026-11-10"): (None, "never_active", "entered"),
    ("c92", "lifecycle", "2026-11-10"): (None, "lead", "entered"),
    # c27: deleted in the CRM on 11-06 (a test edit below): exits every contact model on 11-10
    ("c27", "lifecycle", "2026-11-10"): ("lead", None, "exited"),
    ("c27", "demographic", "2026-11-10"): ("25_34", None, "exited"),
}


def build(path, workdir, as_of):
    """One daily build, dated as the README's daily job dates it: through SEGMENTS_AS_OF_DATE, not --vars. Its
    models, seeds and history hooks only: the tests compare every row of the history, duplicates kept
    (transitions() is a sorted list, not a set), and run the history marts' own data tests once a sequence of
    builds is done (history_data_tests)."""
    result = run_dbt(["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"], path, workdir,
                     extra_env={"SEGMENTS_AS_OF_DATE": as_of})
    assert result.returncode == 0, f"dbt build at {as_of} failed:\n{result.stdout[-6000:]}"
    with duckdb.connect(str(path), read_only=True) as con:
        return {(t, i, m): s for t, i, m, s in con.execute(
            "select entity_type, entity_id, segment_model, segment from marts.fct_segment_membership").fetchall()}


def history_data_tests(path, workdir, as_of):
    """The data tests of the history marts (unique keys, shares summing to one, accepted ranges, ...) on the
    history a sequence of builds left."""
    result = run_dbt(["test", "--select", "fct_segment_membership fct_segment_transitions agg_segment_size_daily"],
                     path, workdir, extra_env={"SEGMENTS_AS_OF_DATE": as_of})
    assert result.returncode == 0, f"the history marts' data tests failed after {as_of}:\n{result.stdout[-6000:]}"


def delete_c27_on_nov_6(path):
    with duckdb.connect(str(path)) as con:
        con.execute(
            "insert into raw_crm.contacts select * replace (true as is_deleted, '2026-11-06T00:00:00Z' as updated_at, "
            "timestamp '2026-11-06 01:00:00' as _loaded_at) from raw_crm.contacts where id = 'c27'")


def expected_transitions(snapshots: dict[str, dict]) -> set[tuple]:
    """(type, id, model, from, to, transition_type, date) from the membership snapshots, in date order."""
    rows, previous = set(), None
    for as_of, current in snapshots.items():
        if previous is None:
            rows |= {(*key, None, segment, "baseline", as_of) for key, segment in current.items()}
        else:
            for key in previous.keys() | current.keys():
                before, after = previous.get(key), current.get(key)
                if before != after:
                    kind = "entered" if before is None else "exited" if after is None else "moved"
                    rows.add((*key, before, after, kind, as_of))
        previous = current
    return rows


def transitions(path) -> list[tuple]:
    """Every row of the transitions mart, sorted, duplicates kept."""
    with duckdb.connect(str(path), read_only=True) as con:
        return sorted(((t, i, m, f, to, kind, str(d)) for t, i, m, f, to, kind, d in con.execute(
            "select entity_type, entity_id, segment_model, from_segment, to_segment, transition_type, transition_date "
            "from marts.fct_segment_transitions").fetchall()), key=repr)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("history")
    path = workdir / WAREHOUSE_FILE
    ka.write(str(path))
    snapshots = {}
    for as_of in DATES:
        if as_of == "2026-11-10":
            delete_c27_on_nov_6(path)
        snapshots[as_of] = build(path, workdir, as_of)
    history_data_tests(path, workdir, DATES[-1])
    return path, workdir, snapshots


def test_a_new_date_in_the_environment_keeps_dbts_partial_parse(tmp_path):
    """The daily date changes every run. Through --vars dbt re-parses the whole project first; through
    SEGMENTS_AS_OF_DATE, read only when dbt executes, it finds nothing changed (were the variable read while
    parsing, dbt would re-parse every file that reads it)."""
    path = tmp_path / "unused.duckdb"

    def parse(env, *args):
        result = run_dbt(["parse", "--log-level", "debug", *args], path, tmp_path, extra_env=env)
        assert result.returncode == 0, result.stdout[-3000:]
        return result.stdout

    parse({"SEGMENTS_AS_OF_DATE": "2026-11-01"})
    assert "Partial parsing enabled, no changes found, skipping parsing" in parse({"SEGMENTS_AS_OF_DATE": "2026-11-02"})
    assert "Unable to do partial parsing because config vars" in parse({}, "--vars", '{as_of_date: "2026-11-03"}')


def test_transitions_are_the_differences_between_successive_builds(history):
    path, _, snapshots = history
    expected = expected_transitions(snapshots)
    assert transitions(path) == sorted(expected, key=repr)
    kinds = Counter(row[5] for row in expected)
    assert kinds["baseline"] == len(snapshots[DATES[0]]) and kinds["moved"] and kinds["entered"] and kinds["exited"]


@pytest.mark.parametrize("move", sorted(KNOWN_MOVES), ids=lambda m: "-".join(m))
def test_known_movements(history, move):
    path, _, _ = history
    contact, model, as_of = move
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select from_segment, to_segment, transition_type from marts.fct_segment_transitions "
            "where entity_id = ? and segment_model = ? and transition_date = ?", [contact, model, as_of]).fetchall()
    assert rows == [KNOWN_MOVES[move]]


def test_daily_sizes_match_each_build_and_its_movements(history):
    path, _, snapshots = history
    with duckdb.connect(str(path), read_only=True) as con:
        series = con.execute(
            "select as_of_date, segment_model, segment, entities, entered, moved_in, moved_out, exited "
            "from marts.agg_segment_size_daily").fetchall()
    assert len(series) == len({(d, m, s) for d, m, s, *_ in series})  # one row per date, model and segment
    expected_rows = expected_transitions(snapshots)
    for as_of, snapshot in snapshots.items():
        sizes = Counter((model, segment) for (_, _, model), segment in snapshot.items())
        day = {(m, s): rest for d, m, s, *rest in series if str(d) == as_of}
        assert {key: values[0] for key, values in day.items() if values[0]} == dict(sizes)
        moves = [r for r in expected_rows if r[6] == as_of]
        assert sum(values[1] for values in day.values()) == sum(r[5] == "entered" for r in moves)
        assert sum(values[2] for values in day.values()) == sum(r[5] == "moved" for r in moves)
        assert sum(values[3] for values in day.values()) == sum(r[5] == "moved" for r in moves)
        assert sum(values[4] for values in day.values()) == sum(r[5] == "exited" for r in moves)
    c02 = {(str(d), s): (moved_in, moved_out) for d, m, s, _, _, moved_in, moved_out, _ in series if m == "behavioral"}
    assert c02[("2026-11-03", "power_user")][1] >= 1 and c02[("2026-11-03", "active")][0] >= 1


def test_rerun_is_idempotent_an_earlier_date_rewinds_and_erasure_reaches_the_past(history, tmp_path):
    path, _, snapshots = history
    copy = tmp_path / WAREHOUSE_FILE
    copy.write_bytes(path.read_bytes())
    before = transitions(copy)
    build(copy, tmp_path, DATES[-1])  # the same date again: nothing changes
    assert transitions(copy) == before
    build(copy, tmp_path, DATES[1])  # back to 11-03: the 11-10 rows are gone, 11-01 is kept, 11-03 is rebuilt
    after = transitions(copy)
    assert len(after) == len(set(after))  # no row twice
    assert [row for row in after if row[6] == DATES[0]] == [row for row in before if row[6] == DATES[0]]
    assert not any(row[6] == DATES[-1] for row in after)
    # the CRM now says c27 is deleted (raw data is read as loaded, not time-travelled): 11-03 gains its exit
    rebuilt = {row for row in after if row[6] == DATES[1]}
    previous = {row for row in before if row[6] == DATES[1]}
    assert previous <= rebuilt and {row[1] for row in rebuilt - previous} == {"c27"}
    with duckdb.connect(str(copy), read_only=True) as con:
        dates = {str(d) for (d,) in con.execute("select distinct as_of_date from marts.agg_segment_size_daily").fetchall()}
    assert dates == set(DATES[:2])
    history_data_tests(copy, tmp_path, DATES[1])
    # an erasure request: the next run removes the person from every date of the history
    assert any(row[1] == "c03" for row in after)
    with duckdb.connect(str(copy)) as con:
        con.execute("insert into raw_compliance.erasure_requests values "
                    "('er_c03', 'c03@example.com', '2026-11-02T00:00:00Z', timestamp '2026-11-02 01:00:00')")
    build(copy, tmp_path, DATES[1])
    assert not any(row[1] == "c03" for row in transitions(copy))
    history_data_tests(copy, tmp_path, DATES[1])
