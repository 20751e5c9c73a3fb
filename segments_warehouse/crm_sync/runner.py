"""The sync's run: settle what a stopped run left, pick the changes, pass the gates, send in batches, record.

The retry rules (the package docstring says why they make each change arrive once):
- 429: not processed; wait the CRM's Retry-After (else the backoff), at most RetryPolicy.max_wait, and resend;
- a 5xx, a timeout, a dropped connection: outcome unknown; wait the backoff, read the batch's contacts back, mark
  those the CRM holds with the sent values as confirmed, and resend only the others;
- another 4xx for a whole batch: split it in halves until the contact it is about is alone, then record it as
  rejected (a batch of one);
- a refused token: stop at once, nothing more is sent.
After RetryPolicy.attempts tries of one batch the run stops with SyncError; what it confirmed is kept, the
batch in flight stays pending and the next run settles it.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from . import state
from .state import Change


class SyncError(Exception):
    """The sync cannot go on; the message says why and what was kept."""


class RateLimited(Exception):
    def __init__(self, message: str, retry_after: float | None):
        super().__init__(message)
        self.retry_after = retry_after


class Unsettled(Exception):
    """The request may or may not have been applied."""


class BatchRejected(Exception):
    def __init__(self, status: int | None, category: str | None, message: str):
        super().__init__(message)
        self.status, self.category, self.message = status, category, message


@dataclass
class UpsertOutcome:
    confirmed: dict[str, str | None] = field(default_factory=dict)  # email -> the CRM's record id
    rejected: dict[str, tuple[int | None, str | None, str]] = field(default_factory=dict)  # email -> status, category, message
    unknown: list[Change] = field(default_factory=list)
    failure: str | None = None  # a job that ended Failed or Aborted: recorded, then the run stops with this


@dataclass
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 1.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep

    def backoff(self, attempt: int) -> float:
        return min(self.max_wait, self.base_delay * 2 ** (attempt - 1))

    def after_429(self, retry_after: float | None, attempt: int) -> float:
        return min(self.max_wait, self.backoff(attempt) if retry_after is None else retry_after)


@dataclass
class SyncResult:
    destination: str
    dry_run: bool = False
    to_create: int = 0  # contacts the destination never confirmed
    to_update: int = 0
    held_back: int = 0  # rejected before with the same properties
    property_changes: Counter = field(default_factory=Counter)  # property -> contacts whose value changes
    sample: list[Change] = field(default_factory=list)
    settled_from_stopped_run: int = 0  # pending contacts found applied and marked synced without resending
    pending_resent: int = 0
    created_properties: list[str] = field(default_factory=list)
    confirmed: int = 0
    rejected: int = 0
    requests: int = 0
    waits: list[tuple[str, float]] = field(default_factory=list)  # (why, seconds) for every retry
    errors_total: int = 0
    unconfirmed: int = 0  # neither confirmed nor rejected, and not found by reading back: sent again next run
    forgotten: int = 0  # emails of the sync state the feed no longer has (erased, or no email any more)
    gates: object = None
    gates_blocked: object = None  # dry run: the report that would block


def _settle_rows(batch: list[Change], confirmed: dict, rejected: dict) -> tuple[list, list]:
    """A batch's outcome as state.settle takes it: (email, hash, properties, record id) confirmed and (email, hash,
    status, category, message) rejected."""
    by_email = {c.email: c for c in batch}
    return ([(e, by_email[e].properties_hash, by_email[e].properties, rid) for e, rid in confirmed.items()],
            [(e, by_email[e].properties_hash, *why) for e, why in rejected.items()])


def require_secure_url(url: str, setting: str) -> None:
    """The token travels with every request: https, or http only to this machine (a test server)."""
    parsed = urllib.parse.urlsplit(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if not parsed.hostname or (parsed.scheme != "https" and not (parsed.scheme == "http" and loopback)):
        raise SyncError(f"{setting} {url!r} must be an https:// URL (http:// only to 127.0.0.1 or localhost, for a "
                        "test server): the token travels with every request")


def _crash_point(batches_done: int) -> None:
    """Test hook: SEGMENTS_SYNC_CRASH_AFTER_BATCHES=n kills the run after the CRM confirmed its n-th batch and
    before that is recorded (the worst moment)."""
    limit = os.environ.get("SEGMENTS_SYNC_CRASH_AFTER_BATCHES")
    if limit is not None and batches_done >= int(limit):
        os._exit(70)


class _Sender:
    def __init__(self, destination, policy: RetryPolicy, result: SyncResult):
        self.destination, self.policy, self.result = destination, policy, result

    def _wait(self, why: str, seconds: float, attempt: int) -> None:
        if attempt >= self.policy.attempts:
            raise SyncError(f"{why}, {attempt} times in a row: stopped. Contacts confirmed so far are recorded; the "
                            "batch in flight is settled by the next run (read back, resent only if not applied)")
        self.result.waits.append((why, seconds))
        self.policy.sleep(seconds)

    def retrying(self, what: str, call: Callable[[], object]):
        """A call that is safe to repeat (a read, or a step that first reads what exists): retried on a 429, a
        5xx or no answer; any other refusal stops the run with the CRM's message."""
        attempt = 0
        while True:
            attempt += 1
            self.result.requests += 1
            try:
                return call()
            except RateLimited as error:
                self._wait(str(error), self.policy.after_429(error.retry_after, attempt), attempt)
            except Unsettled as error:
                self._wait(str(error), self.policy.backoff(attempt), attempt)
            except BatchRejected as error:
                raise SyncError(f"the CRM refused {what} ({error.message}): nothing more is sent") from None

    def applied(self, batch: list[Change]) -> dict[str, str | None]:
        """email -> record id of the contacts the CRM holds with exactly the values of the batch."""
        names = sorted({name for change in batch for name in change.properties})
        remote = self.retrying("to read contacts back (the private app needs the scope crm.objects.contacts.read)",
                               lambda: self.destination.read([c.email for c in batch], names))
        return {c.email: remote[c.email][0] for c in batch
                if c.email in remote and all(remote[c.email][1].get(k, "") == v for k, v in c.properties.items())}

    def send(self, batch: list[Change]) -> tuple[list, list]:
        """Send one batch until each contact is confirmed, rejected alone, or left unconfirmed (not recorded:
        sent again by the next run)."""
        confirmed: dict[str, str | None] = {}
        rejected: dict[str, tuple] = {}
        # a refused batch is halved; halves of one split share a family: when both are refused as a whole with
        # the batch's own answer, the refusal is not about one contact (a property, the account) and the run stops.
        # (Two bad contacts, one in each half, refused with one generic message would stop it too: the message says
        # what HubSpot said, and the run can be repeated once they are fixed.)
        parts: list[tuple[list[Change], dict | None]] = [(batch, None)]
        while parts:
            (part, family), attempt = parts.pop(0), 0
            while part:
                attempt += 1
                self.result.requests += 1
                try:
                    outcome = self.destination.upsert(part)
                except RateLimited as error:
                    self._wait(str(error), self.policy.after_429(error.retry_after, attempt), attempt)
                    continue
                except Unsettled as error:
                    self._wait(str(error), self.policy.backoff(attempt), attempt)
                    found = self.applied(part)
                    confirmed.update(found)
                    part = [c for c in part if c.email not in found]
                    continue
                except BatchRejected as error:
                    if family is not None and error.message == family["message"] and len(part) > 1:
                        family["refused"] += 1
                        if family["refused"] == 2:
                            raise SyncError(f"the CRM refuses every part of a batch with the same answer ({error.message}): "
                                            "it is not about one contact (a property, the account, the token's "
                                            "scopes); nothing more is sent") from None
                    if len(part) == 1:
                        rejected[part[0].email] = (error.status, error.category, error.message)
                    else:  # find the contact it is about: halves, then halves of those, breadth first (so a
                        # half's sibling is tried before the half is split again)
                        halves = {"message": error.message, "refused": 0}
                        parts.extend([(part[:len(part) // 2], halves), (part[len(part) // 2:], halves)])
                    break
                confirmed.update(outcome.confirmed)
                rejected.update(outcome.rejected)
                if outcome.unknown:
                    found = self.applied(outcome.unknown)
                    confirmed.update(found)
                    self.result.unconfirmed += len(outcome.unknown) - len(found)
                break
        return _settle_rows(batch, confirmed, rejected)


def _send_job(sender: _Sender, destination, con, destination_name: str, batch: list[Change]):
    """One Bulk API job for the batch: created, recorded as pending under its id, uploaded and closed, then read.
    A failed upload aborted the job (nothing applied): its pending rows are dropped and a new job tried."""
    attempt = 0
    while True:
        attempt += 1
        job_id = sender.retrying("to create a Bulk API job", destination.create_job)
        state.record_pending(con, destination_name, job_id, batch)
        try:
            destination.upload_and_close(job_id, batch)
            break
        except (RateLimited, Unsettled) as error:
            state.settle(con, destination_name, [job_id], [], [])
            sender._wait(str(error), sender.policy.backoff(attempt), attempt)
        except BatchRejected as error:
            state.settle(con, destination_name, [job_id], [], [])
            raise SyncError(f"the CRM refused the job's data ({error.message}): nothing more is sent") from None
    outcome = sender.retrying("to read the Bulk API job's results", lambda: destination.settle_job(job_id, batch))
    sender.result.unconfirmed += len(outcome.unknown)
    confirmed, rejected = _settle_rows(batch, outcome.confirmed, outcome.rejected)
    if outcome.failure:  # what the job did is recorded; its failure stops the run (exit 1), not sent again blindly
        state.settle(con, destination_name, [job_id], confirmed, rejected)
        sender.result.confirmed += len(confirmed)
        sender.result.rejected += len(rejected)
        raise SyncError(outcome.failure)
    return job_id, (confirmed, rejected)


def _connect(duckdb_path: str):
    if not os.path.exists(duckdb_path):
        raise SyncError(f"no warehouse at {duckdb_path}: run `dbt build` first")
    try:
        return duckdb.connect(duckdb_path)
    except duckdb.IOException as error:
        first = str(error).splitlines()[0][:200]
        if "lock" not in first.lower():
            raise SyncError(f"{duckdb_path} cannot be opened as a DuckDB warehouse ({first})") from None
        raise SyncError(f"{duckdb_path} is in use by another process, e.g. a dbt build that is still running "
                        f"({first}): sync when it has finished") from None


def _describe(result: SyncResult, found: list[Change]) -> None:
    for change in found:
        if change.previous is None:
            result.to_create += 1
            result.property_changes.update(k for k, v in change.properties.items() if v != "")
        else:
            result.to_update += 1
            result.property_changes.update(k for k, v in change.properties.items() if change.previous.get(k, "") != v)
    result.sample = found[:5]


def run_sync(duckdb_path: str, destination_name: str, make_destination: Callable[[], object], *, dry_run: bool = False,
             retry_errors: bool = False, run_results: str | None = None, accept_change: str | None = None,
             policy: RetryPolicy | None = None, on_progress: Callable[[int, int], None] | None = None) -> SyncResult:
    from ..gates import GatesBlocked, check_release

    policy = policy or RetryPolicy()
    result = SyncResult(destination_name, dry_run=dry_run)
    con = _connect(duckdb_path)
    try:
        try:
            state.check_feed(con)
        except duckdb.Error as error:
            raise SyncError(f"the feed {state.FEED} is missing or from an older build ({str(error).splitlines()[0]}): "
                            "run `dbt build` first") from None
        state.ensure_tables(con)
        pending = state.pending_rows(con, destination_name)
        found, result.held_back = state.changes(con, destination_name, retry_errors)
        gone = state.left_feed(con)
        if dry_run:
            _describe(result, found)
            result.pending_resent = len({email for _, email, _, _ in pending})
            result.forgotten = gone
            result.errors_total = state.error_count(con, destination_name)
            if found or pending or gone:
                try:
                    result.gates = check_release(duckdb_path, "sync", run_results, None)
                except GatesBlocked as blocked:
                    result.gates_blocked = blocked
            return result
        if not (found or pending or gone):
            result.errors_total = state.error_count(con, destination_name)
            return result
        # the gates first: a build they block changes nothing here and calls no API (not even a read back)
        result.gates = check_release(duckdb_path, "sync", run_results, accept_change)  # raises GatesBlocked
        result.forgotten = state.forget_left_feed(con)
        destination = make_destination()
        sender = _Sender(destination, policy, result)
        pending = state.pending_rows(con, destination_name)
        bulk = hasattr(destination, "create_job")  # a destination of jobs (Salesforce) settles by the job's results
        if pending:
            by_batch: dict[str, list[Change]] = {}
            for batch_id, email, digest, values in pending:
                by_batch.setdefault(batch_id, []).append(Change(email, values, digest, None))
            for batch_id, changes in by_batch.items():
                if bulk:
                    outcome = sender.retrying("to read a Bulk API job's results",
                                              lambda b=batch_id, c=changes: destination.settle_job(b, c))
                    applied, rejected = outcome.confirmed, outcome.rejected
                else:
                    applied, rejected = sender.applied(changes), {}
                result.settled_from_stopped_run += len(applied)
                result.rejected += len(rejected)
                result.pending_resent += len(changes) - len(applied) - len(rejected)
                state.settle(con, destination_name, [batch_id], *_settle_rows(changes, applied, rejected))
            found, result.held_back = state.changes(con, destination_name, retry_errors)
        _describe(result, found)
        if found:
            names = state.property_columns(con)
            result.created_properties = sender.retrying("to prepare the contact properties",
                                                        lambda: destination.ensure_properties(names))
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        size = destination.batch_size
        for number, start in enumerate(range(0, len(found), size), start=1):
            batch = found[start:start + size]
            try:
                if bulk:
                    batch_id, (confirmed, rejected) = _send_job(sender, destination, con, destination_name, batch)
                else:
                    batch_id = f"{stamp}-{number:06d}"
                    state.record_pending(con, destination_name, batch_id, batch)
                    confirmed, rejected = sender.send(batch)
            except SyncError as error:
                raise SyncError(f"{error}. {result.confirmed:,} of {len(found):,} contacts were confirmed and recorded "
                                "before it stopped") from None
            _crash_point(number)
            state.settle(con, destination_name, [batch_id], confirmed, rejected)
            result.confirmed += len(confirmed)
            result.rejected += len(rejected)
            if on_progress is not None:
                on_progress(start + len(batch), len(found))
        result.errors_total = state.error_count(con, destination_name)
        return result
    except SyncError as error:
        error.result = result  # what the run did before it stopped (its retries), for the message
        raise
    finally:
        con.close()
