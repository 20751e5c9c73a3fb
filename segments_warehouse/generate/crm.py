"""raw_crm.accounts, contacts and tickets: repeated extracts, deletions, dirty spellings and defective copies."""

from __future__ import annotations

import numpy as np

from .. import vocab
from .arrays import arrow_table, choice, repeat_versions, respell, take, ts_array, uniform_int, version_times
from .dirt import FALSE_SPELLINGS, TRUE_SPELLINGS, UNPARSEABLE_BOOLEANS, dirt_size, impossible_load_times, loader_dirt, with_copies
from .schema import DAY, HOUR
from .text_sql import TS_BAD_DATE, TS_BLANK, TS_WORDS, TS_Z, email_sql, id_sql, ts_formats, ts_sql
from .words import (
    CITIES,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    OWNERS,
    PLACEHOLDER_KEYS,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    TICKET_SUBJECTS,
)
from .world import World

# -- CRM ---------------------------------------------------------------------------------------------------


def accounts(g: World) -> None:
    rng = g.rng("accounts")
    m = g.n_accounts
    edges = np.array([1, 11, 51, 201, 501, 1001, 5001, 50_001])
    band = choice(rng, m, [0.25, 0.26, 0.18, 0.12, 0.08, 0.07, 0.04])
    employees = np.maximum(rng.integers(edges[band], edges[band + 1]), g.account_size).astype(float)
    edge_values = np.array([1, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 5000, 5001, 50_000])
    on_edge = rng.random(m) < 0.04
    employees[on_edge] = edge_values[rng.integers(0, len(edge_values), int(on_edge.sum()))]
    employees[rng.random(m) < 0.04] = np.nan
    revenue = np.round(np.nan_to_num(employees, nan=40.0) * rng.lognormal(11.6, 1.0, m), -3)
    revenue[rng.random(m) < 0.06] = np.nan
    industry_flat, industry = respell(rng, rng.integers(0, len(vocab.INDUSTRY_SPELLINGS), m),
                                      vocab.INDUSTRY_SPELLINGS)
    country_flat, country = respell(rng, choice(rng, m, list(vocab.COUNTRY_WEIGHTS.values())),
                                    {c: vocab.COUNTRY_SPELLINGS[c] for c in g.country_codes})
    country = np.where(rng.random(m) < 0.03, -1, country)
    created = g.end - DAY * rng.integers(400, 1500, m) - rng.integers(0, DAY, m)
    deleted = rng.random(m) < 0.01

    entity, version_no, latest, versions = repeat_versions(rng, m, 0.08)
    base_updated = created + DAY * rng.integers(1, 300, m)
    updated, loaded = version_times(rng, entity, version_no, latest, versions, base_updated, g.end - HOUR)
    g.expect("crm.accounts", "superseded_version", (~latest).sum())
    g.expect("crm.accounts", "deleted_in_crm", (deleted[entity] & latest).sum())

    rows = {
        "a": entity, "updated": updated, "loaded": loaded, "fmt": ts_formats(rng, len(entity)),
        "deleted": deleted[entity] & latest, "blank": np.zeros(len(entity), dtype=np.int8),
    }
    candidates = np.flatnonzero(latest & ~deleted[entity])
    picks = []
    for reason, overrides in [("missing_id", {"blank": 1}), ("missing_id", {"blank": 2}),
                              ("unparseable_timestamp", {"fmt": TS_WORDS}),
                              ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                              ("future_timestamp", {"updated": g.far_future})]:
        pick = rng.choice(candidates, dirt_size(rng, len(candidates), 0.004, 2), replace=False)
        overrides = {**overrides, "loaded": rows["loaded"][pick] + DAY}
        picks.append((pick, overrides))
        g.expect("crm.accounts", reason, len(pick))
    loader_dirt(g, "crm.accounts", candidates,
                [("impossible_load_time", {"loaded": lambda pick: impossible_load_times(len(pick))})], picks, 0.004)
    rows = with_copies(rows, picks)
    a = rows["a"]
    table = arrow_table({
        "_k": np.arange(len(a)), "a": a, "blank": rows["blank"], "fmt": rows["fmt"],
        "updated": rows["updated"], "created": created[a], "loaded": ts_array(rows["loaded"]),
        "deleted": rows["deleted"],
        "word": take(COMPANY_WORDS, a % len(COMPANY_WORDS)),
        "suffix": take(COMPANY_SUFFIXES, (a // len(COMPANY_WORDS)) % len(COMPANY_SUFFIXES)),
        "industry": take(industry_flat, industry[a]), "employees": employees[a], "revenue": revenue[a],
        "country": take(country_flat, country[a]),
        "business_model": take(vocab.BUSINESS_MODELS, rng.integers(0, len(vocab.BUSINESS_MODELS), m)[a]),
        "tech_crm": take(vocab.TECH_CRM, rng.integers(0, len(vocab.TECH_CRM), m)[a]),
        "tech_ma": take(vocab.TECH_MARKETING_AUTOMATION,
                        rng.integers(0, len(vocab.TECH_MARKETING_AUTOMATION), m)[a]),
        "tech_db": take(vocab.TECH_DATABASE, rng.integers(0, len(vocab.TECH_DATABASE), m)[a]),
        "tech_an": take(vocab.TECH_ANALYTICS, rng.integers(0, len(vocab.TECH_ANALYTICS), m)[a]),
    })
    g.sink.write("raw_crm", "accounts", {
        "id": id_sql("a_", "a + 1", g.awidth),
        "name": "word || ' ' || cast(a + 1 as varchar) || ' ' || suffix",
        "industry": "industry", "employee_count": "employees", "annual_revenue": "revenue", "country": "country",
        "business_model": "business_model", "tech_crm": "tech_crm", "tech_marketing_automation": "tech_ma",
        "tech_database": "tech_db", "tech_analytics": "tech_an", "is_deleted": "deleted",
        "created_at": ts_sql("created", TS_Z), "updated_at": ts_sql("updated", "fmt"), "_loaded_at": "loaded",
    }, table)


def contacts(g: World) -> None:
    rng = g.rng("contacts")
    n = g.n
    gender_flat, gender = respell(rng, choice(rng, n, [0.46, 0.43, 0.03, 0.02, 0.06]),
                                  vocab.GENDER_SPELLINGS)
    lifecycle_flat, lifecycle = respell(rng, choice(rng, n, [0.08, 0.22, 0.14, 0.1, 0.08, 0.3, 0.05, 0.03]),
                                        vocab.LIFECYCLE_SPELLINGS)
    country_flat, country = respell(rng, g.country, {c: vocab.COUNTRY_SPELLINGS[c] for c in g.country_codes})
    country_flat = country_flat + vocab.COUNTRY_GARBAGE
    garbage = rng.random(n) < 0.02
    garbage_idx = len(country_flat) - len(vocab.COUNTRY_GARBAGE) + rng.integers(0, len(vocab.COUNTRY_GARBAGE), n)
    country = np.where(garbage, garbage_idx, country)
    country = np.where(rng.random(n) < 0.03, -1, country)  # null
    blank_country = rng.random(n) < 0.2  # of the nulls, some are written as blanks
    # ages: every band, a few implausible (< 13 or > 120); some missing or unparseable
    age = choice(rng, n, [0.025, 0.12, 0.25, 0.22, 0.16, 0.12, 0.08, 0.01, 0.015])
    age_low = np.array([13, 18, 25, 35, 45, 55, 65, 3, 121])[age]
    age_high = np.array([17, 24, 34, 44, 54, 64, 95, 12, 150])[age]
    years = uniform_int(rng, age_low, age_high)
    birth = g.end - DAY - (years * 365.2425 * DAY).astype(np.int64) - rng.integers(2 * DAY, 360 * DAY, n)
    birth_kind = choice(rng, n, [0.9, 0.07, 0.03])  # 0 a date, 1 missing, 2 unparseable
    income_band = choice(rng, n, [0.12, 0.2, 0.33, 0.22, 0.13])
    income_low = np.array([5_000, 25_000, 50_000, 100_000, 200_000])[income_band]
    income_high = np.array([24_999, 49_999, 99_999, 199_999, 900_000])[income_band]
    income = np.round(uniform_int(rng, income_low, income_high), -2).astype(float)
    income[rng.random(n) < 0.1] = np.nan
    title_flat, title = respell(rng, rng.integers(0, len(vocab.JOB_TITLES), n), vocab.JOB_TITLES)
    title = np.where(rng.random(n) < 0.04, -1, title)
    state_city = [CITIES.get(code, (None, None)) for code in g.country_codes]

    entity, version_no, latest, versions = repeat_versions(rng, n, 0.08)
    base_updated = g.created + rng.integers(HOUR, 40 * DAY, n)
    updated, loaded = version_times(rng, entity, version_no, latest, versions, base_updated, g.end - HOUR)
    erased = g.erased[entity]
    g.expect("crm.contacts", "erasure_requested", erased.sum())
    g.expect("crm.contacts", "superseded_version", (~latest & ~erased).sum())
    g.expect("crm.contacts", "deleted_in_crm", (latest & g.deleted[entity] & ~erased).sum())
    # older versions had an earlier lifecycle stage now and then
    lifecycle_row = np.where(~latest & (rng.random(len(entity)) < 0.5),
                             respell(rng, np.full(len(entity), 1), vocab.LIFECYCLE_SPELLINGS)[1],
                             lifecycle[entity])
    rows = {
        "c": entity, "updated": updated, "loaded": loaded, "fmt": ts_formats(rng, len(entity)),
        "deleted": g.deleted[entity] & latest, "blank": np.zeros(len(entity), dtype=np.int8),
        "variant": g.email_variant[entity], "lifecycle": lifecycle_row, "bad_boolean": np.full(len(entity), -1),
    }
    candidates = np.flatnonzero(latest & g.clean[entity])
    picks = []
    for reason, overrides in [("missing_id", {"blank": 1}), ("missing_id", {"blank": 2}),
                              ("unparseable_timestamp", {"fmt": TS_WORDS}),
                              ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                              ("unparseable_timestamp", {"fmt": TS_BLANK}),
                              ("future_timestamp", {"updated": g.far_future})]:
        pick = rng.choice(candidates, dirt_size(rng, len(candidates), 0.0025, 2), replace=False)
        picks.append((pick, {**overrides, "loaded": rows["loaded"][pick] + DAY}))
        g.expect("crm.contacts", reason, len(pick))
    loader_dirt(g, "crm.contacts", candidates, [
        ("impossible_load_time", {"loaded": lambda pick: impossible_load_times(len(pick))}),
        ("unparseable_boolean", {"loaded": lambda pick: rows["loaded"][pick] + DAY,
                                 "bad_boolean": lambda pick: np.arange(len(pick)) % len(UNPARSEABLE_BOOLEANS)}),
    ], picks)
    rows = with_copies(rows, picks)
    c = rows["c"]
    account = g.account[c]
    account_text = np.where(account >= 0, account, np.where(rng.random(len(c)) < 0.3, -2, -1))

    # cleanable dirt among the rows staging keeps (the latest version of every live contact)
    kept = g.clean
    garbage_keys = {v: "".join(ch for ch in v.lower() if ch.isalnum()) for v in vocab.COUNTRY_GARBAGE}
    unrecognizable = np.array([garbage_keys[v] not in PLACEHOLDER_KEYS for v in vocab.COUNTRY_GARBAGE])
    is_garbage = country >= len(country_flat) - len(vocab.COUNTRY_GARBAGE)
    garbage_pos = np.where(is_garbage, country - (len(country_flat) - len(vocab.COUNTRY_GARBAGE)), 0)
    g.cleanable["crm.contacts.country_unrecognizable"] += int((kept & is_garbage & unrecognizable[garbage_pos]).sum())
    g.cleanable["crm.contacts.country_missing_or_placeholder"] += int(
        (kept & ((country < 0) | (is_garbage & ~unrecognizable[garbage_pos]))).sum())
    iso_spelling = np.array([s.upper() == s and len(s) == 2 for s in country_flat])
    g.cleanable["crm.contacts.country_needs_mapping"] += int(
        (kept & (country >= 0) & ~is_garbage & ~iso_spelling[np.maximum(country, 0)]).sum())
    g.cleanable["crm.contacts.email_needs_normalizing"] += int((kept & (g.email_variant > 0)).sum())
    g.cleanable["crm.contacts.birth_date_missing"] += int((kept & (birth_kind == 1)).sum())
    g.cleanable["crm.contacts.birth_date_unparseable"] += int((kept & (birth_kind == 2)).sum())
    g.cleanable["crm.contacts.age_implausible"] += int((kept & (birth_kind == 0) & (age >= 7)).sum())

    table = arrow_table({
        "_k": np.arange(len(c)), "c": c, "blank": rows["blank"], "fmt": rows["fmt"], "updated": rows["updated"],
        "loaded": ts_array(rows["loaded"]), "variant": rows["variant"],
        "deleted": take(TRUE_SPELLINGS + FALSE_SPELLINGS + UNPARSEABLE_BOOLEANS, np.where(
            rows["bad_boolean"] >= 0, len(TRUE_SPELLINGS) + len(FALSE_SPELLINGS) + rows["bad_boolean"],
            np.where(rows["deleted"], c % len(TRUE_SPELLINGS), len(TRUE_SPELLINGS) + c % len(FALSE_SPELLINGS)))),
        "account": account_text, "created": g.created[c],
        "fn": take([s for _, s in FIRST_NAMES], g.first_name[c]),
        "ln": take([s for _, s in LAST_NAMES], g.last_name[c]),
        "dom": take(DOMAINS, g.domain[c]),
        "first_name": take([f for f, _ in FIRST_NAMES], g.first_name[c]),
        "last_name": take([f for f, _ in LAST_NAMES], g.last_name[c]),
        "birth": birth[c], "birth_kind": birth_kind[c], "gender": take(gender_flat, gender[c]),
        "income": income[c],
        "education": take(vocab.EDUCATION, (c * 7 + 3) % len(vocab.EDUCATION)),
        "marital": take(vocab.MARITAL_STATUS, (c * 5 + 1) % len(vocab.MARITAL_STATUS)),
        "title": take(title_flat, title[c]),
        "seniority": take(vocab.SENIORITY, (c * 3 + 2) % len(vocab.SENIORITY)),
        "language": take(vocab.LANGUAGES, (c * 11) % len(vocab.LANGUAGES)),
        "country": take(country_flat, country[c]),
        "blank_country": blank_country[c],
        "state": take([s for s, _ in state_city], g.country[c]),
        "city": take([s for _, s in state_city], g.country[c]),
        "timezone": take(vocab.TIMEZONES, (c * 13) % len(vocab.TIMEZONES)),
        "lifecycle": take(lifecycle_flat, rows["lifecycle"]),
        "source": take(vocab.ORIGINAL_SOURCES, (c * 17) % len(vocab.ORIGINAL_SOURCES)),
        "owner": take(OWNERS, (c * 19 + g.account[c]) % len(OWNERS)),
    })
    g.sink.write("raw_crm", "contacts", {
        "id": id_sql("c_", "c + 1", g.width),
        "account_id": f"case when account = -2 then '' when account < 0 then null "
                      f"else 'a_' || lpad(cast(account + 1 as varchar), {g.awidth}, '0') end",
        "email": email_sql("fn", "ln", "c + 1", "dom", "variant"),
        "first_name": "first_name", "last_name": "last_name",
        "birth_date": "case birth_kind when 0 then strftime(make_timestamp(birth * 1000000), '%Y-%m-%d') "
                      "when 1 then null else (['n/a', '31/02/1990', 'unknown', '1990-02-30'])[(c % 4) + 1] end",
        "gender": "gender", "household_income": "income", "education": "education",
        "marital_status": "marital", "job_title": "title", "seniority": "seniority", "language": "language",
        "country": "case when country is null and blank_country then '' else country end",
        "state": "state", "city": "city", "timezone": "timezone", "lifecycle_stage": "lifecycle",
        "original_source": "source", "owner_name": "owner", "is_deleted": "deleted",
        "created_at": ts_sql("created", TS_Z), "updated_at": ts_sql("updated", "fmt"), "_loaded_at": "loaded",
    }, table)


def tickets(g: World) -> None:
    rng = g.rng("tickets")
    n = g.n
    history = rng.poisson(0.35, n)
    heavy = np.where(rng.random(n) < 0.05, rng.integers(3, 7, n), 0)  # >= 3 in the last 30 days
    recent = np.where(rng.random(n) < 0.06, 1, 0)
    t = {
        "contact": np.concatenate([np.repeat(np.arange(n), history), np.repeat(np.arange(n), heavy),
                                   np.repeat(np.arange(n), recent)]),
    }
    days = np.concatenate([rng.integers(30, 730, int(history.sum())), rng.integers(0, 28, int(heavy.sum())),
                           rng.integers(0, 90, int(recent.sum()))])
    t["created"] = g.day_start(days) + rng.integers(0, DAY, len(days))
    order = np.lexsort((t["created"], t["contact"]))
    t = {k: v[order] for k, v in t.items()}
    k = len(t["contact"])
    entity, version_no, latest, versions = repeat_versions(rng, k, 0.1, 2)
    base_updated = t["created"] + rng.integers(60, HOUR, k)
    updated, loaded = version_times(rng, entity, version_no, latest, versions, base_updated, g.end - HOUR)
    updated = np.maximum(updated, t["created"][entity])
    erased = g.erased[t["contact"][entity]]
    g.expect("crm.tickets", "erasure_requested", erased.sum())
    g.expect("crm.tickets", "superseded_version", (~latest & ~erased).sum())
    rows = {"t": entity, "updated": updated, "loaded": loaded, "fmt": ts_formats(rng, len(entity)),
            "upd_fmt": np.zeros(len(entity), dtype=np.int8), "blank": np.zeros(len(entity), dtype=np.int8),
            "status": np.where(latest, 2 + entity % 2, 0)}
    candidates = np.flatnonzero(latest & g.clean[t["contact"][entity]])
    picks = []
    for reason, overrides in [("missing_id", {"blank": 2}), ("unparseable_timestamp", {"fmt": TS_BLANK}),
                              ("unparseable_timestamp", {"upd_fmt": TS_WORDS}),
                              ("future_timestamp", {"updated": g.far_future})]:
        pick = rng.choice(candidates, dirt_size(rng, len(candidates), 0.004), replace=False)
        picks.append((pick, {**overrides, "loaded": rows["loaded"][pick] + DAY}))
        g.expect("crm.tickets", reason, len(pick))
    loader_dirt(g, "crm.tickets", candidates,
                [("impossible_load_time", {"loaded": lambda pick: impossible_load_times(len(pick))})], picks, 0.004)
    rows = with_copies(rows, picks)
    e = rows["t"]
    table = arrow_table({
        "_k": np.arange(len(e)), "t": e, "c": t["contact"][e], "blank": rows["blank"], "fmt": rows["fmt"],
        "upd_fmt": rows["upd_fmt"], "created": t["created"][e], "updated": rows["updated"],
        "loaded": ts_array(rows["loaded"]),
        "subject": take(TICKET_SUBJECTS, (e * 7) % len(TICKET_SUBJECTS)),
        "priority": take(TICKET_PRIORITIES, (e * 3) % len(TICKET_PRIORITIES)),
        "status": take(TICKET_STATUSES, rows["status"]),
    })
    g.sink.write("raw_crm", "tickets", {
        "id": id_sql("t_", "t + 1", max(6, len(str(k)))),
        "contact_id": f"'c_' || lpad(cast(c + 1 as varchar), {g.width}, '0')",
        "subject": "subject", "priority": "priority", "status": "status",
        "created_at": ts_sql("created", "fmt"), "updated_at": ts_sql("updated", "upd_fmt"), "_loaded_at": "loaded",
    }, table)
