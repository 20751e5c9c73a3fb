"""raw_product.identifies: sign-ups, second devices, re-identifies (anonymous id -> user id -> email), and their dirt."""

from __future__ import annotations

import numpy as np

from .arrays import arrow_table, mix, take, ts_array
from .dirt import FUTURE_DAYS, IMPLAUSIBLE_EPOCH, dirt_size, impossible_event_load_times, with_copies
from .schema import DAY, HOUR
from .text_sql import TS_BAD_DATE, TS_WORDS, email_sql, hex_id_sql, ts_formats, ts_sql
from .words import DOMAINS, FIRST_NAMES, LAST_NAMES, OUTSIDERS
from .world import NEVER, World


def write_identifies(g: World, rng, users: np.ndarray, ghost_emails: bool = False) -> None:
    """The sign-up identify of each user (anonymous id -> user id -> email), a second device's, re-identifies."""
    if ghost_emails:
        k = len(users)
        rows = {"who": users, "anon": 2 * g.n + g.orphan_user_pool * 4 + users,
                "user": g.n_users + g.orphan_user_pool + users + 1,
                "ts": g.day_start(rng.integers(30, 120, k)) + rng.integers(0, DAY, k),
                "variant": np.zeros(k, dtype=np.int8), "outsider": np.ones(k, dtype=bool)}
    else:
        never = g.persona[users] == NEVER
        signup = np.where(never, g.day_start(g.first_day[users]) + rng.integers(0, DAY, len(users)),
                          g.signup[users])
        second = users[g.device_pattern[users] == 2]
        second_at = signup[g.device_pattern[users] == 2]
        second_at = second_at + ((g.end - 60 - second_at) * rng.random(len(second))).astype(np.int64)
        again = rng.random(len(users)) < 0.25
        again_at = signup[again] + ((g.end - 60 - signup[again]) * rng.random(int(again.sum()))).astype(np.int64)
        who = np.concatenate([users, second, users[again]])
        rows = {
            "who": who,
            "anon": np.concatenate([2 * users, 2 * second + 1, 2 * users[again]]),
            "user": g.user_no[who],
            "ts": np.concatenate([signup, second_at, again_at]),
            "variant": np.concatenate([g.email_variant[users], rng.integers(0, 5, len(second) + int(again.sum()))]).astype(np.int8),
            "outsider": np.zeros(len(who), dtype=bool),
        }
    k = len(rows["who"])
    order = np.lexsort((rows["ts"], rows["who"]))
    rows = {key: v[order] for key, v in rows.items()}
    rows["anon"] = mix(rows["anon"], g.salt)
    rows["received"] = rows["ts"] + rng.integers(1, 300, k)
    rows["uuid"] = rows["received"] + rng.integers(60, 3 * HOUR, k)
    rows["fmt"] = ts_formats(rng, k)
    rows["blank"] = np.zeros(k, dtype=np.int8)
    rows["seq"] = g.identify_seq + np.arange(k)
    g.identify_seq += k
    if not ghost_emails:
        erased = g.erased[rows["who"]]
        g.expect("product.identifies", "erasure_requested", erased.sum())
        candidates = np.flatnonzero(g.clean[rows["who"]])
        picks = []
        specs = [("missing_id", {"blank": 1}), ("missing_identity", {"user": -1, "anon": -1}),
                 ("unparseable_timestamp", {"fmt": TS_WORDS}), ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                 ("implausible_timestamp", {"ts": "1900"}), ("future_timestamp", {"ts": "future"}),
                 ("duplicate_event", {})]
        for reason, spec in specs:
            size = dirt_size(rng, len(candidates), 0.0015)
            pick = np.sort(rng.choice(candidates, size, replace=False))
            overrides = {key: value for key, value in spec.items() if key != "ts"}
            if reason == "duplicate_event":
                delay = rng.integers(60, 2 * DAY, size)
                overrides.update({"received": rows["received"][pick] + delay, "uuid": rows["uuid"][pick] + delay})
            else:
                overrides["seq"] = g.identify_seq + np.arange(size)
                g.identify_seq += size
            if spec.get("ts") == "1900":
                overrides.update({"ts": IMPLAUSIBLE_EPOCH + rng.integers(0, DAY, size), "fmt": 0})
            elif spec.get("ts") == "future":
                overrides["ts"] = np.maximum(g.end + DAY * rng.integers(*FUTURE_DAYS, size), 1_924_992_000)
            picks.append((pick, overrides))
            g.expect("product.identifies", reason, size)
        # impossible load times (received_at 2099 or uuid_ts epoch 0) on new ids, from their own random stream
        loader = g.rng("product.identifies", "loader dirt", g.identify_seq)
        size = dirt_size(loader, len(candidates), 0.0015)
        pick = np.sort(loader.choice(candidates, size, replace=False))
        picks.append((pick, {**impossible_event_load_times(rows, pick), "seq": g.identify_seq + np.arange(size)}))
        g.identify_seq += size
        g.expect("product.identifies", "impossible_load_time", size)
        rows = with_copies(rows, picks)
    m = len(rows["who"])
    who = rows["who"]
    outsider = rows["outsider"]
    safe = np.where(outsider, 0, who)
    table = arrow_table({
        "_k": np.arange(m), "blank": rows["blank"], "seq": mix(rows["seq"], g.salt + 7),
        "user": rows["user"], "anon": rows["anon"], "ts": rows["ts"], "fmt": rows["fmt"],
        "received": ts_array(rows["received"]), "uuid": ts_array(rows["uuid"]),
        "variant": rows["variant"], "number": who + 1,
        "fn": take([s for _, s in FIRST_NAMES] + [OUTSIDERS[0][0]], np.where(outsider, len(FIRST_NAMES), g.first_name[safe])),
        "ln": take([s for _, s in LAST_NAMES] + [OUTSIDERS[0][1]], np.where(outsider, len(LAST_NAMES), g.last_name[safe])),
        "dom": take(DOMAINS + [OUTSIDERS[0][2]], np.where(outsider, len(DOMAINS), g.domain[safe])),
    })
    g.sink.write("raw_product", "identifies", {
        "id": hex_id_sql("idf_", "seq"),
        "user_id": f"case when user < 0 then null else 'u_' || lpad(cast(user as varchar), {g.uwidth}, '0') end",
        "anonymous_id": "case when anon < 0 then null else 'anon_' || printf('%012x', anon) end",
        "email": email_sql("fn", "ln", "number", "dom", "variant"),
        "timestamp": ts_sql("ts", "fmt"), "received_at": "received", "uuid_ts": "uuid",
    }, table)
