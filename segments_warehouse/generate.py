"""Generator of realistic, dirty raw data for every raw table of docs/raw_contract.md.

``generate(contacts, seed, as_of, duckdb_path=... | parquet_dir=...)`` writes raw_crm.accounts, contacts,
subscriptions, orders, tickets; raw_product.tracks, pages, identifies; raw_surveys.responses and
raw_compliance.erasure_requests, and returns a manifest of row counts, the exact number of rows of each quarantine
reason a correct staging layer must find, counts of cleanable dirt and the behavioral personas.

How it works:

* Deterministic for (contacts, seed, as_of): every table (and every chunk of product events) draws from its own
  ``numpy.random.default_rng([seed, crc32(name), part])``; nothing reads the clock except the manifest's
  ``seconds``; every output is written in an explicit order.
* Vectorized: numpy draws numbers and category codes for all rows at once; pyarrow maps codes to text; DuckDB SQL
  on the arrow tables formats ids, emails and text timestamps. No Python code runs per row.
* Bounded memory: product events are made per chunk of contacts and streamed out (DuckDB ``insert into`` or a
  pyarrow ``ParquetWriter``), so a million contacts (tens of millions of events) stay well under 10 GB.
* Honest dirt: every defect is an extra row (a defective copy of a clean row of a clean person, or a new row)
  carrying exactly one defect, and the people it is copied from are neither deleted nor erased. The reason each
  dirty row must get is therefore known and counted as it is made, not recomputed from the output.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import vocab

DAY = 86_400
HOUR = 3_600
EVENT_CHUNK_CONTACTS = 50_000
BATCH_ROWS = 262_144

PERSONAS = ["never_active", "power_user", "new", "active", "at_risk", "dormant"]
PERSONA_SHARES = [0.10, 0.08, 0.06, 0.30, 0.14, 0.32]
NEVER, POWER, NEW, ACTIVE, AT_RISK, DORMANT = range(6)

# --------------------------------------------------------------------------------------------------------------
# the contract: every raw table with its columns, in order, and their types

_S, _I, _F, _B, _T = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.timestamp("us")
SCHEMAS: dict[tuple[str, str], pa.Schema] = {
    ("raw_crm", "accounts"): pa.schema([
        ("id", _S), ("name", _S), ("industry", _S), ("employee_count", _I), ("annual_revenue", _F), ("country", _S),
        ("business_model", _S), ("tech_crm", _S), ("tech_marketing_automation", _S), ("tech_database", _S),
        ("tech_analytics", _S), ("is_deleted", _B), ("created_at", _S), ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "contacts"): pa.schema([
        ("id", _S), ("account_id", _S), ("email", _S), ("first_name", _S), ("last_name", _S), ("birth_date", _S),
        ("gender", _S), ("household_income", _F), ("education", _S), ("marital_status", _S), ("job_title", _S),
        ("seniority", _S), ("language", _S), ("country", _S), ("state", _S), ("city", _S), ("timezone", _S),
        ("lifecycle_stage", _S), ("original_source", _S), ("owner_name", _S), ("is_deleted", _B), ("created_at", _S),
        ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "subscriptions"): pa.schema([
        ("id", _S), ("account_id", _S), ("plan", _S), ("status", _S), ("mrr", _F), ("currency", _S),
        ("started_at", _S), ("renews_at", _S), ("canceled_at", _S), ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "orders"): pa.schema([
        ("id", _S), ("contact_id", _S), ("account_id", _S), ("parent_order_id", _S), ("amount", _F), ("currency", _S),
        ("status", _S), ("ordered_at", _S), ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "tickets"): pa.schema([
        ("id", _S), ("contact_id", _S), ("subject", _S), ("priority", _S), ("status", _S), ("created_at", _S),
        ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_product", "tracks"): pa.schema([
        ("id", _S), ("user_id", _S), ("anonymous_id", _S), ("event", _S), ("event_text", _S), ("timestamp", _S),
        ("sent_at", _S), ("received_at", _T), ("context_device_type", _S), ("context_os_name", _S),
        ("context_browser", _S), ("context_locale", _S), ("context_country", _S), ("context_city", _S),
        ("feature", _S), ("uuid_ts", _T)]),
    ("raw_product", "pages"): pa.schema([
        ("id", _S), ("user_id", _S), ("anonymous_id", _S), ("url", _S), ("path", _S), ("referrer", _S), ("title", _S),
        ("context_campaign_source", _S), ("timestamp", _S), ("sent_at", _S), ("received_at", _T),
        ("context_device_type", _S), ("context_os_name", _S), ("context_browser", _S), ("context_locale", _S),
        ("context_country", _S), ("context_city", _S), ("uuid_ts", _T)]),
    ("raw_product", "identifies"): pa.schema([
        ("id", _S), ("user_id", _S), ("anonymous_id", _S), ("email", _S), ("timestamp", _S), ("received_at", _T),
        ("uuid_ts", _T)]),
    ("raw_surveys", "responses"): pa.schema([
        ("id", _S), ("response_id", _S), ("survey_name", _S), ("question_id", _S), ("question_text", _S),
        ("respondent_email", _S), ("answer_text", _S), ("submitted_at", _S), ("_loaded_at", _T)]),
    ("raw_compliance", "erasure_requests"): pa.schema([
        ("id", _S), ("email", _S), ("requested_at", _S), ("_loaded_at", _T)]),
}
SOURCES = {"raw_crm": "crm", "raw_product": "product", "raw_surveys": "surveys", "raw_compliance": "compliance"}
_DUCKDB_TYPES = {_S: "VARCHAR", _I: "BIGINT", _F: "DOUBLE", _B: "BOOLEAN", _T: "TIMESTAMP"}

# --------------------------------------------------------------------------------------------------------------
# small vocabularies of the generator itself (the dirty spellings staging must handle live in vocab.py)

FIRST_NAMES = [("Ada", "ada"), ("Bo", "bo"), ("Chloé", "chloe"), ("Dmitri", "dmitri"), ("Elif", "elif"),
               ("Femi", "femi"), ("Grace", "grace"), ("Hiro", "hiro"), ("Inès", "ines"), ("José", "jose"),
               ("Kai", "kai"), ("Lena", "lena"), ("Maya", "maya"), ("Noah", "noah"), ("Olu", "olu"),
               ("Priya", "priya"), ("Quinn", "quinn"), ("Rafael", "rafael"), ("Sara", "sara"), ("Tomás", "tomas"),
               ("Uma", "uma"), ("Viktor", "viktor"), ("Wei", "wei"), ("Zoë", "zoe")]
LAST_NAMES = [("Andersen", "andersen"), ("Bianchi", "bianchi"), ("Chen", "chen"), ("Diallo", "diallo"),
              ("Evans", "evans"), ("Fischer", "fischer"), ("García", "garcia"), ("Haddad", "haddad"),
              ("Ivanova", "ivanova"), ("Jones", "jones"), ("Kowalski", "kowalski"), ("López", "lopez"),
              ("Müller", "muller"), ("Nakamura", "nakamura"), ("O'Brien", "obrien"), ("Patel", "patel"),
              ("Rossi", "rossi"), ("Silva", "silva"), ("Tanaka", "tanaka"), ("Okafor", "okafor")]
DOMAINS = ["example.com", "mail.test", "corp.example", "inbox.test", "work.example"]
# email parts of people who are in no CRM contact (ghost app users, unknown respondents, former customers)
OUTSIDERS = [("ghost", "user", "nowhere.test"), ("visitor", "anon", "survey.test"), ("former", "customer", "gone.test")]
CITIES = {"US": ("CA", "San Francisco"), "GB": ("England", "London"), "DE": ("Berlin", "Berlin"),
          "FR": ("Île-de-France", "Paris"), "IN": ("Karnataka", "Bengaluru"), "JP": ("Tokyo", "Tokyo"),
          "BR": ("SP", "São Paulo"), "AU": ("NSW", "Sydney"), "CA": ("ON", "Toronto"), "ES": ("Madrid", "Madrid"),
          "NL": ("North Holland", "Amsterdam"), "MX": ("CDMX", "Mexico City"), "SG": (None, "Singapore")}
LOCALES = {"US": "en-US", "CA": "en-CA", "MX": "es-MX", "BR": "pt-BR", "AR": "es-AR", "CO": "es-CO", "CL": "es-CL",
           "GB": "en-GB", "DE": "de-DE", "FR": "fr-FR", "ES": "es-ES", "IT": "it-IT", "NL": "nl-NL", "SE": "sv-SE",
           "PL": "pl-PL", "IE": "en-IE", "CH": "de-CH", "NO": "nb-NO", "TR": "tr-TR", "AE": "ar-AE", "ZA": "en-ZA",
           "NG": "en-NG", "IN": "en-IN", "JP": "ja-JP", "CN": "zh-CN", "KR": "ko-KR", "SG": "en-SG", "AU": "en-AU",
           "NZ": "en-NZ", "ID": "id-ID"}
COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent", "Tyrell",
                 "Cyberdyne", "Aperture", "Massive", "Pied Piper", "Dunder", "Wonka", "Gringotts", "Oceanic"]
COMPANY_SUFFIXES = ["Inc.", "GmbH", "Ltd", "LLC", "S.A.", "BV", "Labs", "Group", "AB", "Pty Ltd"]
OWNERS = ["Alex Rivera", "Sam Okoye", "Jo Lindqvist", "Priya Nair", "Chris Weber", None]
TICKET_SUBJECTS = ["Cannot log in", "Invoice question", "Bug in reports", "Feature request", "Export fails",
                   "Integration broken", "Billing change", "Slow dashboard"]
TICKET_PRIORITIES = ["low", "normal", "High", "urgent"]
TICKET_STATUSES = ["open", "pending", "solved", "closed"]
PAGES = [("/", "Home"), ("/pricing", "Pricing"), ("/docs", "Documentation"), ("/app/dashboard", "Dashboard"),
         ("/app/reports", "Reports"), ("/app/invoices", "Invoices"), ("/app/settings", "Settings"),
         ("/blog/segmentation", "Blog: segmentation"), ("/integrations", "Integrations")]
REFERRERS = ["https://www.google.com/", "https://www.linkedin.com/", "https://news.ycombinator.com/", None, None]
UTM_SOURCES = ["google", "newsletter", "linkedin", "partner", None, None]
TRACK_EVENTS = [vocab.LOGIN_EVENT, *vocab.CORE_EVENTS, *vocab.OTHER_EVENTS]
_EV = {name: i for i, name in enumerate(TRACK_EVENTS)}
_ev_login = _EV[vocab.LOGIN_EVENT]
CORE_POOL = [_EV["report_created"], _EV["integration_connected"]]  # invoices come from their own plan
OTHER_POOL = [_EV[e] for e in vocab.OTHER_EVENTS]
OTHER_WEIGHTS = [0.45, 0.3, 0.1, 0.15]
MOBILE_OS = {"mobile": ["iOS 17.1", "iOS 16.6", "Android 14", "Android 13"], "tablet": ["iPadOS 17.1", "Android 14"]}
# keys of vars placeholder_values (dbt_project.yml): country garbage equal to these is "missing", not unrecognized
PLACEHOLDER_KEYS = {"na", "none", "null", "unknown", "", "tbd", "notprovided", "notapplicable"}
UNKNOWN_STATUSES = ["pending", "PENDING", "on hold", "chargeback"]
NON_NUMERIC_SCORES = ["ten", "N/A", "five", "n/a"]
NPS_OUT_OF_RANGE = ["11", "-1", "7.5", "12"]
CSAT_OUT_OF_RANGE = ["0", "6", "4.5"]
FUTURE_DAYS = (1_700, 2_900)  # future timestamps: 4.5 to 8 years after as_of (2031+ for any recent as_of)
IMPLAUSIBLE_EPOCH = int(dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc).timestamp())

# text timestamp formats: code -> (share among clean rows, description)
TS_Z, TS_PLUS2, TS_MINUS5, TS_PLUS530, TS_NAIVE, TS_MILLIS = 0, 1, 2, 3, 4, 5
TS_WORDS, TS_BAD_DATE, TS_BLANK = 10, 11, 12
_TS_CLEAN_CODES = [TS_Z, TS_PLUS2, TS_MINUS5, TS_PLUS530, TS_NAIVE, TS_MILLIS]
_TS_CLEAN_SHARES = [0.82, 0.04, 0.03, 0.01, 0.07, 0.03]
_TS_BAD_CODES = [TS_WORDS, TS_BAD_DATE, TS_BLANK]


# --------------------------------------------------------------------------------------------------------------
# vectorized helpers


def _take(values: list, idx) -> pa.Array:
    """values[idx] as an arrow string array; a negative index or a None value gives null."""
    idx = np.asarray(idx, dtype=np.int64)
    dictionary = pa.array(values, type=pa.string())
    mask = idx < 0
    return dictionary.take(pa.array(np.where(mask, 0, idx), mask=mask if mask.any() else None))


def _choice(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def _uniform_int(rng: np.random.Generator, low, high) -> np.ndarray:
    """An integer in [low, high] per row (arrays of bounds, high >= low)."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    return low + (rng.random(np.broadcast(low, high).shape) * (high - low + 1)).astype(np.int64)


