"""The cost of custom segments in the benchmark (`segments bench --custom-segments N`, docs/benchmarks.md).

`definitions(N, seed)` writes N custom segment definitions (docs/custom_segments.md), deterministic for a seed: a
mix over the condition forms people write (trait comparisons; event counts, sums, distinct values and days since, with
windows and property filters; did X but not Y; percentiles; memberships of built-in and of other custom segments;
nested all/any/not; account segments and contact segments reading their account; a couple of segment sets with an
exclusion and a holdout), reading only traits, events and properties the project has. `prepare_project` copies
the project under the bench's workdir and adds them there as segments/bench.yml, compiled and locked as a person
would (`segments custom compile`, `segments registry lock`): the checkout's segments/ and models/ are never
touched. `measure` builds the copy on a copy of the same raw data (bench.py's run_scale) and sums the node times
of the generated models and their tests.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

BENCH_FILE = "bench.yml"
MAX_SEGMENTS = 500  # the names are numbered with three digits; more is a typo for this benchmark
TARGET_SHARE = 0.2  # issue 13: 50 custom segments at 1,000,000 contacts add at most 20% to the full build
NAME_PREFIX = "bench_"
# what a copy of the project leaves out: build output, environments, caches (and the bench's workdir, see below)
COPY_IGNORED = (".venv", ".git", "target", "logs", "warehouse", "dbt_packages", "*.egg-info", "__pycache__",
                ".pytest_cache", ".ruff_cache", "*.duckdb", "*.duckdb.wal", "data")

# Realistic values of the generated data (segments_warehouse/vocab.py, generate/words.py and the registry's value
# lists), so that conditions select real shares of the contacts rather than nobody.
NUMBER_TRAITS = {  # trait -> (low, high) of the thresholds drawn
    "logins_30d": (1, 30), "logins_7d": (1, 10), "sessions_30d": (1, 20), "page_views_30d": (1, 40),
    "core_events_30d": (1, 10), "distinct_features_30d": (1, 6), "days_since_last_login": (3, 60),
    "net_revenue": (50, 3000), "paid_orders": (1, 10), "avg_order_value": (20, 500), "nps_score": (0, 10),
    "age": (18, 70), "support_tickets_30d": (1, 4), "days_to_renewal": (0, 120), "r_score": (1, 5),
    "f_score": (1, 5), "m_score": (1, 5), "reports_created_total": (1, 20), "mobile_events_90d": (1, 30),
}
TEXT_TRAITS = {
    "lifecycle.plan": ("free", "starter", "pro", "enterprise"),
    "subscription_status": ("active", "trialing", "past_due", "canceled"),
    "lifecycle_stage": ("lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity", "customer",
                        "evangelist"),
    "region": ("namer", "latam", "emea", "apac"),
    "device_mix": ("desktop_only", "mobile_only", "multi_device"),
    "value_tier": ("vip", "high", "medium", "low"),
    "nps_category": ("promoter", "passive", "detractor"),
    "income_band": ("25k_50k", "50k_100k", "100k_200k", "200k_plus"),
    "renewal_window": ("within_30d", "within_60d", "within_90d"),
    "account.industry": ("software", "financial_services", "healthcare", "retail", "manufacturing", "education"),
    "account.company_segment": ("smb", "mid_market", "enterprise"),
}
BOOLEAN_TRAITS = ("is_eu", "upsell_ready", "needs_support", "needs_onboarding", "wants_guided_onboarding",
                  "account.needs_dedicated_account_manager")
RANKED_TRAITS = ("net_revenue", "logins_30d", "sessions_30d", "page_views_30d", "avg_order_value",
                 "core_events_total", "paid_orders")
GROUP_TRAITS = ("region", "lifecycle.plan", "device_mix")
ACCOUNT_NUMBER_TRAITS = {"employee_count": (20, 2000), "active_users_30d": (1, 10), "contacts": (2, 10)}
ACCOUNT_TEXT_TRAITS = {
    "industry": ("software", "financial_services", "healthcare", "retail", "manufacturing", "education", "media"),
    "plan": ("free", "starter", "pro", "enterprise"),
    "subscription_status": ("active", "trialing", "past_due", "canceled"),
    "revenue_band": ("1m_10m", "10m_50m", "50m_250m", "250m_1b"),
}
MEMBERSHIPS = {  # segment model (or model.column) -> its values (the registry's)
    "behavioral": ("power_user", "new", "active", "at_risk", "dormant"),
    "value_based": ("champion", "loyal", "potential_loyalist", "promising", "need_attention", "at_risk",
                    "cant_lose", "hibernating"),
    "value_based.value_tier": ("vip", "high", "medium"),
    "psychographic": ("promoter", "passive", "detractor"),
    "technographic": ("desktop_only", "mobile_only", "multi_device"),
    "needs_based": ("needs_support", "needs_onboarding", "invoice_not_sent", "upsell_ready"),
    "lifecycle": ("lead", "marketing_qualified_lead", "customer", "evangelist"),
    "firmographic": ("smb", "mid_market", "enterprise"),
}
EVENT_FILTERS = {  # event -> the property filters it is written with (None: no filter)
    "login": (None, ("device_type", ("mobile",)), ("os_name", ("ios", "android")), ("country_code", ("US", "CA"))),
    "page_viewed": (("page_path", ("/pricing",)), ("page_path", ("/docs", "/integrations")),
                    ("page_path", ("/app/reports",)), ("browser_name", ("chrome", "edge")), None),
    "feature_used": (("feature", ("automation",)), ("feature", ("api", "integrations")), ("feature", ("alerts",)),
                     None),
    "report_created": (None, ("device_type", ("desktop",))),
    "invoice_created": (None,),
    "invoice_sent": (None,),
    "integration_connected": (None,),
    "dashboard_viewed": (None, ("device_type", ("mobile", "tablet"))),
    "export_created": (None,),
    "settings_updated": (None,),
}
DID_NOT = (  # did X ... then not Y: the pairs a product team watches
    ("invoice_created", "invoice_sent"), ("report_created", "export_created"),
    ("integration_connected", "feature_used"), ("dashboard_viewed", "report_created"),
    ("page_viewed", "login"), ("login", "feature_used"),
)
DISTINCT_OF = (("feature_used", "feature", 5), ("page_viewed", "page_path", 5), ("login", "device_type", 2),
               ("page_viewed", "browser_name", 2))  # event, property, the most distinct values asked for
WINDOWS = (7, 14, 30, 60, 90)

# The forms, in the order a definition's number cycles through them: a few definitions already cover most forms.
# "set" is a segment set every other round (a couple of sets among 50), else another nested definition.
KINDS = ("traits", "event_count", "did_not", "percentile", "set", "distinct", "days_since", "membership",
         "nested", "stopped", "account", "via_account")


def _pick(rng: random.Random, values: tuple, k: int = 1) -> list:
    return rng.sample(list(values), min(k, len(values)))


def _number_test(rng: random.Random, traits: dict[str, tuple[int, int]] = NUMBER_TRAITS) -> dict:
    trait = rng.choice(sorted(traits))
    low, high = traits[trait]
    op = rng.choice((">=", ">", "<", "<=", "between"))
    if op == "between":
        a = rng.randint(low, high)
        return {"trait": trait, "op": op, "value": sorted([a, rng.randint(a, high)])}
    return {"trait": trait, "op": op, "value": rng.randint(low, high)}


def _text_test(rng: random.Random, traits: dict[str, tuple[str, ...]] = TEXT_TRAITS) -> dict:
    trait = rng.choice(sorted(traits))
    op = rng.choice(("=", "in", "not in", "!="))
    if op in ("in", "not in"):
        return {"trait": trait, "op": op, "value": _pick(rng, traits[trait], rng.randint(1, 3))}
    return {"trait": trait, "op": op, "value": rng.choice(traits[trait])}


def _boolean_test(rng: random.Random) -> dict:
    return {"trait": rng.choice(BOOLEAN_TRAITS), "op": "=", "value": rng.random() < 0.7}


def _window(rng: random.Random) -> dict:
    return {"last_days": rng.choice(WINDOWS)}


def _selection(rng: random.Random, event: str | None = None) -> dict:
    event = event or rng.choice(sorted(EVENT_FILTERS))
    selection: dict[str, Any] = {"event": event}
    chosen = rng.choice(EVENT_FILTERS[event])
    if chosen is not None:
        prop, values = chosen
        selection["where"] = {prop: list(values) if len(values) > 1 else values[0]}
    return selection


def _event_count(rng: random.Random) -> dict:
    return {**_selection(rng), "window": _window(rng), "op": rng.choice((">=", ">=", ">=", "<")),
            "value": rng.randint(1, 5)}


def _distinct(rng: random.Random) -> dict:
    event, prop, most = rng.choice(DISTINCT_OF)
    return {"event": event, "measure": "distinct", "of": prop, "window": _window(rng), "op": ">=",
            "value": rng.randint(2, most)}


def _sum(rng: random.Random) -> dict:
    """The invoices' amounts added up (the generator writes one on each invoice_created)."""
    return {"event": "invoice_created", "measure": "sum", "of": "value", "window": _window(rng), "op": ">=",
            "value": rng.choice((500, 1000, 2500, 5000))}


