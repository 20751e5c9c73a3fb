"""sqlfluff as `make lint` and `make fmt` run it: the arguments of the sqlfluff command, with two changes.

1. sqlparse's limits lifted, as dbt's own CLI lifts them (its --sqlparse option defaults to no limit): dbt parses a
   model's compiled SQL with sqlparse to inject ephemeral models, and sqlparse refuses a statement of more than
   10,000 tokens. sqlfluff's dbt templater compiles without dbt's CLI, so it kept that limit, and the user-agent
   rules (macros/events/ua_parser_rules.sql: one literal pattern per rule, about 48,000 tokens) made it skip
   base_product__tracks and base_product__pages.
2. A file the dbt templater skips (a fatal exception during compilation) fails the run: sqlfluff only warns, and
   the file goes unlinted without anyone noticing.
"""

from __future__ import annotations

import logging
import sys

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


def main() -> int:
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
