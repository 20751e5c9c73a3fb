"""Compare the sync's HubSpot contract (tests/contracts/hubspot/crm-contacts-v3.openapi.yaml) with a local copy of
HubSpot's own spec collection, which is not licensed for redistribution and so is not in this repository.

    git clone https://github.com/HubSpot/HubSpot-public-api-spec-collection /tmp/hubspot-specs
    .venv/bin/python scripts/check_hubspot_contract.py /tmp/hubspot-specs

For every operation of the contract it walks the request body and the success answers side by side: a field of the
contract that HubSpot's spec does not have, or types differently, is a difference; for a request, so is a required
field that one side requires and the other does not; for an answer, a field the contract requires and HubSpot does
not promise. Constraints the contract adds on purpose (HubSpot's documented limits) are listed, not counted.
Exit code 1 when there is a difference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

CONTRACT = Path(__file__).resolve().parents[1] / "tests" / "contracts" / "hubspot" / "crm-contacts-v3.openapi.yaml"
OFFICIAL = {"/crm/v3/objects/contacts": "PublicApiSpecs/CRM/Contacts/Rollouts/424/v3/contacts.json",
            "/crm/v3/properties": "PublicApiSpecs/CRM/Properties/Rollouts/145899/v3/properties.json"}


def resolve(spec: dict, schema: dict) -> dict:
    """The schema with $ref followed and allOf merged (properties and required lists)."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = resolve(spec, part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def compare(ours_spec, ours, theirs_spec, theirs, where: str, is_request: bool, found: list, notes: list) -> None:
    ours, theirs = resolve(ours_spec, ours), resolve(theirs_spec, theirs)
    kind, their_kind = ours.get("type"), theirs.get("type")
    if kind and their_kind and kind != their_kind:
        found.append(f"{where}: type {kind}, HubSpot's {their_kind}")
        return
    for limit in ("maxItems", "minItems", "maxLength"):
        if limit in ours and limit not in theirs:
            notes.append(f"{where}: {limit} {ours[limit]} (HubSpot's documented limit, not in its spec)")
    if kind == "array":
        compare(ours_spec, ours.get("items", {}), theirs_spec, theirs.get("items", {}), where + "[]", is_request, found, notes)
        return
    if kind != "object":
        return
    if "additionalProperties" in ours and isinstance(ours["additionalProperties"], dict):
        compare(ours_spec, ours["additionalProperties"], theirs_spec, theirs.get("additionalProperties") or {},
                where + "{}", is_request, found, notes)
    mine, their_fields = ours.get("properties", {}), theirs.get("properties", {})
    for name, field in mine.items():
        if name not in their_fields:
            found.append(f"{where}.{name}: not in HubSpot's spec")
            continue
        compare(ours_spec, field, theirs_spec, their_fields[name], f"{where}.{name}", is_request, found, notes)
    required, their_required = set(ours.get("required", [])), set(theirs.get("required", []))
    if is_request and required != their_required:
        found.append(f"{where}: requires {sorted(required)}, HubSpot's spec {sorted(their_required)}")
    if not is_request and required - their_required:
        found.append(f"{where}: requires {sorted(required - their_required)}, which HubSpot's spec does not promise")


def main(collection: str) -> int:
    ours_spec = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    found: list[str] = []
    notes: list[str] = []
    for path, item in ours_spec["paths"].items():
        prefix = next(p for p in OFFICIAL if path.startswith(p))
        theirs_spec = json.loads((Path(collection) / OFFICIAL[prefix]).read_text(encoding="utf-8"))
        for method, operation in item.items():
            theirs = theirs_spec["paths"][path][method]
            where = f"{method.upper()} {path}"
            if "requestBody" in operation:
                compare(ours_spec, operation["requestBody"]["content"]["application/json"]["schema"], theirs_spec,
                        theirs["requestBody"]["content"]["application/json"]["schema"], where + " request", True, found, notes)
            for status, answer in operation["responses"].items():
                if status == "default":
                    continue
                if status not in theirs["responses"]:
                    found.append(f"{where}: answer {status} not in HubSpot's spec")
                    continue
                compare(ours_spec, answer["content"]["application/json"]["schema"], theirs_spec,
                        theirs["responses"][status]["content"]["application/json"]["schema"],
                        f"{where} {status}", False, found, notes)
    for note in notes:
        print(f"note: {note}")
    for difference in found:
        print(f"DIFFERENT: {difference}")
    print(f"{len(found)} difference(s) between the contract and HubSpot's spec")
    return 1 if found else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
