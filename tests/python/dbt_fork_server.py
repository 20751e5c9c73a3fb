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
    """In the forked child: become the dbt command and exit with its code (never returns). The exit is Python's
    normal one (SystemExit out of main), as the console script's: DuckDB checkpoints a database when its
    connection is finalized, so a child ended with os._exit would leave the build in the write-ahead log."""
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        devnull = os.open(os.devnull, os.O_RDONLY)  # not the request pipe: nothing dbt starts may read it
        os.dup2(devnull, 0)
        os.close(devnull)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        # the process's own streams from here on (they live until it ends, so no context manager)
        sys.stdin = open(os.devnull)  # noqa: SIM115
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        sys.argv = ["dbt", *request["args"]]
        from dbt.cli.main import cli

        try:
            code = cli()
        except SystemExit as done:
            code = done.code
        if code is not None and not isinstance(code, int):  # sys.exit("message"): printed, exit 1, as Python does
            print(code, file=sys.stderr)
            code = 1
        code = code or 0
    except BaseException as error:  # a launcher failure, reported as dbt's would be: on stderr, exit 2
        print(f"dbt_fork_server: {error!r}", file=sys.stderr)
        code = 2
    raise SystemExit(code)


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
