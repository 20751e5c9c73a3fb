"""Salesforce through Bulk API 2.0: one ingest job per chunk of changed contacts, an upsert on an external id field.

A job is created (state Open), the runner records its id with the contacts it carries, then the CSV is uploaded,
the job closed (UploadComplete), polled until it ends, and its successful and failed records read (a contact in
neither was not processed: sent again by the next run).
Salesforce processes nothing before the job is closed, and a job's results stay readable by its id, so a stopped
run is settled by the job it left (settle_job), never by sending again what Salesforce may have applied.

The REST calls go through `requests` (a dependency already): simple-salesforce's Bulk 2.0 helper runs a job from
creation to results in one call, so it gives no job id to record before the data is sent.

Fields: the feed's property `sw_x` goes to the Contact field `sw_x__c`, the email to the external id field
(default `sw_email__c`; a standard field cannot be an external id). The fields must exist (text; the external id
one marked External ID and Unique) and the key must be filled wherever Email is: the sync checks both first.
"""

from __future__ import annotations

import contextlib
import csv
import io
import time

import requests

from .runner import BatchRejected, RateLimited, SyncError, Unsettled, UpsertOutcome, require_secure_url
from .state import Change

API_VERSION = "62.0"
DEFAULT_EXTERNAL_ID = "sw_email__c"
JOB_SIZE = 10_000  # contacts a job; Salesforce splits a job into batches of 10,000 itself
FINAL_STATES = ("JobComplete", "Failed", "Aborted")


def field_name(prop: str) -> str:
    return f"{prop}__c"


def _message(response) -> tuple[str | None, str]:
    try:
        document = response.json()
    except ValueError:
        return None, (response.text or "").strip()[:300] or "no message"
    first = document[0] if isinstance(document, list) and document else document
    if isinstance(first, dict):
        return first.get("errorCode"), str(first.get("message") or first)[:1000]
    return None, str(document)[:300]


