"""User-agent parsing (macros/events/user_agent_rules.sql): the generated rule macro agrees with the seed, and well-known
user agents get their exact browser, OS and device type, checked against the Python ua-parser library (an
independent implementation of the same uap-core rules) on DuckDB, on a throwaway local Postgres server
(scripts/pg_local.sh; skipped where PostgreSQL is not installed) and on local PySpark (skipped without the Spark
extra)."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import duckdb
import jinja2
import pytest
import ua_parser
from conftest import BIN_DIR, PROJECT_DIR

from segments_warehouse.postgres import connect

# (user agent, browser, os, device type) as staging reads them: families lower-cased, versions not yet stripped
KNOWN = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36", "chrome", "windows", "desktop"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
     "Safari/605.1.15", "safari", "mac os x", "desktop"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Mobile/15E148 Safari/604.1", "mobile safari", "ios", "mobile"),
    ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
     "Mobile/15E148 Safari/604.1", "mobile safari", "ios", "tablet"),
    ("Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile "
     "Safari/537.36", "chrome mobile", "android", "mobile"),
    ("Mozilla/5.0 (Linux; Android 12; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 "
     "Safari/537.36", "chrome", "android", "tablet"),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "firefox", "ubuntu",
     "desktop"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "firefox", "linux", "desktop"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36 Edg/120.0.2210.61", "edge", "windows", "desktop"),
    ("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", "samsung internet", "android", "mobile"),
    # a crawler: no device type, and its browser and OS count for nothing
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", None, None, None),
    ("curl/8.4.0", "curl", None, None),
    ("not a user agent ~~ 42", None, None, None),
    ("", None, None, None),
]


def _rule_macro() -> dict:
    """The rules of the generated macro, read as dbt reads them (Jinja literals)."""
    captured = []
    text = (PROJECT_DIR / "macros" / "events" / "ua_parser_rules.sql").read_text()
    env = jinja2.Environment()
    env.globals["return"] = lambda value: captured.append(value) or ""
    env.from_string(text + "{{ ua_parser_rule_list() }}").render()
    return captured[0]


def test_generated_rule_macro_agrees_with_the_seed():
    with (PROJECT_DIR / "seeds" / "ua_parser_rules.csv").open(newline="") as handle:
        seed = list(csv.DictReader(handle))
    macro = _rule_macro()
    assert set(macro) == {"browser", "os", "device"}
    for kind, rules in macro.items():
        rows = sorted((row for row in seed if row["rule_kind"] == kind), key=lambda row: int(row["rule_order"]))
        assert [int(row["rule_order"]) for row in rows] == list(range(1, len(rows) + 1))
        assert rules == [(row["pattern"], row["family"]) for row in rows], kind
    assert sum(len(rules) for rules in macro.values()) == 1259


def _oracle(user_agent: str) -> tuple:
    """ua-parser's own parse, with staging's reading of it (the derivation documented in user_agent_rules.sql)."""
    result = ua_parser.parse(user_agent)
    browser = result.user_agent.family if result.user_agent else None
    os_family = result.os.family if result.os else None
    device = result.device.family if result.device else None
    browser, os_family, device = ((None if value in (None, "Other") else value) for value in (browser, os_family, device))
    if device == "Spider":
        return None, None, None
    named_tablet = device is not None and (device == "iPad" or "tablet" in device.lower() or "kindle" in device.lower())
    if named_tablet or (os_family == "Android" and "Mobile" not in user_agent):
        kind = "tablet"
    elif os_family in ("iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Symbian OS", "Firefox OS") \
            or (device is not None and device != "Mac"):
        kind = "mobile"
    else:
        kind = "desktop" if os_family is not None else None
    return (browser.lower() if browser else None), (os_family.lower() if os_family else None), kind


def test_expected_values_are_ua_parsers_own():
    assert [(ua, *_oracle(ua)) for ua, *_ in KNOWN] == KNOWN


def _compiled_query(target: str, workdir: Path, extra_env: dict | None = None) -> str:
    """user_agent_ctes over the known user agents, compiled by dbt for `target` (no database needed)."""
    assert all("'" not in ua and "\\" not in ua for ua, *_ in KNOWN)
    rows = " union all ".join(f"select '{ua}' as context_user_agent" for ua, *_ in KNOWN)
    inline = (f'with {{{{ user_agent_ctes(["({rows}) as ua_input"]) }}}}\n'
              "select raw_value, browser_family, os_family, device_type from user_agents_parsed")
    env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT_DIR), "SEGMENTS_DUCKDB_PATH": str(workdir / "ua.duckdb"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(extra_env or {})}
    result = subprocess.run(
        [str(BIN_DIR / "dbt"), "compile", "--quiet", "--inline", inline, "--target", target,
         "--project-dir", str(PROJECT_DIR), "--target-path", str(workdir / "target"),
         "--log-path", str(workdir / "logs")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_known_user_agents_on_duckdb(tmp_path):
    sql = _compiled_query("duckdb", tmp_path)
    with duckdb.connect() as con:
        assert sorted(con.execute(sql).fetchall(), key=str) == sorted(KNOWN, key=str)


def test_known_user_agents_on_postgres(local_postgres, tmp_path):
    """The Postgres literals (\\b rewritten to \\y, substring for the group) give the same families."""
    settings = local_postgres
    env = {"SEGMENTS_PG_HOST": settings.host, "SEGMENTS_PG_PORT": str(settings.port),
           "SEGMENTS_PG_USER": settings.user, "SEGMENTS_PG_PASSWORD": settings.password,
           "SEGMENTS_PG_DATABASE": settings.database}
    sql = _compiled_query("postgres", tmp_path, env)
    with connect(settings) as con, con.cursor() as cur:
        cur.execute(sql)
        assert sorted(cur.fetchall(), key=str) == sorted(KNOWN, key=str)


def test_known_user_agents_on_spark(tmp_path):
    """Spark's literals (its parser reads backslash escapes: every backslash doubled) give the same families.
    Runs where the Spark extra is installed (`make install-spark`)."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    sql = _compiled_query("spark", tmp_path, {"SEGMENTS_SPARK_DIR": str(tmp_path / "spark")})
    spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
             .config("spark.sql.warehouse.dir", str(tmp_path / "spark" / "warehouse")).getOrCreate())
    try:
        assert sorted((tuple(row) for row in spark.sql(sql).collect()), key=str) == sorted(KNOWN, key=str)
    finally:
        spark.stop()
