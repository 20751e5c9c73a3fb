"""Superset in a real browser (make test-integrations): `scripts/superset.sh` starts Superset on 127.0.0.1 with
its own metadata database, `segments bi import` loads the dashboard of bi/dashboard.yml on the published file, and
headless Chromium logs in, waits for every chart, checks the numbers shown against the marts, saves a screenshot
(target/bi/dashboard.png), then sees a publish made while it is open."""

from __future__ import annotations

import os
import secrets
import subprocess
import time

import duckdb
import pytest
from conftest import PROJECT_DIR, run_cli
from fake_server import free_port

from segments_warehouse.publish import publish

pytestmark = pytest.mark.integration

CHARTS = 7
SCREENSHOT = PROJECT_DIR / "target" / "bi" / "dashboard.png"


@pytest.fixture(scope="module")
def superset(tmp_path_factory):
    home = tmp_path_factory.mktemp("superset")
    env = {**os.environ, "SUPERSET_ADMIN_USER": "admin", "SUPERSET_ADMIN_PASSWORD": secrets.token_urlsafe(16)}
    port = free_port()
    script = str(PROJECT_DIR / "scripts" / "superset.sh")
    try:
        for step in (["setup", str(home)], ["start", str(home), str(port)]):
            done = subprocess.run([script, *step], env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        yield f"http://127.0.0.1:{port}", env
    finally:
        subprocess.run([script, "stop", str(home)], env=env, timeout=60)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,2600"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def log_in(driver, url, env):
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/login/")
    wait_for(lambda: driver.find_elements(By.ID, "username"), "the login form")
    driver.find_element(By.ID, "username").send_keys(env["SUPERSET_ADMIN_USER"])
    driver.find_element(By.ID, "password").send_keys(env["SUPERSET_ADMIN_PASSWORD"])
    [button] = [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "Sign in"]
    button.click()
    wait_for(lambda: "/login" not in driver.current_url, "the login")


def wait_for(condition, what, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} did not appear within {seconds} s")


def charts(driver) -> dict:
    """chart name -> its element, once every chart has rendered (a table, a canvas or Superset's 'No results')."""
    from selenium.webdriver.common.by import By

    def rendered():
        found = {c.get_attribute("data-test-chart-name"): c for c in driver.find_elements(By.CSS_SELECTOR, "[data-test-chart-name]")}
        done = {name: c for name, c in found.items()
                if c.find_elements(By.CSS_SELECTOR, "table tbody tr") or c.find_elements(By.TAG_NAME, "canvas")
                or "No results were returned" in c.text}
        return done if len(done) == CHARTS else None

    return wait_for(rendered, f"all {CHARTS} charts")


def table_rows(chart) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in chart.find_elements(By.CSS_SELECTOR, "table tbody tr")]


def query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_dashboard_shows_the_marts_and_a_publish_made_while_it_is_open(warehouse_copy, superset, browser, tmp_path):
    url, env = superset
    published = tmp_path / "published" / "segments.duckdb"
    publish(warehouse_copy, published, None, None)
    imported = run_cli(["bi", "import", "--url", url, "--published", str(published)], extra_env=env)
    assert imported.returncode == 0, imported.stderr
    assert f"Imported the dashboard with {CHARTS} charts" in imported.stderr
    again = run_cli(["bi", "import", "--url", url, "--published", str(published)], extra_env=env)  # replaces it
    assert again.returncode == 0, again.stderr

    log_in(browser, url, env)
    browser.get(f"{url}/superset/dashboard/customer-segments/")
    shown = charts(browser)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))

    sizes = {(row[0], row[1], int(row[2])) for row in table_rows(shown["Segment sizes per model"])}
    assert sizes == set(query(published, "select segment_model, segment, entities from marts.agg_segment_summary"))
    revenue = {(row[0], row[1]): float(row[2]) for row in table_rows(shown["Revenue, NPS and active share per segment"])}
    expected = {(m, s): round(r, 2) for m, s, r in query(
        published, "select segment_model, segment, net_revenue from marts.agg_segment_summary")}
    assert {k: round(v, 2) for k, v in revenue.items()} == expected
    quality = {(row[0], row[1], row[2], int(row[3])) for row in table_rows(shown["Data quality, rows quarantined by reason"])}
    assert quality == set(query(published, "select source_name, table_name, reason, row_count "
                                           "from data_quality.fct_data_quality__staging_rows where outcome = 'quarantined'"))
    overlap = shown["Overlap, behavioral segment x value tier"].text
    for segment, tier, contacts in query(published, "select behavioral_segment, value_tier, count(*) from "
                                                    "marts.dim_contact_segments group by 1, 2 order by 3 desc limit 1"):
        assert segment in overlap and tier in overlap and str(contacts) in overlap
    for name in ("Segment sizes over time (behavioral)", "Revenue over time per value tier"):
        assert shown[name].find_elements("tag name", "canvas"), name

    # a publish while the dashboard is open: the file is replaced atomically; the next load shows the new numbers
    changed = tmp_path / "changed.duckdb"
    changed.write_bytes(warehouse_copy.read_bytes())
    with duckdb.connect(str(changed)) as con:
        con.execute("update marts.agg_segment_summary set net_revenue = net_revenue * 2 + 1")
    publish(changed, published, None, None)
    browser.refresh()
    shown = charts(browser)
    revenue = {(row[0], row[1]): float(row[2]) for row in table_rows(shown["Revenue, NPS and active share per segment"])}
    assert {k: round(v, 2) for k, v in revenue.items()} == {k: round(v * 2 + 1, 2) for k, v in expected.items()}
    assert "error" not in browser.title.lower()
