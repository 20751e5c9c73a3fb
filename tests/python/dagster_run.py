"""Run one Dagster job of segments_warehouse.orchestration in-process for one partition and print what happened
as JSON (test_dagster.py runs it in a fresh process, so the definitions load with that test's environment).

    python tests/python/dagster_run.py JOB PARTITION
"""

import json
import sys

from dagster import DagsterEventType, DagsterInstance


def _error_text(error) -> str:
    """The error and its causes (Dagster wraps the step's own exception)."""
    parts = []
    while error is not None:
        parts.append(error.message.strip())
        error = error.cause
    return " <- ".join(parts)


def main(job_name: str, partition: str) -> None:
    from segments_warehouse.orchestration import defs

    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(job_name).execute_in_process(partition_key=partition, instance=instance,
                                                                   raise_on_error=False)
        events = result.all_events
        materialized = sorted({e.asset_key.to_user_string() for e in events
                               if e.event_type == DagsterEventType.ASSET_MATERIALIZATION})
        checks = [e.event_specific_data for e in events
                  if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION]
        failures = [{"step": e.step_key, "message": _error_text(e.event_specific_data.error)[:6000]}
                    for e in events if e.event_type == DagsterEventType.STEP_FAILURE]
        print(json.dumps({
            "success": result.success,
            "materialized": materialized,
            "checks_passed": sorted(c.check_name for c in checks if c.passed),
            # dbt tests of severity warn fail as WARN checks: the build goes on, as dbt's own does
            "checks_failed": sorted(c.check_name for c in checks if not c.passed and c.severity.value == "ERROR"),
            "checks_warned": sorted(c.check_name for c in checks if not c.passed and c.severity.value == "WARN"),
            "failures": failures,
            "skipped": sorted({e.step_key for e in events if e.event_type == DagsterEventType.STEP_SKIPPED}),
        }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
