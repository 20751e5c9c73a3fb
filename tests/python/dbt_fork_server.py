"""A dbt launcher for the tests: imports dbt and its adapters once, then runs each requested dbt command in a
forked child, exactly as the `dbt` console script runs it (`sys.exit(cli())` with the command's argv, environment
and working folder; stdout and stderr to files). Each run is a fresh process, so nothing of one run reaches the
next; what is saved is dbt's import, about 2.5 seconds of every one of the suite's hundred-odd dbt runs.

Started by conftest.DbtLauncher, one per pytest process; it reads one JSON request per line on stdin and answers
one JSON line per request on stdout. It is single-threaded (fork is safe) and ends when stdin closes.
"""

from __future__ import annotations

import json
import os
import sys


def _run_child(request: dict) -> None:
    """In the forked child: become the dbt command, as the console script does (`sys.exit(cli())`), and never
    return. The exit is Python's normal one (the SystemExit leaves main), which prints a message exit and
    finalizes DuckDB's connection: DuckDB checkpoints then, so an os._exit would leave the build in the
    write-ahead log."""
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # fd 0 /dev/null, not the request pipe (nothing dbt starts may read it); 1 and 2 the request's files
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                                (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
            target = os.open(path, flags, 0o644)
            os.dup2(target, fd)
            os.close(target)
    except OSError as error:  # a launcher failure, reported as dbt's would be: on stderr, exit 2
        print(f"dbt_fork_server: {error!r}", file=sys.stderr)
        raise SystemExit(2) from None
    # the process's own streams from here on (they live until it ends, so no context manager)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    sys.argv = ["dbt", *request["args"]]
    from dbt.cli.main import cli

    sys.exit(cli())


def main() -> None:
    import dbt.adapters.duckdb  # noqa: F401
    import dbt.adapters.postgres  # noqa: F401
    import dbt.task.build  # noqa: F401
    from dbt.cli.main import cli  # noqa: F401  (the import this process exists to do once)

    protocol_in, protocol_out = sys.stdin, sys.stdout
    for line in protocol_in:
        request = json.loads(line)
        protocol_out.flush()
        pid = os.fork()
        if pid == 0:
            _run_child(request)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        protocol_out.write(json.dumps({"returncode": code}) + "\n")
        protocol_out.flush()


if __name__ == "__main__":
    main()
