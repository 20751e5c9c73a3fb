"""A small stateful HubSpot for the sync tests: the CRM v3 contacts batch upsert and read by email, and the
contact properties and property groups, on 127.0.0.1, with faults to inject.

It keeps what it was sent (every request, and every contact input it applied) so a test can check that each
contact arrived once, and answers as HubSpot does: 401 without the bearer token, 400 for a batch over 100 inputs
or naming a property that does not exist, 400 for a batch holding an email HubSpot would refuse, 207 with errors
for the contacts a test makes fail alone. Its answers follow tests/contracts/hubspot/crm-contacts-v3.openapi.yaml
(the contract test puts Prism between the sync and this fake, which checks both sides).

Faults (FakeHubSpot.faults, taken in order by the next upsert requests):
- ("429", seconds): answered 429 with Retry-After, nothing applied;
- ("500", None): answered 500, nothing applied;
- ("500_after_apply", None): applied, then answered 500 (the outcome is unknown to the client);
- ("slow_after_apply", seconds): applied, then answered after `seconds` (past the client's timeout).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections import Counter

from fake_server import FakeServer

TOKEN = "test-token-not-a-secret"
BUILT_IN = ("email", "firstname", "lastname", "lifecyclestage")


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(status: int, category: str, message: str) -> tuple[int, dict]:
    return status, {"status": "error", "category": category, "message": message, "correlationId": str(uuid.uuid4())}


class FakeHubSpot(FakeServer):
    def __init__(self):
        self.properties = {name: self._property(name, "contactinformation", "") for name in BUILT_IN}
        self.groups = {"contactinformation"}
        self.contacts: dict[str, dict] = {}
        self.requests: list[tuple[str, str, object]] = []
        self.applied = Counter()  # email -> contact inputs applied
        self.faults: list[tuple[str, float | None]] = []
        self.refused_emails: set[str] = set()  # a batch holding one of these: 400 INVALID_EMAIL for the batch
        self.failing_emails: set[str] = set()  # 207: this contact alone fails
        self.refuse_every_batch: str | None = None  # every upsert answered 400 with this message
        self.ignored_property_creates: set[str] = set()  # "created" (201) but never listed
        self.echo_trace_ids = True  # results carry each input's objectWriteTraceId
        self.name_failures = True  # a 207 error names its contact in its context
        super().__init__()

    @staticmethod
    def _property(name: str, group: str, description: str) -> dict:
        return {"name": name, "label": name, "type": "string", "fieldType": "text", "groupName": group,
                "description": description, "options": [], "hidden": False, "formField": False,
                "hubspotDefined": name in BUILT_IN, "archived": False}

    def upserts(self, path_suffix="/batch/upsert") -> list[dict]:
        return [body for method, path, body in self.requests if method == "POST" and path.endswith(path_suffix)]

    # -- the API ------------------------------------------------------------------------------------------------
    def answer(self, method: str, path: str, headers, body) -> tuple[int, dict | None, dict]:
        with self.lock:
            self.requests.append((method, path, body))
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return (*_error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found."), {})
        route = path.split("?")[0]
        if route == "/crm/v3/objects/contacts/batch/upsert" and method == "POST":
            return self._upsert(body)
        if route == "/crm/v3/objects/contacts/batch/read" and method == "POST":
            return (*self._read(body), {})
        if route == "/crm/v3/properties/contacts" and method == "GET":
            return 200, {"results": list(self.properties.values())}, {}
        if route == "/crm/v3/properties/contacts/batch/create" and method == "POST":
            return (*self._create_properties(body), {})
        if route.startswith("/crm/v3/properties/contacts/groups/") and method == "GET":
            name = route.rsplit("/", 1)[-1]
            if name not in self.groups:
                return (*_error(404, "OBJECT_NOT_FOUND", f"Unable to find property group {name}"), {})
            return 200, {"name": name, "label": name, "displayOrder": -1, "archived": False}, {}
        if route == "/crm/v3/properties/contacts/groups" and method == "POST":
            self.groups.add(body["name"])
            return 201, {"name": body["name"], "label": body["label"], "displayOrder": -1, "archived": False}, {}
        return (*_error(404, "NOT_FOUND", f"no route {method} {route}"), {})

    def _create_properties(self, body) -> tuple[int, dict]:
        created = []
        for item in body["inputs"]:
            if item["groupName"] not in self.groups:
                return _error(400, "VALIDATION_ERROR", f"property group {item['groupName']} does not exist")
            made = self._property(item["name"], item["groupName"], item.get("description", ""))
            if item["name"] not in self.ignored_property_creates:
                self.properties[item["name"]] = made
            created.append(made)
        now = _stamp()
        return 201, {"status": "COMPLETE", "results": created, "startedAt": now, "completedAt": now}

    def _upsert(self, body) -> tuple[int, dict | None, dict]:
        inputs = body["inputs"]
        if len(inputs) > 100:
            return (*_error(400, "VALIDATION_ERROR", "Batch size exceeds the limit of 100"), {})
        for item in inputs:
            unknown = [k for k in item["properties"] if k not in self.properties]
            if unknown:
                return (*_error(400, "VALIDATION_ERROR", f"Property values were not valid: {unknown[0]} does not exist"), {})
            if not all(isinstance(v, str) for v in item["properties"].values()):
                return (*_error(400, "VALIDATION_ERROR", "property values must be strings"), {})
            if item["id"] in self.refused_emails:
                return (*_error(400, "VALIDATION_ERROR", f"Email address {item['id']} is invalid"), {})
        if self.refuse_every_batch:
            return (*_error(400, "VALIDATION_ERROR", self.refuse_every_batch), {})
        fault, seconds = self.faults.pop(0) if self.faults else (None, None)
        if fault == "429":
            return (*_error(429, "RATE_LIMITS", "You have reached your secondly limit."), {"Retry-After": str(seconds)})
        if fault == "500":
            return (*_error(500, "INTERNAL_ERROR", "internal error"), {})
        results, errors, now = [], [], _stamp()
        for item in inputs:
            email = item["id"]
            trace = item.get("objectWriteTraceId")
            if email in self.failing_emails:
                context = ({"objectWriteTraceId": [trace]} if trace else {"ids": [email]}) if self.name_failures else {}
                errors.append({"status": "error", "category": "VALIDATION_ERROR", "message": f"{email} failed",
                               "context": context, "errors": [], "links": {}})
                continue
            with self.lock:
                contact = self.contacts.get(email.lower())
                is_new = contact is None
                if is_new:
                    contact = {"id": str(100_000 + len(self.contacts)), "createdAt": now, "properties": {"email": email}}
                    self.contacts[email.lower()] = contact
                contact["properties"].update(item["properties"])
                contact["updatedAt"] = now
                self.applied[email] += 1
            result = {"id": contact["id"], "archived": False, "createdAt": contact["createdAt"], "updatedAt": now,
                      "new": is_new, "properties": dict(contact["properties"])}
            if trace and self.echo_trace_ids:
                result["objectWriteTraceId"] = trace
            results.append(result)
        if fault == "500_after_apply":
            return (*_error(500, "INTERNAL_ERROR", "internal error"), {})
        if fault == "slow_after_apply":
            time.sleep(seconds)
        answer = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": _stamp()}
        if errors:
            return 207, {**answer, "errors": errors, "numErrors": len(errors)}, {}
        return 200, answer, {}

    def _read(self, body) -> tuple[int, dict]:
        names = body.get("properties") or []
        results, errors, now = [], [], _stamp()
        for item in body["inputs"]:
            contact = self.contacts.get(item["id"].lower())
            if contact is None:
                errors.append({"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some CONTACT objects",
                               "context": {"ids": [item["id"]]}, "errors": [], "links": {}})
                continue
            results.append({"id": contact["id"], "archived": False, "createdAt": contact["createdAt"],
                            "updatedAt": contact["updatedAt"],
                            "properties": {n: contact["properties"].get(n) for n in names}})
        answer = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": _stamp()}
        if errors:
            return 207, {**answer, "errors": errors, "numErrors": len(errors)}
        return 200, answer

    def respond(self, method, path, headers, raw):
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            status, document, more = (*_error(400, "VALIDATION_ERROR", "Invalid JSON"), {})
        else:
            status, document, more = self.answer(method, path, headers, body)
        payload = json.dumps(document).encode() if document is not None else b""
        return status, "application/json;charset=utf-8", payload, more