class SalesforceDestination:
    name = "salesforce"
    batch_size = JOB_SIZE

    def __init__(self, instance_url: str, token: str, object_name: str = "Contact",
                 external_id: str = DEFAULT_EXTERNAL_ID, timeout: float = 60.0, poll_seconds: float = 2.0,
                 max_wait_seconds: float = 1800.0, sleep=time.sleep):
        if not token or not instance_url:
            raise SyncError("no Salesforce credentials: set SALESFORCE_INSTANCE_URL (https://<your domain>.my.salesforce.com) "
                            "and SALESFORCE_ACCESS_TOKEN (an OAuth access token with the api scope)")
        require_secure_url(instance_url, "SALESFORCE_INSTANCE_URL")
        self.base = f"{instance_url.rstrip('/')}/services/data/v{API_VERSION}"
        self.object_name, self.external_id = object_name, external_id
        self.timeout, self.poll_seconds, self.max_wait_seconds, self.sleep = timeout, poll_seconds, max_wait_seconds, sleep
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.columns: list[str] = []

    def _json(self, what: str, method: str, path: str, **kwargs) -> dict:
        response = self._call(what, method, path, **kwargs)
        try:
            document = response.json()
        except ValueError:
            raise SyncError(f"{what}: Salesforce answered {response.status_code} with no JSON "
                            f"({response.text[:200]!r}); is SALESFORCE_INSTANCE_URL the org's API domain?") from None
        if not isinstance(document, dict):
            raise SyncError(f"{what}: unexpected answer from Salesforce: {str(document)[:200]}")
        return document

    def _call(self, what: str, method: str, path: str, **kwargs):
        try:
            response = self.session.request(method, self.base + path, timeout=(min(10.0, self.timeout), self.timeout),
                                            **kwargs)
        except requests.RequestException as error:
            raise Unsettled(f"{what}: no answer from {self.base} ({type(error).__name__})") from None
        if response.status_code < 300:
            return response
        code, message = _message(response)
        text = f"{response.status_code} {code or ''}: {message}".replace("  ", " ")
        if response.status_code == 429 or code == "REQUEST_LIMIT_EXCEEDED":
            retry_after = response.headers.get("Retry-After")
            raise RateLimited(f"{what}: {text}", float(retry_after) if (retry_after or "").isdigit() else None)
        if response.status_code >= 500:
            raise Unsettled(f"{what}: {text}")
        if response.status_code == 401 or code == "INSUFFICIENT_ACCESS":
            raise SyncError(f"Salesforce refused the token for {what} ({text}); check SALESFORCE_ACCESS_TOKEN and the "
                            "user's permissions (API Enabled, edit access to the fields)")
        raise BatchRejected(response.status_code, code, text)

    # fields -----------------------------------------------------------------------------------------------------
    def ensure_properties(self, names: list[str]) -> list[str]:
        """Check that every field exists and that the external id field is one and is filled wherever Email is;
        creates nothing (custom fields are metadata an admin owns)."""
        described = self._json(f"describing {self.object_name}", "GET", f"/sobjects/{self.object_name}/describe")
        fields = {f["name"].lower(): f for f in described.get("fields", [])}
        missing = [field_name(n) for n in names if field_name(n).lower() not in fields]
        key = fields.get(self.external_id.lower())
        problems = []
        if missing:
            problems.append(f"create these Text(255) fields on {self.object_name}: {', '.join(missing)}")
        if key is None:
            problems.append(f"create the external id field {self.external_id} (Text(255), External ID, Unique)")
        elif not key.get("externalId"):
            problems.append(f"mark {self.external_id} as an External ID field")
        if problems:
            raise SyncError("Salesforce is not ready for the sync: " + "; ".join(problems))
        self.external_id = key["name"]  # Salesforce's spelling: its result files head their columns with it
        self.columns = [self.external_id, *[fields[field_name(n).lower()]["name"] for n in names]]
        # the upsert matches on the key: a contact whose key is empty would be created again, not updated
        soql = f"SELECT COUNT() FROM {self.object_name} WHERE {self.external_id} = null AND Email != null"
        unkeyed = self._json("counting contacts without the key", "GET", "/query", params={"q": soql}).get("totalSize", 0)
        if unkeyed:
            raise SyncError(f"{unkeyed:,} {self.object_name} record(s) have an Email but no {self.external_id}: the "
                            f"upsert matches on {self.external_id}, so they would not be updated (and a new record "
                            f"would be attempted). Fill {self.external_id} from Email first (docs/crm_sync.md)")
        return []

    # jobs -------------------------------------------------------------------------------------------------------
    def create_job(self) -> str:
        body = {"object": self.object_name, "externalIdFieldName": self.external_id, "contentType": "CSV",
                "operation": "upsert", "lineEnding": "LF"}
        job = self._json("creating a Bulk API 2.0 job", "POST", "/jobs/ingest", json=body)
        if not job.get("id"):
            raise SyncError(f"Salesforce created no job: {str(job)[:200]}")
        return job["id"]

    def _csv(self, batch: list[Change]) -> bytes:
        names = self.columns[1:]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for change in batch:
            # an empty cell leaves a field as it is in Bulk API 2.0; #N/A clears it, as '' clears a HubSpot property
            writer.writerow([change.email, *[change.properties.get(n[:-3].lower(), "") or "#N/A" for n in names]])
        return out.getvalue().encode("utf-8")

    def upload_and_close(self, job_id: str, batch: list[Change]) -> None:
        """Upload the CSV and close the job. Salesforce processes nothing before the close, so a failed upload
        aborts the job (nothing applied) and raises; after the close, settle_job reads what happened."""
        try:
            self._call("uploading the job's data", "PUT", f"/jobs/ingest/{job_id}/batches", data=self._csv(batch),
                       headers={"Content-Type": "text/csv"})
        except (Unsettled, RateLimited, BatchRejected):
            self.abort(job_id)
            raise
        with contextlib.suppress(Unsettled, RateLimited, BatchRejected):  # closed or not: the job's state says
            # (settle_job aborts a job left Open)
            self._call("closing the job", "PATCH", f"/jobs/ingest/{job_id}", json={"state": "UploadComplete"})

    def abort(self, job_id: str) -> None:
        # an Open job Salesforce never got to process is dropped by Salesforce after 7 days
        with contextlib.suppress(Unsettled, RateLimited, BatchRejected):
            self._call("aborting the job", "PATCH", f"/jobs/ingest/{job_id}", json={"state": "Aborted"})

    def settle_job(self, job_id: str, batch: list[Change]) -> UpsertOutcome:
        """The outcome of a job, whatever state it was left in: an Open one is aborted (nothing applied); an
        UploadComplete or InProgress one is waited for; an ended one is read. A job Salesforce no longer has
        (deleted after its 7 days, another org) leaves its contacts unknown: sent again. A Failed or Aborted job
        that had begun sets failure (its message): the runner records what it did, then stops."""
        waited, aborted = 0.0, False
        while True:
            try:
                info = self._json("reading the job's state", "GET", f"/jobs/ingest/{job_id}")
            except BatchRejected as error:
                if error.status == 404:
                    return UpsertOutcome(unknown=list(batch))
                raise
            state = info.get("state")
            if state == "Open":
                if aborted:  # still Open after the abort: never closed, so never processed
                    return UpsertOutcome(unknown=list(batch))
                self.abort(job_id)
                aborted = True
                continue  # read again: a close that was still on its way may have won
            if state in FINAL_STATES:
                break
            if waited >= self.max_wait_seconds:
                raise SyncError(f"the Bulk API job {job_id} is still {state} after {waited:.0f} s; the next run waits "
                                "for it again (its contacts stay pending)")
            self.sleep(self.poll_seconds)
            waited += self.poll_seconds
        if state == "Aborted" and not info.get("numberRecordsProcessed"):
            return UpsertOutcome(unknown=list(batch))  # aborted before processing: nothing applied, sent again
        by_email = {c.email.lower(): c for c in batch}
        key = self.external_id.lower()
        outcome = UpsertOutcome()
        for row in self._results(job_id, "successfulResults"):
            change = by_email.get(_value(row, key).lower())
            if change is not None:
                outcome.confirmed[change.email] = row.get("sf__Id") or None
        for row in self._results(job_id, "failedResults"):
            change = by_email.get(_value(row, key).lower())
            if change is not None and change.email not in outcome.confirmed:
                error = row.get("sf__Error") or "failed"
                outcome.rejected[change.email] = (None, error.split(":", 1)[0], error)
        outcome.unknown = [c for c in batch if c.email not in outcome.confirmed and c.email not in outcome.rejected]
        if state != "JobComplete":
            outcome.failure = (f"the Bulk API job {job_id} ended {state}: {info.get('errorMessage') or 'no message'} "
                               f"({len(outcome.unknown):,} of its contacts not processed)")
        return outcome

    def _results(self, job_id: str, kind: str) -> list[dict]:
        text = self._call(f"reading the job's {kind}", "GET", f"/jobs/ingest/{job_id}/{kind}/").content.decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))


def _value(row: dict, column_lower: str) -> str:
    """A result row's value of a column, whatever the case of its header."""
    for name, value in row.items():
        if (name or "").lower() == column_lower:
            return value or ""
    return ""