def _days_since(rng: random.Random) -> dict:
    events = _pick(rng, ("login", "report_created", "dashboard_viewed", "feature_used", "export_created"),
                   rng.randint(1, 2))
    if rng.random() < 0.5:
        return {"event": events if len(events) > 1 else events[0], "measure": "days_since_last",
                "op": rng.choice(("<=", ">")), "value": rng.choice((3, 7, 14, 30))}
    return {"event": events[0], "measure": "days_since_first", "window": {"days_ago": [0, 365]},
            "op": rng.choice(("<=", ">=")), "value": rng.choice((14, 30, 90, 180))}


def _did_not(rng: random.Random) -> dict:
    did, then_not = rng.choice(DID_NOT)
    condition = {"did": {**_selection(rng, did), "window": _window(rng)}, "then_not": _selection(rng, then_not)}
    if rng.random() < 0.6:
        condition["then_not"]["within_days"] = rng.choice((1, 3, 7, 14))
    return condition


def _percentile(rng: random.Random) -> dict:
    condition: dict[str, Any] = {"percentile": rng.choice(RANKED_TRAITS),
                                 rng.choice(("top", "top", "bottom")): rng.choice((5, 10, 20, 25))}
    if rng.random() < 0.4:
        condition["within"] = rng.choice(GROUP_TRAITS)
    return condition


