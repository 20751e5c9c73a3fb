"""Source adapters combined in one build: the loaders' fixtures of the six shared people p1..p6@example.com
(fixtures_<loader>.py) written side by side into one DuckDB file, each combination with the vars that choose its
adapters. Every adapter of docs/adapters.md is in one of the three combinations:

  hubspot_segment    HubSpot CRM + Segment events + Stripe billing + Qualtrics surveys
  salesforce_rudder  Salesforce CRM + RudderStack events + Stripe billing + Qualtrics surveys
  hubspot_snowplow   HubSpot CRM + Snowplow events (billing and surveys absent)

Used by tests/python/test_adapter_combined.py (DuckDB, exact segments per person) and by the engine tests
(scripts/test_postgres.sh, scripts/test_spark.sh), which write a combination with

    python tests/python/fixtures_combined.py write NAME DUCKDB_FILE    (prints nothing)
    python tests/python/fixtures_combined.py vars NAME                 (the dbt --vars, JSON)
    python tests/python/fixtures_combined.py schemas NAME              (the DuckDB schemas the loaders wrote)
    python tests/python/fixtures_combined.py names                     (every NAME)

build on DuckDB, copy those schemas to the other engine and compare the marts.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fixtures_hubspot  # noqa: E402
import fixtures_qualtrics  # noqa: E402
import fixtures_rudderstack  # noqa: E402
import fixtures_salesforce  # noqa: E402
import fixtures_segment  # noqa: E402
import fixtures_snowplow  # noqa: E402
import fixtures_stripe  # noqa: E402

AS_OF = "2026-11-01"


@dataclass(frozen=True)
class Combination:
    crm: str
    events: str
    billing: str = "generic"
    surveys: str = "generic"
    absent: tuple[str, ...] = ()
    extra_vars: dict = field(default_factory=dict)

    @property
    def loaders(self) -> list:
        """The fixture modules to write, each with its schema."""
        chosen = {"hubspot": (fixtures_hubspot, "hubspot"), "salesforce": (fixtures_salesforce, "salesforce"),
                  "segment": (fixtures_segment, fixtures_segment.SCHEMA),
                  "rudderstack": (fixtures_rudderstack, fixtures_rudderstack.SCHEMA),
                  "snowplow": (fixtures_snowplow, fixtures_snowplow.SCHEMA),
                  "stripe": (fixtures_stripe, "stripe"), "qualtrics": (fixtures_qualtrics, "qualtrics")}
        return [chosen[name] for name in (self.crm, self.events, self.billing, self.surveys) if name != "generic"]

    def variables(self) -> dict:
        return {"as_of_date": AS_OF, "crm_adapter": self.crm, "events_adapter": self.events,
                "billing_adapter": self.billing, "surveys_adapter": self.surveys,
                "absent_raw_tables": list(self.absent), **self.extra_vars}

    def schemas(self) -> list[str]:
        """Every DuckDB schema written: the loaders' and raw_compliance (erasure requests are always generic)."""
        return [schema for _, schema in self.loaders] + ["raw_compliance"]


QUALTRICS_VARS = {"qualtrics_question_map": fixtures_qualtrics.QUESTION_MAP,
                  "guided_onboarding_answers": ["guided onboarding"]}

COMBINATIONS = {
    "hubspot_segment": Combination("hubspot", "segment", "stripe", "qualtrics", extra_vars=QUALTRICS_VARS),
    "salesforce_rudder": Combination("salesforce", "rudderstack", "stripe", "qualtrics", extra_vars=QUALTRICS_VARS),
    "hubspot_snowplow": Combination("hubspot", "snowplow", absent=("orders", "subscriptions", "responses")),
}


def write(con, name: str) -> None:
    """The loaders' tables of combination `name` and one erasure request (for nobody) into a DuckDB connection."""
    for module, _schema in COMBINATIONS[name].loaders:
        module.write(con)
    con.execute("create schema if not exists raw_compliance")
    con.execute("create or replace table raw_compliance.erasure_requests as select 'er1' as id, "
                "'nobody@example.com' as email, '2026-10-01T00:00:00Z' as requested_at, "
                "timestamp '2026-11-02 01:00:00' as _loaded_at")


def main(argv: list[str]) -> int:
    usage = "usage: fixtures_combined.py write NAME DUCKDB_FILE | vars NAME | schemas NAME | names"
    if argv == ["names"]:
        print(" ".join(COMBINATIONS))
        return 0
    if len(argv) < 2 or argv[1] not in COMBINATIONS or argv[0] not in ("write", "vars", "schemas"):
        print(f"{usage}\nNAME: one of {', '.join(COMBINATIONS)}", file=sys.stderr)
        return 2
    command, name = argv[0], argv[1]
    if command == "vars":
        print(json.dumps(COMBINATIONS[name].variables()))
    elif command == "schemas":
        print(" ".join(COMBINATIONS[name].schemas()))
    else:
        if len(argv) != 3:
            print(usage, file=sys.stderr)
            return 2
        import duckdb

        with duckdb.connect(argv[2]) as con:
            write(con, name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
