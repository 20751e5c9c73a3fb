"""Benchmark: generate, parse, build and query at several scales, measured on the machine that runs it.

For each number of contacts: raw rows per table, generation time, `dbt parse` time, full `dbt build` time split
by layer (from target/run_results.json), peak resident memory of the build, warehouse file size, and a reference
query: one hand-written DuckDB statement computing the per-contact behavioral metrics straight from the raw
event tables, the engine's floor for the heaviest work. The ratio of the behavioral models' build time to it says
how far the project is from that floor.

User-agent parsing (macros/events/user_agent_rules.sql) is measured apart, since the generated data has 15 of them:
the parse of a number of distinct synthetic user agents (real browser, OS, device and version tokens combined)
that a given number of contacts is assumed to bring (USER_AGENTS_PER_CONTACTS).

With custom segments (`--custom-segments N`, bench_custom.py), each scale's raw data is also built in a copy of the
project with N generated custom segment definitions added: the full build's time with them against without.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from . import bench_custom
from .generate import append_day, generate

# The screening of the event tables is stored by the incremental base models (the stg_ models are views of them).
BEHAVIORAL_MODELS = (
    "base_product__tracks", "base_product__pages", "stg_product__tracks", "stg_product__pages", "int_events__attributed",
    "int_contacts__daily_activity", "int_contacts__feature_usage",
    "int_contacts__behavior_metrics", "seg_behavioral",
)

# The large event-derived models an incremental build is meant to spare: their own node time in the full and in
# the incremental build shows what the incremental design saves, apart from the rest of the daily job.
EVENT_MODELS = (
    "base_product__tracks", "base_product__pages", "int_contacts__daily_activity", "int_contacts__daily_event_context",
)

# Per contact: logins 7d/30d, core events 30d, page views 30d, distinct features 30d, sessions 30d, first/last seen,
# from raw tracks, pages and identifies: parse, deduplicate by message id, stitch anonymous ids, link by email.
REFERENCE_QUERY = """
with
events as (
    select id, user_id, anonymous_id, lower(trim(event)) as event_name, feature,
           timezone('UTC', try_cast(timestamp as timestamptz)) as ts, received_at
    from raw_product.tracks
    union all
    select id, user_id, anonymous_id, 'page_viewed', null,
           timezone('UTC', try_cast(timestamp as timestamptz)), received_at
    from raw_product.pages
),
clean as (
    select * from events
    where nullif(trim(id), '') is not null and ts is not null and ts >= timestamp '2000-01-01'
      and ts <= received_at + interval 24 hour and (user_id is not null or anonymous_id is not null)
    qualify row_number() over (partition by id order by received_at) = 1
),
identifies as (
    select user_id, anonymous_id, lower(trim(email)) as email,
           timezone('UTC', try_cast(timestamp as timestamptz)) as ts
    from raw_product.identifies where nullif(trim(user_id), '') is not null
),
user_email as (
    select user_id, arg_max(email, ts) as email from identifies where ts < $end group by user_id
),
anon_user as (
    select anonymous_id, arg_min(user_id, ts) as user_id from identifies
    where anonymous_id is not null and ts < $end group by anonymous_id
),
contacts as (
    select lower(trim(email)) as email, arg_max(id, updated_at) as contact_id
    from raw_crm.contacts where nullif(trim(id), '') is not null group by 1
),
linked as (
    select contacts.contact_id, clean.event_name, clean.feature, clean.ts, cast(clean.ts as date) as d
    from clean
    left join anon_user on clean.user_id is null and clean.anonymous_id = anon_user.anonymous_id
    join user_email on coalesce(clean.user_id, anon_user.user_id) = user_email.user_id
    join contacts on user_email.email = contacts.email
    where clean.ts < $end
),
sessions as (
    select contact_id, ts,
           case when lag(ts) over (partition by contact_id order by ts) is null
                  or ts > lag(ts) over (partition by contact_id order by ts) + interval 30 minute then 1 else 0 end as starts
    from linked
)
select
    linked.contact_id,
    count(*) filter (where event_name = 'login' and d >= $start7) as logins_7d,
    count(*) filter (where event_name = 'login' and d >= $start30) as logins_30d,
    count(*) filter (
        where event_name in ('report_created', 'invoice_created', 'invoice_sent', 'integration_connected') and d >= $start30
    ) as core_events_30d,
    count(*) filter (where event_name = 'page_viewed' and d >= $start30) as page_views_30d,
    count(distinct feature) filter (where d >= $start30) as distinct_features_30d,
    min(ts) as first_seen_at,
    max(ts) as last_seen_at,
    any_value(s.sessions_30d) as sessions_30d
