"""Generator of realistic, dirty raw data for every raw table of docs/raw_contract.md.

Deterministic for (contacts, seed, as_of); vectorized: numpy draws numbers and category indices per chunk of
contacts, DuckDB SQL turns them into the text columns (timestamps in several formats, emails, ids), so no Python
loop runs per row. Every defect is injected as an extra row (a defective copy of a real record, or a new record)
into data of clean people, so no real entity is lost and the quarantine reason each dirty row must get is known
exactly: the manifest reports those counts, and the tests compare them with what staging quarantined.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from . import vocab

DAY = 86_400
CHUNK_CONTACTS = 50_000
PERSONAS = ["never_active", "power_user", "new", "active", "at_risk", "dormant"]
PERSONA_SHARES = [0.10, 0.08, 0.06, 0.30, 0.14, 0.32]

FIRST_NAMES = ["Ada", "Bo", "Chloé", "Dmitri", "Elif", "Femi", "Grace", "Hiro", "Ines", "José", "Kai", "Lena",
               "Maya", "Noah", "Olu", "Priya", "Quinn", "Rafael", "Sara", "Tomás", "Uma", "Viktor", "Wei", "Zoë"]
LAST_NAMES = ["Andersen", "Bianchi", "Chen", "Diallo", "Evans", "Fischer", "García", "Haddad", "Ivanova",
              "Jones", "Kowalski", "López", "Müller", "Nakamura", "O'Brien", "Patel", "Rossi", "Silva", "Tanaka"]
DOMAINS = ["example.com", "mail.test", "corp.example", "inbox.test"]
CITIES = {"US": ("CA", "San Francisco"), "GB": ("England", "London"), "DE": ("Berlin", "Berlin"),
          "FR": ("Île-de-France", "Paris"), "IN": ("Karnataka", "Bengaluru"), "JP": ("Tokyo", "Tokyo"),
          "BR": ("SP", "São Paulo"), "AU": ("NSW", "Sydney"), "CA": ("ON", "Toronto")}
TICKET_SUBJECTS = ["Cannot log in", "Invoice question", "Bug in reports", "Feature request", "Export fails"]
PAGES = ["/", "/pricing", "/docs", "/app/dashboard", "/app/reports", "/app/invoices", "/blog/segmentation"]
UTM_SOURCES = ["google", "newsletter", "linkedin", "partner", None]


# --------------------------------------------------------------------------------------------------------------
# helpers


def _take(values: list, idx: np.ndarray) -> pa.Array:
    """values[idx] as an arrow array; a negative index or a None value gives null."""
    values_array = pa.array(values)
    mask = idx < 0
    return values_array.take(pa.array(np.where(mask, 0, idx), mask=mask))


def _pick(rng: np.random.Generator, n: int, options: list, weights=None) -> np.ndarray:
    p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    return rng.choice(len(options), size=n, p=p)


def _spelling_indices(rng, clean_idx: np.ndarray, spellings: dict[str, list[str]]) -> tuple[list[str], np.ndarray]:
    """For each clean value index, a random spelling of it; returns the flat spelling list and indices into it."""
    keys = list(spellings)
    flat: list[str] = []
    offsets, sizes = [], []
    for key in keys:
        offsets.append(len(flat))
        sizes.append(len(spellings[key]))
        flat.extend(spellings[key])
    offsets_arr, sizes_arr = np.array(offsets), np.array(sizes)
    chosen = offsets_arr[clean_idx] + (rng.random(len(clean_idx)) * sizes_arr[clean_idx]).astype(np.int64)
    return flat, chosen


TS_FORMATS = {"z": 0, "plus2": 1, "minus5": 2, "naive": 3, "bad_words": 10, "bad_date": 11, "blank": 12}


def _ts_format_codes(rng, n: int) -> np.ndarray:
    """Mostly ISO with Z; some with offsets (same instant) and some without zone (UTC)."""
    return rng.choice([0, 1, 2, 3], size=n, p=[0.85, 0.05, 0.03, 0.07]).astype(np.int8)


def _ts_text_sql(seconds: str, code: str) -> str:
    """SQL turning epoch seconds + a format code into the text a loader would land."""
    micros = f"(cast({seconds} as bigint) * 1000000)"
    return f"""case {code}
        when 0 then strftime(make_timestamp({micros}), '%Y-%m-%dT%H:%M:%SZ')
        when 1 then strftime(make_timestamp({micros} + 7200000000), '%Y-%m-%dT%H:%M:%S') || '+02:00'
        when 2 then strftime(make_timestamp({micros} - 18000000000), '%Y-%m-%dT%H:%M:%S') || '-05:00'
        when 3 then strftime(make_timestamp({micros}), '%Y-%m-%d %H:%M:%S')
        when 10 then 'not a date'
        when 11 then '2026-13-45T99:00:00Z'
        when 12 then ''
    end"""


def _loader_ts_sql(seconds: str) -> str:
    return f"make_timestamp(cast({seconds} as bigint) * 1000000)"


def _email_sql(index: str, variant: str) -> str:
    """The contact's email from its index, written as typed: variant 0 clean, 1 capitals, 2 spaces, 3 both."""
    domains = "', '".join(DOMAINS)
    clean = f"('user' || ({index}) || '@' || (['{domains}'])[(({index}) % {len(DOMAINS)}) + 1])"
    return f"""case {variant}
        when 0 then {clean}
        when 1 then upper(substr({clean}, 1, 1)) || substr({clean}, 2, 3) || upper(substr({clean}, 5))
        when 2 then '  ' || {clean} || ' '
        else ' ' || upper({clean})
    end"""


class _Writer:
    """Writes arrow batches through SQL into a DuckDB file's raw schemas or into Parquet files."""

    def __init__(self, duckdb_path: str | None, parquet_dir: str | None):
        self.parquet_dir = Path(parquet_dir) if parquet_dir else None
        self.con = duckdb.connect(duckdb_path if duckdb_path else ":memory:")
        self.con.execute("set TimeZone = 'UTC'")
        self.created: set[str] = set()

    def write(self, schema: str, table: str, batch: pa.Table, select_sql: str) -> int:
        self.con.register("batch", batch)
        self.con.execute(f"create schema if not exists {schema}")
        name = f"{schema}.{table}"
        if name not in self.created:
            self.con.execute(f"create or replace table {name} as select {select_sql} from batch")
            self.created.add(name)
        else:
            self.con.execute(f"insert into {name} select {select_sql} from batch")
        self.con.unregister("batch")
        return batch.num_rows

    def finish(self) -> None:
        if self.parquet_dir:
            for name in sorted(self.created):
                schema, table = name.split(".")
                folder = self.parquet_dir / schema
                folder.mkdir(parents=True, exist_ok=True)
                target = str(folder / f"{table}.parquet").replace("'", "''")
                self.con.execute(f"copy {name} to '{target}' (format parquet)")
        self.con.close()


# --------------------------------------------------------------------------------------------------------------
# the generator


