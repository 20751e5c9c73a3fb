"""A small stateful Salesforce for the sync tests: the Contact describe call and Bulk API 2.0 ingest jobs (create,
upload CSV, close, state, successful / failed / unprocessed results), on 127.0.0.1, as Salesforce documents them
(developer.salesforce.com, Bulk API 2.0 Ingest).

A job moves Open -> UploadComplete (closed) -> InProgress (first state read) -> JobComplete (next read), and is
applied when it completes: each row upserts the Contact whose external id field holds its email. `#N/A` clears a
field, an empty cell leaves it. It keeps every request and how many times each email was applied.

Knobs: `fields` (what describe lists), `existing` (the org's contacts: a row for another email is a create, which
fails without LastName, as in Salesforce), `unkeyed` (contacts with an Email but no key: the count the sync asks
for first), `failing_emails` (their rows fail with INVALID_EMAIL_ADDRESS),
`upload_faults` (the next uploads answered 503), `job_fails_after` (a job ends Failed after that many rows:
the rest are unprocessed).
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import uuid
from collections import Counter

from fake_server import FakeServer

TOKEN = "test-salesforce-token-not-a-secret"
PREFIX = "/services/data/v62.0"


class FakeSalesforce(FakeServer):
    def __init__(self, fields: list[str], external_id: str = "sw_email__c", existing=(), requires_last_name=True):
        self.fields = {name: {"name": name, "type": "string", "externalId": name == external_id, "updateable": True}
                       for name in ["Id", "Email", "LastName", *fields]}
        self.external_id = external_id
        # external id (lower) -> fields: the org's contacts, their key filled from Email by its admin
        self.contacts: dict[str, dict] = {email.lower(): {"Id": f"003{i:012d}", "LastName": f"Contact {i}", external_id: email}
                                          for i, email in enumerate(existing)}
        self.requires_last_name = requires_last_name
        self.unkeyed = 0  # contacts with an Email but no key (the query the sync asks before sending)
        self.jobs: dict[str, dict] = {}
        self.applied = Counter()
        self.requests: list[tuple[str, str]] = []
        self.failing_emails: set[str] = set()
        self.upload_faults = 0
        self.job_fails_after: int | None = None
        super().__init__()

    def held(self) -> dict[str, dict[str, str]]:
        """email -> the sw_ fields Salesforce holds (without the __c suffix), as the feed names them."""
        return {key: {k[:-3]: v for k, v in record.items() if k.startswith("sw_") and k != self.external_id}
                for key, record in self.contacts.items()}

    def _job(self, job_id: str) -> dict:
        job = self.jobs[job_id]
        return {"id": job_id, "operation": "upsert", "object": "Contact", "state": job["state"],
                "externalIdFieldName": self.external_id, "contentType": "CSV", "apiVersion": 62.0,
                "lineEnding": "LF", "columnDelimiter": "COMMA", "contentUrl": f"services/data/v62.0/jobs/ingest/{job_id}/batches",
                "numberRecordsProcessed": len(job["success"]) + len(job["failed"]), "numberRecordsFailed": len(job["failed"])}

    def _complete(self, job: dict) -> None:
        rows = list(csv.DictReader(io.StringIO(job["data"])))
        limit = len(rows) if self.job_fails_after is None else self.job_fails_after
        for index, row in enumerate(rows):
            email = row[self.external_id]
            if index >= limit:
                job["unprocessed"].append(row)
                continue
            if email in self.failing_emails:
                job["failed"].append({"sf__Id": "", "sf__Error": f"INVALID_EMAIL_ADDRESS:Email: invalid email address: {email}:--", **row})
                continue
            record = self.contacts.get(email.lower())
            created = record is None
            if created and self.requires_last_name and not row.get("LastName"):  # Salesforce requires it on create
                job["failed"].append({"sf__Id": "", "sf__Error": "REQUIRED_FIELD_MISSING:Required fields are missing: "
                                      "[LastName]:LastName --", **row})
                continue
            if created:
                record = self.contacts[email.lower()] = {"Id": f"003{len(self.contacts):012d}"}
            for name, value in row.items():
                if value == "#N/A":
                    record.pop(name, None)
                elif value != "":
                    record[name] = value
            self.applied[email] += 1
            job["success"].append({"sf__Id": record["Id"], "sf__Created": str(created).lower(), **row})
        job["state"] = "Failed" if self.job_fails_after is not None else "JobComplete"

    @staticmethod
    def _csv(rows: list[dict], first: list[str]) -> str:
        if not rows:
            return ",".join(first) + "\n"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    def answer(self, method: str, path: str, headers, raw: bytes) -> tuple[int, str, str]:
        with self.lock:
            self.requests.append((method, path))
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, "application/json", json.dumps([{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}])
        if not path.startswith(PREFIX):
            return 404, "application/json", json.dumps([{"errorCode": "NOT_FOUND", "message": path}])
        route = urllib.parse.urlsplit(path[len(PREFIX):]).path.rstrip("/")
        parts = route.split("/")
        if route.startswith("/query") and method == "GET":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("q", [""])[0]
            assert query.startswith("SELECT COUNT() FROM Contact WHERE"), query
            return 200, "application/json", json.dumps({"totalSize": self.unkeyed, "done": True, "records": []})
        if route == "/sobjects/Contact/describe" and method == "GET":
            return 200, "application/json", json.dumps({"name": "Contact", "fields": list(self.fields.values())})
        if route == "/jobs/ingest" and method == "POST":
            body = json.loads(raw)
            assert body["operation"] == "upsert" and body["externalIdFieldName"] == self.external_id, body
            job_id = "750" + uuid.uuid4().hex[:15]
            self.jobs[job_id] = {"state": "Open", "data": None, "success": [], "failed": [], "unprocessed": [], "reads": 0}
            return 200, "application/json", json.dumps(self._job(job_id))
        if len(parts) >= 4 and parts[1:3] == ["jobs", "ingest"] and parts[3] in self.jobs:
            job = self.jobs[parts[3]]
            rest = parts[4] if len(parts) > 4 else None
            if rest == "batches" and method == "PUT":
                if self.upload_faults:
                    self.upload_faults -= 1
                    return 503, "application/json", json.dumps([{"errorCode": "SERVER_UNAVAILABLE", "message": "try again"}])
                if job["state"] != "Open" or job["data"] is not None:
                    return 409, "application/json", json.dumps([{"errorCode": "INVALIDJOBSTATE", "message": "job not open"}])
                header = next(csv.reader(io.StringIO(raw.decode("utf-8"))))
                unknown = [h for h in header if h not in self.fields]
                if unknown:
                    return 400, "application/json", json.dumps([{"errorCode": "INVALIDHEADER", "message": f"no field {unknown[0]}"}])
                job["data"] = raw.decode("utf-8")
                return 201, "text/plain", ""
            if rest is None and method == "PATCH":
                wanted = json.loads(raw)["state"]
                if wanted == "UploadComplete" and job["state"] == "Open" and job["data"] is not None:
                    job["state"] = "UploadComplete"
                elif wanted == "Aborted" and job["state"] in ("Open", "UploadComplete"):
                    job["state"] = "Aborted"
                else:
                    return 409, "application/json", json.dumps([{"errorCode": "INVALIDJOBSTATE", "message": f"{job['state']} -> {wanted}"}])
                return 200, "application/json", json.dumps(self._job(parts[3]))
            if rest is None and method == "GET":
                with self.lock:
                    if job["state"] == "UploadComplete":
                        job["state"] = "InProgress"
                    elif job["state"] == "InProgress":
                        self._complete(job)
                return 200, "application/json", json.dumps(self._job(parts[3]))
            if rest in ("successfulResults", "failedResults", "unprocessedrecords") and method == "GET":
                rows = {"successfulResults": job["success"], "failedResults": job["failed"],
                        "unprocessedrecords": job["unprocessed"]}[rest]
                first = {"successfulResults": ["sf__Id", "sf__Created"], "failedResults": ["sf__Id", "sf__Error"],
                         "unprocessedrecords": []}[rest] + [self.external_id]
                return 200, "text/csv", self._csv(rows, first)
        return 404, "application/json", json.dumps([{"errorCode": "NOT_FOUND", "message": f"{method} {route}"}])

    def respond(self, method, path, headers, raw):
        status, kind, text = self.answer(method, path, headers, raw)
        return status, kind, text.encode("utf-8"), {}
