"""The HubSpot sync against the OpenAPI contract (make test-integrations, not make test: it needs Prism from npm).

Stoplight Prism runs as a validating proxy on 127.0.0.1 between `segments sync --to hubspot` and the stateful fake
(hubspot_fake.py): it checks every request the sync sends and every answer the fake gives against
tests/contracts/hubspot/crm-contacts-v3.openapi.yaml, and answers 422 (request) or 500 (answer) for a violation,
which the sync would report. So a sync that passes here sent only requests the contract allows.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, run_cli
from fake_server import free_port
from hubspot_fake import TOKEN, FakeHubSpot

pytestmark = pytest.mark.integration

SPEC = PROJECT_DIR / "tests" / "contracts" / "hubspot" / "crm-contacts-v3.openapi.yaml"
PRISM = Path(os.environ.get("SEGMENTS_PRISM", PROJECT_DIR / "tests" / "contracts" / "node_modules" / ".bin" / "prism"))


class Prism:
    """`prism proxy SPEC upstream --errors` on 127.0.0.1, stopped on exit; its log is kept for the checks."""

    def __init__(self, upstream: str):
        assert PRISM.exists(), f"Prism is not installed at {PRISM}: run `make test-integrations` (npm ci in tests/contracts)"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"prism-{self.port}.log"
        self.upstream = upstream

    def __enter__(self):
        self.log = open(self.log_path, "w+", encoding="utf-8")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [str(PRISM), "proxy", str(SPEC), self.upstream, "--errors", "-h", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "SCARF_ANALYTICS": "false"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"Prism exited: {self.output()[-2000:]}"
            if "Prism is listening" in self.output():
                return self
            time.sleep(0.2)
        raise AssertionError(f"Prism did not start within 60 s: {self.output()[-2000:]}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def violations(self, at_least: int = 0) -> list[str]:
        """The requests Prism refused (a violation either way); waits up to 5 s for at_least of them to be logged."""
        deadline = time.monotonic() + 5
        while True:
            found = [line for line in self.output().splitlines() if "Request terminated with error" in line]
            if len(found) >= at_least or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def post(self, path: str, body, token: str | None = TOKEN) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def hubspot_behind_prism():
    with FakeHubSpot() as fake, Prism(fake.url) as prism:
        yield fake, prism


def sync(path, prism, *extra):
    return run_cli(["sync", "--to", "hubspot", "--duckdb", str(path), *extra],
                   extra_env={"HUBSPOT_ACCESS_TOKEN": TOKEN, "SEGMENTS_HUBSPOT_API_URL": prism.url})


def test_the_contract_refuses_what_hubspot_refuses(hubspot_behind_prism):
    """The proxy is live: requests HubSpot's API refuses are refused here, before the fake sees them."""
    fake, prism = hubspot_behind_prism
    contact = {"id": "ada@example.com", "idProperty": "email", "properties": {"email": "ada@example.com"}}
    upsert = "/crm/v3/objects/contacts/batch/upsert"
    assert prism.post(upsert, {"inputs": [contact]})[0] == 200
    status, answer = prism.post(upsert, {"inputs": [{**contact, "properties": {"sw_value_tier": 3}}]})
    assert status == 422 and "must be string" in json.dumps(answer)
    status, answer = prism.post(upsert, {"inputs": [{"idProperty": "email", "properties": {}}]})
    assert status == 422 and "required property 'id'" in json.dumps(answer)
    status, answer = prism.post(upsert, {"inputs": [{**contact, "id": f"c{i}@example.com"} for i in range(101)]})
    assert status == 422 and "more than 100 items" in json.dumps(answer)
    assert prism.post(upsert, {"inputs": [contact]}, token=None)[0] == 401
    assert len(fake.upserts()) == 1  # only the valid one reached the fake
    assert len(prism.violations(at_least=4)) == 4


def test_every_request_of_a_sync_with_faults_and_rejections_follows_the_contract(warehouse_copy, hubspot_behind_prism):
    fake, prism = hubspot_behind_prism
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        emails = [e for (e,) in con.execute("select email from reverse_etl.rev_etl__crm_contacts order by email").fetchall()]
    # a 429 and a 500 after applying (settled by reading back), one contact refused with its whole batch (400,
    # halved until alone) and one failing alone (207)
    fake.faults = [("429", 0), ("500_after_apply", None)]
    fake.refused_emails, fake.failing_emails = {emails[3]}, {emails[250]}
    first = sync(warehouse_copy, prism)
    assert first.returncode == 1, first.stderr + prism.output()[-3000:]
    assert "Traceback" not in first.stderr
    assert "retried after 0 s" in first.stderr and "retried after 2 s" in first.stderr
    assert f"Synced {len(emails) - 2:,} contact(s)" in first.stderr and "2 rejected" in first.stderr
    assert prism.violations() == [], "\n".join(prism.violations())
    assert set(fake.applied) == set(emails) - {emails[3], emails[250]} and set(fake.applied.values()) == {1}
    # every kind of call went through the proxy: properties read and created, group read and created, read back
    routes = {(method, path.split("?")[0]) for method, path, _ in fake.requests}
    assert routes == {("GET", "/crm/v3/properties/contacts"), ("POST", "/crm/v3/properties/contacts/batch/create"),
                      ("GET", "/crm/v3/properties/contacts/groups/segments_warehouse"),
                      ("POST", "/crm/v3/properties/contacts/groups"), ("POST", "/crm/v3/objects/contacts/batch/upsert"),
                      ("POST", "/crm/v3/objects/contacts/batch/read")}

    # HubSpot fixed: the two rejected contacts are sent again and confirmed, still within the contract
    fake.refused_emails, fake.failing_emails = set(), set()
    again = sync(warehouse_copy, prism, "--retry-errors")
    assert again.returncode == 0, again.stderr
    assert "Synced 2 contact(s)" in again.stderr
    assert set(fake.applied) == set(emails) and set(fake.applied.values()) == {1}
    assert prism.violations() == [], "\n".join(prism.violations())
