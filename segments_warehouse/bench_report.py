"""docs/benchmarks.md written from the bench's report (docs/benchmarks.json): the tables and the prose that says how
each figure was measured."""

from __future__ import annotations

from .bench import BEHAVIORAL_MODELS, EVENT_MODELS, UA_BEFORE, USER_AGENTS_PER_CONTACTS


def markdown(report: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `segments bench` (last run {report['measured_at']}; each row of the first table says when and "
        f"at which commit it was measured): {report['machine']['cpus']} CPUs, "
        f"{report['machine']['memory_gib']} GiB, DuckDB {report['machine']['duckdb']}, "
        f"memory_limit {report['machine']['duckdb_memory_limit']}, threads {report['machine']['duckdb_threads']}.",
        "",
        "## Full build",
        "",
        "| contacts | raw rows | generate s | parse s | build s | staging s | intermediate s | marts s | data tests s "
        "| peak RSS MiB | warehouse MiB | build ok | measured (commit) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scales"]:
        layer = r["layer_seconds"]
        lines.append(
            f"| {r['contacts']:,} | {r['raw_rows_total']:,} | {r['generate_seconds']} | {r['parse_seconds']} | "
            f"{r['build_seconds']} | {layer.get('staging', 0)} | {layer.get('intermediate', 0)} | {layer.get('marts', 0)} | "
            f"{layer.get('data tests', 0)} | {r['peak_rss_mib']:,} | {r['warehouse_mib']:,} | {r['build_ok']} | "
            f"{r.get('measured_at', report['measured_at'])[:16]} ({r.get('commit') or '?'}) |"
        )
    lines += [
        "",
        "`build s` is the wall-clock `dbt build --selector daily_full` (every model, seed and data test; unit tests",
        "run in CI) of freshly generated data. Layer times are sums of node execution times: nodes run in parallel,",
        "so they can exceed the wall clock.",
        "",
        "## Behavioral models against the reference query",
        "",
        "| contacts | behavioral models s | reference query s | ratio |",
        "|---|---|---|---|",
    ]
    for r in report["scales"]:
        lines.append(f"| {r['contacts']:,} | {r['behavioral_models_seconds']} | {r['reference_query_seconds']} | "
                     f"{r['behavioral_to_reference_ratio']} |")
    lines += [
        "",
        "The behavioral models (" + ", ".join(f"`{name}`" for name in BEHAVIORAL_MODELS) + ") are rebuilt from",
        "raw (`dbt run --full-refresh --threads 1`), one at a time like the reference query, and their execution",
        "times summed. The models and the query run in turns (`--repeats`, default 3) and each figure is the median",
        "(the samples are in benchmarks.json). The reference query is one hand-written DuckDB statement computing the",
        "same per-contact metrics from the raw event tables (parse, deduplicate, stitch identities, sessionize),",
        "fetched in full.",
        "The target ratio is at most 3.",
        "",
        "## Incremental build after one new day of events",
        "",
        "| contacts | appended event rows | full build s | incremental build s | incremental / full "
        "| same build again, nothing new s | event models s: full build | event models s: incremental |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scales"]:
        lines.append(f"| {r['contacts']:,} | {r['appended_event_rows']:,} | {r['build_seconds']} | "
                     f"{r['incremental_build_seconds']} | {r['incremental_to_full_ratio']} | "
                     f"{r.get('rebuild_nothing_new_seconds', '-')} | {r.get('event_models_seconds_in_build', '-')} | "
                     f"{r.get('event_models_seconds_incremental', '-')} |")
    lines += [
        "",
        "After the full build, `append_day` (also `segments append-day`) lands the next day: new events, late events",
        "for earlier days, exact duplicates and redeliveries of loaded events, re-identified users and an erasure",
        "request. The same `dbt build --selector daily_full` then runs for the new as_of_date: incremental models",
        "screen only the new deliveries and recompute only the contacts whose events changed. Every build is dated",
        "through SEGMENTS_AS_OF_DATE, as the daily job of docs/operations.md is, so none of them re-parses the project.",
        "`same build again, nothing new` runs that build once more with no new data: what a daily run costs at",
        "this scale when there is nothing to add (every other model rebuilt for the date, every data test, and the",
        "incremental models' own checks: the lookback window re-screened, the per-contact fingerprints compared).",
        "`event models` sums the node times of " + ", ".join(f"`{name}`" for name in EVENT_MODELS) + " in the",
        "full and in the incremental build (nodes run in parallel, so these are not wall-clock shares).",
        "",
        "## Custom segments",
        "",
    ]
    measured = [r for r in report["scales"] if r.get("custom_segments") is not None]  # others: without the option
    lines += ["| contacts | custom segments (sets) | build s without | build s with | added share | target met "
              "| custom models s | their tests s | node s without | node s with | measured (commit) |",
              "|---|---|---|---|---|---|---|---|---|---|---|"] if measured else ["Not measured yet."]
    for r in measured:
        c = r["custom_segments"]
        share = "-" if c.get("added_share") is None else f"{c['added_share']:+.1%}"
        held = {True: "yes", False: "no"}.get(c.get("target_held"), "-")
        lines.append(f"| {r['contacts']:,} | {c['count']} ({c['segment_sets']}) | {c['build_seconds_without']} | "
                     f"{c.get('build_seconds_with') or '-'} | {share} | {held} | {c.get('custom_models_seconds', '-')} | "
                     f"{c.get('custom_tests_seconds', '-')} | {c.get('node_seconds_without', '-')} | "
                     f"{c.get('node_seconds_with', '-')} | {r.get('measured_at', report['measured_at'])[:16]} "
                     f"({r.get('commit') or '?'}) |")
    lines += [
        "",
        "The cost of custom segments (docs/custom_segments.md), measured with `segments bench --custom-segments N`:",
        "right after the full build, the same raw data (a copy of the generated file, taken before that build) is",
        "built again, with the same `dbt build --selector daily_full`, date and engine settings, in a copy of the",
        "project under the bench's workdir to which N generated definitions were added as `segments/bench.yml`,",
        "compiled and locked there (`segments custom compile`, `segments registry lock`); the checkout's segments",
        "and models are not touched. `build s without` is the full build of the first table (which already holds",
        "the shipped segments/examples.yml), `build s with` the copy's, both wall clock after a `dbt parse` of their",
        "project, so neither holds a full parse. `added share` is with / without - 1; the target, for 50 custom",
        "segments at 1,000,000 contacts, is at most +20% (`target met`; at small scales each model's and each",
        "test's fixed cost dominates). `custom models s` and `their tests s` sum the node times of the generated",
        "models and of the data tests on them, `node s` the node times of the whole build, without and with:",
        "nodes run in parallel, so these are not wall-clock shares. Each build runs once (a pair of full builds per",
        "scale, whatever `--repeats`): this machine's run-to-run noise is 10-30%, so a share near the target is",
        "worth measuring again.",
        "The definitions (`definitions()` in segments_warehouse/bench_custom.py, seeded with the bench's seed, 42)",
        "cycle through the condition forms: trait comparisons of numbers, texts and booleans; event counts,",
        "distinct values and days since the first or last event, with windows and property filters; did X but not",
        "Y within days; top and bottom percentiles, some within a group; memberships of built-in and of earlier",
        "generated segments; all/any/not nested three deep; stopped and came-back patterns; account segments and",
        "contact segments reading their account; and every 24th a segment set with an exclusion and a holdout",
        "(2 in 50). They read only traits, events and properties the project has, with thresholds in the generated",
        "data's ranges, so each selects a real share of the contacts.",
        "Measure the target: `segments bench --contacts 1000000 --custom-segments 50` (the other scales' rows are",
        "kept; a later run of a scale without `--custom-segments` replaces its row, custom figures and all).",
        "",
        "## User-agent parsing",
        "",
        "| contacts | distinct user agents | parse s | ms per user agent | measured (commit) |",
        "|---|---|---|---|---|",
    ]
    for r in report.get("user_agents", []):
        lines.append(f"| {r['contacts']:,} | {r['distinct_user_agents']:,} | {r['seconds']} | "
                     f"{r['ms_per_user_agent']} | {r['measured_at'][:16]} ({r.get('commit') or '?'}) |")
    lines += [
        "",
        "The generated data has 15 distinct user agents, far fewer than real traffic: this step is measured on",
        "its own, `user_agent_ctes` (macros/events/user_agent_rules.sql, 1,259 ua-parser rules) compiled by dbt and run on",
        "DuckDB over a table of distinct synthetic user agents (`synthetic_user_agents` in bench.py: desktop, iPhone,",
        "iPad and Android browsers with real version numbers and device models, and crawlers), the median of",
        "`--repeats` runs. A build parses the distinct user agents of tracks and pages once (base_product__user_agents),",
        "whatever their number of events.",
        f"Assumption: one distinct user agent per {USER_AGENTS_PER_CONTACTS} contacts (50,000 for a million: browsers",
        "ship a new version string every few weeks, people use several devices, Android models make a long tail).",
        "Re-measure this table alone (no generation, no build): `segments bench --user-agents-only --contacts",
        "1000000` (rows for other contact counts are kept).",
        "Until c418cd2 the patterns were read from the seed as column values, so DuckDB compiled each of them once",
        "per user agent; now each pattern is a string literal in the SQL, compiled once per query. Before and after,",
        f"measured by hand: {UA_BEFORE}.",
    ]
    return "\n".join(lines) + "\n"
