"""raw_crm.subscriptions and orders: plans, payments, refunds, currencies, and their dirt."""

from __future__ import annotations

import numpy as np

from .. import vocab
from .arrays import arrow_table, choice, repeat_versions, take, ts_array, version_times
from .dirt import IMPOSSIBLE_LOAD_TIMES, NON_FINITE_AMOUNTS, UNKNOWN_STATUSES, dirt_size, impossible_load_times, loader_dirt, with_copies
from .schema import DAY, HOUR
from .text_sql import TS_BAD_DATE, TS_WORDS, TS_Z, id_sql, ts_formats, ts_sql
from .world import World


def subscriptions(g: World) -> None:
    rng = g.rng("subscriptions")
    m = g.n_accounts
    status = choice(rng, m, [0.76, 0.08, 0.06, 0.10])  # index into vocab.SUBSCRIPTION_STATUSES
    started = g.end - DAY * rng.integers(20, 700, m) - rng.integers(0, DAY, m)
    renews_days = np.where(rng.random(m) < 0.08, -rng.integers(1, 90, m), rng.integers(0, 401, m))
    renews = g.day_start(-renews_days) + 12 * HOUR
    canceled = np.where(status == 3, g.end - DAY * rng.integers(1, 60, m), -1)
    renews = np.where(status == 3, canceled + 30 * DAY, renews)
    # older, canceled subscriptions of some accounts (a plan change or a churn-and-return)
    old = np.flatnonzero(rng.random(m) < 0.15)
    old_started = started[old] - DAY * rng.integers(60, 400, len(old))
    old_canceled = np.minimum(started[old] - DAY * rng.integers(0, 30, len(old)), started[old])
    sub = {
        "account": np.concatenate([np.arange(m), old]),
        "plan": np.concatenate([g.plan, rng.integers(0, len(vocab.PLANS), len(old))]),
        "status": np.concatenate([status, np.full(len(old), 3)]),
        "started": np.concatenate([started, old_started]),
        "renews": np.concatenate([renews, old_canceled + 30 * DAY]),
        "canceled": np.concatenate([canceled, old_canceled]),
    }
    order = np.lexsort((sub["started"], sub["account"]))
    sub = {k: v[order] for k, v in sub.items()}
    k = len(sub["account"])
    entity, version_no, latest, versions = repeat_versions(rng, k, 0.06, 2)
    changed = np.maximum(sub["started"], sub["canceled"])  # the last change: start or cancellation
    base_updated = np.minimum(changed + rng.integers(HOUR, 2 * DAY, k), g.end - 2 * HOUR)
    updated, loaded = version_times(rng, entity, version_no, latest, versions, base_updated, g.end - HOUR)
    g.expect("crm.subscriptions", "superseded_version", (~latest).sum())
    # an older version was still trialing
    status_row = np.where(~latest, 1, sub["status"][entity])
    rows = {"s": entity, "updated": updated, "loaded": loaded, "fmt": ts_formats(rng, len(entity)),
            "started_fmt": np.zeros(len(entity), dtype=np.int8), "blank": np.zeros(len(entity), dtype=np.int8),
            "status": status_row, "sid": entity, "bad_mrr": np.full(len(entity), -1)}
    candidates = np.flatnonzero(latest)
    picks = []
    for reason, overrides in [("missing_id", {"blank": 1}), ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                              ("unparseable_timestamp", {"started_fmt": TS_WORDS}),
                              ("future_timestamp", {"updated": g.far_future})]:
        pick = rng.choice(candidates, dirt_size(rng, len(candidates), 0.004), replace=False)
        picks.append((pick, {**overrides, "loaded": rows["loaded"][pick] + DAY}))
        g.expect("crm.subscriptions", reason, len(pick))
    # an impossible load time on a copy; a non-finite mrr (typed NaN or infinity) on a new subscription of the
    # account: a copy under the same id would supersede the good latest version and hide the subscription
    loader_dirt(g, "crm.subscriptions", candidates, [
        ("impossible_load_time", {"loaded": lambda pick: impossible_load_times(len(pick))}),
        ("non_finite_amount", {"sid": lambda pick: k + np.arange(len(pick)),
                               "bad_mrr": lambda pick: np.arange(len(pick)) % 3}),
    ], picks, 0.004)
    rows = with_copies(rows, picks)
    s = rows["s"]
    mrr = np.array([0.0, 29.0, 99.0, 499.0])[sub["plan"][s]] * (1 + sub["account"][s] % 5)
    table = arrow_table({
        "_k": np.arange(len(s)), "sid": rows["sid"], "bad_mrr": rows["bad_mrr"], "blank": rows["blank"], "fmt": rows["fmt"],
        "started_fmt": rows["started_fmt"], "updated": rows["updated"], "loaded": ts_array(rows["loaded"]),
        "account": sub["account"][s],
        "plan": take(vocab.PLANS + [p.title() for p in vocab.PLANS], sub["plan"][s] + 4 * (s % 9 == 0)),
        "status": take(vocab.SUBSCRIPTION_STATUSES, rows["status"]), "mrr": mrr,
        "currency": take(["USD", "EUR", "GBP"], sub["account"][s] % 3),
        "started": sub["started"][s], "renews": sub["renews"][s], "canceled": sub["canceled"][s],
    })
    width = max(6, len(str(int(rows["sid"].max()) + 1)))
    g.sink.write("raw_crm", "subscriptions", {
        "id": id_sql("s_", "sid + 1", width),
        "account_id": f"'a_' || lpad(cast(account + 1 as varchar), {g.awidth}, '0')",
        "plan": "plan", "status": "status", "currency": "currency",
        "mrr": "case bad_mrr when 0 then cast('NaN' as double) when 1 then cast('Infinity' as double) "
               "when 2 then cast('-Infinity' as double) else mrr end",
        "started_at": ts_sql("started", "started_fmt"), "renews_at": ts_sql("renews", TS_Z),
        "canceled_at": f"case when canceled < 0 then null else {ts_sql('canceled', TS_Z)} end",
        "updated_at": ts_sql("updated", "fmt"), "_loaded_at": "loaded",
    }, table)


