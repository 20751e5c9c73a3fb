"""HubSpot through its official Python client (hubspot-api-client): contacts batch upsert by email, batch read, and
the sw_* contact properties created in their own group when missing.

Every call either returns or raises one of the errors of runner.py, so the runner decides what is retried:
RateLimited (429: not processed), Unsettled (a 5xx, a timeout or a dropped connection: processed or not, unknown),
BatchRejected (another 4xx for the whole batch) or SyncError (a refused token, a wrong URL: nothing can be sent).
"""

from __future__ import annotations

import json

import urllib3
from urllib3.util.retry import Retry

from .runner import BatchRejected, RateLimited, SyncError, Unsettled, UpsertOutcome, require_secure_url
from .state import Change

DEFAULT_API_URL = "https://api.hubapi.com"
GROUP = "segments_warehouse"
BATCH_SIZE = 100  # HubSpot's documented limit for batch endpoints


def _error_text(body) -> tuple[str | None, str]:
    """HubSpot's error object: (category, message), or the body's first 300 characters when it is not one."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        document = json.loads(body or "")
    except (TypeError, ValueError):
        return None, (body or "").strip()[:300] or "no message"
    if not isinstance(document, dict):
        return None, str(document)[:300]
    return document.get("category"), str(document.get("message") or document)[:1000]


def _retry_after(headers) -> float | None:
    value = (headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class HubSpotDestination:
    name = "hubspot"
    batch_size = BATCH_SIZE

    def __init__(self, token: str, api_url: str = DEFAULT_API_URL, timeout: float = 30.0):
        from hubspot import HubSpot

        if not token:
            raise SyncError("no HubSpot token: set HUBSPOT_ACCESS_TOKEN to a private app's access token with the "
                            "crm.objects.contacts.read, crm.objects.contacts.write and crm.schemas.contacts.write scopes")
        require_secure_url(api_url, "SEGMENTS_HUBSPOT_API_URL")
        # retries are the runner's (it settles unknown outcomes before resending); the client's own are off
        self.client = HubSpot(access_token=token, host=api_url.rstrip("/"), retry=Retry(total=0, redirect=0))
        self.timeout = (min(10.0, timeout), timeout)
        self.api_url = api_url

    def _call(self, what: str, function, *args, **kwargs):
        try:
            return function(*args, _request_timeout=self.timeout, **kwargs)
        except (urllib3.exceptions.HTTPError, OSError) as error:
            # the client lets urllib3's errors through: a timeout, a reset, a refused connection
            raise Unsettled(f"{what}: no answer from {self.api_url} ({type(error).__name__}: {str(error)[:200]})") from None
        except Exception as error:  # the client's ApiException, one class per API package
            status = getattr(error, "status", None)
            if status is None:
                raise
            category, message = _error_text(getattr(error, "body", None))
            if status == 429:
                raise RateLimited(f"{what}: 429 {message}", _retry_after(getattr(error, "headers", None))) from None
            if status >= 500:
                raise Unsettled(f"{what}: {status} {message}") from None
            if status in (401, 403):
                raise SyncError(f"HubSpot refused the token for {what} ({status} {category or ''}: {message}); check "
                                "HUBSPOT_ACCESS_TOKEN and the private app's scopes") from None
            raise BatchRejected(status, category, f"{status} {category or ''}: {message}".replace("  ", " ")) from None

    # properties -------------------------------------------------------------------------------------------------
    def ensure_properties(self, names: list[str]) -> list[str]:
        """Create the contact properties among names that HubSpot does not have (text, in group GROUP), then read
        them again: a property still missing stops the run. Safe to repeat: it reads what exists first."""
        from hubspot.crm.properties import BatchInputPropertyCreate, PropertyCreate, PropertyGroupCreate

        api = self.client.crm.properties

        def missing_now() -> list[str]:
            existing = {p.name for p in self._call("reading the contact properties", api.core_api.get_all, "contacts").results}
            return [name for name in names if name not in existing]

        missing = missing_now()
        if not missing:
            return []
        try:
            self._call("reading the property group", api.groups_api.get_by_name, "contacts", GROUP)
        except BatchRejected as error:
            if error.status != 404:
                raise
            self._call("creating the property group", api.groups_api.create, "contacts",
                       PropertyGroupCreate(name=GROUP, label="Segments warehouse"))
        for start in range(0, len(missing), BATCH_SIZE):
            inputs = [PropertyCreate(name=name, label=name.removeprefix("sw_").replace("_", " ").capitalize(),
                                     type="string", field_type="text", group_name=GROUP,
                                     description=f"Set by the segments warehouse ({name} of rev_etl__crm_contacts); "
                                                 "an edit here is overwritten when the warehouse next changes it.")
                      for name in missing[start:start + BATCH_SIZE]]
            answer = self._call("creating the contact properties", api.batch_api.create, "contacts",
                                BatchInputPropertyCreate(inputs=inputs))
            errors = getattr(answer, "errors", None) or []
            if errors:
                raise SyncError(f"HubSpot did not create {len(errors)} contact propert(ies): {errors[0].message} "
                                "(an archived property of that name can be restored in HubSpot's settings)")
        still_missing = missing_now()
        if still_missing:
            raise SyncError(f"HubSpot does not list the contact properties {', '.join(still_missing)} after creating "
                            "them: create them by hand (single-line text) or check the token's crm.schemas.contacts.write scope")
        return missing

    # contacts ---------------------------------------------------------------------------------------------------
    def upsert(self, batch: list[Change]) -> UpsertOutcome:
        """Upsert by email. HubSpot echoes each input's objectWriteTraceId: that is how results and errors are
        matched to contacts (else by the email in a result). A contact neither in the results nor in an error is
        reported unknown: the runner reads it back."""
        from hubspot.crm.contacts import BatchInputSimplePublicObjectBatchInputUpsert, SimplePublicObjectBatchInputUpsert

        traces = {str(index): change for index, change in enumerate(batch)}
        body = BatchInputSimplePublicObjectBatchInputUpsert(inputs=[
            SimplePublicObjectBatchInputUpsert(id=change.email, id_property="email", object_write_trace_id=trace,
                                               properties=change.properties)
            for trace, change in traces.items()])
        answer = self._call(f"upserting {len(batch)} contacts", self.client.crm.contacts.batch_api.upsert,
                            batch_input_simple_public_object_batch_input_upsert=body)
        outcome = UpsertOutcome()
        for result in answer.results or []:
            change = traces.get(result.object_write_trace_id or "")
            if change is None:  # matched by email when the trace id is missing
                email = (result.properties or {}).get("email")
                change = next((c for c in batch if c.email == email), None)
            if change is not None:
                outcome.confirmed[change.email] = result.id
        for error in getattr(answer, "errors", None) or []:
            context = error.context or {}
            named = [*context.get("objectWriteTraceId", []), *context.get("ids", [])]
            for key in named:
                change = traces.get(key) or next((c for c in batch if c.email == key), None)
                if change is not None and change.email not in outcome.confirmed:
                    status = int(error.status) if str(error.status or "").isdigit() else None
                    outcome.rejected[change.email] = (status, error.category, error.message)
        outcome.unknown = [c for c in batch if c.email not in outcome.confirmed and c.email not in outcome.rejected]
        return outcome

    def read(self, emails: list[str], names: list[str]) -> dict[str, tuple[str, dict[str, str]]]:
        """(record id, the named properties ('' for an empty one)) of the contacts HubSpot has among emails."""
        from hubspot.crm.contacts import BatchReadInputSimplePublicObjectId, SimplePublicObjectId

        found: dict[str, tuple[str, dict[str, str]]] = {}
        for start in range(0, len(emails), BATCH_SIZE):
            chunk = emails[start:start + BATCH_SIZE]
            body = BatchReadInputSimplePublicObjectId(
                id_property="email", inputs=[SimplePublicObjectId(id=e) for e in chunk],
                properties=["email", *names], properties_with_history=[])
            answer = self._call(f"reading back {len(chunk)} contacts", self.client.crm.contacts.batch_api.read,
                                batch_read_input_simple_public_object_id=body)
            for result in answer.results or []:
                properties = result.properties or {}
                email = (properties.get("email") or "").strip().lower()
                match = next((e for e in chunk if e.lower() == email), None)
                if match is not None:
                    found[match] = (result.id, {name: properties.get(name) or "" for name in names})
        return found