def _spellings(rng: np.random.Generator, clean_idx: np.ndarray, spellings: dict[str, list[str]]):
    """A random spelling of each clean value: (flat list of spellings, index into it per row)."""
    flat: list[str] = []
    offsets, sizes = [], []
    for key in spellings:
        offsets.append(len(flat))
        sizes.append(len(spellings[key]))
        flat.extend(spellings[key])
    offsets_arr, sizes_arr = np.array(offsets), np.array(sizes)
    chosen = offsets_arr[clean_idx] + (rng.random(len(clean_idx)) * sizes_arr[clean_idx]).astype(np.int64)
    return flat, chosen


def _mix(x: np.ndarray, salt: int) -> np.ndarray:
    """A bijection of [0, 2**48): distinct inputs give distinct, random-looking ids."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        y = (x * np.uint64(0x9E3779B97F4B)) & np.uint64((1 << 48) - 1)
    return (y ^ np.uint64(salt & ((1 << 48) - 1))).astype(np.int64)


def _ts_formats(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array(_TS_CLEAN_CODES, dtype=np.int8)[_choice(rng, n, _TS_CLEAN_SHARES)]


def _ts_sql(seconds: str, code: str) -> str:
    """SQL: epoch seconds + a format code -> the text a loader lands (every clean format is the same instant)."""
    def fmt(shift: int, pattern: str) -> str:
        return f"strftime(make_timestamp((cast({seconds} as bigint) + {shift}) * 1000000), '{pattern}')"
    return f"""(case {code}
        when {TS_Z} then {fmt(0, '%Y-%m-%dT%H:%M:%SZ')}
        when {TS_PLUS2} then {fmt(7200, '%Y-%m-%dT%H:%M:%S+02:00')}
        when {TS_MINUS5} then {fmt(-18000, '%Y-%m-%dT%H:%M:%S-05:00')}
        when {TS_PLUS530} then {fmt(19800, '%Y-%m-%dT%H:%M:%S+05:30')}
        when {TS_NAIVE} then {fmt(0, '%Y-%m-%d %H:%M:%S')}
        when {TS_MILLIS} then {fmt(0, '%Y-%m-%dT%H:%M:%S.000Z')}
        when {TS_WORDS} then 'not a date'
        when {TS_BAD_DATE} then '2026-13-45T99:00:00Z'
        when {TS_BLANK} then ''
    end)"""


def _id_sql(prefix: str, number: str, width: int, blank: str = "blank") -> str:
    """SQL: a zero-padded text id, or a blank one ('' or spaces) when blank is 1 or 2."""
    return (f"(case {blank} when 1 then '' when 2 then '   ' "
            f"else '{prefix}' || lpad(cast({number} as varchar), {width}, '0') end)")


def _hex_id_sql(prefix: str, number: str, blank: str = "blank") -> str:
    return f"(case {blank} when 1 then '' when 2 then '   ' else '{prefix}' || printf('%012x', {number}) end)"


def _email_sql(first: str, last: str, number: str, domain: str, variant: str) -> str:
    """SQL: an email as people type it. Every variant normalizes (trim + lower) to the same address."""
    clean = f"({first} || '.' || {last} || '.' || cast({number} as varchar) || '@' || {domain})"
    return f"""(case {variant}
        when 0 then {clean}
        when 1 then upper(substr({clean}, 1, 1)) || substr({clean}, 2)
        when 2 then '  ' || {clean} || ' '
        when 3 then ' ' || upper({clean})
        else {first} || '.' || {last} || '.' || cast({number} as varchar) || '@' || upper({domain}) || '  '
    end)"""


def _ts_array(seconds: np.ndarray) -> pa.Array:
    """Epoch seconds -> an arrow TIMESTAMP (microseconds, no zone) column for loader timestamps."""
    return pa.array(np.asarray(seconds, dtype=np.int64) * 1_000_000, type=pa.timestamp("us"))


def _arrow(columns: dict) -> pa.Table:
    """numpy/arrow columns -> an arrow table; NaN in float columns becomes null."""
    out = {}
    for name, values in columns.items():
        if isinstance(values, (pa.Array, pa.ChunkedArray)):
            out[name] = values
        else:
            values = np.asarray(values)
            out[name] = pa.array(values, from_pandas=True) if values.dtype.kind == "f" else pa.array(values)
    return pa.table(out)


def _repeat_versions(rng: np.random.Generator, k: int, share: float, max_versions: int = 3, eligible=None):
    """Repeated extracts: per entity 1 version, or 2..max_versions for `share` of the eligible ones.
    Returns (entity per row, version number per row, is latest per row, versions per entity); rows of an entity
    are contiguous, oldest first."""
    multi = rng.random(k) < share
    if eligible is not None:
        multi &= eligible
    versions = np.where(multi, rng.integers(2, max_versions + 1, k), 1)
    entity = np.repeat(np.arange(k), versions)
    starts = np.cumsum(versions) - versions
    version_no = np.arange(len(entity)) - np.repeat(starts, versions)
    latest = version_no == versions[entity] - 1
    return entity, version_no, latest, versions


def _version_times(rng: np.random.Generator, entity, version_no, latest, versions, base_updated, ceiling):
    """updated_at non-decreasing with the version (the last two are sometimes equal: a re-extract that only the
    newer _loaded_at tells apart), _loaded_at strictly increasing with the version and after updated_at."""
    k = len(versions)
    step = np.where(version_no > 0, rng.integers(HOUR, 20 * DAY, len(entity)), 0)
    re_extract = (rng.random(k) < 0.3)[entity] & latest & (version_no > 0)
    step = np.where(re_extract, 0, step)
    cumulative = np.cumsum(step)
    starts = np.cumsum(versions) - versions
    cumulative = cumulative - np.repeat(cumulative[starts], versions) if len(entity) else cumulative
    updated = np.minimum(base_updated[entity] + cumulative, ceiling)
    loaded = updated + rng.integers(5 * 60, 6 * HOUR, len(entity)) + version_no * 7 * HOUR
    return updated, loaded


def _copies(columns: dict[str, np.ndarray], picks: list[tuple[np.ndarray, dict]]) -> dict[str, np.ndarray]:
    """Base rows followed by copies of rows `pick` with some columns overridden (one list per defect)."""
    out = {}
    for name, base in columns.items():
        parts = [base]
        for pick, overrides in picks:
            if name in overrides:
                value = overrides[name]
                parts.append(np.broadcast_to(np.asarray(value, dtype=base.dtype), len(pick)).copy()
                             if np.ndim(value) == 0 else np.asarray(value, dtype=base.dtype))
            else:
                parts.append(base[pick])
        out[name] = np.concatenate(parts)
    return out


def _dirt_size(rng: np.random.Generator, pool: int, rate: float, minimum: int = 3) -> int:
    if pool <= 0:
        return 0
    return int(min(pool, max(minimum, rng.binomial(pool, rate))))


# --------------------------------------------------------------------------------------------------------------
# output


def _arrow_reader(relation, batch_rows: int):
    for name in ("to_arrow_reader", "fetch_arrow_reader", "record_batch"):
        method = getattr(relation, name, None)
        if method is not None:
            return method(batch_rows)
    raise RuntimeError("this duckdb version cannot stream query results as arrow")  # pragma: no cover


class _Sink:
    """Appends rows to the raw tables: into a DuckDB file, or into Parquet files DIR/<schema>/<table>.parquet."""

    def __init__(self, duckdb_path: str | None, parquet_dir: str | None):
        self.parquet_dir = Path(parquet_dir) if parquet_dir is not None else None
        self.con = duckdb.connect(":memory:" if self.parquet_dir else str(duckdb_path))
        self.con.execute("set TimeZone = 'UTC'")
        self.rows: Counter = Counter()
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        for (schema, table), arrow_schema in SCHEMAS.items():
            if self.parquet_dir:
                folder = self.parquet_dir / schema
                folder.mkdir(parents=True, exist_ok=True)
                self.writers[(schema, table)] = pq.ParquetWriter(str(folder / f"{table}.parquet"), arrow_schema)
            else:
                columns = ", ".join(f'"{f.name}" {_DUCKDB_TYPES[f.type]}' for f in arrow_schema)
                self.con.execute(f"create schema if not exists {schema}")
                self.con.execute(f"create or replace table {schema}.{table} ({columns})")

    def write(self, schema: str, table: str, expressions: dict[str, str], inputs: pa.Table, order_by: str = "_k"):
        """Append `select <expressions> from inputs order by <order_by>` to the table (columns in contract order)."""
        arrow_schema = SCHEMAS[(schema, table)]
        missing = [f.name for f in arrow_schema if f.name not in expressions]
        extra = set(expressions) - set(arrow_schema.names)
        assert not missing and not extra, (schema, table, missing, extra)
        select = ",\n".join(
            f'cast({expressions[f.name]} as {_DUCKDB_TYPES[f.type]}) as "{f.name}"' for f in arrow_schema)
        sql = f"select {select} from inputs order by {order_by}"
        self.con.register("inputs", inputs)
        try:
            if self.parquet_dir:
                writer = self.writers[(schema, table)]
                for batch in _arrow_reader(self.con.sql(sql), BATCH_ROWS):
                    if batch.num_rows:
                        writer.write_batch(batch.cast(arrow_schema))
            else:
                self.con.execute(f"insert into {schema}.{table} {sql}")
        finally:
            self.con.unregister("inputs")
        self.rows[f"{SOURCES[schema]}.{table}"] += inputs.num_rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.con.close()


# --------------------------------------------------------------------------------------------------------------
# the generator


class _Generator:
    def __init__(self, contacts: int, seed: int, as_of: dt.date, sink: _Sink):
        self.n = contacts
        self.seed = seed
        self.as_of = as_of
        self.end = int(dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.timezone.utc).timestamp()) + DAY
        # ten years on: a date no extract can carry when it was loaded (future_timestamp dirt)
        self.far_future = self.end + 3650 * DAY
        self.sink = sink
        self.quarantined: dict[str, Counter] = {}
        self.cleanable: Counter = Counter()
        self.salt = int(self.rng("salt").integers(0, 1 << 47))

    # -- bookkeeping -------------------------------------------------------------------------------------------
    def rng(self, *parts) -> np.random.Generator:
        """One independent stream per table (and chunk): the same data whatever the order of the calls."""
        return np.random.default_rng([self.seed % (1 << 63), *(zlib.crc32(str(p).encode()) for p in parts)])

    def expect(self, table: str, reason: str, count) -> None:
        count = int(count)
        if count:
            self.quarantined.setdefault(table, Counter())[reason] += count

    def day_start(self, days_ago) -> np.ndarray:
        """Epoch seconds of the start of the UTC day `days_ago` days before as_of (0 = as_of, -1 = the next day)."""
        return self.end - (np.asarray(days_ago, dtype=np.int64) + 1) * DAY

    # -- who everyone is -----------------------------------------------------------------------------------------
    def people(self) -> None:
        n = self.n
        rng = self.rng("people")
        self.width = max(6, len(str(n)))
        self.persona = _choice(rng, n, PERSONA_SHARES).astype(np.int8)
        self.country_codes = list(vocab.COUNTRY_WEIGHTS)
        self.country = _choice(rng, n, list(vocab.COUNTRY_WEIGHTS.values()))  # the true country (ISO index)
        status = rng.random(n)
        self.deleted = status < 0.02
        self.erased = (status >= 0.02) & (status < 0.025)
        if n >= 20 and not self.erased.any():
            self.erased[np.flatnonzero(~self.deleted)[0]] = True
        if n >= 20 and not self.deleted.any():
            self.deleted[np.flatnonzero(~self.erased)[-1]] = True
        self.clean = ~(self.deleted | self.erased)
        self.first_name = rng.integers(0, len(FIRST_NAMES), n)
        self.last_name = rng.integers(0, len(LAST_NAMES), n)
        self.domain = rng.integers(0, len(DOMAINS), n)
        self.email_variant = _choice(rng, n, [0.78, 0.08, 0.07, 0.04, 0.03]).astype(np.int8)

        # accounts: 1..30 contacts each (mostly small), ~2% of contacts without an account
        with_account = np.flatnonzero(rng.random(n) >= 0.02)
        order = rng.permutation(with_account)
        sizes = np.zeros(0, dtype=np.int64)
        while sizes.sum() < len(order):
            band = _choice(rng, max(16, len(order) // 5), [0.62, 0.28, 0.10])
            more = np.where(band == 0, rng.integers(1, 6, len(band)),
                            np.where(band == 1, rng.integers(6, 16, len(band)), rng.integers(16, 31, len(band))))
            sizes = np.concatenate([sizes, more])
        cut = int(np.searchsorted(np.cumsum(sizes), len(order)))
        sizes = sizes[: cut + 1].copy()
        if len(sizes):
            sizes[-1] = len(order) - sizes[:-1].sum()
        sizes = sizes[sizes > 0]
        self.n_accounts = len(sizes)
        self.account_size = sizes
        self.account = np.full(n, -1, dtype=np.int64)
        self.account[order] = np.repeat(np.arange(self.n_accounts), sizes)
        self.awidth = max(6, len(str(self.n_accounts)))

        # product users: every contact with product activity, half of the never-active ones (identify only)
        self.has_user = (self.persona != NEVER) | (rng.random(n) < 0.5)
        users = np.flatnonzero(self.has_user)
        self.user_no = np.full(n, -1, dtype=np.int64)
        self.user_no[users] = rng.permutation(len(users)) + 1  # linked to contacts only by email
        self.n_users = len(users)
        self.orphan_user_pool = max(10, n // 50)
        self.ghost_users = max(3, n // 200)
        self.uwidth = max(6, len(str(self.n_users + self.orphan_user_pool + self.ghost_users)))
        # first day of product activity, in days before as_of (the first login is on it)
        low = np.array([0, 45, 0, 21, 31, 32])[self.persona]
        high = np.array([395, 395, 12, 395, 395, 395])[self.persona]
        self.first_day = _uniform_int(rng, low, high)
        # CRM creation: up to ~2 years ago; new users signed up recently
        self.created = self.end - DAY * rng.integers(30, 730, n) - rng.integers(0, DAY, n)
        recent = self.end - DAY * (self.first_day + rng.integers(0, 45, n)) - rng.integers(0, DAY, n)
        self.created = np.where(self.persona == NEW, recent, self.created)
        self.created = np.minimum(self.created, self.end - 2 * HOUR)
        self.buyer = rng.random(n) < 0.40
        # devices: desktop only, mobile only (phone or tablet), or both
        self.device_pattern = _choice(rng, n, [0.55, 0.2, 0.25]).astype(np.int8)
        self.mobile_kind = np.where(rng.random(n) < 0.8, 1, 2).astype(np.int8)  # 1 mobile, 2 tablet
        self.desktop_os = rng.integers(0, len(vocab.OPERATING_SYSTEMS_DESKTOP), n)
        self.desktop_browser = rng.integers(0, len(vocab.BROWSERS), n)
        self.mobile_os = rng.integers(0, 4, n)

        self.plan = _choice(rng, self.n_accounts, [0.3, 0.32, 0.26, 0.12])  # index into vocab.PLANS
        self.personas = Counter({name: int((self.persona == i).sum()) for i, name in enumerate(PERSONAS)})

    # -- CRM ---------------------------------------------------------------------------------------------------
    def accounts(self) -> None:
        rng = self.rng("accounts")
        m = self.n_accounts
        edges = np.array([1, 11, 51, 201, 501, 1001, 5001, 50_001])
        band = _choice(rng, m, [0.25, 0.26, 0.18, 0.12, 0.08, 0.07, 0.04])
        employees = np.maximum(rng.integers(edges[band], edges[band + 1]), self.account_size).astype(float)
        edge_values = np.array([1, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 5000, 5001, 50_000])
        on_edge = rng.random(m) < 0.04
        employees[on_edge] = edge_values[rng.integers(0, len(edge_values), int(on_edge.sum()))]
        employees[rng.random(m) < 0.04] = np.nan
        revenue = np.round(np.nan_to_num(employees, nan=40.0) * rng.lognormal(11.6, 1.0, m), -3)
        revenue[rng.random(m) < 0.06] = np.nan
        industry_flat, industry = _spellings(rng, rng.integers(0, len(vocab.INDUSTRY_SPELLINGS), m),
                                             vocab.INDUSTRY_SPELLINGS)
        country_flat, country = _spellings(rng, _choice(rng, m, list(vocab.COUNTRY_WEIGHTS.values())),
                                           {c: vocab.COUNTRY_SPELLINGS[c] for c in self.country_codes})
        country = np.where(rng.random(m) < 0.03, -1, country)
        created = self.end - DAY * rng.integers(400, 1500, m) - rng.integers(0, DAY, m)
        deleted = rng.random(m) < 0.01

        entity, version_no, latest, versions = _repeat_versions(rng, m, 0.08)
        base_updated = created + DAY * rng.integers(1, 300, m)
        updated, loaded = _version_times(rng, entity, version_no, latest, versions, base_updated, self.end - HOUR)
        self.expect("crm.accounts", "superseded_version", (~latest).sum())
        self.expect("crm.accounts", "deleted_in_crm", (deleted[entity] & latest).sum())

        rows = {
            "a": entity, "updated": updated, "loaded": loaded, "fmt": _ts_formats(rng, len(entity)),
            "deleted": deleted[entity] & latest, "blank": np.zeros(len(entity), dtype=np.int8),
        }
        candidates = np.flatnonzero(latest & ~deleted[entity])
        picks = []
        for reason, overrides in [("missing_id", {"blank": 1}), ("missing_id", {"blank": 2}),
                                  ("unparseable_timestamp", {"fmt": TS_WORDS}),
                                  ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                                  ("future_timestamp", {"updated": self.far_future})]:
            pick = rng.choice(candidates, _dirt_size(rng, len(candidates), 0.004, 2), replace=False)
            overrides = {**overrides, "loaded": rows["loaded"][pick] + DAY}
            picks.append((pick, overrides))
            self.expect("crm.accounts", reason, len(pick))
        rows = _copies(rows, picks)
        a = rows["a"]
        table = _arrow({
            "_k": np.arange(len(a)), "a": a, "blank": rows["blank"], "fmt": rows["fmt"],
            "updated": rows["updated"], "created": created[a], "loaded": _ts_array(rows["loaded"]),
            "deleted": rows["deleted"],
            "word": _take(COMPANY_WORDS, a % len(COMPANY_WORDS)),
            "suffix": _take(COMPANY_SUFFIXES, (a // len(COMPANY_WORDS)) % len(COMPANY_SUFFIXES)),
            "industry": _take(industry_flat, industry[a]), "employees": employees[a], "revenue": revenue[a],
            "country": _take(country_flat, country[a]),
            "business_model": _take(vocab.BUSINESS_MODELS, rng.integers(0, len(vocab.BUSINESS_MODELS), m)[a]),
            "tech_crm": _take(vocab.TECH_CRM, rng.integers(0, len(vocab.TECH_CRM), m)[a]),
            "tech_ma": _take(vocab.TECH_MARKETING_AUTOMATION,
                             rng.integers(0, len(vocab.TECH_MARKETING_AUTOMATION), m)[a]),
            "tech_db": _take(vocab.TECH_DATABASE, rng.integers(0, len(vocab.TECH_DATABASE), m)[a]),
            "tech_an": _take(vocab.TECH_ANALYTICS, rng.integers(0, len(vocab.TECH_ANALYTICS), m)[a]),
        })
        self.sink.write("raw_crm", "accounts", {
            "id": _id_sql("a_", "a + 1", self.awidth),
            "name": "word || ' ' || cast(a + 1 as varchar) || ' ' || suffix",
            "industry": "industry", "employee_count": "employees", "annual_revenue": "revenue", "country": "country",
            "business_model": "business_model", "tech_crm": "tech_crm", "tech_marketing_automation": "tech_ma",
            "tech_database": "tech_db", "tech_analytics": "tech_an", "is_deleted": "deleted",
            "created_at": _ts_sql("created", TS_Z), "updated_at": _ts_sql("updated", "fmt"), "_loaded_at": "loaded",
        }, table)

    def contacts(self) -> None:
        rng = self.rng("contacts")
        n = self.n
        gender_flat, gender = _spellings(rng, _choice(rng, n, [0.46, 0.43, 0.03, 0.02, 0.06]),
                                         vocab.GENDER_SPELLINGS)
        lifecycle_flat, lifecycle = _spellings(rng, _choice(rng, n, [0.08, 0.22, 0.14, 0.1, 0.08, 0.3, 0.05, 0.03]),
                                               vocab.LIFECYCLE_SPELLINGS)
        country_flat, country = _spellings(rng, self.country, {c: vocab.COUNTRY_SPELLINGS[c] for c in self.country_codes})
        country_flat = country_flat + vocab.COUNTRY_GARBAGE
        garbage = rng.random(n) < 0.02
        garbage_idx = len(country_flat) - len(vocab.COUNTRY_GARBAGE) + rng.integers(0, len(vocab.COUNTRY_GARBAGE), n)
        country = np.where(garbage, garbage_idx, country)
        country = np.where(rng.random(n) < 0.03, -1, country)  # null
        blank_country = rng.random(n) < 0.2  # of the nulls, some are written as blanks
        # ages: every band, a few implausible (< 13 or > 120); some missing or unparseable
        age = _choice(rng, n, [0.025, 0.12, 0.25, 0.22, 0.16, 0.12, 0.08, 0.01, 0.015])
        age_low = np.array([13, 18, 25, 35, 45, 55, 65, 3, 121])[age]
        age_high = np.array([17, 24, 34, 44, 54, 64, 95, 12, 150])[age]
        years = _uniform_int(rng, age_low, age_high)
        birth = self.end - DAY - (years * 365.2425 * DAY).astype(np.int64) - rng.integers(2 * DAY, 360 * DAY, n)
        birth_kind = _choice(rng, n, [0.9, 0.07, 0.03])  # 0 a date, 1 missing, 2 unparseable
        income_band = _choice(rng, n, [0.12, 0.2, 0.33, 0.22, 0.13])
        income_low = np.array([5_000, 25_000, 50_000, 100_000, 200_000])[income_band]
        income_high = np.array([24_999, 49_999, 99_999, 199_999, 900_000])[income_band]
        income = np.round(_uniform_int(rng, income_low, income_high), -2).astype(float)
        income[rng.random(n) < 0.1] = np.nan
        title_flat, title = _spellings(rng, rng.integers(0, len(vocab.JOB_TITLES), n), vocab.JOB_TITLES)
        title = np.where(rng.random(n) < 0.04, -1, title)
        state_city = [CITIES.get(code, (None, None)) for code in self.country_codes]

        entity, version_no, latest, versions = _repeat_versions(rng, n, 0.08)
        base_updated = self.created + rng.integers(HOUR, 40 * DAY, n)
        updated, loaded = _version_times(rng, entity, version_no, latest, versions, base_updated, self.end - HOUR)
        erased = self.erased[entity]
        self.expect("crm.contacts", "erasure_requested", erased.sum())
        self.expect("crm.contacts", "superseded_version", (~latest & ~erased).sum())
        self.expect("crm.contacts", "deleted_in_crm", (latest & self.deleted[entity] & ~erased).sum())
        # older versions had an earlier lifecycle stage now and then
        lifecycle_row = np.where(~latest & (rng.random(len(entity)) < 0.5),
                                 _spellings(rng, np.full(len(entity), 1), vocab.LIFECYCLE_SPELLINGS)[1],
                                 lifecycle[entity])
        rows = {
            "c": entity, "updated": updated, "loaded": loaded, "fmt": _ts_formats(rng, len(entity)),
            "deleted": self.deleted[entity] & latest, "blank": np.zeros(len(entity), dtype=np.int8),
            "variant": self.email_variant[entity], "lifecycle": lifecycle_row,
        }
        candidates = np.flatnonzero(latest & self.clean[entity])
        picks = []
        for reason, overrides in [("missing_id", {"blank": 1}), ("missing_id", {"blank": 2}),
                                  ("unparseable_timestamp", {"fmt": TS_WORDS}),
                                  ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                                  ("unparseable_timestamp", {"fmt": TS_BLANK}),
                                  ("future_timestamp", {"updated": self.far_future})]:
            pick = rng.choice(candidates, _dirt_size(rng, len(candidates), 0.0025, 2), replace=False)
            picks.append((pick, {**overrides, "loaded": rows["loaded"][pick] + DAY}))
            self.expect("crm.contacts", reason, len(pick))
        rows = _copies(rows, picks)
        c = rows["c"]
        account = self.account[c]
        account_text = np.where(account >= 0, account, np.where(rng.random(len(c)) < 0.3, -2, -1))

        # cleanable dirt among the rows staging keeps (the latest version of every live contact)
        kept = self.clean
        garbage_keys = {v: "".join(ch for ch in v.lower() if ch.isalnum()) for v in vocab.COUNTRY_GARBAGE}
        unrecognizable = np.array([garbage_keys[v] not in PLACEHOLDER_KEYS for v in vocab.COUNTRY_GARBAGE])
        is_garbage = country >= len(country_flat) - len(vocab.COUNTRY_GARBAGE)
        garbage_pos = np.where(is_garbage, country - (len(country_flat) - len(vocab.COUNTRY_GARBAGE)), 0)
        self.cleanable["crm.contacts.country_unrecognizable"] += int((kept & is_garbage & unrecognizable[garbage_pos]).sum())
        self.cleanable["crm.contacts.country_missing_or_placeholder"] += int(
            (kept & ((country < 0) | (is_garbage & ~unrecognizable[garbage_pos]))).sum())
        iso_spelling = np.array([s.upper() == s and len(s) == 2 for s in country_flat])
        self.cleanable["crm.contacts.country_needs_mapping"] += int(
            (kept & (country >= 0) & ~is_garbage & ~iso_spelling[np.maximum(country, 0)]).sum())
        self.cleanable["crm.contacts.email_needs_normalizing"] += int((kept & (self.email_variant > 0)).sum())
        self.cleanable["crm.contacts.birth_date_missing"] += int((kept & (birth_kind == 1)).sum())
        self.cleanable["crm.contacts.birth_date_unparseable"] += int((kept & (birth_kind == 2)).sum())
        self.cleanable["crm.contacts.age_implausible"] += int((kept & (birth_kind == 0) & (age >= 7)).sum())

        table = _arrow({
            "_k": np.arange(len(c)), "c": c, "blank": rows["blank"], "fmt": rows["fmt"], "updated": rows["updated"],
            "loaded": _ts_array(rows["loaded"]), "deleted": rows["deleted"], "variant": rows["variant"],
            "account": account_text, "created": self.created[c],
            "fn": _take([s for _, s in FIRST_NAMES], self.first_name[c]),
            "ln": _take([s for _, s in LAST_NAMES], self.last_name[c]),
            "dom": _take(DOMAINS, self.domain[c]),
            "first_name": _take([f for f, _ in FIRST_NAMES], self.first_name[c]),
            "last_name": _take([f for f, _ in LAST_NAMES], self.last_name[c]),
            "birth": birth[c], "birth_kind": birth_kind[c], "gender": _take(gender_flat, gender[c]),
            "income": income[c],
            "education": _take(vocab.EDUCATION, (c * 7 + 3) % len(vocab.EDUCATION)),
            "marital": _take(vocab.MARITAL_STATUS, (c * 5 + 1) % len(vocab.MARITAL_STATUS)),
            "title": _take(title_flat, title[c]),
            "seniority": _take(vocab.SENIORITY, (c * 3 + 2) % len(vocab.SENIORITY)),
            "language": _take(vocab.LANGUAGES, (c * 11) % len(vocab.LANGUAGES)),
            "country": _take(country_flat, country[c]),
            "blank_country": blank_country[c],
            "state": _take([s for s, _ in state_city], self.country[c]),
            "city": _take([s for _, s in state_city], self.country[c]),
            "timezone": _take(vocab.TIMEZONES, (c * 13) % len(vocab.TIMEZONES)),
            "lifecycle": _take(lifecycle_flat, rows["lifecycle"]),
            "source": _take(vocab.ORIGINAL_SOURCES, (c * 17) % len(vocab.ORIGINAL_SOURCES)),
            "owner": _take(OWNERS, (c * 19 + self.account[c]) % len(OWNERS)),
        })
        self.sink.write("raw_crm", "contacts", {
            "id": _id_sql("c_", "c + 1", self.width),
            "account_id": f"case when account = -2 then '' when account < 0 then null "
                          f"else 'a_' || lpad(cast(account + 1 as varchar), {self.awidth}, '0') end",
            "email": _email_sql("fn", "ln", "c + 1", "dom", "variant"),
            "first_name": "first_name", "last_name": "last_name",
            "birth_date": "case birth_kind when 0 then strftime(make_timestamp(birth * 1000000), '%Y-%m-%d') "
                          "when 1 then null else (['n/a', '31/02/1990', 'unknown', '1990-02-30'])[(c % 4) + 1] end",
            "gender": "gender", "household_income": "income", "education": "education",
            "marital_status": "marital", "job_title": "title", "seniority": "seniority", "language": "language",
            "country": "case when country is null and blank_country then '' else country end",
            "state": "state", "city": "city", "timezone": "timezone", "lifecycle_stage": "lifecycle",
            "original_source": "source", "owner_name": "owner", "is_deleted": "deleted",
            "created_at": _ts_sql("created", TS_Z), "updated_at": _ts_sql("updated", "fmt"), "_loaded_at": "loaded",
        }, table)

    def subscriptions(self) -> None:
        rng = self.rng("subscriptions")
        m = self.n_accounts
        status = _choice(rng, m, [0.76, 0.08, 0.06, 0.10])  # index into vocab.SUBSCRIPTION_STATUSES
        started = self.end - DAY * rng.integers(20, 700, m) - rng.integers(0, DAY, m)
        renews_days = np.where(rng.random(m) < 0.08, -rng.integers(1, 90, m), rng.integers(0, 401, m))
        renews = self.day_start(-renews_days) + 12 * HOUR
        canceled = np.where(status == 3, self.end - DAY * rng.integers(1, 60, m), -1)
        renews = np.where(status == 3, canceled + 30 * DAY, renews)
        # older, canceled subscriptions of some accounts (a plan change or a churn-and-return)
        old = np.flatnonzero(rng.random(m) < 0.15)
        old_started = started[old] - DAY * rng.integers(60, 400, len(old))
        old_canceled = np.minimum(started[old] - DAY * rng.integers(0, 30, len(old)), started[old])
        sub = {
            "account": np.concatenate([np.arange(m), old]),
            "plan": np.concatenate([self.plan, rng.integers(0, len(vocab.PLANS), len(old))]),
            "status": np.concatenate([status, np.full(len(old), 3)]),
            "started": np.concatenate([started, old_started]),
            "renews": np.concatenate([renews, old_canceled + 30 * DAY]),
            "canceled": np.concatenate([canceled, old_canceled]),
        }
        order = np.lexsort((sub["started"], sub["account"]))
        sub = {k: v[order] for k, v in sub.items()}
        k = len(sub["account"])
        entity, version_no, latest, versions = _repeat_versions(rng, k, 0.06, 2)
        changed = np.maximum(sub["started"], sub["canceled"])  # the last change: start or cancellation
        base_updated = np.minimum(changed + rng.integers(HOUR, 2 * DAY, k), self.end - 2 * HOUR)
        updated, loaded = _version_times(rng, entity, version_no, latest, versions, base_updated, self.end - HOUR)
        self.expect("crm.subscriptions", "superseded_version", (~latest).sum())
        # an older version was still trialing
        status_row = np.where(~latest, 1, sub["status"][entity])
        rows = {"s": entity, "updated": updated, "loaded": loaded, "fmt": _ts_formats(rng, len(entity)),
                "started_fmt": np.zeros(len(entity), dtype=np.int8), "blank": np.zeros(len(entity), dtype=np.int8),
                "status": status_row}
        candidates = np.flatnonzero(latest)
        picks = []
        for reason, overrides in [("missing_id", {"blank": 1}), ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                                  ("unparseable_timestamp", {"started_fmt": TS_WORDS}),
                                  ("future_timestamp", {"updated": self.far_future})]:
            pick = rng.choice(candidates, _dirt_size(rng, len(candidates), 0.004), replace=False)
            picks.append((pick, {**overrides, "loaded": rows["loaded"][pick] + DAY}))
            self.expect("crm.subscriptions", reason, len(pick))
        rows = _copies(rows, picks)
        s = rows["s"]
        mrr = np.array([0.0, 29.0, 99.0, 499.0])[sub["plan"][s]] * (1 + sub["account"][s] % 5)
        table = _arrow({
            "_k": np.arange(len(s)), "s": s, "blank": rows["blank"], "fmt": rows["fmt"],
            "started_fmt": rows["started_fmt"], "updated": rows["updated"], "loaded": _ts_array(rows["loaded"]),
            "account": sub["account"][s],
            "plan": _take(vocab.PLANS + [p.title() for p in vocab.PLANS], sub["plan"][s] + 4 * (s % 9 == 0)),
            "status": _take(vocab.SUBSCRIPTION_STATUSES, rows["status"]), "mrr": mrr,
            "currency": _take(["USD", "EUR", "GBP"], sub["account"][s] % 3),
            "started": sub["started"][s], "renews": sub["renews"][s], "canceled": sub["canceled"][s],
        })
        width = max(6, len(str(k)))
        self.sink.write("raw_crm", "subscriptions", {
            "id": _id_sql("s_", "s + 1", width),
            "account_id": f"'a_' || lpad(cast(account + 1 as varchar), {self.awidth}, '0')",
            "plan": "plan", "status": "status", "mrr": "mrr", "currency": "currency",
            "started_at": _ts_sql("started", "started_fmt"), "renews_at": _ts_sql("renews", TS_Z),
            "canceled_at": f"case when canceled < 0 then null else {_ts_sql('canceled', TS_Z)} end",
            "updated_at": _ts_sql("updated", "fmt"), "_loaded_at": "loaded",
        }, table)

    def orders(self) -> None:
        rng = self.rng("orders")
        buyers = np.flatnonzero(self.buyer)
        count = np.minimum(rng.geometric(0.3, len(buyers)), 20)  # F scores 1..5 all occur
        contact = np.repeat(buyers, count)
        k = len(contact)
        starts = np.cumsum(count) - count
        position = np.arange(k) - np.repeat(starts, count)  # 0 = the buyer's latest order
        gaps = np.where(position == 0, 0, rng.integers(3, 90, k))
        cumulative = np.cumsum(gaps)
        days = np.repeat(rng.integers(0, 700, len(buyers)), count) + cumulative - np.repeat(cumulative[starts], count)
        ordered = self.day_start(np.minimum(days, 730)) + rng.integers(0, DAY, k)
        next_day = (position == 0) & (rng.random(k) < 0.004)  # on the partial day after as_of: ignored
        ordered = np.where(next_day, self.day_start(-1) + rng.integers(0, DAY // 2, k), ordered)
        currency_codes = list(vocab.CURRENCIES)
        currency = np.repeat(_choice(rng, len(buyers), list(vocab.CURRENCIES.values())), count)
        amount = np.round(rng.lognormal(4.3, 0.9, k), 2)
        amount = np.where(currency_codes.index("JPY") == currency, np.round(amount * 150, 0), amount)
        status = np.where(rng.random(k) < 0.03, 2, 0)  # 0 paid, 1 refunded, 2 failed
        # refunds: their own rows, pointing at a paid order; positive or negative; sometimes the whole amount
        refunded = np.flatnonzero((status == 0) & ~next_day & (rng.random(k) < 0.06))
        full = rng.random(len(refunded)) < 0.5
        refund_amount = np.where(full, amount[refunded], np.round(amount[refunded] * rng.uniform(0.1, 0.9, len(refunded)), 2))
        refund_amount = np.where(rng.random(len(refunded)) < 0.4, -refund_amount, refund_amount)
        refund_at = np.minimum(ordered[refunded] + rng.integers(HOUR, 25 * DAY, len(refunded)), self.end - 60)
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
        live_buyers = buyers[self.clean[buyers]]
        specs = [("missing_id", 1), ("unparseable_timestamp", 2), ("unparseable_timestamp", 3), ("unknown_status", 4),
                 ("unknown_currency", 5), ("missing_amount", 6), ("negative_amount", 7), ("negative_amount", 8),
                 ("future_timestamp", 9)]
        extra = {key: [] for key in o}
        for reason, code in specs:
            size = _dirt_size(rng, len(live_buyers), 0.004)
            who = rng.choice(live_buyers, size) if size else np.zeros(0, dtype=np.int64)
            extra["contact"].append(who)
            extra["at"].append(self.day_start(rng.integers(0, 400, size)) + rng.integers(0, DAY, size))
            extra["amount"].append(np.round(rng.lognormal(4.0, 0.6, size), 2) * (-1 if code in (7, 8) else 1))
            extra["currency"].append(np.zeros(size, dtype=np.int64))
            extra["status"].append(np.full(size, 2 if code == 8 else 0))
            extra["parent"].append(np.full(size, -1))
            extra["dirt"].append(np.full(size, code, dtype=np.int8))
            self.expect("crm.orders", reason, size)
        o = {key: np.concatenate([o[key], *extra[key]]).astype(o[key].dtype) for key in o}
        o["amount"] = np.where(o["dirt"] == 6, np.nan, o["amount"])
        # ids in order of contact and time
        order = np.lexsort((o["status"], o["at"], o["contact"]))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        o["parent"] = np.where(o["parent"] >= 0, rank[np.maximum(o["parent"], 0)], -1)
        o = {key: v[order] for key, v in o.items()}
        total = len(o["contact"])
        erased = self.erased[o["contact"]]

        # dirty orders come in one version; a re-extract of a clean order may differ in status spelling only
        entity, version_no, latest, versions = _repeat_versions(rng, total, 0.08, eligible=o["dirt"] == 0)
        base_updated = o["at"] + rng.integers(60, 2 * HOUR, total)
        updated, loaded = _version_times(rng, entity, version_no, latest, versions, base_updated,
                                         np.maximum(self.end - HOUR, o["at"][entity] + 3 * HOUR))
        updated = np.maximum(updated, o["at"][entity])
        self.expect("crm.orders", "erasure_requested", erased[entity].sum())
        self.expect("crm.orders", "superseded_version", (~latest & ~erased[entity]).sum())
        e = entity
        dirt = o["dirt"][e]
        status_text = np.where(dirt == 4, 6 + (e % len(UNKNOWN_STATUSES)),
                               o["status"][e] + 3 * ((e % 7 == 0) & latest))  # PAID etc. now and then
        currency_text = np.where(dirt == 5, len(currency_codes) + len(vocab.CURRENCY_SPELLINGS_EXTRA)
                                 + e % len(vocab.UNKNOWN_CURRENCIES), o["currency"][e])
        spelled = (e % 11 == 0) & (dirt == 0) & (o["currency"][e] < 3)
        currency_text = np.where(spelled, len(currency_codes) + o["currency"][e], currency_text)
        live = ~erased[e] & latest & (dirt == 0)
        self.cleanable["crm.orders.status_needs_normalizing"] += int((live & (status_text >= 3)).sum())
        self.cleanable["crm.orders.currency_needs_normalizing"] += int((live & spelled).sum())
        self.cleanable["crm.orders.refunds"] += int((live & (o["status"][e] == 1)).sum())
        self.cleanable["crm.orders.negative_refund_amounts"] += int((live & (o["status"][e] == 1) & (o["amount"][e] < 0)).sum())
        self.cleanable["crm.orders.after_as_of"] += int((live & (o["at"][e] >= self.end)).sum())
        account = self.account[o["contact"][e]]
        width = max(6, len(str(total)))
        fmt = _ts_formats(rng, len(e))
        table = _arrow({
            "_k": np.arange(len(e)), "o": e, "c": o["contact"][e],
            "blank": (dirt == 1).astype(np.int8), "fmt": np.where(dirt == 2, TS_WORDS, fmt).astype(np.int8),
            "upd_fmt": np.where(dirt == 3, TS_BAD_DATE, TS_Z).astype(np.int8),
            "parent": o["parent"][e], "account": account, "amount": o["amount"][e],
            "currency": _take(currency_codes + vocab.CURRENCY_SPELLINGS_EXTRA + vocab.UNKNOWN_CURRENCIES, currency_text),
            "status": _take(["paid", "refunded", "failed", "PAID", "Refunded", "FAILED", *UNKNOWN_STATUSES], status_text),
            "ordered": o["at"][e], "updated": np.where(dirt == 9, self.far_future, updated), "loaded": _ts_array(loaded),
        })
        self.sink.write("raw_crm", "orders", {
            "id": _id_sql("o_", "o + 1", width),
            "contact_id": f"'c_' || lpad(cast(c + 1 as varchar), {self.width}, '0')",
            "account_id": f"case when account < 0 then null else 'a_' || lpad(cast(account + 1 as varchar), {self.awidth}, '0') end",
            "parent_order_id": f"case when parent < 0 then null else 'o_' || lpad(cast(parent + 1 as varchar), {width}, '0') end",
            "amount": "amount", "currency": "currency", "status": "status",
            "ordered_at": _ts_sql("ordered", "fmt"), "updated_at": _ts_sql("updated", "upd_fmt"), "_loaded_at": "loaded",
        }, table)

    def tickets(self) -> None:
        rng = self.rng("tickets")
        n = self.n
        history = rng.poisson(0.35, n)
        heavy = np.where(rng.random(n) < 0.05, rng.integers(3, 7, n), 0)  # >= 3 in the last 30 days
        recent = np.where(rng.random(n) < 0.06, 1, 0)
        t = {
            "contact": np.concatenate([np.repeat(np.arange(n), history), np.repeat(np.arange(n), heavy),
                                       np.repeat(np.arange(n), recent)]),
        }
        days = np.concatenate([rng.integers(30, 730, int(history.sum())), rng.integers(0, 28, int(heavy.sum())),
                               rng.integers(0, 90, int(recent.sum()))])
        t["created"] = self.day_start(days) + rng.integers(0, DAY, len(days))
        order = np.lexsort((t["created"], t["contact"]))
        t = {k: v[order] for k, v in t.items()}
        k = len(t["contact"])
        entity, version_no, latest, versions = _repeat_versions(rng, k, 0.1, 2)
        base_updated = t["created"] + rng.integers(60, HOUR, k)
        updated, loaded = _version_times(rng, entity, version_no, latest, versions, base_updated, self.end - HOUR)
        updated = np.maximum(updated, t["created"][entity])
        erased = self.erased[t["contact"][entity]]
        self.expect("crm.tickets", "erasure_requested", erased.sum())
        self.expect("crm.tickets", "superseded_version", (~latest & ~erased).sum())
        rows = {"t": entity, "updated": updated, "loaded": loaded, "fmt": _ts_formats(rng, len(entity)),
                "upd_fmt": np.zeros(len(entity), dtype=np.int8), "blank": np.zeros(len(entity), dtype=np.int8),
                "status": np.where(latest, 2 + entity % 2, 0)}
        candidates = np.flatnonzero(latest & self.clean[t["contact"][entity]])
        picks = []
        for reason, overrides in [("missing_id", {"blank": 2}), ("unparseable_timestamp", {"fmt": TS_BLANK}),
                                  ("unparseable_timestamp", {"upd_fmt": TS_WORDS}),
                                  ("future_timestamp", {"updated": self.far_future})]:
            pick = rng.choice(candidates, _dirt_size(rng, len(candidates), 0.004), replace=False)
            picks.append((pick, {**overrides, "loaded": rows["loaded"][pick] + DAY}))
            self.expect("crm.tickets", reason, len(pick))
        rows = _copies(rows, picks)
        e = rows["t"]
        table = _arrow({
            "_k": np.arange(len(e)), "t": e, "c": t["contact"][e], "blank": rows["blank"], "fmt": rows["fmt"],
            "upd_fmt": rows["upd_fmt"], "created": t["created"][e], "updated": rows["updated"],
            "loaded": _ts_array(rows["loaded"]),
            "subject": _take(TICKET_SUBJECTS, (e * 7) % len(TICKET_SUBJECTS)),
            "priority": _take(TICKET_PRIORITIES, (e * 3) % len(TICKET_PRIORITIES)),
            "status": _take(TICKET_STATUSES, rows["status"]),
        })
        self.sink.write("raw_crm", "tickets", {
            "id": _id_sql("t_", "t + 1", max(6, len(str(k)))),
            "contact_id": f"'c_' || lpad(cast(c + 1 as varchar), {self.width}, '0')",
            "subject": "subject", "priority": "priority", "status": "status",
            "created_at": _ts_sql("created", "fmt"), "updated_at": _ts_sql("updated", "upd_fmt"), "_loaded_at": "loaded",
        }, table)

    # -- product events --------------------------------------------------------------------------------------------
    def event_setup(self) -> None:
        self.track_seq = 0
        self.page_seq = 0
        self.identify_seq = 0
        codes = self.country_codes
        self.locale_of = [LOCALES.get(c, "en-US") for c in codes]
        self.city_of = [CITIES.get(c, (None, None))[1] for c in codes]
        self.device_values = ["desktop", "mobile", "tablet", *vocab.DEVICE_SPELLINGS_EXTRA]
        self.os_values = vocab.OPERATING_SYSTEMS_DESKTOP + MOBILE_OS["mobile"] + MOBILE_OS["tablet"]
        self.browser_values = vocab.BROWSERS

    def _plan_events(self, rng, contacts: np.ndarray) -> dict[str, np.ndarray]:
        """The identified product events of a chunk of contacts, by persona (see SEGMENTS.md behavioral rules)."""
        persona = self.persona[contacts]
        first = self.first_day
        parts: dict[str, list] = {"c": [], "kind": [], "ev": [], "ts": [], "anon_only": []}

        def add(who, kind, events, days=None, ts=None, anon_only=False):
            if ts is None:
                ts = self.day_start(days) + rng.integers(0, DAY, len(who))
            parts["c"].append(who)
            parts["kind"].append(np.full(len(who), kind, dtype=np.int8))
            parts["ev"].append(np.asarray(events, dtype=np.int16) if np.ndim(events) else np.full(len(who), events, dtype=np.int16))
            parts["ts"].append(ts)
            parts["anon_only"].append(np.full(len(who), anon_only))

        def component(personas, count_low, count_high, kind, events, day_low, day_high, share=1.0, capped=True):
            members = contacts[np.isin(persona, personas) & (rng.random(len(contacts)) < share)]
            who = np.repeat(members, rng.integers(count_low, count_high + 1, len(members)))
            high = np.minimum(day_high, first[who]) if capped else np.full(len(who), day_high)
            who, high = who[high >= day_low], high[high >= day_low]
            if events == "core":
                events = np.array(CORE_POOL)[rng.integers(0, len(CORE_POOL), len(who))]
            elif events == "other":
                events = np.array(OTHER_POOL)[_choice(rng, len(who), OTHER_WEIGHTS)]
            elif events == "page":
                events = rng.integers(0, len(PAGES), len(who))
            add(who, kind, events, _uniform_int(rng, np.full(len(who), day_low), high))
            return who

        login, track, page = _ev_login, 0, 1
        active_ones = contacts[persona != NEVER]
        # the first login, on the first day of activity; sign-up (the first identify) a little before it
        first_login = self.day_start(first[active_ones]) + rng.integers(HOUR, DAY - HOUR, len(active_ones))
        add(active_ones, track, login, ts=first_login)
        self.signup[active_ones] = first_login - rng.integers(60, 1800, len(active_ones))
        # power users: 16..40 logins in the last 30 days, one in the last 7, core events in the last 30
        component([POWER], 1, 1, track, login, 0, 6)
        component([POWER], 15, 39, track, login, 0, 29)
        component([POWER], 5, 30, track, login, 30, 395)
        component([POWER], 2, 12, track, "core", 0, 29)
        component([POWER], 15, 45, track, "other", 0, 395)
        component([POWER], 10, 30, page, "page", 0, 395)
        # active: a login in the last 7 days, at most 13 in the last 30, first activity > 20 days ago
        component([ACTIVE], 1, 1, track, login, 0, 6)
        component([ACTIVE], 0, 11, track, login, 0, 29)
        component([ACTIVE], 2, 20, track, login, 30, 395)
        component([ACTIVE], 0, 4, track, "core", 0, 395)
        component([ACTIVE], 3, 20, track, "other", 0, 395)
        component([ACTIVE], 5, 20, page, "page", 0, 395)
        # new: everything within the last 13 days; half of them without a core event yet
        component([NEW], 0, 7, track, login, 0, 12)
        component([NEW], 1, 3, track, "core", 0, 12, share=0.5)
        component([NEW], 1, 8, track, "other", 0, 12)
        component([NEW], 1, 10, page, "page", 0, 12)
        # at risk: the last login 8..29 days ago
        component([AT_RISK], 1, 1, track, login, 8, 29)
        component([AT_RISK], 1, 10, track, login, 8, 395)
        component([AT_RISK], 0, 3, track, "core", 8, 395)
        component([AT_RISK], 2, 12, track, "other", 8, 395)
        component([AT_RISK], 2, 12, page, "page", 8, 395)
        # dormant: everything more than 31 days ago
        component([DORMANT], 0, 15, track, login, 32, 395)
        component([DORMANT], 1, 10, track, "other", 32, 395)
        component([DORMANT], 2, 12, page, "page", 32, 395)
        # heavy report users (upsell candidates): >= 15 reports in all
        component([POWER, ACTIVE], 15, 30, track, _EV["report_created"], 0, 395, share=0.05)
        # invoices created in the last 30 days; some sent after the first of them, some never sent
        members = contacts[np.isin(persona, [POWER, ACTIVE, AT_RISK]) & (rng.random(len(contacts)) < 0.2)]
        created_count = rng.integers(1, 4, len(members))
        who = np.repeat(members, created_count)
        created_ts = self.day_start(_uniform_int(rng, np.ones(len(who)), np.minimum(29, first[who]))) + rng.integers(0, DAY, len(who))
        add(who, track, _EV["invoice_created"], ts=created_ts)
        if len(members):
            first_created = np.minimum.reduceat(created_ts, np.cumsum(created_count) - created_count)
            senders = rng.random(len(members)) < 0.55
            sent_count = rng.integers(1, 3, len(members))
            sent_who = np.repeat(members[senders], sent_count[senders])
            sent_ts = np.minimum(np.repeat(first_created[senders], sent_count[senders])
                                 + rng.integers(5 * 60, 3 * DAY, len(sent_who)), self.end - 1)
            add(sent_who, track, _EV["invoice_sent"], ts=sent_ts)
            self.invoice_not_sent += int((self.clean[members] & ~senders).sum())
        # older invoices, created and sent
        component([POWER, ACTIVE, AT_RISK, DORMANT], 1, 4, track, _EV["invoice_created"], 32, 395, share=0.15)
        component([POWER, ACTIVE, AT_RISK, DORMANT], 1, 3, track, _EV["invoice_sent"], 32, 395, share=0.15)
        # pre-sign-up page views under the anonymous id only (tied to the user by the sign-up identify)
        members = contacts[(persona == ACTIVE) & (rng.random(len(contacts)) < 0.2)]
        who = np.repeat(members, rng.integers(1, 6, len(members)))
        add(who, page, rng.integers(0, len(PAGES), len(who)),
            ts=self.signup[who] - rng.integers(10 * 60, 10 * DAY, len(who)), anon_only=True)
        # a few events on the partial day after as_of: the marts must ignore them
        component([POWER, ACTIVE], 1, 2, track, login, -1, -1, share=0.04, capped=False)
        return {key: np.concatenate(value) for key, value in parts.items()}

    def _event_context(self, rng, c: np.ndarray, k: int) -> dict[str, np.ndarray]:
        """Device, OS, browser, country, city, locale of each event (c = -1: someone unknown, drawn at random)."""
        known = c >= 0
        cc = np.maximum(c, 0)
        pattern = np.where(known, self.device_pattern[cc], rng.integers(0, 3, k))
        mobile_kind = np.where(known, self.mobile_kind[cc], 1)
        desktop = np.where(pattern == 0, True, np.where(pattern == 1, False, rng.random(k) < 0.55))
        device = np.where(desktop, 0, mobile_kind)
        desktop_os = np.where(known, self.desktop_os[cc], rng.integers(0, len(vocab.OPERATING_SYSTEMS_DESKTOP), k))
        desktop_browser = np.where(known, self.desktop_browser[cc], rng.integers(0, len(vocab.BROWSERS), k))
        mobile_os = np.where(known, self.mobile_os[cc], rng.integers(0, 4, k))
        n_desktop_os = len(vocab.OPERATING_SYSTEMS_DESKTOP)
        os_code = np.where(device == 0, desktop_os,
                           np.where(device == 1, n_desktop_os + mobile_os, n_desktop_os + 4 + mobile_os % 2))
        ios = np.where(device == 1, mobile_os < 2, mobile_os % 2 == 0)
        browser = np.where(device == 0, desktop_browser, np.where(ios, 3, 1))  # Safari on Apple, else Chrome
        spelled = rng.random(k)
        device_text = np.where(spelled < 0.05, device + 3, np.where(spelled < 0.07, -1, device))
        country = np.where(known, self.country[cc], rng.integers(0, len(self.country_codes), k))
        where = rng.random(k)
        country = np.where(where < 0.07, rng.integers(0, len(self.country_codes), k), country)
        country = np.where(where > 0.97, -1, country)
        return {"device": device, "device_text": device_text, "os": os_code, "browser": browser, "country": country,
                "secondary": (pattern == 2) & (device != 0)}

    def events(self, advance) -> None:
        self.event_setup()
        self.signup = np.full(self.n, -1, dtype=np.int64)
        self.invoice_not_sent = 0
        for part, low in enumerate(range(0, self.n, EVENT_CHUNK_CONTACTS)):
            contacts = np.arange(low, min(self.n, low + EVENT_CHUNK_CONTACTS))
            self._event_chunk(self.rng("events", part), contacts)
            advance()
        self.ghosts(self.rng("ghosts"))
        self.cleanable["product.contacts_with_invoice_created_not_sent"] = self.invoice_not_sent

    def _event_chunk(self, rng, contacts: np.ndarray) -> None:
        ev = self._plan_events(rng, contacts)
        # orphans (kept): events of user ids never identified, and of anonymous ids never identified
        k = len(ev["c"])
        orphans = _dirt_size(rng, k, 0.004, 4)
        orphan_kind = rng.integers(0, 2, orphans)
        self.cleanable["product.events.orphan_user_never_identified"] += int((orphan_kind == 0).sum())
        self.cleanable["product.events.orphan_anonymous_never_identified"] += int((orphan_kind == 1).sum())
        ev = {
            "c": np.concatenate([ev["c"], np.full(orphans, -1)]),
            "kind": np.concatenate([ev["kind"], (rng.random(orphans) < 0.4).astype(np.int8)]),
            "ev": np.concatenate([ev["ev"], np.zeros(orphans, dtype=np.int16)]),
            "ts": np.concatenate([ev["ts"], self.day_start(rng.integers(0, 395, orphans)) + rng.integers(0, DAY, orphans)]),
            "anon_only": np.concatenate([ev["anon_only"], orphan_kind == 1]),
            "orphan": np.concatenate([np.zeros(k, dtype=bool), np.ones(orphans, dtype=bool)]),
            "orphan_no": np.concatenate([np.full(k, -1), rng.integers(0, self.orphan_user_pool, orphans)]),
        }
        self._write_events(rng, ev)
        self._identifies(rng, contacts[self.has_user[contacts]])

    def _write_events(self, rng, ev: dict[str, np.ndarray], ghost: bool = False) -> None:
        k = len(ev["c"])
        c = ev["c"]
        cc = np.maximum(c, 0)
        # page events get page codes, tracks event codes
        ev["ev"] = np.where(ev["kind"] == 1, np.where(ev["orphan"], rng.integers(0, len(PAGES), k), ev["ev"] % len(PAGES)), ev["ev"])
        ev["ev"] = np.where((ev["kind"] == 0) & ev["orphan"], np.array(OTHER_POOL + [_ev_login])[rng.integers(0, 5, k)], ev["ev"])
        order = np.lexsort((ev["ts"], ev["kind"], c if not ghost else ev["orphan_no"]))
        ev = {key: v[order] for key, v in ev.items()}
        c, cc = ev["c"], np.maximum(ev["c"], 0)
        context = self._event_context(rng, c, k)
        known = c >= 0
        user = np.where(ev["anon_only"], -1, np.where(known, self.user_no[cc], np.where(
            ghost, self.n_users + self.orphan_user_pool + ev["orphan_no"] + 1, self.n_users + ev["orphan_no"] + 1)))
        # anonymous ids: 2 per contact (primary device, second device), then orphan and ghost ranges
        anon = np.where(known, 2 * cc + context["secondary"],
                        2 * self.n + (ev["orphan_no"] if not ghost else self.orphan_user_pool * 4 + ev["orphan_no"])
                        + np.where(ghost, 0, rng.integers(0, 3, k) * self.orphan_user_pool))
        anon = _mix(anon, self.salt)
        late = rng.random(k) < 0.025
        received = ev["ts"] + np.where(late, rng.integers(25 * HOUR, 5 * DAY, k), rng.integers(1, 600, k))
        rows = {
            "c": c, "kind": ev["kind"], "ev": ev["ev"], "ts": ev["ts"], "user": user, "anon": anon,
            "sent": ev["ts"] + rng.integers(0, 4, k), "received": received,
            "uuid": received + rng.integers(60, 4 * HOUR, k), "fmt": _ts_formats(rng, k),
            "device_text": context["device_text"], "os": context["os"], "browser": context["browser"],
            "country": context["country"], "feature": np.where(ev["ev"] == _EV["feature_used"],
                                                                rng.integers(0, len(vocab.FEATURES), k), -1),
            "name_dirt": np.where(rng.random(k) < 0.03, rng.integers(1, 4, k), 0).astype(np.int8),
            "blank": np.zeros(k, dtype=np.int8), "blank_identity": np.zeros(k, dtype=bool), "late": late,
            "seq": np.zeros(k, dtype=np.int64), "page_extra": rng.integers(0, 1 << 20, k),
        }
        rows["name_dirt"] = np.where(rows["kind"] == 0, rows["name_dirt"], 0).astype(np.int8)
        is_track = rows["kind"] == 0
        rows["seq"][is_track] = self.track_seq + np.arange(int(is_track.sum()))
        rows["seq"][~is_track] = self.page_seq + np.arange(int((~is_track).sum()))
        self.track_seq += int(is_track.sum())
        self.page_seq += int((~is_track).sum())
        erased = known & self.erased[cc]
        kept = ~erased
        for kind, key in ((0, "product.tracks"), (1, "product.pages")):
            of_kind = rows["kind"] == kind
            self.expect(key, "erasure_requested", (erased & of_kind).sum())
            self.cleanable[f"{key}.late_events"] += int((kept & late & of_kind).sum())
            self.cleanable[f"{key}.after_as_of"] += int((kept & of_kind & (rows["ts"] >= self.end)).sum())
            self.cleanable[f"{key}.device_type_needs_normalizing"] += int((kept & of_kind & (rows["device_text"] >= 3)).sum())
            self.cleanable[f"{key}.anonymous_only"] += int((kept & of_kind & (user < 0)).sum())
            if ghost:
                self.cleanable[f"{key}.user_not_in_crm"] += int(of_kind.sum())
        self.cleanable["product.tracks.event_name_needs_normalizing"] += int((kept & (rows["name_dirt"] > 0)).sum())

        if not ghost:
            # dirt: copies of events of live, identified people; one defect each
            candidates = np.flatnonzero(known & self.clean[cc] & (user >= 0))
            picks = []
            future = np.maximum(self.end + DAY * rng.integers(*FUTURE_DAYS, k), 1_924_992_000)  # >= 2031-01-01
            specs = [
                ("missing_id", {"blank": 1}), ("missing_id", {"blank": 2}),
                ("missing_identity", {"user": -1, "anon": -1}), ("missing_identity", {"blank_identity": True}),
                ("unparseable_timestamp", {"fmt": TS_WORDS}), ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                ("unparseable_timestamp", {"fmt": TS_BLANK}),
                ("implausible_timestamp", {"ts": "1900"}), ("future_timestamp", {"ts": "future"}),
                ("duplicate_event", {"dup": True}),
            ]
            used = np.zeros(k, dtype=bool)
            for reason, spec in specs:
                size = _dirt_size(rng, len(candidates), 0.0009 if reason != "duplicate_event" else 0.003,
                                  2 if reason in ("missing_id", "missing_identity", "unparseable_timestamp") else 3)
                if reason == "duplicate_event":
                    pool = candidates[~used[candidates]]
                    pick = np.sort(rng.choice(pool, min(size, len(pool)), replace=False))
                    used[pick] = True
                    delay = rng.integers(60, 3 * DAY, len(pick))
                    overrides = {"received": rows["received"][pick] + delay, "uuid": rows["uuid"][pick] + delay}
                else:
                    pick = np.sort(rng.choice(candidates, size, replace=False))
                    overrides = {key: value for key, value in spec.items() if key != "ts"}
                    if spec.get("ts") == "1900":
                        overrides["ts"] = IMPLAUSIBLE_EPOCH + rng.integers(0, DAY, len(pick))
                        overrides["fmt"] = np.zeros(len(pick), dtype=np.int8)
                    elif spec.get("ts") == "future":
                        overrides["ts"] = future[pick]
                    overrides["seq"] = np.where(rows["kind"][pick] == 0,
                                                self.track_seq + np.cumsum(rows["kind"][pick] == 0) - 1,
                                                self.page_seq + np.cumsum(rows["kind"][pick] == 1) - 1)
                    self.track_seq += int((rows["kind"][pick] == 0).sum())
                    self.page_seq += int((rows["kind"][pick] == 1).sum())
                    overrides["late"] = np.zeros(len(pick), dtype=bool)
                picks.append((pick, overrides))
                for kind, key in ((0, "product.tracks"), (1, "product.pages")):
                    self.expect(key, reason, (rows["kind"][pick] == kind).sum())
            rows = _copies(rows, picks)

        for kind, (schema, table) in ((0, ("raw_product", "tracks")), (1, ("raw_product", "pages"))):
            select = rows["kind"] == kind
            part = {key: v[select] for key, v in rows.items()}
            m = len(part["c"])
            columns = {
                "_k": np.arange(m), "blank": part["blank"], "seq": _mix(part["seq"], self.salt + 1 + kind),
                "user": part["user"], "anon": part["anon"], "blank_identity": part["blank_identity"],
                "ts": part["ts"], "fmt": part["fmt"], "sent": part["sent"],
                "received": _ts_array(part["received"]), "uuid": _ts_array(part["uuid"]),
                "device": _take(self.device_values, part["device_text"]),
                "os": _take(self.os_values, part["os"]), "browser": _take(self.browser_values, part["browser"]),
                "locale": _take(self.locale_of, part["country"]), "country": _take(self.country_codes, part["country"]),
                "city": _take(self.city_of, part["country"]),
            }
            common = {
                "user_id": f"case when blank_identity then '' when user < 0 then null "
                           f"else 'u_' || lpad(cast(user as varchar), {self.uwidth}, '0') end",
                "anonymous_id": "case when blank_identity then '' when anon < 0 then null "
                                "else 'anon_' || printf('%012x', anon) end",
                "timestamp": _ts_sql("ts", "fmt"), "sent_at": _ts_sql("sent", TS_Z), "received_at": "received",
                "context_device_type": "device", "context_os_name": "os", "context_browser": "browser",
                "context_locale": "locale", "context_country": "country", "context_city": "city", "uuid_ts": "uuid",
            }
            if kind == 0:
                columns.update({
                    "name": _take(TRACK_EVENTS, part["ev"]), "name_dirt": part["name_dirt"],
                    "text": _take([e.replace("_", " ").capitalize() for e in TRACK_EVENTS], part["ev"]),
                    "feature": _take(vocab.FEATURES, part["feature"]),
                })
                self.sink.write(schema, table, {
                    "id": _hex_id_sql("evt_", "seq"), **common,
                    "event": "case name_dirt when 1 then upper(substr(name, 1, 1)) || substr(name, 2) "
                             "when 2 then ' ' || name || ' ' when 3 then upper(name) else name end",
                    "event_text": "text", "feature": "feature",
                }, _arrow(columns))
            else:
                extra = part["page_extra"]
                columns.update({
                    "path": _take([p for p, _ in PAGES], part["ev"]), "title": _take([t for _, t in PAGES], part["ev"]),
                    "referrer": _take(REFERRERS, extra % len(REFERRERS)),
                    "utm": _take(UTM_SOURCES, (extra // 7) % len(UTM_SOURCES)),
                })
                self.sink.write(schema, table, {
                    "id": _hex_id_sql("pg_", "seq"), **common,
                    "url": "'https://app.example.com' || path", "path": "path", "referrer": "referrer",
                    "title": "title", "context_campaign_source": "utm",
                }, _arrow(columns))

    def _identifies(self, rng, users: np.ndarray, ghost_emails: bool = False) -> None:
        """The sign-up identify of each user (anonymous id -> user id -> email), a second device's, re-identifies."""
        if ghost_emails:
            k = len(users)
            rows = {"who": users, "anon": 2 * self.n + self.orphan_user_pool * 4 + users,
                    "user": self.n_users + self.orphan_user_pool + users + 1,
                    "ts": self.day_start(rng.integers(30, 120, k)) + rng.integers(0, DAY, k),
                    "variant": np.zeros(k, dtype=np.int8), "outsider": np.ones(k, dtype=bool)}
        else:
            never = self.persona[users] == NEVER
            signup = np.where(never, self.day_start(self.first_day[users]) + rng.integers(0, DAY, len(users)),
                              self.signup[users])
            second = users[self.device_pattern[users] == 2]
            second_at = signup[self.device_pattern[users] == 2]
            second_at = second_at + ((self.end - 60 - second_at) * rng.random(len(second))).astype(np.int64)
            again = rng.random(len(users)) < 0.25
            again_at = signup[again] + ((self.end - 60 - signup[again]) * rng.random(int(again.sum()))).astype(np.int64)
            who = np.concatenate([users, second, users[again]])
            rows = {
                "who": who,
                "anon": np.concatenate([2 * users, 2 * second + 1, 2 * users[again]]),
                "user": self.user_no[who],
                "ts": np.concatenate([signup, second_at, again_at]),
                "variant": np.concatenate([self.email_variant[users], rng.integers(0, 5, len(second) + int(again.sum()))]).astype(np.int8),
                "outsider": np.zeros(len(who), dtype=bool),
            }
        k = len(rows["who"])
        order = np.lexsort((rows["ts"], rows["who"]))
        rows = {key: v[order] for key, v in rows.items()}
        rows["anon"] = _mix(rows["anon"], self.salt)
        rows["received"] = rows["ts"] + rng.integers(1, 300, k)
        rows["uuid"] = rows["received"] + rng.integers(60, 3 * HOUR, k)
        rows["fmt"] = _ts_formats(rng, k)
        rows["blank"] = np.zeros(k, dtype=np.int8)
        rows["seq"] = self.identify_seq + np.arange(k)
        self.identify_seq += k
        if not ghost_emails:
            erased = self.erased[rows["who"]]
            self.expect("product.identifies", "erasure_requested", erased.sum())
            candidates = np.flatnonzero(self.clean[rows["who"]])
            picks = []
            specs = [("missing_id", {"blank": 1}), ("missing_identity", {"user": -1, "anon": -1}),
                     ("unparseable_timestamp", {"fmt": TS_WORDS}), ("unparseable_timestamp", {"fmt": TS_BAD_DATE}),
                     ("implausible_timestamp", {"ts": "1900"}), ("future_timestamp", {"ts": "future"}),
                     ("duplicate_event", {})]
            for reason, spec in specs:
                size = _dirt_size(rng, len(candidates), 0.0015)
                pick = np.sort(rng.choice(candidates, size, replace=False))
                overrides = {key: value for key, value in spec.items() if key != "ts"}
                if reason == "duplicate_event":
                    delay = rng.integers(60, 2 * DAY, size)
                    overrides.update({"received": rows["received"][pick] + delay, "uuid": rows["uuid"][pick] + delay})
                else:
                    overrides["seq"] = self.identify_seq + np.arange(size)
                    self.identify_seq += size
                if spec.get("ts") == "1900":
                    overrides.update({"ts": IMPLAUSIBLE_EPOCH + rng.integers(0, DAY, size), "fmt": 0})
                elif spec.get("ts") == "future":
                    overrides["ts"] = np.maximum(self.end + DAY * rng.integers(*FUTURE_DAYS, size), 1_924_992_000)
                picks.append((pick, overrides))
                self.expect("product.identifies", reason, size)
            rows = _copies(rows, picks)
        m = len(rows["who"])
        who = rows["who"]
        outsider = rows["outsider"]
        safe = np.where(outsider, 0, who)
        table = _arrow({
            "_k": np.arange(m), "blank": rows["blank"], "seq": _mix(rows["seq"], self.salt + 7),
            "user": rows["user"], "anon": rows["anon"], "ts": rows["ts"], "fmt": rows["fmt"],
            "received": _ts_array(rows["received"]), "uuid": _ts_array(rows["uuid"]),
            "variant": rows["variant"], "number": who + 1,
            "fn": _take([s for _, s in FIRST_NAMES] + [OUTSIDERS[0][0]], np.where(outsider, len(FIRST_NAMES), self.first_name[safe])),
            "ln": _take([s for _, s in LAST_NAMES] + [OUTSIDERS[0][1]], np.where(outsider, len(LAST_NAMES), self.last_name[safe])),
            "dom": _take(DOMAINS + [OUTSIDERS[0][2]], np.where(outsider, len(DOMAINS), self.domain[safe])),
        })
        self.sink.write("raw_product", "identifies", {
            "id": _hex_id_sql("idf_", "seq"),
            "user_id": f"case when user < 0 then null else 'u_' || lpad(cast(user as varchar), {self.uwidth}, '0') end",
            "anonymous_id": "case when anon < 0 then null else 'anon_' || printf('%012x', anon) end",
            "email": _email_sql("fn", "ln", "number", "dom", "variant"),
            "timestamp": _ts_sql("ts", "fmt"), "received_at": "received", "uuid_ts": "uuid",
        }, table)

    def ghosts(self, rng) -> None:
        """App users whose email is in no CRM contact: identified, active, linked to no one (kept, not lost)."""
        g = self.ghost_users
        ghosts = np.arange(g)
        counts = rng.integers(2, 11, g)
        who = np.repeat(ghosts, counts)
        k = len(who)
        ev = {"c": np.full(k, -1), "kind": (rng.random(k) < 0.4).astype(np.int8),
              "ev": np.zeros(k, dtype=np.int16), "ts": self.day_start(rng.integers(0, 90, k)) + rng.integers(0, DAY, k),
              "anon_only": np.zeros(k, dtype=bool), "orphan": np.ones(k, dtype=bool), "orphan_no": who}
        self._write_events(rng, ev, ghost=True)
        self._identifies(rng, ghosts, ghost_emails=True)

    # -- surveys -------------------------------------------------------------------------------------------------
    SURVEYS = [  # survey name, share of contacts taking it, [(question id, question text, answers or None, share)]
        ("relationship_nps", 0.5, [("nps", "How likely are you to recommend us to a friend or colleague?", None, 1.0)]),
        ("support_csat", 0.4, [("csat", "How satisfied were you with our support?", None, 1.0)]),
        ("customer_profile", 0.3, [
            ("primary_motivation", "What is the main reason you use the product?", vocab.MOTIVATIONS, 1.0),
            ("interests", "Which topic interests you most?", vocab.INTERESTS, 1.0),
            ("values", "What do you value most in a vendor?", vocab.VALUES, 1.0),
            ("personality", "Which best describes you?", vocab.PERSONALITY, 1.0)]),
        ("product_needs", 0.25, [
            ("must_have_features", "Which feature could you not live without?", vocab.MUST_HAVE_FEATURES, 1.0),
            ("service_needs", "What help would you like from us?", vocab.SERVICE_NEEDS, 0.8)]),
    ]
    NPS_WEIGHTS = [3, 2, 2, 3, 4, 6, 8, 14, 16, 20, 22]
    CSAT_WEIGHTS = [5, 8, 17, 35, 35]

    def surveys(self) -> None:
        rng = self.rng("surveys")
        n = self.n
        questions: list[tuple[str, str, str]] = []  # (survey, question id, text)
        answers: list[str] = [str(v) for v in range(11)]  # 0..10 first
        parts = {"who": [], "submission": [], "q": [], "answer": [], "ts": []}
        submission_offset = 0
        for survey, share, survey_questions in self.SURVEYS:
            takers = np.flatnonzero(rng.random(n) < share)
            visitors = np.arange(n, n + max(1, int(len(takers) * 0.005)))  # respondents in no CRM contact
            repeat = takers[rng.random(len(takers)) < 0.12]  # answered twice: the latest counts
            who = np.concatenate([takers, visitors, repeat])
            ts = self.day_start(rng.integers(0, 365, len(who))) + rng.integers(0, DAY, len(who))
            later = np.minimum(ts[: len(takers)][np.isin(takers, repeat)], self.end - 30 * DAY)
            ts[len(takers) + len(visitors):] = later - DAY * rng.integers(1, 200, len(repeat))  # the repeat is older
            # a few submissions dated on the partial day after as_of
            ts = np.where(rng.random(len(who)) < 0.003, self.day_start(-1) + rng.integers(0, DAY // 2, len(who)), ts)
            submission = submission_offset + np.arange(len(who))
            submission_offset += len(who)
            for qid, text, options, answer_share in survey_questions:
                q = len(questions)
                questions.append((survey, qid, text))
                answering = rng.random(len(who)) < answer_share
                if options is None:
                    weights = self.NPS_WEIGHTS if qid == "nps" else self.CSAT_WEIGHTS
                    offset = 0 if qid == "nps" else 1
                    value = offset + _choice(rng, len(who), weights)
                else:
                    value = len(answers) + rng.integers(0, len(options), len(who))
                    answers.extend(options)
                parts["who"].append(who[answering])
                parts["submission"].append(submission[answering])
                parts["q"].append(np.full(int(answering.sum()), q))
                parts["answer"].append(value[answering])
                parts["ts"].append(ts[answering])
        rows = {key: np.concatenate(v) for key, v in parts.items()}
        order = np.lexsort((rows["q"], rows["submission"]))
        rows = {key: v[order] for key, v in rows.items()}
        k = len(rows["who"])
        insider = rows["who"] < n
        safe = np.where(insider, rows["who"], 0)
        rows.update({
            "seq": np.arange(k), "blank": np.zeros(k, dtype=np.int8), "fmt": _ts_formats(rng, k),
            "variant": rng.integers(0, 5, k).astype(np.int8), "no_email": np.zeros(k, dtype=np.int8),
            "loaded": rows["ts"] + rng.integers(10 * 60, 12 * HOUR, k),
        })
        erased = insider & self.erased[safe]
        self.expect("surveys.responses", "erasure_requested", erased.sum())
        self.cleanable["surveys.responses.respondent_not_in_crm"] += int((~insider).sum())
        self.cleanable["surveys.responses.email_needs_normalizing"] += int((~erased & (rows["variant"] > 0)).sum())
        self.cleanable["surveys.responses.after_as_of"] += int((~erased & (rows["ts"] >= self.end)).sum())
        nps_q = [i for i, (_, qid, _) in enumerate(questions) if qid == "nps"][0]
        csat_q = [i for i, (_, qid, _) in enumerate(questions) if qid == "csat"][0]
        live = np.flatnonzero(insider & self.clean[safe])
        scored = live[np.isin(rows["q"][live], [nps_q, csat_q])]
        nps_rows = live[rows["q"][live] == nps_q]
        csat_rows = live[rows["q"][live] == csat_q]
        base = len(answers)
        answers.extend(NON_NUMERIC_SCORES + NPS_OUT_OF_RANGE + CSAT_OUT_OF_RANGE)
        picks = []
        next_seq = k

        def dirt(pool, reason, overrides, rate=0.002):
            nonlocal next_seq
            size = _dirt_size(rng, len(pool), rate, 3)
            pick = np.sort(rng.choice(pool, size, replace=False))
            if reason != "duplicate_answer":
                overrides = {**overrides, "seq": next_seq + np.arange(size)}
                next_seq += size
            else:
                overrides = {"loaded": rows["loaded"][pick] + rng.integers(HOUR, 3 * DAY, size)}
            picks.append((pick, {key: (value(size) if callable(value) else value) for key, value in overrides.items()}))
            self.expect("surveys.responses", reason, size)

        dirt(live, "missing_id", {"blank": 1})
        dirt(live, "missing_respondent", {"no_email": lambda s: rng.integers(1, 4, s)})
        dirt(live, "unparseable_timestamp", {"fmt": lambda s: np.array(_TS_BAD_CODES)[rng.integers(0, 3, s)]})
        dirt(live, "duplicate_answer", {})
        dirt(live, "future_timestamp", {"ts": self.far_future})
        dirt(scored, "non_numeric_score", {"answer": lambda s: base + rng.integers(0, len(NON_NUMERIC_SCORES), s)}, 0.004)
        dirt(nps_rows, "score_out_of_range",
             {"answer": lambda s: base + len(NON_NUMERIC_SCORES) + rng.integers(0, len(NPS_OUT_OF_RANGE), s)}, 0.004)
        dirt(csat_rows, "score_out_of_range",
             {"answer": lambda s: base + len(NON_NUMERIC_SCORES) + len(NPS_OUT_OF_RANGE)
              + rng.integers(0, len(CSAT_OUT_OF_RANGE), s)}, 0.004)
        rows = _copies(rows, picks)
        m = len(rows["who"])
        who = rows["who"]
        insider = who < n
        safe = np.where(insider, who, 0)
        q = rows["q"]
        table = _arrow({
            "_k": np.arange(m), "blank": rows["blank"], "seq": rows["seq"], "sub": rows["submission"],
            "survey": _take([s for s, _, _ in questions], q), "qtext": _take([t for _, _, t in questions], q),
            "qid": _take([qid for _, qid, _ in questions] + ["NPS"],
                         np.where((q == nps_q) & (rows["submission"] % 10 == 3), len(questions), q)),
            "answer": _take(answers, rows["answer"]), "ts": rows["ts"], "fmt": rows["fmt"],
            "loaded": _ts_array(rows["loaded"]), "variant": rows["variant"], "no_email": rows["no_email"],
            "number": np.where(insider, who + 1, who - n + 1),
            "fn": _take([s for _, s in FIRST_NAMES] + [OUTSIDERS[1][0]], np.where(insider, self.first_name[safe], len(FIRST_NAMES))),
            "ln": _take([s for _, s in LAST_NAMES] + [OUTSIDERS[1][1]], np.where(insider, self.last_name[safe], len(LAST_NAMES))),
            "dom": _take(DOMAINS + [OUTSIDERS[1][2]], np.where(insider, self.domain[safe], len(DOMAINS))),
        })
        self.sink.write("raw_surveys", "responses", {
            "id": _id_sql("ans_", "seq + 1", max(7, len(str(next_seq)))),
            "response_id": f"'resp_' || lpad(cast(sub + 1 as varchar), {max(6, len(str(submission_offset)))}, '0')",
            "survey_name": "survey", "question_id": "qid", "question_text": "qtext",
            "respondent_email": "case no_email when 1 then '' when 2 then '   ' when 3 then null else "
                                + _email_sql("fn", "ln", "number", "dom", "variant") + " end",
            "answer_text": "answer", "submitted_at": _ts_sql("ts", "fmt"), "_loaded_at": "loaded",
        }, table)

    # -- compliance ----------------------------------------------------------------------------------------------
    def erasure_requests(self) -> None:
        rng = self.rng("erasure")
        n = self.n
        erased = np.flatnonzero(self.erased)
        k = len(erased)
        requested = self.day_start(rng.integers(1, 60, k)) + rng.integers(0, DAY, k)
        variants = rng.integers(0, 5, k).astype(np.int8)
        # repeated requests of the same person (another spelling, later): duplicate_request
        repeats = rng.choice(erased, min(k, max(1, n // 20_000)), replace=False) if k else np.zeros(0, dtype=np.int64)
        repeat_at = requested[np.searchsorted(erased, repeats)] + rng.integers(HOUR, 5 * DAY, len(repeats))
        # people in no CRM contact, and one (or a few) request without an email: missing_email
        outsiders = 2 + n // 50_000
        blanks = 1 + n // 100_000
        who = np.concatenate([erased, repeats, n + np.arange(outsiders), np.full(blanks, -1)])
        at = np.concatenate([requested, repeat_at, self.day_start(rng.integers(1, 60, outsiders)),
                             self.day_start(rng.integers(1, 60, blanks))])
        variant = np.concatenate([variants, (variants[np.searchsorted(erased, repeats)] + 1) % 5,
                                  np.zeros(outsiders + blanks, dtype=np.int8)]).astype(np.int8)
        self.expect("compliance.erasure_requests", "duplicate_request", len(repeats))
        self.expect("compliance.erasure_requests", "missing_email", blanks)
        order = np.lexsort((who, at))
        who, at, variant = who[order], at[order], variant[order]
        insider = (who >= 0) & (who < n)
        safe = np.where(insider, who, 0)
        m = len(who)
        table = _arrow({
            "_k": np.arange(m), "who": who, "asked": at, "loaded": _ts_array(at + rng.integers(HOUR, 12 * HOUR, m)),
            "variant": variant, "blank_email": who < 0, "number": np.where(insider, who + 1, who - n + 1),
            "fn": _take([s for _, s in FIRST_NAMES] + [OUTSIDERS[2][0]], np.where(insider, self.first_name[safe], len(FIRST_NAMES))),
            "ln": _take([s for _, s in LAST_NAMES] + [OUTSIDERS[2][1]], np.where(insider, self.last_name[safe], len(LAST_NAMES))),
            "dom": _take(DOMAINS + [OUTSIDERS[2][2]], np.where(insider, self.domain[safe], len(DOMAINS))),
        })
        self.sink.write("raw_compliance", "erasure_requests", {
            "id": f"'er_' || lpad(cast(_k + 1 as varchar), {max(5, len(str(m)))}, '0')",
            "email": "case when blank_email then '  ' else " + _email_sql("fn", "ln", "number", "dom", "variant") + " end",
            "requested_at": _ts_sql("asked", "(case when _k % 5 = 0 then 4 else 0 end)"), "_loaded_at": "loaded",
        }, table)
        self.cleanable["compliance.erasure_requests.email_not_in_crm"] += outsiders


def generate(contacts: int, seed: int, as_of: dt.date, *, duckdb_path: str | None = None,
             parquet_dir: str | None = None, progress: bool = True) -> dict:
    """Write every raw table of docs/raw_contract.md for `contacts` people as of `as_of` (the last complete UTC
    day) into a DuckDB file (`duckdb_path`) or Parquet files (`parquet_dir`/<schema>/<table>.parquet), and return
    the manifest: rows per table, the exact count of each quarantine reason staging must find, cleanable dirt, and
    the behavioral personas."""
    if (duckdb_path is None) == (parquet_dir is None):
        raise ValueError("give exactly one of duckdb_path or parquet_dir")
    if int(contacts) < 1:
        raise ValueError("contacts must be at least 1")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    started = time.perf_counter()
    sink = _Sink(duckdb_path, parquet_dir)
    generator = _Generator(int(contacts), int(seed), as_of, sink)
    chunks = -(-int(contacts) // EVENT_CHUNK_CONTACTS)
    steps = [("people", generator.people), ("accounts", generator.accounts), ("contacts", generator.contacts),
             ("subscriptions", generator.subscriptions), ("orders", generator.orders),
             ("tickets", generator.tickets), ("product events", None), ("survey responses", generator.surveys),
             ("erasure requests", generator.erasure_requests)]
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   disable=not progress)
    try:
        with bar:
            task = bar.add_task("generating", total=len(steps) - 1 + chunks + 1)
            for name, step in steps:
                bar.update(task, description=f"generating {name}")
                if step is None:
                    generator.events(lambda: bar.advance(task))
                    bar.advance(task)  # ghosts
                else:
                    step()
                    bar.advance(task)
    finally:
        sink.close()
    tables = {}
    for schema, table in SCHEMAS:
        key = f"{SOURCES[schema]}.{table}"
        tables[key] = {"rows": int(sink.rows[key]),
                       "quarantined": dict(sorted(generator.quarantined.get(key, Counter()).items()))}
    return {
        "contacts": int(contacts), "seed": int(seed), "as_of": as_of.isoformat(),
        "seconds": round(time.perf_counter() - started, 2),
        "tables": dict(sorted(tables.items())),
        "total_rows": int(sum(t["rows"] for t in tables.values())),
        "cleanable": {key: int(value) for key, value in sorted(generator.cleanable.items())},
        "personas": {name: int(generator.personas[name]) for name in PERSONAS},
    }


# --------------------------------------------------------------------------------------------------------------
# one more day of events (incremental builds)

_TS_ISO = "strftime({0}, '%Y-%m-%dT%H:%M:%SZ')"


def append_day(duckdb_path: str, day: dt.date, seed: int = 7) -> dict:
    """Append one more day of product events to an existing raw DuckDB file, as a loader would land them, and
    return how many rows of each kind were added. `day` is the new last complete day (the next as_of_date).

    The batch holds: new events on `day` (copies of recent activity moved to that day, new ids); late events that
    happened one and two days before `day`; exact duplicates of already loaded events (same row, landed again);
    earlier-received redeliveries of loaded events with another browser (they win deduplication, so the kept
    row changes); identifies tying never-identified anonymous ids to existing users (their old events become
    attributed: attribution changes retroactively) and moving a few users to another email; a few blank-id rows;
    and one erasure request for an active person. The batch lands (uuid_ts) after everything already in the
    file, except a "late commit" slice stamped two days before the latest load already there: only the
    incremental lookback (var event_lookback_days) picks those up. Deterministic: same file, day and seed, same rows.
    """
    con = duckdb.connect(str(duckdb_path))
    con.execute("set TimeZone = 'UTC'")
    try:
        return _append_day(con, day, int(seed))
    finally:
        con.close()


def _append_day(con, day: dt.date, seed: int) -> dict:
    new_day = f"timestamp '{day.isoformat()}'"
    previous = f"({new_day} - interval 1 day)"
    high_water = con.execute(
        "select greatest((select max(uuid_ts) from raw_product.tracks), (select max(uuid_ts) from raw_product.pages),"
        " (select max(uuid_ts) from raw_product.identifies))").fetchone()[0]
    land = f"timestamp '{high_water.isoformat(sep=' ')}' + interval 1 hour"
    late_commit = f"timestamp '{high_water.isoformat(sep=' ')}' - interval 2 day"
    tag = day.strftime("%Y%m%d")

    def bucket(salt: str, modulus: int) -> str:
        return f"hash(coalesce(id, '') || '{salt}{seed}') % {modulus}"

    counts: dict[str, int] = {}
    parsed = "cast(timezone('UTC', try_cast(trim(timestamp) as timestamptz)) as timestamp)"
    for table in ("tracks", "pages"):
        # the landing time of a row: within 12 hours after the batch starts, or (1 in 20) the late-commit slice
        loaded = (f"(case when {bucket('commit' + table, 20)} = 0 then {late_commit} "
                  f"else {land} + to_seconds(cast({bucket('land' + table, 43200)} as bigint)) end)")
        clean = f"nullif(trim(id), '') is not null and {parsed} >= timestamp '2000-01-01'"
        statements = {
            # new events on `day`: recent activity (the week up to the previous day) moved to the new day
            "new_events": f"""
                select * exclude (ts) replace (
                    id || '-{tag}' as id,
                    {_TS_ISO.format('ts')} as timestamp,
                    {_TS_ISO.format('ts')} as sent_at,
                    ts + interval 30 second as received_at,
                    {loaded} as uuid_ts)
                from (
                    select *, {parsed} + to_days(cast(date_diff('day', cast({parsed} as date), cast({new_day} as date)) as integer)) as ts
                    from raw_product.{table}
                    where {clean} and {parsed} >= {new_day} - interval 7 day and {parsed} < {new_day}
                        and {bucket('new', 7)} = 0
                )""",
            # late events: they happened one or two days before `day` and arrive only now
            "late_events": f"""
                select * replace (
                    id || '-late{tag}' as id,
                    {new_day} + interval 2 hour as received_at,
                    {loaded} as uuid_ts)
                from raw_product.{table}
                where {clean} and {parsed} >= {previous} - interval 1 day and {parsed} < {new_day}
                    and {bucket('late', 6)} = 0""",
            # exact duplicates of loaded rows (any outcome), landed once more
            "exact_duplicates": f"""
                select * replace ({loaded} as uuid_ts)
                from raw_product.{table}
                where received_at >= {new_day} - interval 30 day and {bucket('dup', 40)} = 0""",
            # a copy received one second before the loaded one, with another browser: it wins deduplication
            "earlier_redeliveries": f"""
                select * replace (
                    received_at - interval 1 second as received_at,
                    'Firefox 121.0' as context_browser,
                    {loaded} as uuid_ts)
                from raw_product.{table}
                where {clean} and {parsed} >= {new_day} - interval 20 day and {parsed} < {new_day}
                    and {bucket('win', 150)} = 0
                    and id not in (select id from raw_product.{table} group by id having count(*) > 1)""",
            # rows without an id (quarantined missing_id): one small group re-screened on every build
            "blank_ids": f"""
                select * replace ('' as id, {loaded} as uuid_ts)
                from raw_product.{table}
                where {clean} and {parsed} >= {new_day} - interval 3 day and {bucket('blank', 400)} = 0""",
        }
        for kind, sql in statements.items():
            before = con.execute(f"select count(*) from raw_product.{table}").fetchone()[0]
            con.execute(f"insert into raw_product.{table} {sql}")
            added = con.execute(f"select count(*) from raw_product.{table}").fetchone()[0] - before
            counts[f"{table}.{kind}"] = int(added)

    # identities: never-identified anonymous ids now tied to an existing user (retroactive attribution), and a
    # few users whose email trait changes to another identified user's (their events move to that contact)
    identify_at = f"{new_day} + interval 12 hour"
    users = """(select user_id, arg_max(email, timestamp) as email, row_number() over (order by user_id) as n
                from raw_product.identifies
                where nullif(trim(user_id), '') is not null and nullif(trim(email), '') is not null
                group by user_id)"""
    orphans = """(select anonymous_id, row_number() over (order by anonymous_id) as n
                  from (select distinct anonymous_id from raw_product.tracks
                        where user_id is null and anonymous_id is not null
                            and anonymous_id not in (select anonymous_id from raw_product.identifies
                                                     where anonymous_id is not null)))"""
    identifies = {
        "identifies.anonymous_tied": f"""
            select 'idf_tie_{tag}_' || o.n, u.user_id, o.anonymous_id, u.email,
                {_TS_ISO.format(identify_at)}, {identify_at} + interval 10 second, {land} + interval 1 minute
            from {orphans} as o join {users} as u on u.n = o.n * 7 + {seed % 5}
            where o.n <= 25""",
        "identifies.email_changed": f"""
            select 'idf_move_{tag}_' || a.n, a.user_id, null, b.email,
                {_TS_ISO.format(identify_at)}, {identify_at} + interval 10 second, {land} + interval 2 minute
            from {users} as a join {users} as b on b.n = a.n + 1
            where a.n % 97 = {seed % 97}""",
    }
    for kind, sql in identifies.items():
        before = con.execute("select count(*) from raw_product.identifies").fetchone()[0]
        con.execute(f"insert into raw_product.identifies {sql}")
        counts[kind] = int(con.execute("select count(*) from raw_product.identifies").fetchone()[0] - before)

    # one erasure request, from the most active identified user not erased yet
    before = con.execute("select count(*) from raw_compliance.erasure_requests").fetchone()[0]
    con.execute(f"""
        insert into raw_compliance.erasure_requests
        select 'er_append_{tag}', email, {_TS_ISO.format(identify_at)}, {land} + interval 3 minute
        from (
            select i.email, count(*) as events
            from raw_product.tracks as t
            join raw_product.identifies as i on t.user_id = i.user_id
            where nullif(trim(i.email), '') is not null
                and lower(trim(i.email)) not in (select lower(trim(email)) from raw_compliance.erasure_requests
                                                 where email is not null)
            group by i.email
            order by events desc, i.email
            limit 1
        )""")
    counts["erasure_requests.new"] = int(
        con.execute("select count(*) from raw_compliance.erasure_requests").fetchone()[0] - before)
    return counts