class _Generator:
    def __init__(self, contacts: int, seed: int, as_of: dt.date, writer: _Writer):
        self.n = contacts
        self.seed = seed
        self.as_of = as_of
        self.end = int(dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.timezone.utc).timestamp()) + DAY
        self.writer = writer
        self.rows: Counter = Counter()
        self.quarantined: dict[str, Counter] = {}
        self.cleanable: Counter = Counter()
        self.root = np.random.SeedSequence(seed)
        self.streams = {}

    def rng(self, name: str, part: int = 0) -> np.random.Generator:
        # one independent, reproducible stream per table (and chunk), whatever the order of calls
        key = [self.seed, sum((i + 1) * ord(c) for i, c in enumerate(name)), part]
        return np.random.default_rng(np.random.SeedSequence(key))

    def expect(self, table: str, reason: str, count: int) -> None:
        if count:
            self.quarantined.setdefault(table, Counter())[reason] += int(count)

    def emit(self, schema: str, table: str, source_key: str, batch: pa.Table, select_sql: str) -> None:
        self.rows[source_key] += self.writer.write(schema, table, batch, select_sql)

    def dirt_count(self, rng, rate: float, minimum: int = 3) -> int:
        return int(max(minimum, rng.binomial(self.n, rate)))

    # ---------------------------------------------------------------------------------------------------------
    def people(self) -> None:
        """Who each contact is: persona, account, country, status flags. Drives every other table."""
        rng = self.rng("people")
        n = self.n
        self.n_accounts = max(2, n // 8)
        self.persona = rng.choice(len(PERSONAS), size=n, p=PERSONA_SHARES).astype(np.int8)
        # accounts: a few large, many small
        weights = 1.0 / np.arange(1, self.n_accounts + 1) ** 0.6
        account = rng.choice(self.n_accounts, size=n, p=weights / weights.sum())
        self.account = np.where(rng.random(n) < 0.02, -1, account)
        codes = list(vocab.COUNTRY_WEIGHTS)
        self.country_codes = codes
        self.country = rng.choice(len(codes), size=n, p=np.array(list(vocab.COUNTRY_WEIGHTS.values())) / sum(vocab.COUNTRY_WEIGHTS.values()))
        status = rng.random(n)
        self.deleted = status < 0.02
        self.erased = (status >= 0.02) & (status < 0.025)
        self.clean = ~(self.deleted | self.erased)
        self.has_user = (self.persona != 0) | (rng.random(n) < 0.5)
        self.versions = np.where(rng.random(n) < 0.08, rng.integers(2, 4, n), 1)
        self.email_variant = rng.choice(4, size=n, p=[0.75, 0.1, 0.1, 0.05]).astype(np.int8)
        self.created = self.end - DAY * rng.integers(400, 1100, n)
        # "new" users may have signed up recently in the CRM too
        new = self.persona == 2
        self.created[new] = self.end - DAY * rng.integers(14, 200, int(new.sum()))
        self.buyer = rng.random(n) < 0.42
        self.plan_of_account = rng.choice(len(vocab.PLANS), size=self.n_accounts, p=[0.3, 0.3, 0.28, 0.12])

    # ---------------------------------------------------------------------------------------------------------
    def accounts(self) -> None:
        rng = self.rng("accounts")
        m = self.n_accounts
        idx = np.arange(m)
        band_edges = np.array([1, 11, 51, 201, 501, 1001, 5001, 50_001])
        band = rng.choice(7, size=m, p=[0.22, 0.25, 0.18, 0.13, 0.09, 0.08, 0.05])
        employees = rng.integers(band_edges[band], band_edges[band + 1])
        # the exact band edges appear too
        edge_rows = rng.random(m) < 0.05
        employees[edge_rows] = rng.choice([1, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 5000, 5001], int(edge_rows.sum()))
        employees_missing = rng.random(m) < 0.03
        revenue = employees * rng.lognormal(11.8, 0.8, m)
        industry_clean = rng.integers(0, len(vocab.INDUSTRY_SPELLINGS), m)
        industry_flat, industry_idx = _spelling_indices(rng, industry_clean, vocab.INDUSTRY_SPELLINGS)
        country_clean = rng.choice(len(self.country_codes), size=m)
        country_flat, country_idx = _spelling_indices(rng, country_clean, {c: vocab.COUNTRY_SPELLINGS[c] for c in self.country_codes})
        deleted = rng.random(m) < 0.01
        versions = np.where(rng.random(m) < 0.08, rng.integers(2, 4, m), 1)
        created = self.end - DAY * rng.integers(500, 1500, m)

        rows = np.repeat(idx, versions)
        version_no = np.concatenate([np.arange(v) for v in versions]) if m else np.array([], dtype=np.int64)
        latest = version_no == versions[rows] - 1
        # each later extract is strictly newer (3 days per version), so the latest version is unambiguous
        updated = (self.end - DAY * rng.integers(20, 400, m))[rows] + version_no * DAY * 3 + rng.integers(0, 3600, len(rows))
        is_deleted = deleted[rows] & latest
        self.expect("crm.accounts", "superseded_version", int((~latest).sum()))
        self.expect("crm.accounts", "deleted_in_crm", int(is_deleted.sum()))

        batch = {
            "i": rows, "updated": updated, "created": created[rows], "deleted": is_deleted,
            "employees": pa.array(employees[rows], mask=employees_missing[rows]),
            "revenue": pa.array(revenue[rows], mask=employees_missing[rows] | (rng.random(len(rows)) < 0.05)),
            "industry": _take(industry_flat, industry_idx[rows]),
            "country": _take(country_flat, country_idx[rows]),
            "business_model": _take(vocab.BUSINESS_MODELS, rng.integers(0, len(vocab.BUSINESS_MODELS), m)[rows]),
            "tech_crm": _take(vocab.TECH_CRM, rng.integers(0, len(vocab.TECH_CRM), m)[rows]),
            "tech_ma": _take(vocab.TECH_MARKETING_AUTOMATION, rng.integers(0, len(vocab.TECH_MARKETING_AUTOMATION), m)[rows]),
            "tech_db": _take(vocab.TECH_DATABASE, rng.integers(0, len(vocab.TECH_DATABASE), m)[rows]),
            "tech_an": _take(vocab.TECH_ANALYTICS, rng.integers(0, len(vocab.TECH_ANALYTICS), m)[rows]),
            "fmt": _ts_format_codes(rng, len(rows)),
            "id_blank": np.zeros(len(rows), dtype=bool),
        }
        # dirt: blank ids, unparseable updated_at on extra copies of clean, single-version accounts
        clean_single = np.flatnonzero(~deleted & (versions == 1))
        extra = {}
        for reason, code in [("missing_id", 0), ("unparseable_timestamp", 10)]:
            k = max(2, int(m * 0.005))
            pick = rng.choice(clean_single, size=k)
            extra[reason] = (pick, code)
            self.expect("crm.accounts", reason, k)
        table = pa.table(batch)
        for reason, (pick, code) in extra.items():
            dirty = {
                "i": pick, "updated": self.end - DAY * 5 + np.zeros(len(pick), dtype=np.int64), "created": created[pick],
                "deleted": np.zeros(len(pick), dtype=bool), "employees": pa.array(employees[pick]),
                "revenue": pa.array(revenue[pick]), "industry": _take(industry_flat, industry_idx[pick]),
                "country": _take(country_flat, country_idx[pick]),
                "business_model": _take(vocab.BUSINESS_MODELS, np.zeros(len(pick), dtype=np.int64)),
                "tech_crm": _take(vocab.TECH_CRM, np.zeros(len(pick), dtype=np.int64)),
                "tech_ma": _take(vocab.TECH_MARKETING_AUTOMATION, np.zeros(len(pick), dtype=np.int64)),
                "tech_db": _take(vocab.TECH_DATABASE, np.zeros(len(pick), dtype=np.int64)),
                "tech_an": _take(vocab.TECH_ANALYTICS, np.zeros(len(pick), dtype=np.int64)),
                "fmt": np.full(len(pick), code if reason == "unparseable_timestamp" else 0, dtype=np.int8),
                "id_blank": np.full(len(pick), reason == "missing_id"),
            }
            table = pa.concat_tables([table, pa.table(dirty, schema=table.schema)])
        width = len(str(m))
        self.emit("raw_crm", "accounts", "crm.accounts", table, f"""
            case when id_blank then '' else 'a_' || lpad(cast(i + 1 as varchar), {width}, '0') end as id,
            'Company ' || (i + 1) as name,
            industry, cast(employees as bigint) as employee_count, cast(round(revenue, 2) as double) as annual_revenue,
            country, business_model, tech_crm, tech_ma as tech_marketing_automation, tech_db as tech_database,
            tech_an as tech_analytics, deleted as is_deleted,
            {_ts_text_sql('created', '0')} as created_at,
            {_ts_text_sql('updated', 'fmt')} as updated_at,
            {_loader_ts_sql('updated + 600 + (i % 3000)')} as _loaded_at""")

    # ---------------------------------------------------------------------------------------------------------
    def contacts(self) -> None:
        rng = self.rng("contacts")
        n = self.n
        idx = np.arange(n)
        gender_flat, gender_idx = _spelling_indices(rng, rng.choice(5, size=n, p=[0.46, 0.44, 0.03, 0.02, 0.05]), vocab.GENDER_SPELLINGS)
        lifecycle_flat, lifecycle_idx = _spelling_indices(
            rng, rng.choice(8, size=n, p=[0.1, 0.25, 0.15, 0.1, 0.08, 0.25, 0.04, 0.03]), vocab.LIFECYCLE_SPELLINGS)
        country_flat, country_idx = _spelling_indices(rng, self.country, {c: vocab.COUNTRY_SPELLINGS[c] for c in self.country_codes})
        country_flat = country_flat + vocab.COUNTRY_GARBAGE
        garbage = rng.random(n) < 0.02
        country_idx = np.where(garbage, len(country_flat) - len(vocab.COUNTRY_GARBAGE) + rng.integers(0, len(vocab.COUNTRY_GARBAGE), n), country_idx)
        country_idx = np.where(rng.random(n) < 0.03, -1, country_idx)
        unrecognizable = {"Earth", "123"}
        is_unrecognizable = np.isin(np.array(country_flat, dtype=object)[np.maximum(country_idx, 0)], list(unrecognizable)) & (country_idx >= 0)
        self.cleanable["crm.contacts.country_unrecognizable"] = int((is_unrecognizable & self.clean).sum())
        self.cleanable["crm.contacts.email_needs_normalizing"] = int(((self.email_variant > 0) & self.clean).sum())
        self.crm_country_missing = (country_idx < 0) | garbage
        # ages: every band, a few implausible, some missing or unparseable
        age_years = rng.choice([15, 21, 30, 40, 50, 60, 70, 8, 130], size=n, p=[0.03, 0.12, 0.25, 0.22, 0.15, 0.12, 0.08, 0.015, 0.015])
        birth = self.end - DAY - (age_years * 365.25 * DAY).astype(np.int64) - rng.integers(0, 365 * DAY, n)
        birth_kind = rng.choice(3, size=n, p=[0.9, 0.07, 0.03])  # 0 ok, 1 missing, 2 unparseable
        income = np.exp(rng.normal(11.0, 0.8, n))
        income_missing = rng.random(n) < 0.1
        role = rng.integers(0, len(vocab.JOB_TITLES), n)
        title_flat, title_idx = _spelling_indices(rng, role, vocab.JOB_TITLES)
        self.has_account = self.account >= 0

        rows = np.repeat(idx, self.versions)
        version_no = np.concatenate([np.arange(v) for v in self.versions])
        latest = version_no == self.versions[rows] - 1
        updated = np.minimum(self.created[rows] + DAY * (5 + version_no * 7) + rng.integers(0, DAY, len(rows)), self.end - 7200)
        is_deleted = self.deleted[rows] & latest
        erased_rows = self.erased[rows]
        self.expect("crm.contacts", "erasure_requested", int(erased_rows.sum()))
        self.expect("crm.contacts", "superseded_version", int((~latest & ~erased_rows).sum()))
        self.expect("crm.contacts", "deleted_in_crm", int((is_deleted & ~erased_rows).sum()))
        id_blank = np.zeros(len(rows), dtype=bool)
        fmt = _ts_format_codes(rng, len(rows))

        # dirt: extra copies of clean single-version contacts with a blank id or an unparseable updated_at
        candidates = np.flatnonzero(self.clean & (self.versions == 1))
        extra_rows, extra_blank, extra_fmt = [], [], []
        for reason, blank, code in [("missing_id", True, 0), ("unparseable_timestamp", False, 10)]:
            k = self.dirt_count(rng, 0.004)
            pick = rng.choice(candidates, size=k)
            extra_rows.append(pick)
            extra_blank.append(np.full(k, blank))
            extra_fmt.append(np.full(k, code if not blank else 0, dtype=np.int8))
            self.expect("crm.contacts", reason, k)
        all_rows = np.concatenate([rows, *extra_rows])
        all_updated = np.concatenate([updated, *[np.minimum(self.created[r] + DAY * 9, self.end - 7200) for r in extra_rows]])
        all_deleted = np.concatenate([is_deleted, np.zeros(sum(len(r) for r in extra_rows), dtype=bool)])
        all_blank = np.concatenate([id_blank, *extra_blank])
        all_fmt = np.concatenate([fmt, *extra_fmt])
        r = all_rows
        account_idx = self.account[r]
        width = len(str(n))
        awidth = len(str(self.n_accounts))
        table = pa.table({
            "i": r, "account": pa.array(account_idx, mask=account_idx < 0), "variant": self.email_variant[r],
            "first": _take(FIRST_NAMES, r % len(FIRST_NAMES)), "last": _take(LAST_NAMES, (r // 7) % len(LAST_NAMES)),
            "birth": birth[r], "birth_kind": birth_kind[r],
            "gender": _take(gender_flat, gender_idx[r]),
            "income": pa.array(np.round(income[r], 0), mask=income_missing[r]),
            "education": _take(vocab.EDUCATION, (r * 7 + 3) % len(vocab.EDUCATION)),
            "marital": _take(vocab.MARITAL_STATUS, (r * 5 + 1) % len(vocab.MARITAL_STATUS)),
            "title": _take(title_flat, title_idx[r]),
            "seniority": _take(vocab.SENIORITY, (r * 3 + 2) % len(vocab.SENIORITY)),
            "language": _take(vocab.LANGUAGES, (r * 11) % len(vocab.LANGUAGES)),
            "country": _take(country_flat, country_idx[r]),
            "country_code": _take(self.country_codes, self.country[r]),
            "timezone": _take(vocab.TIMEZONES, (r * 13) % len(vocab.TIMEZONES)),
            "lifecycle": _take(lifecycle_flat, lifecycle_idx[r]),
            "source": _take(vocab.ORIGINAL_SOURCES, (r * 17) % len(vocab.ORIGINAL_SOURCES)),
            "owner": _take(["Alex Rep", "Sam Seller", "Jo Closer", None], (r * 19) % 4),
            "deleted": all_deleted, "created": self.created[r], "updated": all_updated,
            "id_blank": all_blank, "fmt": all_fmt,
        })
        cities = {k: v for k, v in CITIES.items()}
        city_case = " ".join(f"when '{k}' then '{v[1]}'" for k, v in cities.items())
        state_case = " ".join(f"when '{k}' then '{v[0]}'" for k, v in cities.items())
        self.emit("raw_crm", "contacts", "crm.contacts", table, f"""
            case when id_blank then '  ' else 'c_' || lpad(cast(i + 1 as varchar), {width}, '0') end as id,
            case when account is null then null else 'a_' || lpad(cast(account + 1 as varchar), {awidth}, '0') end as account_id,
            {_email_sql('i + 1', 'variant')} as email,
            first as first_name, last as last_name,
            case birth_kind when 0 then strftime(make_timestamp(birth * 1000000), '%Y-%m-%d') when 1 then null
                else (['n/a', '31/02/1990', '1990-02-31'])[(i % 3) + 1] end as birth_date,
            gender, cast(income as double) as household_income, education, marital as marital_status,
            title as job_title, seniority, language, country,
            case country_code {state_case} else null end as state,
            case country_code {city_case} else null end as city,
            timezone, lifecycle as lifecycle_stage, source as original_source, owner as owner_name,
            deleted as is_deleted,
            {_ts_text_sql('created', '0')} as created_at,
            {_ts_text_sql('updated', 'fmt')} as updated_at,
            {_loader_ts_sql('updated + 300 + (i % 5000)')} as _loaded_at""")

    # ---------------------------------------------------------------------------------------------------------
    def subscriptions(self) -> None:
        rng = self.rng("subscriptions")
        m = self.n_accounts
        acc = np.arange(m)
        has_old = rng.random(m) < 0.15
        # current subscriptions, then older canceled ones
        started = self.end - DAY * rng.integers(30, 700, m)
        renews = self.end + DAY * rng.integers(-10, 400, m)
        status = rng.choice(4, size=m, p=[0.8, 0.07, 0.05, 0.08])
        canceled = np.where(status == 3, self.end - DAY * rng.integers(1, 20, m), -1)
        old = acc[has_old]
        sub_account = np.concatenate([acc, old])
        sub_plan = np.concatenate([self.plan_of_account, rng.integers(0, len(vocab.PLANS), len(old))])
        sub_status = np.concatenate([status, np.full(len(old), 3)])
        sub_started = np.concatenate([started, started[has_old] - DAY * 400])
        sub_renews = np.concatenate([renews, started[has_old] - DAY * 35])
        sub_canceled = np.concatenate([canceled, started[has_old] - DAY * 30])
        k = len(sub_account)
        versions = np.where(rng.random(k) < 0.05, 2, 1)
        rows = np.repeat(np.arange(k), versions)
        version_no = np.concatenate([np.arange(v) for v in versions])
        latest = version_no == versions[rows] - 1
        self.expect("crm.subscriptions", "superseded_version", int((~latest).sum()))
        updated = np.minimum(sub_started[rows] + DAY * (1 + version_no * 3), self.end - 3600)
        fmt = _ts_format_codes(rng, len(rows))
        blank = np.zeros(len(rows), dtype=bool)
        single = np.flatnonzero(versions == 1)
        extra_rows, extra_fmt, extra_blank = [], [], []
        for reason, b, code in [("missing_id", True, 0), ("unparseable_timestamp", False, 11)]:
            c = max(2, int(k * 0.005))
            pick = rng.choice(single, size=c)
            extra_rows.append(pick)
            extra_fmt.append(np.full(c, code, dtype=np.int8))
            extra_blank.append(np.full(c, b))
            self.expect("crm.subscriptions", reason, c)
        r = np.concatenate([rows, *extra_rows])
        upd = np.concatenate([updated, *[np.minimum(sub_started[x] + DAY * 2, self.end - 3600) for x in extra_rows]])
        table = pa.table({
            "s": r, "account": sub_account[r], "plan": _take(vocab.PLANS, sub_plan[r]),
            "status": _take(vocab.SUBSCRIPTION_STATUSES, sub_status[r]), "started": sub_started[r],
            "renews": sub_renews[r], "canceled": pa.array(sub_canceled[r], mask=sub_canceled[r] < 0),
            "updated": upd, "fmt": np.concatenate([fmt, *extra_fmt]), "blank": np.concatenate([blank, *extra_blank]),
        })
        width, awidth = len(str(k)), len(str(m))
        self.emit("raw_crm", "subscriptions", "crm.subscriptions", table, f"""
            case when blank then '' else 's_' || lpad(cast(s + 1 as varchar), {width}, '0') end as id,
            'a_' || lpad(cast(account + 1 as varchar), {awidth}, '0') as account_id,
            case when s % 9 = 0 then upper(plan) else plan end as plan, status,
            cast(([0, 29, 99, 499])[list_position(['free', 'starter', 'pro', 'enterprise'], plan)] * (1 + account % 5) as double) as mrr,
            (['USD', 'EUR', 'GBP'])[(account % 3) + 1] as currency,
            {_ts_text_sql('started', '0')} as started_at,
            {_ts_text_sql('renews', '0')} as renews_at,
            case when canceled is null then null else {_ts_text_sql('canceled', '0')} end as canceled_at,
            {_ts_text_sql('updated', 'fmt')} as updated_at,
            {_loader_ts_sql('updated + 900')} as _loaded_at""")

    # ---------------------------------------------------------------------------------------------------------
    def orders(self) -> None:
        rng = self.rng("orders")
        n = self.n
        buyers = np.flatnonzero(self.buyer)
        count = np.minimum(rng.geometric(0.35, len(buyers)), 20)
        contact = np.repeat(buyers, count)
        k = len(contact)
        # recency varies by contact: last order between 0 and 600 days ago
        last_days = rng.integers(0, 600, len(buyers))
        spread = np.repeat(last_days, count) + rng.integers(0, 400, k)
        ordered = self.end - DAY * np.minimum(spread, 1000) - rng.integers(0, DAY, k)
        amount = np.round(rng.lognormal(4.2, 0.9, k), 2)
        currency_codes = list(vocab.CURRENCIES)
        currency = rng.choice(len(currency_codes), size=k, p=np.array(list(vocab.CURRENCIES.values())) / sum(vocab.CURRENCIES.values()))
        status = np.where(rng.random(k) < 0.03, 2, 0)  # 0 paid, 2 failed
        # a few orders on the partial next day, ignored by the marts
        tomorrow = rng.random(k) < 0.003
        ordered[tomorrow] = self.end + rng.integers(0, DAY // 2, int(tomorrow.sum()))
        # refunds of paid orders, sometimes all of a contact's revenue
        paid = np.flatnonzero(status == 0)
        refunded = paid[rng.random(len(paid)) < 0.06]
        parent = np.concatenate([np.full(k, -1), refunded])
        o_contact = np.concatenate([contact, contact[refunded]])
        o_amount = np.concatenate([amount, np.where(rng.random(len(refunded)) < 0.3, -amount[refunded], amount[refunded])])
        o_currency = np.concatenate([currency, currency[refunded]])
        o_status = np.concatenate([status, np.full(len(refunded), 1)])
        o_ordered = np.concatenate([ordered, np.minimum(ordered[refunded] + DAY * rng.integers(1, 20, len(refunded)), self.end - 60)])
        total = len(o_contact)
        versions = np.where(rng.random(total) < 0.08, 2, 1)
        rows = np.repeat(np.arange(total), versions)
        version_no = np.concatenate([np.arange(v) for v in versions])
        latest = version_no == versions[rows] - 1
        erased_rows = self.erased[o_contact[rows]]
        self.expect("crm.orders", "erasure_requested", int(erased_rows.sum()))
        self.expect("crm.orders", "superseded_version", int((~latest & ~erased_rows).sum()))
        updated = o_ordered[rows] + 600 + version_no * 3600
        cols = {
            "o": rows, "contact": o_contact[rows], "parent": pa.array(parent[rows], mask=parent[rows] < 0),
            "amount": pa.array(o_amount[rows]), "currency": _take(currency_codes, o_currency[rows]),
            "status": o_status[rows], "ordered": o_ordered[rows], "updated": updated,
            "fmt": _ts_format_codes(rng, len(rows)), "blank": np.zeros(len(rows), dtype=bool),
            "bad_currency": pa.nulls(len(rows), pa.string()), "bad_status": np.zeros(len(rows), dtype=bool),
        }
        table = pa.table(cols)
        # dirt: new order rows of clean buyers, each with one defect
        clean_buyers = buyers[self.clean[buyers]]
        dirty_specs = [
            ("missing_id", {}), ("unparseable_timestamp", {"fmt": 10}), ("unknown_status", {"bad_status": True}),
            ("unknown_currency", {"bad_currency": True}), ("missing_amount", {"amount": None}),
            ("negative_amount", {"negative": True}),
        ]
        next_id = total
        for reason, spec in dirty_specs:
            c = self.dirt_count(rng, 0.003)
            who = rng.choice(clean_buyers, size=c) if len(clean_buyers) else np.zeros(c, dtype=np.int64)
            amt = np.round(rng.lognormal(4.0, 0.5, c), 2)
            when = self.end - DAY * rng.integers(1, 300, c)
            extra = pa.table({
                "o": np.arange(next_id, next_id + c), "contact": who, "parent": pa.array(np.full(c, -1), mask=np.ones(c, dtype=bool)),
                "amount": pa.array(-amt if spec.get("negative") else amt, mask=np.full(c, "amount" in spec)),
                "currency": _take(["USD"], np.zeros(c, dtype=np.int64)), "status": np.zeros(c, dtype=np.int64),
                "ordered": when, "updated": when + 600, "fmt": np.full(c, spec.get("fmt", 0), dtype=np.int8),
                "blank": np.full(c, reason == "missing_id"),
                "bad_currency": _take(vocab.UNKNOWN_CURRENCIES, rng.integers(0, len(vocab.UNKNOWN_CURRENCIES), c) if spec.get("bad_currency") else np.full(c, -1)),
                "bad_status": np.full(c, bool(spec.get("bad_status"))),
            }, schema=table.schema)
            table = pa.concat_tables([table, extra])
            next_id += c
            self.expect("crm.orders", reason, c)
        width, cwidth = len(str(next_id)), len(str(n))
        self.emit("raw_crm", "orders", "crm.orders", table, f"""
            case when blank then '' else 'o_' || lpad(cast(o + 1 as varchar), {width}, '0') end as id,
            'c_' || lpad(cast(contact + 1 as varchar), {cwidth}, '0') as contact_id,
            null::varchar as account_id,
            case when parent is null then null else 'o_' || lpad(cast(parent + 1 as varchar), {width}, '0') end as parent_order_id,
            cast(amount as double) as amount,
            coalesce(bad_currency, case when o % 11 = 0 then lower(currency) when o % 13 = 0 then ' ' || currency else currency end) as currency,
            case when bad_status then 'pending'
                else (case when o % 7 = 0 then upper((['paid', 'refunded', 'failed'])[status + 1]) else (['paid', 'refunded', 'failed'])[status + 1] end)
            end as status,
            {_ts_text_sql('ordered', 'fmt')} as ordered_at,
            {_ts_text_sql('updated', '0')} as updated_at,
            {_loader_ts_sql('updated + 1200')} as _loaded_at""")
        # account of each order's contact, filled in SQL from the contacts table
        self.writer.con.execute("""
            update raw_crm.orders as o set account_id = c.account_id
            from (select distinct on (id) id, account_id from raw_crm.contacts where id <> '') as c
            where o.contact_id = c.id""")

    # ---------------------------------------------------------------------------------------------------------
    def tickets(self) -> None:
        rng = self.rng("tickets")
        n = self.n
        base = rng.poisson(0.4, n)
        heavy = rng.random(n) < 0.05
        recent = np.where(heavy, rng.integers(3, 7, n), 0)
        contact = np.concatenate([np.repeat(np.arange(n), base), np.repeat(np.arange(n), recent)])
        created = np.concatenate([
            self.end - DAY * rng.integers(31, 700, int(base.sum())) - rng.integers(0, DAY, int(base.sum())),
            self.end - DAY * rng.integers(0, 28, int(recent.sum())) - rng.integers(0, DAY, int(recent.sum())),
        ])
        k = len(contact)
        versions = np.where(rng.random(k) < 0.05, 2, 1)
        rows = np.repeat(np.arange(k), versions)
        version_no = np.concatenate([np.arange(v) for v in versions]) if k else np.array([], dtype=np.int64)
        latest = version_no == versions[rows] - 1
        erased_rows = self.erased[contact[rows]]
        self.expect("crm.tickets", "erasure_requested", int(erased_rows.sum()))
        self.expect("crm.tickets", "superseded_version", int((~latest & ~erased_rows).sum()))
        fmt = np.zeros(len(rows), dtype=np.int8)
        blank = np.zeros(len(rows), dtype=bool)
        clean_single = np.flatnonzero((versions == 1) & self.clean[contact])
        extra_rows, extra_fmt, extra_blank = [], [], []
        for reason, b, code in [("missing_id", True, 0), ("unparseable_timestamp", False, 12)]:
            c = max(2, int(k * 0.004))
            pick = rng.choice(clean_single, size=c)
            extra_rows.append(pick)
            extra_fmt.append(np.full(c, code, dtype=np.int8))
            extra_blank.append(np.full(c, b))
            self.expect("crm.tickets", reason, c)
        r = np.concatenate([rows, *extra_rows])
        vno = np.concatenate([version_no, *[np.zeros(len(x), dtype=np.int64) for x in extra_rows]])
        table = pa.table({
            "t": r, "contact": contact[r], "created": created[r], "updated": np.minimum(created[r] + 3600 * (1 + vno * 5), self.end - 60),
            "fmt": np.concatenate([fmt, *extra_fmt]), "blank": np.concatenate([blank, *extra_blank]),
        })
        width, cwidth = len(str(k)), len(str(n))
        subjects = "', '".join(TICKET_SUBJECTS)
        self.emit("raw_crm", "tickets", "crm.tickets", table, f"""
            case when blank then '' else 't_' || lpad(cast(t + 1 as varchar), {width}, '0') end as id,
            'c_' || lpad(cast(contact + 1 as varchar), {cwidth}, '0') as contact_id,
            (['{subjects}'])[(t % {len(TICKET_SUBJECTS)}) + 1] as subject,
            (['low', 'normal', 'High', 'urgent'])[(t % 4) + 1] as priority,
            (['open', 'pending', 'solved', 'closed'])[(t % 4) + 1] as status,
            {_ts_text_sql('created', 'fmt')} as created_at,
            {_ts_text_sql('updated', '0')} as updated_at,
            {_loader_ts_sql('updated + 600')} as _loaded_at""")

    # ---------------------------------------------------------------------------------------------------------
    # product events, generated per chunk of contacts to bound memory

    # (persona, kind, event, count low, count high (exclusive), days-ago low, days-ago high (inclusive), share of contacts)
    # kind 0 = track, 1 = page; event -1 = a random "other" event, -2 = a random core event
    EVENT_PLAN = [
        ("power_user", 0, "login", 16, 41, 0, 29, 1.0),
        ("power_user", 0, "login", 1, 2, 0, 6, 1.0),
        ("power_user", 0, "login", 3, 26, 31, 390, 1.0),
        ("power_user", 0, -2, 2, 16, 0, 29, 1.0),
        ("power_user", 0, -1, 15, 41, 0, 390, 1.0),
        ("power_user", 1, None, 10, 31, 0, 390, 1.0),
        ("active", 0, "login", 1, 2, 0, 6, 1.0),
        ("active", 0, "login", 0, 12, 0, 29, 1.0),
        ("active", 0, "login", 3, 26, 31, 390, 1.0),
        ("active", 0, -2, 0, 4, 0, 390, 1.0),
        ("active", 0, -1, 3, 21, 0, 390, 1.0),
        ("active", 1, None, 5, 21, 0, 390, 1.0),
        ("active", 0, "login", 1, 2, -1, -1, 0.05),  # on the partial next day: ignored
        ("at_risk", 0, "login", 1, 7, 7, 29, 1.0),
        ("at_risk", 0, "login", 3, 21, 31, 390, 1.0),
        ("at_risk", 0, -1, 2, 11, 7, 390, 1.0),
        ("at_risk", 1, None, 2, 11, 7, 390, 1.0),
        ("dormant", 0, "login", 1, 21, 31, 390, 1.0),
        ("dormant", 0, -1, 1, 9, 31, 390, 1.0),
        ("dormant", 1, None, 2, 11, 31, 390, 1.0),
        ("new", 0, "login", 1, 9, 0, 12, 1.0),
        ("new", 0, -2, 1, 4, 0, 12, 0.5),
        ("new", 0, -1, 1, 9, 0, 12, 1.0),
        ("new", 1, None, 1, 11, 0, 12, 1.0),
    ]

    def _components(self, rng, contacts: np.ndarray) -> dict[str, np.ndarray]:
        persona = self.persona[contacts]
        parts = {k: [] for k in ("contact", "kind", "event", "days", "anon_only")}
        events = [vocab.LOGIN_EVENT, *vocab.CORE_EVENTS, *vocab.OTHER_EVENTS]
        self.event_names = events

        def add(who, kind, event_codes, days, anon_only=False):
            parts["contact"].append(who)
            parts["kind"].append(np.full(len(who), kind, dtype=np.int8))
            parts["event"].append(event_codes)
            parts["days"].append(days)
            parts["anon_only"].append(np.full(len(who), anon_only))

        for name, kind, event, lo, hi, d_lo, d_hi, share in self.EVENT_PLAN:
            members = contacts[(persona == PERSONAS.index(name)) & (rng.random(len(contacts)) < share)]
            counts = rng.integers(lo, hi, len(members))
            who = np.repeat(members, counts)
            days = rng.integers(d_lo, d_hi + 1, len(who))
            if event is None:
                codes = np.full(len(who), -1, dtype=np.int16)
            elif event == -1:
                codes = (1 + len(vocab.CORE_EVENTS) + rng.integers(0, len(vocab.OTHER_EVENTS), len(who))).astype(np.int16)
            elif event == -2:
                codes = (1 + rng.integers(0, len(vocab.CORE_EVENTS), len(who))).astype(np.int16)
            else:
                codes = np.full(len(who), events.index(event), dtype=np.int16)
            add(who, kind, codes, days)
        engaged = contacts[np.isin(persona, [PERSONAS.index("power_user"), PERSONAS.index("active")])]
        # heavy report users (upsell) and invoices created with or without a send
        heavy = engaged[rng.random(len(engaged)) < 0.06]
        counts = rng.integers(15, 31, len(heavy))
        who = np.repeat(heavy, counts)
        add(who, 0, np.full(len(who), events.index("report_created"), dtype=np.int16), rng.integers(0, 391, len(who)))
        invoicers = engaged[rng.random(len(engaged)) < 0.12]
        created_days = rng.integers(1, 26, len(invoicers))
        add(invoicers, 0, np.full(len(invoicers), events.index("invoice_created"), dtype=np.int16), created_days)
        senders = rng.random(len(invoicers)) < 0.5
        add(invoicers[senders], 0, np.full(int(senders.sum()), events.index("invoice_sent"), dtype=np.int16), created_days[senders] - 1)
        # pre-sign-up page views under the anonymous id only, long before the first identified event
        early = contacts[np.isin(persona, [1, 3, 4, 5]) & (rng.random(len(contacts)) < 0.2)]
        counts = rng.integers(1, 6, len(early))
        who = np.repeat(early, counts)
        add(who, 1, np.full(len(who), -1, dtype=np.int16), rng.integers(392, 401, len(who)), anon_only=True)
        return {k: np.concatenate(v) if v else np.array([]) for k, v in parts.items()}

    def events(self) -> None:
        n = self.n
        width = len(str(n))
        self.event_offset = 0
        self.identify_offset = 0
        devices_pattern = self.rng("devices").choice(3, size=n, p=[0.5, 0.25, 0.25])
        desktop_browser = self.rng("browsers").integers(0, len(vocab.BROWSERS), n)
        mobile_browser = np.array([3, 1, 5])[self.rng("mobile_browsers").integers(0, 3, n)]  # Safari, Chrome, Opera
        desktop_os = self.rng("os").integers(0, len(vocab.OPERATING_SYSTEMS_DESKTOP), n)
        mobile_os = len(vocab.OPERATING_SYSTEMS_DESKTOP) + self.rng("mobile_os").integers(0, len(vocab.OPERATING_SYSTEMS_MOBILE), n)
        os_names = vocab.OPERATING_SYSTEMS_DESKTOP + vocab.OPERATING_SYSTEMS_MOBILE
        for part, lo in enumerate(range(0, n, CHUNK_CONTACTS)):
            rng = self.rng("events", part)
            contacts = np.arange(lo, min(n, lo + CHUNK_CONTACTS))
            contacts = contacts[self.has_user[contacts]]
            ev = self._components(rng, contacts)
            k = len(ev["contact"])
            c = ev["contact"].astype(np.int64)
            ts = (self.end - DAY) - DAY * ev["days"].astype(np.int64) + rng.integers(0, DAY, k)
            late = rng.random(k) < 0.03
            received = ts + np.where(late, rng.integers(DAY + 3600, 5 * DAY, k), rng.integers(0, 120, k))
            pattern = devices_pattern[c]
            is_desktop = np.where(pattern == 0, True, np.where(pattern == 1, False, rng.random(k) < 0.6))
            device = np.where(is_desktop, 0, np.where(rng.random(k) < 0.2, 2, 1))
            device = np.where(rng.random(k) < 0.02, -1, device)
            device_spelled = np.where((rng.random(k) < 0.05) & (device >= 0), device + 3, device)
            country = np.where(rng.random(k) < 0.92, self.country[c], rng.integers(0, len(self.country_codes), k))
            country = np.where(rng.random(k) < 0.03, -1, country)
            feature = np.where(ev["event"] == self.event_names.index("feature_used"), rng.integers(0, len(vocab.FEATURES), k), -1)
            base = pa.table({
                "c": c, "kind": ev["kind"], "event": ev["event"].astype(np.int64),
                "case_dirt": (rng.random(k) < 0.03) & (ev["event"] >= 0), "ts": ts, "received": received,
                "device": _take(["desktop", "mobile", "tablet", *vocab.DEVICE_SPELLINGS_EXTRA], device_spelled),
                "os": _take(os_names, np.where(is_desktop, desktop_os[c], mobile_os[c])),
                "browser": _take(vocab.BROWSERS, np.where(is_desktop, desktop_browser[c], mobile_browser[c])),
                "country": _take(self.country_codes, country), "feature": _take(vocab.FEATURES, feature),
                "anon_only": ev["anon_only"], "fmt": _ts_format_codes(rng, k),
                # 0 clean, 1 blank id, 2 no identity, 4 user never identified, 5 anonymous id never identified
                "reason": np.zeros(k, dtype=np.int8), "dup": np.zeros(k, dtype=bool), "src": np.arange(k),
            })
            erased = self.erased[c]
            kinds = ev["kind"]
            for kind, key in ((0, "product.tracks"), (1, "product.pages")):
                self.expect(key, "erasure_requested", int((erased & (kinds == kind)).sum()))
                self.cleanable[f"{key}.late_events"] += int((late & ~erased & (kinds == kind)).sum())
            # dirt: copies of clean, identified events with one defect each (new ids, except duplicates)
            clean_rows = np.flatnonzero(self.clean[c] & ~ev["anon_only"])
            extras = []
            specs = [
                ("missing_id", {"reason": 1}), ("missing_identity", {"reason": 2}),
                ("unparseable_timestamp", {"fmt": 10}), ("unparseable_timestamp", {"fmt": 11}),
                ("unparseable_timestamp", {"fmt": 12}), ("implausible_timestamp", {"ts": "1900"}),
                ("future_timestamp", {"ts": "future"}), ("duplicate_event", {"dup": True}),
                (None, {"reason": 4}), (None, {"reason": 5}),
            ]
            for reason, spec in specs if len(clean_rows) else []:
                rate = 0.01 if reason is None else 0.0015
                size = max(1, int(len(clean_rows) * rate))
                pick = rng.choice(clean_rows, size=size, replace=bool(spec.get("dup")) is False)
                extra = base.take(pa.array(pick))
                for column, value in spec.items():
                    if column == "ts":
                        value = np.full(size, -2208988800) if value == "1900" else self.end + DAY * rng.integers(1500, 3000, size)
                    else:
                        value = np.full(size, value, dtype=base.schema.field(column).type.to_pandas_dtype())
                    extra = extra.set_column(extra.schema.get_field_index(column), column, pa.array(value))
                extras.append(extra)
                picked_kinds = kinds[pick]
                for kind, key in ((0, "product.tracks"), (1, "product.pages")):
                    if reason:
                        self.expect(key, reason, int((picked_kinds == kind).sum()))
            table = pa.concat_tables([base, *extras])
            table = table.append_column("rn", pa.array(np.arange(table.num_rows)))
            offset = self.event_offset
            self.event_offset += table.num_rows
            event_names = "', '".join(self.event_names)
            identity = f"""
                case when reason = 1 then '' else '{{prefix}}' || ({offset} + case when dup then src else rn end) end as id,
                case
                    when reason in (2, 5) or anon_only then null
                    when reason = 4 then 'u_orphan_' || (c % 997)
                    else 'u_' || lpad(cast(c + 1 as varchar), {width}, '0')
                end as user_id,
                case
                    when reason = 2 then null
                    when reason = 5 then 'anon_ghost_' || (c % 991)
                    else 'anon_' || lpad(cast(c + 1 as varchar), {width}, '0')
                end as anonymous_id"""
            timing = f"""
                {_ts_text_sql("ts", "fmt")} as timestamp,
                {_ts_text_sql("ts", "0")} as sent_at,
                {_loader_ts_sql("received + case when dup then 86400 + (c % 7200) else 0 end")} as received_at"""
            cities = " ".join(f"when '{code}' then '{city}'" for code, (_, city) in CITIES.items())
            context = f"""
                device as context_device_type, os as context_os_name, browser as context_browser,
                (['en-US', 'de-DE', 'fr-FR', 'ja-JP', 'pt-BR'])[(c % 5) + 1] as context_locale,
                country as context_country, case country {cities} else null end as context_city"""
            loaded = _loader_ts_sql("received + 1800 + (c % 600) + case when dup then 86400 else 0 end")
            table = table.append_column("ev", _take(self.event_names, table.column("event").to_numpy()))
            mask = pa.compute.equal(table.column("kind"), 0)
            self.emit("raw_product", "tracks", "product.tracks", table.filter(mask), f"""
                {identity.replace("{prefix}", "m_t")},
                case when case_dirt
                    then (case when c % 2 = 0 then upper(substr(ev, 1, 1)) || substr(ev, 2) else ' ' || ev || ' ' end)
                    else ev
                end as event,
                upper(substr(ev, 1, 1)) || replace(substr(ev, 2), '_', ' ') as event_text,
                {timing}, {context}, feature, {loaded} as uuid_ts""")
            pages = "', '".join(PAGES)
            sources = ", ".join("null" if s is None else f"'{s}'" for s in UTM_SOURCES)
            self.emit("raw_product", "pages", "product.pages", table.filter(pa.compute.invert(mask)), f"""
                {identity.replace("{prefix}", "m_p")},
                'https://app.example.com' || (['{pages}'])[(rn % {len(PAGES)}) + 1] as url,
                (['{pages}'])[(rn % {len(PAGES)}) + 1] as path,
                case when rn % 3 = 0 then 'https://www.google.com/' else null end as referrer,
                'Page ' || (rn % {len(PAGES)}) as title,
                ([{sources}])[(c % {len(UTM_SOURCES)}) + 1] as context_campaign_source,
                {timing}, {context}, {loaded} as uuid_ts""")
            self._identifies(rng, contacts)

    def _identifies(self, rng, contacts: np.ndarray) -> None:
        """An identify per user when first seen (a second, later, for some), tying anonymous id, user id and email."""
        width = len(str(self.n))
        k = len(contacts)
        second = rng.random(k) < 0.3
        who = np.concatenate([contacts, contacts[second]])
        first = np.minimum(self.created[contacts] + DAY, self.end - 120)
        when = np.concatenate([first, np.minimum(first[second] + DAY * rng.integers(1, 200, int(second.sum())), self.end - 120)])
        variant = np.concatenate([self.email_variant[contacts], rng.integers(0, 4, int(second.sum())).astype(np.int8)])
        base = pa.table({
            "c": who, "when": when, "variant": variant, "fmt": _ts_format_codes(rng, len(who)),
            "blank": np.zeros(len(who), dtype=bool), "dup": np.zeros(len(who), dtype=bool), "src": np.arange(len(who)),
        })
        self.expect("product.identifies", "erasure_requested", int(self.erased[who].sum()))
        clean_rows = np.flatnonzero(self.clean[who])
        extras = []
        for reason, column, value in [("missing_id", "blank", True), ("unparseable_timestamp", "fmt", 10), ("duplicate_event", "dup", True)]:
            if not len(clean_rows):
                break
            size = max(1, int(len(clean_rows) * 0.003))
            pick = rng.choice(clean_rows, size=size, replace=False)
            extra = base.take(pa.array(pick))
            dtype = base.schema.field(column).type.to_pandas_dtype()
            extra = extra.set_column(extra.schema.get_field_index(column), column, pa.array(np.full(size, value, dtype=dtype)))
            extras.append(extra)
            self.expect("product.identifies", reason, size)
        table = pa.concat_tables([base, *extras])
        table = table.append_column("rn", pa.array(np.arange(table.num_rows)))
        offset = self.identify_offset
        self.identify_offset += table.num_rows
        self.emit("raw_product", "identifies", "product.identifies", table, f"""
            case when blank then '' else 'm_i' || ({offset} + case when dup then src else rn end) end as id,
            'u_' || lpad(cast(c + 1 as varchar), {width}, '0') as user_id,
            'anon_' || lpad(cast(c + 1 as varchar), {width}, '0') as anonymous_id,
            {_email_sql('c + 1', 'variant')} as email,
            {_ts_text_sql('"when"', 'fmt')} as timestamp,
            {_loader_ts_sql('"when" + 30 + case when dup then 86400 else 0 end')} as received_at,
            {_loader_ts_sql('"when" + 1800 + case when dup then 86400 else 0 end')} as uuid_ts""")

    def ghost_identities(self) -> None:
        """Identify calls of app users whose email is in no CRM contact: their events are kept but link to no one."""
        ghosts = pa.table({"g": np.arange(min(50, max(2, self.n // 200)))})
        at = self.end - 30 * DAY
        self.emit("raw_product", "identifies", "product.identifies", ghosts, f"""
            'm_ig' || g as id, 'u_orphan_' || g as user_id, 'anon_ghost_' || g as anonymous_id,
            'ghost' || g || '@nowhere.test' as email,
            {_ts_text_sql(str(at), '0')} as timestamp, {_loader_ts_sql(str(at + 60))} as received_at,
            {_loader_ts_sql(str(at + 600))} as uuid_ts""")

    # ---------------------------------------------------------------------------------------------------------
    # (question id, share of contacts answering, answer vocabulary or None for a score scale)
    QUESTIONS = [
        ("nps", 0.5, None), ("csat", 0.4, None), ("primary_motivation", 0.3, vocab.MOTIVATIONS),
        ("interests", 0.3, vocab.INTERESTS), ("values", 0.3, vocab.VALUES), ("personality", 0.3, vocab.PERSONALITY),
        ("must_have_features", 0.25, vocab.MUST_HAVE_FEATURES), ("service_needs", 0.2, vocab.SERVICE_NEEDS),
    ]

    def surveys(self) -> None:
        rng = self.rng("surveys")
        n = self.n
        who_parts, question_parts, answer_parts, when_parts = [], [], [], []
        answers_flat: list[str] = []
        for q_index, (question, share, options) in enumerate(self.QUESTIONS):
            members = np.flatnonzero(rng.random(n) < share)
            # some answered twice; the latest counts
            twice = members[rng.random(len(members)) < 0.15]
            who = np.concatenate([members, twice])
            when = self.end - DAY * rng.integers(0, 300, len(who)) - rng.integers(0, DAY, len(who))
            when[len(members):] = when[len(members):] - DAY * 60  # the repeat is older
            if options is None:
                low, high = (0, 10) if question == "nps" else (1, 5)
                values = [str(v) for v in range(low, high + 1)]
            else:
                values = options
            base = len(answers_flat)
            answers_flat.extend(values)
            answer_idx = base + rng.integers(0, len(values), len(who))
            who_parts.append(who); question_parts.append(np.full(len(who), q_index)); answer_parts.append(answer_idx); when_parts.append(when)
        who = np.concatenate(who_parts)
        question = np.concatenate(question_parts)
        answer = np.concatenate(answer_parts)
        when = np.concatenate(when_parts)
        tomorrow = rng.random(len(who)) < 0.002
        when[tomorrow] = self.end + 3600
        self.expect("surveys.responses", "erasure_requested", int(self.erased[who].sum()))
        k = len(who)
        base_table = {
            "c": who, "q": question, "answer": _take(answers_flat, answer), "when": when,
            "variant": self.email_variant[who], "blank": np.zeros(k, dtype=bool), "no_email": np.zeros(k, dtype=bool),
            "fmt": _ts_format_codes(rng, k), "dup": np.zeros(k, dtype=bool), "src": np.arange(k),
        }
        table = pa.table(base_table)
        clean_rows = np.flatnonzero(self.clean[who])
        scored = clean_rows[question[clean_rows] <= 1]
        extras = []

        def dirty(rows, reason, **changes):
            extra = table.take(pa.array(rows))
            for column, value in changes.items():
                array = value if isinstance(value, pa.Array) else pa.array(np.full(len(rows), value, dtype=table.schema.field(column).type.to_pandas_dtype()))
                extra = extra.set_column(extra.schema.get_field_index(column), column, array)
            extras.append(extra)
            self.expect("surveys.responses", reason, len(rows))

        size = lambda: self.dirt_count(rng, 0.002, minimum=2)  # noqa: E731
        dirty(rng.choice(clean_rows, size()), "missing_id", blank=True)
        dirty(rng.choice(clean_rows, size()), "missing_respondent", no_email=True)
        dirty(rng.choice(clean_rows, size()), "unparseable_timestamp", fmt=11)
        dirty(rng.choice(clean_rows, size=min(size(), len(clean_rows)), replace=False), "duplicate_answer", dup=True)
        nps_rows = clean_rows[question[clean_rows] == 0]
        csat_rows = clean_rows[question[clean_rows] == 1]
        bad_words = ["ten", "N/A", "great!", "???"]
        pick = rng.choice(scored, size())
        dirty(pick, "non_numeric_score", answer=_take(bad_words, rng.integers(0, len(bad_words), len(pick))))
        pick = rng.choice(nps_rows, size())
        dirty(pick, "score_out_of_range", answer=_take(["11", "-1", "7.5", "100"], rng.integers(0, 4, len(pick))))
        pick = rng.choice(csat_rows, size())
        dirty(pick, "score_out_of_range", answer=_take(["0", "6", "4.5"], rng.integers(0, 3, len(pick))))
        table = pa.concat_tables([table, *extras])
        table = table.append_column("rn", pa.array(np.arange(table.num_rows)))
        questions = "', '".join(q for q, _, _ in self.QUESTIONS)
        self.emit("raw_surveys", "responses", "surveys.responses", table, f"""
            case when blank then '' else 'ans_' || (case when dup then src else rn end) end as id,
            'resp_' || c || '_' || q as response_id,
            (['nps_2026', 'csat_support', 'profile', 'profile', 'profile', 'profile', 'needs', 'needs'])[q + 1] as survey_name,
            case when q = 0 and c % 10 = 0 then 'NPS' else (['{questions}'])[q + 1] end as question_id,
            'Question ' || (q + 1) as question_text,
            case when no_email then ' ' else {_email_sql('c + 1', 'variant')} end as respondent_email,
            answer as answer_text,
            {_ts_text_sql('"when"', 'fmt')} as submitted_at,
            {_loader_ts_sql('"when" + 7200 + case when dup then 86400 else 0 end')} as _loaded_at""")

    def erasure_requests(self) -> None:
        rng = self.rng("erasure")
        erased = np.flatnonzero(self.erased)
        variants = rng.integers(0, 4, len(erased)).astype(np.int8)
        at = self.end - DAY * rng.integers(1, 30, len(erased))
        table = pa.table({"c": erased, "variant": variants, "requested": at, "kind": np.zeros(len(erased), dtype=np.int8)})
        # two people not in the CRM, a blank email, and a repeated request (the later one is the duplicate)
        specials = pa.table({
            "c": np.array([n for n in (10**9, 10**9 + 1, 0, erased[0] if len(erased) else 0)], dtype=np.int64),
            "variant": np.array([0, 0, 0, 3], dtype=np.int8),
            "requested": np.array([self.end - DAY * 3] * 3 + [self.end - 3600], dtype=np.int64),
            "kind": np.array([1, 1, 2, 3 if len(erased) else 1], dtype=np.int8),
        })
        self.expect("compliance.erasure_requests", "missing_email", 1)
        self.expect("compliance.erasure_requests", "duplicate_request", 1 if len(erased) else 0)
        table = pa.concat_tables([table, specials])
        self.emit("raw_compliance", "erasure_requests", "compliance.erasure_requests", table, f"""
            'er_' || (row_number() over ()) as id,
            case kind when 1 then 'former' || c || '@nowhere.test' when 2 then '' else {_email_sql('c + 1', 'variant')} end as email,
            {_ts_text_sql('requested', '0')} as requested_at,
            {_loader_ts_sql('requested + 3600')} as _loaded_at""")


def generate(contacts: int, seed: int, as_of: dt.date, *, duckdb_path: str | None = None,
             parquet_dir: str | None = None, progress: bool = True) -> dict:
    """Write every raw table for `contacts` people as of `as_of`; return the manifest of rows and dirt."""
    if (duckdb_path is None) == (parquet_dir is None):
        raise ValueError("give exactly one of duckdb_path or parquet_dir")
    if contacts < 1:
        raise ValueError("contacts must be at least 1")
    started = time.perf_counter()
    writer = _Writer(duckdb_path, parquet_dir)
    generator = _Generator(contacts, seed, as_of, writer)
    steps = [
        ("people", generator.people), ("accounts", generator.accounts), ("contacts", generator.contacts),
        ("subscriptions", generator.subscriptions), ("orders", generator.orders), ("tickets", generator.tickets),
        ("product events", generator.events), ("identities", generator.ghost_identities),
        ("surveys", generator.surveys), ("erasure requests", generator.erasure_requests),
    ]
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   TimeElapsedColumn(), transient=False) if progress else nullcontext()
    with bar:
        task = bar.add_task("generating", total=len(steps)) if progress else None
        for name, step in steps:
            if progress:
                bar.update(task, description=f"generating {name}")
            step()
            if progress:
                bar.advance(task)
        if progress:
            bar.update(task, description="writing")
        writer.finish()
    tables = {}
    for key in sorted(generator.rows):
        tables[key] = {"rows": generator.rows[key], "quarantined": dict(sorted(generator.quarantined.get(key, {}).items()))}
    personas = Counter(PERSONAS[i] for i in generator.persona)
    return {
        "contacts": contacts, "seed": seed, "as_of": as_of.isoformat(),
        "seconds": round(time.perf_counter() - started, 2),
        "tables": tables,
        "cleanable": dict(sorted(generator.cleanable.items())),
        "personas": dict(sorted(personas.items())),
        "total_rows": int(sum(generator.rows.values())),
    }