def _membership(rng: random.Random, earlier: list[str], models: dict = MEMBERSHIPS) -> dict:
    if earlier and rng.random() < 0.3:
        return {"segment": rng.choice(earlier), "is": "member"}
    model = rng.choice(sorted(models))
    values = _pick(rng, models[model], rng.randint(1, 2))
    return {"segment": model, "is": values[0]} if len(values) == 1 else {"segment": model, "in": values}


def _any_leaf(rng: random.Random, earlier: list[str]) -> dict:
    makers = (_number_test, _text_test, _boolean_test, _event_count, _distinct, _sum, _days_since, _did_not, _percentile)
    return rng.choice((*makers, lambda r: _membership(r, earlier)))(rng)


def _nested(rng: random.Random, earlier: list[str], depth: int = 0) -> dict:
    parts = [_any_leaf(rng, earlier) for _ in range(rng.randint(2, 3))]
    if depth < 2:
        parts.append(_nested(rng, earlier, depth + 1))
    if rng.random() < 0.4:
        parts[0] = {"not": parts[0]}
    return {("all", "any")[(depth + rng.randint(0, 1)) % 2]: parts}


def _stopped(rng: random.Random) -> dict:
    event = rng.choice(("login", "report_created", "dashboard_viewed"))
    days = rng.choice((14, 30))
    if rng.random() < 0.5:  # stopped: did it in the period before the last `days` days, not since
        return {"all": [{"event": event, "window": {"days_ago": [days, 2 * days - 1]}, "op": ">=", "value": 1},
                        {"event": event, "window": {"last_days": days}, "op": "=", "value": 0}]}
    return {"all": [  # came back: this week after `days` days without, having done it before
        {"event": event, "window": {"last_days": 7}, "op": ">=", "value": 1},
        {"event": event, "window": {"days_ago": [7, 7 + days - 1]}, "op": "=", "value": 0},
        {"event": event, "window": {"days_ago": [7 + days, 36500]}, "op": ">=", "value": 1}]}


