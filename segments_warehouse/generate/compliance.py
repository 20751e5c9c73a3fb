"""raw_compliance.erasure_requests: a request for every erased person (by email, by CRM contact id, or both), repeats,
outsiders and blank requests."""

from __future__ import annotations

import numpy as np

from .arrays import arrow_table, choice, take, ts_array
from .schema import DAY, HOUR
from .text_sql import email_sql, ts_sql
from .words import DOMAINS, FIRST_NAMES, LAST_NAMES, OUTSIDERS
from .world import World

# -- compliance ----------------------------------------------------------------------------------------------


def erasure_requests(g: World) -> None:
    rng = g.rng("erasure")
    n = g.n
    erased = np.flatnonzero(g.erased)
    k = len(erased)
    requested = g.day_start(rng.integers(1, 60, k)) + rng.integers(0, DAY, k)
    variants = rng.integers(0, 5, k).astype(np.int8)
    # repeated requests of the same person (another spelling, later): duplicate_request
    repeats = rng.choice(erased, min(k, max(1, n // 20_000)), replace=False) if k else np.zeros(0, dtype=np.int64)
    repeat_at = requested[np.searchsorted(erased, repeats)] + rng.integers(HOUR, 5 * DAY, len(repeats))
    # people in no CRM contact, and one (or a few) request without an email: missing_email
    outsiders = 2 + n // 50_000
    blanks = 1 + n // 100_000
    who = np.concatenate([erased, repeats, n + np.arange(outsiders), np.full(blanks, -1)])
    at = np.concatenate([requested, repeat_at, g.day_start(rng.integers(1, 60, outsiders)),
                         g.day_start(rng.integers(1, 60, blanks))])
    variant = np.concatenate([variants, (variants[np.searchsorted(erased, repeats)] + 1) % 5,
                              np.zeros(outsiders + blanks, dtype=np.int8)]).astype(np.int8)
    # how each request names the person: 0 by email, 1 by email and CRM contact id, 2 by contact id alone (a
    # privacy tool that knows the CRM); a repeated person asks by email both times, so the repeat is a duplicate
    by_id = choice(rng, k, [0.6, 0.25, 0.15]).astype(np.int8)
    single = np.flatnonzero(~np.isin(erased, repeats))
    if len(single) >= 2:  # both forms at any size with two erased people
        by_id[single[:2]] = [2, 1]
    by_id[np.isin(erased, repeats)] = 0
    named = np.concatenate([by_id, np.zeros(len(repeats) + outsiders + blanks, dtype=np.int8)])
    g.expect("compliance.erasure_requests", "duplicate_request", len(repeats))
    g.expect("compliance.erasure_requests", "missing_email", blanks)
    g.cleanable["compliance.erasure_requests.by_contact_id_only"] += int((by_id == 2).sum())
    g.cleanable["compliance.erasure_requests.by_email_and_contact_id"] += int((by_id == 1).sum())
    order = np.lexsort((who, at))
    who, at, variant, named = who[order], at[order], variant[order], named[order]
    insider = (who >= 0) & (who < n)
    safe = np.where(insider, who, 0)
    m = len(who)
    table = arrow_table({
        "_k": np.arange(m), "who": who, "asked": at, "loaded": ts_array(at + rng.integers(HOUR, 12 * HOUR, m)),
        "variant": variant, "blank_email": who < 0, "number": np.where(insider, who + 1, who - n + 1), "named": named,
        "fn": take([s for _, s in FIRST_NAMES] + [OUTSIDERS[2][0]], np.where(insider, g.first_name[safe], len(FIRST_NAMES))),
        "ln": take([s for _, s in LAST_NAMES] + [OUTSIDERS[2][1]], np.where(insider, g.last_name[safe], len(LAST_NAMES))),
        "dom": take(DOMAINS + [OUTSIDERS[2][2]], np.where(insider, g.domain[safe], len(DOMAINS))),
    })
    g.sink.write("raw_compliance", "erasure_requests", {
        "id": f"'er_' || lpad(cast(_k + 1 as varchar), {max(5, len(str(m)))}, '0')",
        "email": "case when blank_email then '  ' when named = 2 then null else "
                 + email_sql("fn", "ln", "number", "dom", "variant") + " end",
        "contact_id": f"case when named = 0 then null else 'c_' || lpad(cast(who + 1 as varchar), {g.width}, '0') end",
        "requested_at": ts_sql("asked", "(case when _k % 5 = 0 then 4 else 0 end)"), "_loaded_at": "loaded",
    }, table)
    g.cleanable["compliance.erasure_requests.email_not_in_crm"] += outsiders
