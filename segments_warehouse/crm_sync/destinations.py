"""The CRM destinations by name, configured from the environment (credentials never come from a file): what
`segments sync --to NAME` and the Dagster sync assets both send to."""

from __future__ import annotations

import os
from collections.abc import Callable

NAMES = ("hubspot", "salesforce")


def from_environment(name: str, timeout: float | None = None) -> Callable[[], object]:
    """A factory of the destination `name` (called only when the sync has something to send)."""
    def hubspot():
        from .hubspot import DEFAULT_API_URL, HubSpotDestination

        return HubSpotDestination(os.environ.get("HUBSPOT_ACCESS_TOKEN", ""),
                                  os.environ.get("SEGMENTS_HUBSPOT_API_URL") or DEFAULT_API_URL,
                                  **({"timeout": timeout} if timeout else {}))

    def salesforce():
        from .salesforce import DEFAULT_EXTERNAL_ID, SalesforceDestination

        return SalesforceDestination(os.environ.get("SALESFORCE_INSTANCE_URL", ""),
                                     os.environ.get("SALESFORCE_ACCESS_TOKEN", ""),
                                     os.environ.get("SEGMENTS_SALESFORCE_OBJECT") or "Contact",
                                     os.environ.get("SEGMENTS_SALESFORCE_EXTERNAL_ID") or DEFAULT_EXTERNAL_ID,
                                     **({"timeout": timeout} if timeout else {}))

    return {"hubspot": hubspot, "salesforce": salesforce}[name]