def _account(rng: random.Random) -> dict:
    parts = [_number_test(rng, ACCOUNT_NUMBER_TRAITS), _text_test(rng, ACCOUNT_TEXT_TRAITS)]
    if rng.random() < 0.5:
        parts.append({"segment": "firmographic", "in": _pick(rng, MEMBERSHIPS["firmographic"], 2)})
    else:
        parts.append({"percentile": rng.choice(sorted(ACCOUNT_NUMBER_TRAITS)), "top": rng.choice((10, 25))})
    return {"all": parts}


def _via_account(rng: random.Random) -> dict:
    low, high = ACCOUNT_NUMBER_TRAITS["employee_count"]
    return {"all": [{"trait": "account.employee_count", "op": ">=", "value": rng.randint(low, high)},
                    _text_test(rng, {k: v for k, v in TEXT_TRAITS.items() if k.startswith("account.")}),
                    _event_count(rng)]}


def _lone(kind: str, rng: random.Random, earlier: list[str]) -> dict:
    if kind == "traits":
        return {"all": [_number_test(rng), _text_test(rng), _boolean_test(rng)][:rng.randint(2, 3)]}
    if kind == "event_count":
        return {"all": [_event_count(rng), _number_test(rng)]} if rng.random() < 0.5 else _event_count(rng)
    if kind == "membership":
        return {"all": [_membership(rng, earlier), _membership(rng, earlier), _text_test(rng)]}
    makers = {"did_not": _did_not, "percentile": _percentile, "distinct": _distinct, "days_since": _days_since,
              "stopped": _stopped, "account": _account, "via_account": _via_account}
    if kind in makers:
        return makers[kind](rng)
    return _nested(rng, earlier)


def _segment_set(name: str, number: int, rng: random.Random, earlier: list[str]) -> dict:
    segments = [
        {"name": f"s{number:03d}_rescue", "description": "At risk, or a member of an earlier segment.",
         "when": {"any": [_membership(rng, earlier), {"segment": "behavioral", "is": "at_risk"}]}},
        {"name": f"s{number:03d}_expand", "description": "Active and on a paid plan.",
         "when": {"all": [{"event": "login", "window": _window(rng), "op": ">=", "value": rng.randint(2, 8)},
                          {"trait": "lifecycle.plan", "op": "in", "value": ["starter", "pro"]}]}},
        {"name": f"s{number:03d}_educate", "description": "Did one thing and not the next.", "when": _did_not(rng)},
    ]
    return {"name": name, "description": f"Generated benchmark segment set {number}: one motion per contact.",
            "owner": "bench", "exclude": {"trait": "subscription_status", "op": "=", "value": "canceled"},
            "holdout": {"share": rng.choice((0.05, 0.1, 0.2))}, "segments": segments,
            "fallback": f"s{number:03d}_nurture"}


