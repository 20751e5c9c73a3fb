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


def _completes(times: list[tuple], steps: list[tuple[set, int | None]], window_start, as_of) -> bool:
    """The documented sequence, by brute force over one contact's events (time, name, day), oldest first: a chain
    of events, each strictly later than the one before and within its step's gap, the first in the window."""
    import datetime as dt

    def extend(previous_at, index: int) -> bool:
        if index == len(steps):
            return True
        names, gap = steps[index]
        return any(name in names and at > previous_at and (gap is None or at <= previous_at + dt.timedelta(days=gap))
                   and extend(at, index + 1) for at, name, _day in times)

    return any(name in steps[0][0] and window_start <= day <= as_of and extend(at, 1) for at, name, day in times)


def test_the_sequence_example_equals_its_rule_at_the_gap_limit(built_warehouse):
    """quick_invoicers (login, invoice within 1 day, sent within 2 days, first step in the last 30 days) equals the
    rule computed here by brute force over every chain of events (the boundaries, gaps exactly at the limit and
    equal times, are the differential test's), and its explanations say what completed or how far it got."""
    import datetime as dt

    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        as_of = con.execute("select max(as_of_date) from marts.seg_custom__quick_invoicers").fetchone()[0]
        rows = con.execute(
            "select contact_id, occurred_at, event_name, activity_date from intermediate.int_events__attributed "
            "where contact_id is not null and event_name in ('login', 'signed in', 'invoice_created', 'invoice_sent') "
            "order by contact_id, occurred_at").fetchall()
        members = _members(con, "quick_invoicers")
        explanations = dict(con.execute(
            "select contact_id, quick_invoicers_segment_explanation from marts.seg_custom__quick_invoicers").fetchall())
    events: dict[str, list[tuple]] = {}
    for contact, at, name, day in rows:
        events.setdefault(contact, []).append((at, name, day))
    steps = [({"login", "signed in"}, None), ({"invoice_created"}, 1), ({"invoice_sent"}, 2)]
    start = as_of - dt.timedelta(days=29)
    expected = {c for c, times in events.items() if _completes(times, steps, start, as_of)}
    assert expected and members == expected
    member = sorted(members)[0]
    assert explanations[member].startswith("sequence login or signed in, then invoice_created within 1 days, then "
                                           "invoice_sent within 2 days (last 30 days) completed at ")
    assert all(explanations[c].endswith(" of 3") for c in explanations if c not in members)


def test_the_roll_up_example_counts_the_accounts_active_contacts(built_warehouse):
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        counts = dict(con.execute(
            "select accounts.account_id, count(behavioral.contact_id) from intermediate.int_accounts__as_of as accounts "
            "left join intermediate.int_contacts__as_of as contacts on contacts.account_id = accounts.account_id "
            "left join marts.seg_behavioral as behavioral on behavioral.contact_id = contacts.contact_id "
            "and behavioral.logins_30d >= 1 group by accounts.account_id").fetchall())
        rows = con.execute("select account_id, active_teams_segment, active_teams_segment_explanation "
                           "from marts.seg_custom__active_teams").fetchall()
    assert {r[0] for r in rows} == set(counts)
    assert {r[0] for r in rows if r[1] == "member"} == {a for a, n in counts.items() if n >= 3} != set()
    for account, segment, why in rows:
        test = " >= 3" if segment == "member" else ", not >= 3"
        assert why == f"contacts where (logins_30d >= 1)={counts[account]}{test}", why
