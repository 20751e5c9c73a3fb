"""The shipped custom segments (segments/examples.yml) in the session's built warehouse: each equals its rule
computed here from the marts, the set's priorities and exclusions hold, and the holdout is the documented hash,
so it is stable between runs and engines, with a share within 1 point of its target at 100,000 ids."""

from __future__ import annotations

import hashlib

import duckdb


def _bucket(key: str, name: str) -> int:
    return int(hashlib.md5(f"{key}:{name}".encode()).hexdigest()[:8], 16) % 10000


def _members(con, name: str, key: str = "contact_id") -> set[str]:
    return {row[0] for row in con.execute(
        f"select {key} from marts.seg_custom__{name} where {name}_segment = 'member'").fetchall()}


def test_the_examples_equal_their_rules(built_warehouse):
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        power = {r[0] for r in con.execute("select contact_id from marts.seg_behavioral "
                                           "where logins_30d > 15 and core_events_30d >= 1").fetchall()}
        assert power and _members(con, "power_users") == power
        # the custom did-X-not-Y is the built-in invoice_not_sent flag, written as a definition
        flagged = {r[0] for r in con.execute("select contact_id from marts.seg_needs_based where invoice_not_sent").fetchall()}
        assert flagged and _members(con, "invoice_created_not_sent") == flagged
        large = {r[0] for r in con.execute("select account_id from marts.seg_firmographic where employee_count > 500").fetchall()}
        assert large and _members(con, "large_companies", "account_id") == large
        revenue = con.execute("select contact_id, net_revenue from marts.seg_value_based where net_revenue is not null").fetchall()
        top = {c for c, v in revenue if sum(1 for _, other in revenue if other > v) < 0.10 * len(revenue)}
        assert top and _members(con, "top_revenue_10pct") == top
        builders = {r[0] for r in con.execute(
            "select contact_id from intermediate.int_events__attributed where event_name = 'report_created' and contact_id is not null "
            "group by contact_id having count(*) >= 15").fetchall()}
        assert _members(con, "report_builders") == builders
        rows = con.execute("select count(*), count(distinct contact_id) from marts.seg_custom__inactive_7d").fetchone()
        assert rows[0] == rows[1] == con.execute("select count(*) from marts.dim_contact_segments").fetchone()[0]


def test_a_set_excludes_then_holds_out_then_takes_the_first_match(built_warehouse):
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        rows = con.execute("""
            select o.contact_id, o.outreach_priority_segment, l.subscription_status, t.trial_ending_low_usage_segment,
                   i.inactive_7d_segment
            from marts.seg_custom__outreach_priority o
            join marts.seg_lifecycle l using (contact_id)
            join marts.seg_custom__trial_ending_low_usage t using (contact_id)
            join marts.seg_custom__inactive_7d i using (contact_id)""").fetchall()
    assert rows
    for contact, segment, status, trial, inactive in rows:
        if status == "canceled":
            assert segment == "excluded", contact
        elif _bucket(contact, "outreach_priority") < 1000:
            assert segment == "holdout", contact
        elif trial == "member":
            assert segment == "rescue_trial", contact
        elif inactive == "member":
            assert segment == "win_back", contact
        else:
            assert segment in ("expand_account", "nurture"), contact
    assert {segment for _, segment, *_ in rows} >= {"excluded", "holdout", "win_back", "nurture"}


def test_the_holdout_share_is_within_a_point_of_its_target():
    for share in (0.05, 0.1, 0.5):
        held = sum(_bucket(f"contact_{i:06d}", "any_set") < share * 10000 for i in range(100_000))
        assert abs(held / 100_000 - share) < 0.01, (share, held)
    # a different set name gives an independent draw
    first = {i for i in range(10_000) if _bucket(f"c{i}", "a") < 1000}
    second = {i for i in range(10_000) if _bucket(f"c{i}", "b") < 1000}
    assert 50 < len(first & second) < 150  # about 10 % of 10 %
