"""Explanations (docs/registry.md, Explanations) in the session's built warehouse: every mart's explanation states
the values behind its segment, recomputed here from the mart's own columns; fct_segment_membership and
fct_segment_transitions carry them; `segments explain` prints them for one contact."""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner
from conftest import PROJECT_DIR

from segments_warehouse.cli import main
from segments_warehouse.registry import load_registry


def _number(value) -> str:
    """explain_value's number: whole without decimals, else two (half away from zero), null as null."""
    if value is None:
        return "null"
    if float(value).is_integer():
        return str(int(value))
    from decimal import ROUND_HALF_UP, Decimal
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def con(built_warehouse):
    with duckdb.connect(str(built_warehouse.path), read_only=True) as connection:
        yield connection


def test_membership_carries_every_marts_explanation(con):
    for model in load_registry(PROJECT_DIR):
        differing, rows = con.execute(f"""
            select count(*) filter (where m.explanation is distinct from s.{model.explanation_column}), count(*)
            from marts.{model.mart} s
            left join marts.fct_segment_membership m
                on m.segment_model = '{model.name}' and m.entity_id = s.{model.key}""").fetchone()
        assert rows > 0 and differing == 0, (model.name, differing, rows)
    assert con.execute("select count(*) from marts.fct_segment_membership where explanation is null "
                       "or explanation = ''").fetchone()[0] == 0


def test_behavioral_explanations_state_the_rule_and_its_values(con):
    rows = con.execute("select behavioral_segment, behavioral_segment_explanation, logins_7d, logins_30d, "
                       "core_events_30d, days_since_first_seen, days_since_last_login from marts.seg_behavioral").fetchall()
    expected = {
        "never_active": lambda r: "first_seen_at=null",
        "power_user": lambda r: f"logins_30d={r[3]} >= 15; core_events_30d={r[4]} >= 1",
        "new": lambda r: f"days_since_first_seen={r[5]} < 14",
        "active": lambda r: f"logins_7d={r[2]} > 0",
        "at_risk": lambda r: f"logins_7d={r[2]}; logins_30d={r[3]} > 0",
        "dormant": lambda r: f"logins_30d={r[3]}; days_since_last_login={_number(r[6])}",
    }
    assert {r[0] for r in rows} == set(expected)
    for row in rows:
        assert row[1] == expected[row[0]](row), row


def test_value_and_firmographic_explanations(con):
    for segment, explanation, r, f, days, orders in con.execute(
            "select rfm_segment, rfm_segment_explanation, r_score, f_score, days_since_last_order, paid_orders "
            "from marts.seg_value_based").fetchall():
        if segment == "prospect":
            assert explanation == f"paid_orders={orders} < 1"
        else:
            assert explanation == (f"r_score={r}; f_score={f} (seeds/rfm_segments.csv); "
                                   f"days_since_last_order={days}; paid_orders={orders}")
    bounds = {"smb": " <= 50", "mid_market": " <= 500", "enterprise": " > 500", "unknown": " (null or < 1)"}
    for segment, explanation, employees in con.execute(
            "select company_segment, company_segment_explanation, employee_count from marts.seg_firmographic").fetchall():
        assert explanation == f"employee_count={_number(employees)}{bounds[segment]}"


def test_custom_explanations_list_what_held_or_what_failed(con):
    rows = con.execute("""
        select p.power_users_segment, p.power_users_segment_explanation, b.logins_30d, b.core_events_30d
        from marts.seg_custom__power_users p join marts.seg_behavioral b using (contact_id)""").fetchall()
    assert {r[0] for r in rows} == {"member", "not_member"}
    for segment, explanation, logins, core in rows:
        if segment == "member":
            assert explanation == f"logins_30d={logins} > 15; core_events_30d={core} >= 1"
        else:  # an all that fails: its failing parts only
            failing = ([f"logins_30d={_number(logins)}, not > 15"] if not (logins or 0) > 15 else []) + (
                [f"core_events_30d={_number(core)}, not >= 1"] if not (core or 0) >= 1 else [])
            assert explanation == "; ".join(failing), (explanation, logins, core)

    for segment, explanation, revenue in con.execute("""
            select t.top_revenue_10pct_segment, t.top_revenue_10pct_segment_explanation, v.net_revenue
            from marts.seg_custom__top_revenue_10pct t join marts.seg_value_based v using (contact_id)""").fetchall():
        verdict = " in the top 10%" if segment == "member" else ", not in the top 10%"
        assert explanation == f"net_revenue={_number(revenue)}{verdict}"


def test_a_sets_explanation_follows_its_cases(con):
    rows = dict(con.execute("select outreach_priority_segment, any_value(outreach_priority_segment_explanation) "
                            "from marts.seg_custom__outreach_priority group by 1").fetchall())
    assert rows["excluded"] == "subscription_status=canceled"
    assert rows["holdout"] == "in the holdout: bucket of md5(contact_id, outreach_priority) below 1000 of 10000"
    assert rows["win_back"] == "inactive_7d=member"
    assert rows["nurture"].startswith("not rescue_trial (trial_ending_low_usage=not_member, not in (member)); "
                                      "not win_back (inactive_7d=not_member, not in (member)); not expand_account (")


def test_transitions_carry_the_new_states_explanation(con):
    differing, rows = con.execute("""
        select count(*) filter (where t.explanation is distinct from m.explanation), count(*)
        from marts.fct_segment_transitions t
        join marts.fct_segment_membership m using (entity_type, entity_id, segment_model)
        where t.transition_date = m.as_of_date""").fetchone()
    assert rows > 0 and differing == 0


def test_explain_prints_every_model_for_a_contact(built_warehouse, con):
    contact, account = con.execute("select contact_id, account_id from marts.dim_contact_segments "
                                   "where account_id is not null order by contact_id limit 1").fetchone()
    runner = CliRunner()
    done = runner.invoke(main, ["explain", contact, "--duckdb", str(built_warehouse.path), "--project-dir",
                                str(PROJECT_DIR), "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    models = load_registry(PROJECT_DIR)
    assert [m["segment_model"] for m in result["memberships"]] == [model.name for model in models]
    membership = {(r[0]): (r[1], r[2]) for r in con.execute(
        "select segment_model, segment, explanation from marts.fct_segment_membership "
        "where (entity_type = 'contact' and entity_id = ?) or (entity_type = 'account' and entity_id = ?)",
        [contact, account]).fetchall()}
    assert {m["segment_model"]: (m["segment"], m["explanation"]) for m in result["memberships"]} == membership
    assert result["account_id"] == account and result["transitions"]

    table = runner.invoke(main, ["explain", contact, "--duckdb", str(built_warehouse.path), "--project-dir",
                                 str(PROJECT_DIR)])
    assert table.exit_code == 0 and membership["behavioral"][1] in table.stdout

    unknown = runner.invoke(main, ["explain", "no-such-contact", "--duckdb", str(built_warehouse.path),
                                   "--project-dir", str(PROJECT_DIR)])
    assert unknown.exit_code == 2 and "'no-such-contact' is not in marts.dim_contact_segments" in unknown.output
    missing = runner.invoke(main, ["explain", contact, "--duckdb", str(built_warehouse.path.parent / "none.duckdb")])
    assert missing.exit_code == 2 and "does not exist: build the warehouse first" in missing.output