def definitions(count: int, seed: int = 42) -> dict:
    """`count` custom segment definitions as a segments/*.yml file holds them (version 1), the same for a seed."""
    if not 0 <= count <= MAX_SEGMENTS:
        raise ValueError(f"the bench generates 0 to {MAX_SEGMENTS} custom segments, not {count}")
    rng = random.Random(seed)
    lone, sets, earlier = [], [], []
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        if kind == "set" and (number // len(KINDS)) % 2:
            kind = "nested"
        name = f"{NAME_PREFIX}{kind}_{number:03d}"
        if kind == "set":
            sets.append(_segment_set(name, number, rng, earlier))
            continue
        definition = {"name": name, "description": f"Generated benchmark segment {number} ({kind}).",
                      "owner": "bench"}
        if kind == "account":
            definition["entity"] = "account"
        definition["when"] = _lone(kind, rng, earlier)
        lone.append(definition)
        if kind != "account":
            earlier.append(name)  # a later contact definition may read it (no cycles: only earlier ones)
    content: dict[str, Any] = {"version": 1, "segments": lone}
    if sets:
        content["segment_sets"] = sets
    return content


def names(content: dict) -> list[str]:
    return [d["name"] for kind in ("segments", "segment_sets") for d in content.get(kind, [])]


def check(project_dir: Path, count: int, seed: int = 42) -> None:
    """Refuse, before anything is generated or built, definitions the project would not compile: a project with its
    own segments/bench.yml, or a generated definition its definition reader rejects (a trait renamed, a name taken).
    Raises ValueError, CustomSegmentError or RegistryError with the reader's message."""
    from .custom import load_catalog
    from .custom.definitions import _read_file, definition_files, read_definitions

    if (project_dir / "segments" / BENCH_FILE).exists():
        raise ValueError(f"{project_dir / 'segments' / BENCH_FILE} exists: the bench writes its generated definitions "
                         "there in its copy of the project; rename that file")
    files = {path.name: _read_file(path) for path in definition_files(project_dir)}
    read_definitions({**files, BENCH_FILE: definitions(count, seed)}, load_catalog(project_dir))


def _ignore(workdir: Path):
    patterns = shutil.ignore_patterns(*COPY_IGNORED)

    def ignore(folder: str, entries: list[str]) -> set[str]:
        # the bench's own workdir may lie inside the project: never copy the copy into itself
        inside = {entry for entry in entries if (Path(folder) / entry).resolve() == workdir}
        return set(patterns(folder, entries)) | inside
    return ignore


def prepare_project(project_dir: Path, workdir: Path, count: int, seed: int = 42) -> Path:
    """The project copied to `workdir`/project with the generated definitions in segments/bench.yml, compiled
    (segments custom compile) and locked (segments registry lock) there. Raises CustomSegmentError or RegistryError
    when the copy does not compile."""
    import yaml

    from .custom.files import compile_files
    from .registry import load_registry, write_lock

    copy = workdir / "project"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project_dir, copy, ignore=_ignore(workdir.resolve()))
    (copy / "segments").mkdir(exist_ok=True)
    header = (f"# Generated by `segments bench --custom-segments {count}` (seed {seed}, "
              "segments_warehouse/bench_custom.py) in the bench's copy of the project.\n")
    (copy / "segments" / BENCH_FILE).write_text(
        header + yaml.safe_dump(definitions(count, seed), sort_keys=False, width=120), encoding="utf-8")
    compile_files(copy)
    write_lock(load_registry(copy), copy)
    return copy


def node_seconds(results: list[dict] | None, manifest_path: Path, models: list[str]) -> tuple[float, float, int]:
    """Summed execution seconds of the models named `models` (their marts, seg_custom__<name>) and of the data tests
    on them (from the manifest's dependencies), and how many of those models built with success."""
    marts = {f"seg_custom__{name}" for name in models}
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"nodes": {}}
    model_ids = {uid for uid, node in manifest["nodes"].items()
                 if node.get("resource_type") == "model" and node.get("name") in marts}
    test_ids = {uid for uid, node in manifest["nodes"].items() if node.get("resource_type") == "test"
                and set(node.get("depends_on", {}).get("nodes", [])) & model_ids}
    model_seconds = sum(r["execution_time"] for r in results or [] if r["unique_id"] in model_ids)
    test_seconds = sum(r["execution_time"] for r in results or [] if r["unique_id"] in test_ids)
    built = sum(1 for r in results or [] if r["unique_id"] in model_ids and r["status"] == "success")
    return model_seconds, test_seconds, built