def orders(g: World) -> None:
    rng = g.rng("orders")
    buyers = np.flatnonzero(g.buyer)
    count = np.minimum(rng.geometric(0.3, len(buyers)), 20)  # F scores 1..5 all occur
    contact = np.repeat(buyers, count)
    k = len(contact)
    starts = np.cumsum(count) - count
    position = np.arange(k) - np.repeat(starts, count)  # 0 = the buyer's latest order
    gaps = np.where(position == 0, 0, rng.integers(3, 90, k))
    cumulative = np.cumsum(gaps)
    days = np.repeat(rng.integers(0, 700, len(buyers)), count) + cumulative - np.repeat(cumulative[starts], count)
    ordered = g.day_start(np.minimum(days, 730)) + rng.integers(0, DAY, k)
    next_day = (position == 0) & (rng.random(k) < 0.004)  # on the partial day after as_of: ignored
    ordered = np.where(next_day, g.day_start(-1) + rng.integers(0, DAY // 2, k), ordered)
    currency_codes = list(vocab.CURRENCIES)
    currency = np.repeat(choice(rng, len(buyers), list(vocab.CURRENCIES.values())), count)
    amount = np.round(rng.lognormal(4.3, 0.9, k), 2)
    amount = np.where(currency_codes.index("JPY") == currency, np.round(amount * 150, 0), amount)
    status = np.where(rng.random(k) < 0.03, 2, 0)  # 0 paid, 1 refunded, 2 failed
    # refunds: their own rows, pointing at a paid order; positive or negative; sometimes the whole amount
    refunded = np.flatnonzero((status == 0) & ~next_day & (rng.random(k) < 0.06))
    full = rng.random(len(refunded)) < 0.5
    refund_amount = np.where(full, amount[refunded], np.round(amount[refunded] * rng.uniform(0.1, 0.9, len(refunded)), 2))
    refund_amount = np.where(rng.random(len(refunded)) < 0.4, -refund_amount, refund_amount)
    refund_at = np.minimum(ordered[refunded] + rng.integers(HOUR, 25 * DAY, len(refunded)), g.end - 60)
    o = {
        "contact": np.concatenate([contact, contact[refunded]]),
        "at": np.concatenate([ordered, refund_at]),
        "amount": np.concatenate([amount, refund_amount]),
        "currency": np.concatenate([currency, currency[refunded]]),
        "status": np.concatenate([status, np.ones(len(refunded), dtype=np.int64)]),
        "parent": np.concatenate([np.full(k, -1), refunded]),
        "dirt": np.zeros(k + len(refunded), dtype=np.int8),
    }
    # dirty orders: new orders of live buyers, each with one defect
    live_buyers = buyers[g.clean[buyers]]
    specs = [("missing_id", 1), ("unparseable_timestamp", 2), ("unparseable_timestamp", 3), ("unknown_status", 4),
             ("unknown_currency", 5), ("missing_amount", 6), ("negative_amount", 7), ("negative_amount", 8),
             ("future_timestamp", 9)]
    extra = {key: [] for key in o}
    for reason, code in specs:
        size = dirt_size(rng, len(live_buyers), 0.004)
        who = rng.choice(live_buyers, size) if size else np.zeros(0, dtype=np.int64)
        extra["contact"].append(who)
        extra["at"].append(g.day_start(rng.integers(0, 400, size)) + rng.integers(0, DAY, size))
        extra["amount"].append(np.round(rng.lognormal(4.0, 0.6, size), 2) * (-1 if code in (7, 8) else 1))
        extra["currency"].append(np.zeros(size, dtype=np.int64))
        extra["status"].append(np.full(size, 2 if code == 8 else 0))
        extra["parent"].append(np.full(size, -1))
        extra["dirt"].append(np.full(size, code, dtype=np.int8))
        g.expect("crm.orders", reason, size)
    # loader formats (their own random stream): an impossible load time, a non-finite or a malformed text amount
    loader = g.rng("crm.orders", "loader dirt")
    for reason, code in [("impossible_load_time", 10), ("non_finite_amount", 11), ("malformed_amount", 12)]:
        size = dirt_size(loader, len(live_buyers), 0.002, 2)
        extra["contact"].append(loader.choice(live_buyers, size) if size else np.zeros(0, dtype=np.int64))
        extra["at"].append(g.day_start(loader.integers(0, 400, size)) + loader.integers(0, DAY, size))
        extra["amount"].append(np.round(loader.lognormal(4.0, 0.6, size), 2))
        extra["currency"].append(np.zeros(size, dtype=np.int64))
        extra["status"].append(np.zeros(size, dtype=np.int64))
        extra["parent"].append(np.full(size, -1))
        extra["dirt"].append(np.full(size, code, dtype=np.int8))
        g.expect("crm.orders", reason, size)
    o = {key: np.concatenate([o[key], *extra[key]]).astype(o[key].dtype) for key in o}
    o["amount"] = np.where(o["dirt"] == 6, np.nan, o["amount"])
    # ids in order of contact and time
    order = np.lexsort((o["status"], o["at"], o["contact"]))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    o["parent"] = np.where(o["parent"] >= 0, rank[np.maximum(o["parent"], 0)], -1)
    o = {key: v[order] for key, v in o.items()}
    total = len(o["contact"])
    erased = g.erased[o["contact"]]

    # dirty orders come in one version; a re-extract of a clean order may differ in status spelling only
    entity, version_no, latest, versions = repeat_versions(rng, total, 0.08, eligible=o["dirt"] == 0)
    base_updated = o["at"] + rng.integers(60, 2 * HOUR, total)
    updated, loaded = version_times(rng, entity, version_no, latest, versions, base_updated,
                                    np.maximum(g.end - HOUR, o["at"][entity] + 3 * HOUR))
    updated = np.maximum(updated, o["at"][entity])
    g.expect("crm.orders", "erasure_requested", erased[entity].sum())
    g.expect("crm.orders", "superseded_version", (~latest & ~erased[entity]).sum())
    e = entity
    dirt = o["dirt"][e]
    status_text = np.where(dirt == 4, 6 + (e % len(UNKNOWN_STATUSES)),
                           o["status"][e] + 3 * ((e % 7 == 0) & latest))  # PAID etc. now and then
    currency_text = np.where(dirt == 5, len(currency_codes) + len(vocab.CURRENCY_SPELLINGS_EXTRA)
                             + e % len(vocab.UNKNOWN_CURRENCIES), o["currency"][e])
    spelled = (e % 11 == 0) & (dirt == 0) & (o["currency"][e] < 3)
    currency_text = np.where(spelled, len(currency_codes) + o["currency"][e], currency_text)
    live = ~erased[e] & latest & (dirt == 0)
    g.cleanable["crm.orders.status_needs_normalizing"] += int((live & (status_text >= 3)).sum())
    g.cleanable["crm.orders.currency_needs_normalizing"] += int((live & spelled).sum())
    g.cleanable["crm.orders.refunds"] += int((live & (o["status"][e] == 1)).sum())
    g.cleanable["crm.orders.negative_refund_amounts"] += int((live & (o["status"][e] == 1) & (o["amount"][e] < 0)).sum())
    g.cleanable["crm.orders.after_as_of"] += int((live & (o["at"][e] >= g.end)).sum())
    account = g.account[o["contact"][e]]
    width = max(6, len(str(total)))
    fmt = ts_formats(rng, len(e))
    table = arrow_table({
        "_k": np.arange(len(e)), "o": e, "c": o["contact"][e],
        "blank": (dirt == 1).astype(np.int8), "fmt": np.where(dirt == 2, TS_WORDS, fmt).astype(np.int8),
        "upd_fmt": np.where(dirt == 3, TS_BAD_DATE, TS_Z).astype(np.int8),
        "parent": o["parent"][e], "account": account, "amount": o["amount"][e],
        "currency": take(currency_codes + vocab.CURRENCY_SPELLINGS_EXTRA + vocab.UNKNOWN_CURRENCIES, currency_text),
        "status": take(["paid", "refunded", "failed", "PAID", "Refunded", "FAILED", *UNKNOWN_STATUSES], status_text),
        "ordered": o["at"][e], "updated": np.where(dirt == 9, g.far_future, updated),
        "loaded": ts_array(np.where(dirt == 10, np.array(IMPOSSIBLE_LOAD_TIMES)[e % 2], loaded)), "dirt": dirt,
    })
    # the amount as text, as a CSV loader lands it: the shortest text of the double, or the loader's dirt
    non_finite = ", ".join(f"'{value}'" for value in NON_FINITE_AMOUNTS)
    amount_text = f"""(case dirt
        when 11 then ([{non_finite}])[(o % {len(NON_FINITE_AMOUNTS)}) + 1]
        when 12 then (case when o % 2 = 0 then replace(printf('%.2f', amount), '.', ',')
                      else '1,' || printf('%03d', cast(floor(amount) as bigint) % 1000) || '.50' end)
        else cast(amount as varchar) end)"""
    g.sink.write("raw_crm", "orders", {
        "id": id_sql("o_", "o + 1", width),
        "contact_id": f"'c_' || lpad(cast(c + 1 as varchar), {g.width}, '0')",
        "account_id": f"case when account < 0 then null else 'a_' || lpad(cast(account + 1 as varchar), {g.awidth}, '0') end",
        "parent_order_id": f"case when parent < 0 then null else 'o_' || lpad(cast(parent + 1 as varchar), {width}, '0') end",
        "amount": amount_text, "currency": "currency", "status": "status",
        "ordered_at": ts_sql("ordered", "fmt"), "updated_at": ts_sql("updated", "upd_fmt"), "_loaded_at": "loaded",
    }, table)
