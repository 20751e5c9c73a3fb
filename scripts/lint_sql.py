"""sqlfluff as `make lint` and `make fmt` run it: the arguments of the sqlfluff command, with two changes.

1. sqlparse's limits lifted, as dbt's own CLI lifts them (its --sqlparse option defaults to no limit): dbt parses a
   model's compiled SQL with sqlparse to inject ephemeral models, and sqlparse refuses a statement of more than
   10,000 tokens. sqlfluff's dbt templater compiles without dbt's CLI, so it kept that limit, and the user-agent
   rules (macros/events/ua_parser_rules.sql: one literal pattern per rule, about 48,000 tokens) made it skip
   base_product__tracks and base_product__pages.
2. A file the dbt templater skips (a fatal exception during compilation) fails the run: sqlfluff only warns, and
   the file goes unlinted without anyone noticing.

`lint_sql.py adapters` lints the source adapters' models (models/staging/adapters/<loader>/), which the project's
default vars (the generic adapter) disable, so `lint models` passes over them: once per combination of ADAPTER_RUNS,
each with that combination's adapter vars in an extra sqlfluff config (target/sqlfluff-<name>.cfg), every loader
folder once.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import sqlparse.engine.grouping as grouping

grouping.MAX_GROUPING_TOKENS = None
grouping.MAX_GROUPING_DEPTH = None


class _Skips(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "fatal exception during compilation" in message:
            self.messages.append(message)


PROJECT_DIR = Path(__file__).resolve().parents[1]

# name -> the adapter vars and the loader folders that combination enables (every loader of docs/adapters.md once)
ADAPTER_RUNS = {
    "hubspot_segment_stripe_qualtrics": (
        {"crm_adapter": "hubspot", "events_adapter": "segment", "billing_adapter": "stripe", "surveys_adapter": "qualtrics"},
        ["hubspot", "segment", "stripe", "qualtrics"]),
    "salesforce_rudderstack": (
        {"crm_adapter": "salesforce", "events_adapter": "rudderstack"}, ["salesforce", "rudderstack"]),
    "snowplow": ({"events_adapter": "snowplow"}, ["snowplow"]),
}


def lint_adapters() -> int:
    failed = []
    for name, (variables, loaders) in ADAPTER_RUNS.items():
        config = PROJECT_DIR / "target" / f"sqlfluff-{name}.cfg"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text("[sqlfluff:templater:dbt:context]\n" + "".join(f"{k} = {v}\n" for k, v in variables.items()),
                          encoding="utf-8")
        folders = [f"models/staging/adapters/{loader}" for loader in loaders]
        print(f"sqlfluff lint {' '.join(folders)} ({', '.join(f'{k}={v}' for k, v in variables.items())})", file=sys.stderr)
        done = subprocess.run([sys.executable, __file__, "lint", "--processes", "0", "--config", str(config), *folders],
                              cwd=PROJECT_DIR)
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"sqlfluff found problems in the adapters of: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    if sys.argv[1:] == ["adapters"]:
        return lint_adapters()
    from sqlfluff.cli.commands import cli

    skips = _Skips()
    logging.getLogger("sqlfluff").addHandler(skips)
    try:
        cli.main(args=sys.argv[1:], prog_name="sqlfluff")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    if skips.messages:
        print(f"sqlfluff could not compile {len(skips.messages)} file(s), so it did not lint them:", file=sys.stderr)
        for message in skips.messages:
            print(f"  {message.splitlines()[0]}", file=sys.stderr)
        return code or 1
    return code


if __name__ == "__main__":
    sys.exit(main())