from linked
left join (select contact_id, sum(starts) filter (where cast(ts as date) >= $start30) as sessions_30d from sessions group by 1) as s
    on linked.contact_id = s.contact_id
group by linked.contact_id
"""


# The assumption behind the user-agent row: one distinct user agent per this many contacts. Browsers update every
# few weeks (a new version string each time), people use two or three devices, and Android device models make a
# long tail, while many contacts share the common strings: a B2B site's million contacts, over the event history
# kept, are taken to bring 50,000 distinct user agents.
USER_AGENTS_PER_CONTACTS = 20

# The cost before the patterns became literals, measured by hand at c418cd2 on this 2-core machine shared with other
# sessions: the old cross join (rendered for DuckDB) and the new query on the same synthetic user agents, same rows
UA_BEFORE = ("44 distinct user agents took 20.7 s (0.47 s each; 2 s each on a busier day), so 1,000 about 8 min and "
             "50,000 six and a half hours; the new query took 8.4 s on the same 44 and 8.7 s on 1,000: its cost is "
             "mostly compiling the 1,259 patterns, once per query")

_ANDROID_PHONES = ("SM-S911B", "SM-S918B", "SM-A536B", "SM-A546B", "SM-G991B", "SM-G998B", "Pixel 7", "Pixel 8 Pro",
                   "Pixel 6a", "M2101K6G", "2201117TG", "CPH2451", "RMX3630", "moto g(60)", "motorola edge 30",
                   "ONEPLUS A6013", "LE2123", "V2111", "K")
_ANDROID_TABLETS = ("SM-X700", "SM-T870", "SM-X200", "Lenovo TB-X606F", "Pixel Tablet", "K")


def synthetic_user_agents(count: int, seed: int = 42) -> list[str]:
    """`count` distinct user agents as browsers send them: desktop Chrome, Edge, Firefox and Safari on Windows,
    macOS and Linux; iPhone and iPad Safari and Chrome; Android phones and tablets with Chrome and Samsung
    Internet; a few crawlers; each with real version numbers drawn at random (seeded)."""
    rng = random.Random(seed)

    def chrome() -> str:
        return f"{rng.randint(100, 131)}.0.{rng.randint(5000, 6800)}.{rng.randint(0, 250)}"

    def ios() -> tuple[int, int]:
        return rng.randint(14, 18), rng.randint(0, 7)

    webkit = "AppleWebKit/537.36 (KHTML, like Gecko)"
    templates = [
        (30, lambda: f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {webkit} Chrome/{chrome()} Safari/537.36"),
        (8, lambda: (lambda v: f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {webkit} Chrome/{v} Safari/537.36 "
                               f"Edg/{v}")(chrome())),
        (6, lambda: (lambda v: f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 "
                               f"Firefox/{v}.{rng.randint(0, 3)}")(rng.randint(100, 133))),
        (8, lambda: f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_{rng.randint(1, 7)}) {webkit} Chrome/{chrome()} "
                    "Safari/537.36"),
        (6, lambda: f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_{rng.randint(1, 7)}) AppleWebKit/605.1.15 "
                    f"(KHTML, like Gecko) Version/{rng.randint(14, 18)}.{rng.randint(0, 6)} Safari/605.1.15"),
        (3, lambda: (lambda v: f"Mozilla/5.0 (X11; {rng.choice(['Ubuntu; ', ''])}Linux x86_64; rv:{v}.0) "
                               f"Gecko/20100101 Firefox/{v}.0")(rng.randint(100, 133))),
        (2, lambda: f"Mozilla/5.0 (X11; Linux x86_64) {webkit} Chrome/{chrome()} Safari/537.36"),
        (14, lambda: (lambda a, b: f"Mozilla/5.0 (iPhone; CPU iPhone OS {a}_{b} like Mac OS X) AppleWebKit/605.1.15 "
                                   f"(KHTML, like Gecko) Version/{a}.{b} Mobile/15E148 Safari/604.1")(*ios())),
        (3, lambda: (lambda a, b: f"Mozilla/5.0 (iPhone; CPU iPhone OS {a}_{b} like Mac OS X) AppleWebKit/605.1.15 "
                                  f"(KHTML, like Gecko) CriOS/{chrome()} Mobile/15E148 Safari/604.1")(*ios())),
        (3, lambda: (lambda a, b: f"Mozilla/5.0 (iPad; CPU OS {a}_{b} like Mac OS X) AppleWebKit/605.1.15 "
                                  f"(KHTML, like Gecko) Version/{a}.{b} Mobile/15E148 Safari/604.1")(*ios())),
        (12, lambda: f"Mozilla/5.0 (Linux; Android {rng.randint(10, 15)}; {rng.choice(_ANDROID_PHONES)}) {webkit} "
                     f"Chrome/{chrome()} Mobile Safari/537.36"),
        (3, lambda: f"Mozilla/5.0 (Linux; Android {rng.randint(10, 14)}; SAMSUNG {rng.choice(_ANDROID_PHONES[:6])}) "
                    f"{webkit} SamsungBrowser/{rng.randint(18, 26)}.{rng.randint(0, 2)} Chrome/{chrome()} "
                    "Mobile Safari/537.36"),
        (1, lambda: f"Mozilla/5.0 (Linux; Android {rng.randint(10, 14)}; {rng.choice(_ANDROID_TABLETS)}) {webkit} "
                    f"Chrome/{chrome()} Safari/537.36"),
        (1, lambda: f"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) {webkit} Chrome/{chrome()} Mobile "
                    "Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    ]
    weights = [weight for weight, _ in templates]
    makers = [maker for _, maker in templates]
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen[rng.choices(makers, weights)[0]()] = None
    return list(seen)


def user_agent_parsing(contacts: int, workdir: Path, project_dir: Path, repeats: int = 3,
                       measured_commit: str | None = None) -> dict:
    """The parse of the distinct user agents `contacts` are assumed to bring (USER_AGENTS_PER_CONTACTS):
    user_agent_ctes compiled by dbt over a table of synthetic user agents, then run on DuckDB `repeats` times
    (the median is reported; the SQL compiles once, so the figure is the query, not dbt's start)."""
    count = max(1, contacts // USER_AGENTS_PER_CONTACTS)
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "user_agents.duckdb"
    database.unlink(missing_ok=True)
    settings = duckdb_settings()
    with duckdb.connect(str(database)) as con:
        con.execute("create schema bench; create table bench.user_agents (context_user_agent varchar)")
        con.executemany("insert into bench.user_agents values (?)", [[ua] for ua in synthetic_user_agents(count)])
    env = {**os.environ, "DBT_PROFILES_DIR": str(project_dir), "SEGMENTS_DUCKDB_PATH": str(database)}
    inline = ("with {{ user_agent_ctes(['bench.user_agents']) }}\n"
              "select device_type, count(*) as user_agents, count(browser_family) as with_browser "
              "from user_agents_parsed group by device_type")
    compiled, _, _ = _dbt(["compile", "--quiet", "--inline", inline], env, project_dir, workdir)
    if compiled.returncode != 0:
        raise RuntimeError(f"dbt compile of user_agent_ctes failed:\n{compiled.stdout[-2000:]}")
    samples: list[float] = []
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute(f"set memory_limit = '{settings['memory_limit']}'")
        con.execute(f"set threads = {int(settings['threads'])}")
        for _ in range(repeats):
            started = time.perf_counter()
            rows = con.execute(compiled.stdout).fetchall()
            samples.append(time.perf_counter() - started)
    seconds = statistics.median(samples)
    return {
        "contacts": contacts,
        "distinct_user_agents": count,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": measured_commit or commit(project_dir),
        "seconds": round(seconds, 2),
        "samples": [round(sample, 2) for sample in samples],
        "ms_per_user_agent": round(1000 * seconds / count, 2),
        "device_types": {str(device_type): n for device_type, n, _ in sorted(rows, key=str)},
        "with_browser": sum(with_browser for _, _, with_browser in rows),
    }


def _dbt(args: list[str], env: dict, project_dir: Path,
         workdir: Path) -> tuple[subprocess.CompletedProcess, float, list[dict] | None]:
    """Run dbt; its process, wall-clock seconds and node results (None when it wrote no run_results.json)."""
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir", str(project_dir),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    run_results = workdir / "target" / "run_results.json"
    run_results.unlink(missing_ok=True)  # so a failed run never reads stale results
    started = time.perf_counter()
    result = subprocess.run(command, cwd=project_dir, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    return result, seconds, json.loads(run_results.read_text())["results"] if run_results.exists() else None


def duckdb_settings() -> dict[str, str]:
    """The DuckDB memory limit and threads of every build and of the reference query: the environment's, or the
    profile's 8GB and one thread per CPU this process may use (DuckDB's own default; the profile's fixed 4 would
    oversubscribe a 2-CPU machine), so the models and the query run on the same engine settings."""
    threads = os.environ.get("SEGMENTS_DUCKDB_THREADS", str(len(os.sched_getaffinity(0)) or 1))
    if not threads.isdigit() or int(threads) < 1:
        raise ValueError(f"SEGMENTS_DUCKDB_THREADS must be a whole number of threads, got: {threads}")
    return {"memory_limit": os.environ.get("SEGMENTS_DUCKDB_MEMORY_LIMIT", "8GB"), "threads": threads}


def commit(project_dir: Path) -> str | None:
    """The commit measured, "+changes" when tracked files differ from it. Taken before the first scale: the
    benchmark's own outputs (docs/benchmarks.*) are tracked and change as it runs."""
    try:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project_dir, capture_output=True,
                                text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":(exclude)docs/benchmarks.json", ":(exclude)docs/benchmarks.md"],
                               cwd=project_dir, capture_output=True, text=True).stdout.strip()
    except OSError:  # no git: the figures are still worth writing
        return None
    return (result.stdout.strip() + ("+changes" if dirty else "")) if result.returncode == 0 else None


def _layer(unique_id: str) -> str:
    kind, _, name = unique_id.split(".", 2)
    if kind != "model":
        return {"unit_test": "unit tests", "test": "data tests", "seed": "seeds"}.get(kind, kind)
    name = name.split(".")[-1]
    if name.startswith(("stg_", "base_")):
        return "staging"
    if name.startswith("int_"):
        return "intermediate"
    return "marts"


def _node_seconds(results: list[dict] | None, models: tuple[str, ...] = BEHAVIORAL_MODELS
                  ) -> tuple[dict[str, float], float]:
    """Node execution seconds of a dbt run, per layer, and the sum over `models` (default: the behavioral ones)."""
    layers: dict[str, float] = {}
    selected = 0.0
    for result in results or []:
        layer = _layer(result["unique_id"])
        layers[layer] = layers.get(layer, 0.0) + result["execution_time"]
        if result["unique_id"].startswith("model.") and result["unique_id"].split(".")[-1] in models:
            selected += result["execution_time"]
    return layers, selected


def _failed_nodes(run: subprocess.CompletedProcess, results: list[dict] | None) -> list[str]:
    """What failed in a dbt run: the nodes in error or failing, or dbt's last words when it wrote no results.
    Empty exactly when dbt exited 0."""
    if run.returncode == 0:
        return []
    failed = [f"{result['unique_id']}: {result['status']}" for result in results or []
              if result["status"] in ("error", "fail", "runtime error")]
    if failed:
        return failed
    lines = [line.strip() for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    return [f"dbt exited {run.returncode}: " + " | ".join(lines[-3:])]


def run_scale(contacts: int, workdir: Path, project_dir: Path, as_of: dt.date, seed: int = 42,
              measured_commit: str | None = None, repeats: int = 3, custom_segments: int = 0) -> dict:
    """Measure one scale. The builds are the production job (`--selector daily_full`: every model, seed and data
    test; unit tests run in CI, not on data): first a full build of the generated data, then, after
    `append_day` lands one more day of events, the incremental build of the next as_of_date, and that build once
    more with nothing new (the part of a daily run no incremental model can remove). With `custom_segments`, the
    full build's raw data is built once more, right after it, in a copy of the project with that many generated
    custom segments (custom_segments_build)."""
    workdir = workdir.resolve()  # dbt runs in the project (or its copy): a relative workdir would point elsewhere
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "bench.duckdb"
    database.unlink(missing_ok=True)
    Path(f"{database}.wal").unlink(missing_ok=True)
    manifest = generate(contacts, seed, as_of, duckdb_path=str(database), progress=False)
    custom_dir = workdir / "custom"
    if custom_segments:  # the same raw data for the build with custom segments: a copy (one writer per file)
        shutil.rmtree(custom_dir, ignore_errors=True)
        custom_dir.mkdir(parents=True)
        for raw in (database, Path(f"{database}.wal")):
            if raw.exists():
                shutil.copyfile(raw, custom_dir / raw.name)
    settings = duckdb_settings()
    env = {**os.environ, "DBT_PROFILES_DIR": str(project_dir), "SEGMENTS_DUCKDB_PATH": str(database),
           "SEGMENTS_DUCKDB_MEMORY_LIMIT": settings["memory_limit"], "SEGMENTS_DUCKDB_THREADS": settings["threads"]}

    def dated(day: dt.date) -> dict:
        # as the daily job of docs/operations.md dates its runs: through the environment, which keeps dbt's partial parse
        # (a new --vars value makes dbt re-parse the whole project first)
        return {**env, "SEGMENTS_AS_OF_DATE": day.isoformat()}

    parse, parse_seconds, _ = _dbt(["parse"], env, project_dir, workdir)
    if parse.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{parse.stdout[-2000:]}")

    # 1. the full build
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    build, build_seconds, build_results = _dbt(["build", "--selector", "daily_full"], dated(as_of), project_dir,
                                               workdir)
    peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    layers, behavioral_in_build = _node_seconds(build_results)
    failed: dict[str, list[str]] = {"full build": _failed_nodes(build, build_results), "behavioral models": []}
    warehouse_mib = round(database.stat().st_size / 2**20, 1)  # after the full build (re-runs grow the file)
    custom = None
    if custom_segments:
        custom, failed["custom segments build"] = custom_segments_build(
            custom_segments, seed, custom_dir, project_dir, dated(as_of), build_seconds, build_results)

    # 2 and 3, in turns, `repeats` times (median of each: this machine's noise is 10-30% between runs):
    # 2. the behavioral models again, alone and one at a time (as the reference query runs): their build time
    # 3. the reference query: the same metrics in one hand-written statement over the raw tables
    end = f"timestamp '{(as_of + dt.timedelta(days=1)).isoformat()}'"
    query = (REFERENCE_QUERY.replace("$end", end)
             .replace("$start7", f"date '{(as_of - dt.timedelta(days=6)).isoformat()}'")
             .replace("$start30", f"date '{(as_of - dt.timedelta(days=29)).isoformat()}'"))
    behavioral_samples: list[float] = []
    reference_samples: list[float] = []
    for _ in range(repeats):
        models, _, model_results = _dbt(["run", "--full-refresh", "--threads", "1", "--select", *BEHAVIORAL_MODELS],
                                        dated(as_of), project_dir, workdir)
        behavioral_samples.append(_node_seconds(model_results)[1])
        failed["behavioral models"] += _failed_nodes(models, model_results)  # a failure in any repeat counts
        with duckdb.connect(str(database), read_only=True) as con:
            con.execute("set TimeZone = 'UTC'")
            con.execute(f"set memory_limit = '{settings['memory_limit']}'")
            con.execute(f"set threads = {int(settings['threads'])}")
            started = time.perf_counter()
            reference_rows = len(con.execute(query).fetchall())
            reference_samples.append(time.perf_counter() - started)
    behavioral = statistics.median(behavioral_samples)
    reference_seconds = statistics.median(reference_samples)

    # 4. one more day of events, then the incremental build of the next day
    next_day = as_of + dt.timedelta(days=1)
    appended = append_day(str(database), next_day, seed)
    incremental, incremental_seconds, incremental_results = _dbt(["build", "--selector", "daily_full"],
                                                                 dated(next_day), project_dir, workdir)
    incremental_layers, _ = _node_seconds(incremental_results)
    failed["incremental build"] = _failed_nodes(incremental, incremental_results)
    # 5. the same daily build once more, with nothing new: what a daily run costs at this scale whatever the
    # incremental models save (every other model is rebuilt for the date, every data test runs)
    rebuild, rebuild_seconds, rebuild_results = _dbt(["build", "--selector", "daily_full"], dated(next_day),
                                                     project_dir, workdir)
    failed["rebuild with nothing new"] = _failed_nodes(rebuild, rebuild_results)
    return {
        "contacts": contacts,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": measured_commit or commit(project_dir),
        "machine": machine(settings),
        "raw_rows": {name: table["rows"] for name, table in manifest["tables"].items()},
        "raw_rows_total": manifest["total_rows"],
        "generate_seconds": manifest["seconds"],
        "parse_seconds": round(parse_seconds, 1),
        "build_seconds": round(build_seconds, 1),
        "build_ok": not any(failed.values()),
        "failed": {step: nodes for step, nodes in failed.items() if nodes},
        "layer_seconds": {k: round(v, 1) for k, v in sorted(layers.items())},
        "behavioral_models_seconds": round(behavioral, 1),
        "behavioral_models_samples": [round(sample, 2) for sample in behavioral_samples],
        "behavioral_models_seconds_in_build": round(behavioral_in_build, 1),
        "reference_query_seconds": round(reference_seconds, 2),
        "reference_query_samples": [round(sample, 2) for sample in reference_samples],
        "reference_query_contacts": reference_rows,
        # a failed step has no ratio: its node times are partial
        "behavioral_to_reference_ratio": (round(behavioral / reference_seconds, 2)
                                          if reference_seconds and not failed["behavioral models"] else None),
        "appended_event_rows": sum(v for k, v in appended.items() if k.split(".")[0] in ("tracks", "pages")),
        "incremental_build_seconds": round(incremental_seconds, 1),
        "incremental_layer_seconds": {k: round(v, 1) for k, v in sorted(incremental_layers.items())},
        "incremental_to_full_ratio": (round(incremental_seconds / build_seconds, 2)
                                      if build_seconds and not failed["full build"] and not failed["incremental build"]
                                      else None),
        "event_models_seconds_in_build": round(_node_seconds(build_results, EVENT_MODELS)[1], 1),
        "event_models_seconds_incremental": round(_node_seconds(incremental_results, EVENT_MODELS)[1], 1),
        "rebuild_nothing_new_seconds": round(rebuild_seconds, 1),
        "peak_rss_mib": round(peak_kib / 1024),
        "warehouse_mib": warehouse_mib,
        **({"custom_segments": custom} if custom is not None else {}),
    }


def custom_segments_build(count: int, seed: int, workdir: Path, project_dir: Path, env: dict, build_seconds: float,
                          build_results: list[dict] | None) -> tuple[dict, list[str]]:
    """The full build of the raw data copied to `workdir` in a copy of the project with `count` generated custom
    segments (bench_custom.py), parsed first as the project is (so the build's time holds no full parse), with the
    environment (the date, the engine settings) of the build without them. Its figures, and what failed."""
    definitions = bench_custom.definitions(count, seed)
    names = bench_custom.names(definitions)
    database = workdir / "bench.duckdb"
    figures: dict = {
        "count": count, "seed": seed, "segment_sets": len(definitions.get("segment_sets", [])),
        "build_seconds_without": round(build_seconds, 1), "build_seconds_with": None, "added_share": None,
        "target_share": bench_custom.TARGET_SHARE, "target_held": None, "models_built": 0,
    }
    from .custom import CustomSegmentError
    from .registry import RegistryError

    try:
        project = bench_custom.prepare_project(project_dir, workdir, count, seed)
    except (CustomSegmentError, RegistryError, OSError) as error:  # check() refuses bad definitions before generating
        return figures, [f"segments custom compile in the copy: {error}"]
    env = {**env, "DBT_PROFILES_DIR": str(project), "SEGMENTS_DUCKDB_PATH": str(database)}
    parse, parse_seconds, _ = _dbt(["parse"], env, project, workdir)
    if parse.returncode != 0:
        return figures, _failed_nodes(parse, None)
    build, seconds, results = _dbt(["build", "--selector", "daily_full"], env, project, workdir)
    failed = _failed_nodes(build, results)
    models_seconds, tests_seconds, built = bench_custom.node_seconds(results, workdir / "target" / "manifest.json",
                                                                    names)
    if built != count and not failed:
        failed = [f"{built} of the {count} generated custom segment models built"]
    share = seconds / build_seconds - 1 if build_seconds and not failed else None
    figures.update({
        "parse_seconds_with": round(parse_seconds, 1),
        "build_seconds_with": round(seconds, 1),
        "added_share": None if share is None else round(share, 3),
        "target_held": None if share is None else share <= bench_custom.TARGET_SHARE,
        "models_built": built,
        "custom_models_seconds": round(models_seconds, 1),
        "custom_tests_seconds": round(tests_seconds, 1),
        "node_seconds_without": round(sum(r["execution_time"] for r in build_results or []), 1),
        "node_seconds_with": round(sum(r["execution_time"] for r in results or []), 1),
        "nodes_without": len(build_results or []),
        "nodes_with": len(results or []),
    })
    return figures, failed


def machine(settings: dict[str, str] | None = None) -> dict:
    """The machine and the DuckDB settings (duckdb_settings() unless given) the figures were measured with."""
    settings = settings or duckdb_settings()
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
        "duckdb_memory_limit": settings["memory_limit"],
        "duckdb_threads": settings["threads"],
    }
