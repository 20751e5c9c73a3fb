"""`segments sync --to hubspot|salesforce`: the contacts whose segment properties changed, sent to the CRM through its API
(segments_warehouse/crm_sync has the rules; docs/crm_sync.md the operator's view)."""

from __future__ import annotations

import sys

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .cli_common import console, duckdb_path_option, fail, new_table, stdout_console
from .crm_sync.destinations import NAMES as DESTINATIONS
from .gates import accept_change_option


def _print_plan(result) -> None:
    out = stdout_console()
    table = new_table(f"{result.destination}: what a sync would send", "contacts", "count")
    table.add_row("never synced (created or matched by email)", f"{result.to_create:,}")
    table.add_row("changed since the last confirmed sync", f"{result.to_update:,}")
    table.add_row("held back: rejected before with the same properties", f"{result.held_back:,}")
    table.add_row("in a batch a stopped run left (read back first, resent if not applied)", f"{result.pending_resent:,}")
    table.add_row("to forget: no longer in the feed (erased, or without an email now)", f"{result.forgotten:,}")
    out.print(table)
    if result.property_changes:
        changes = new_table("properties that change", "property", "contacts")
        for name, count in sorted(result.property_changes.items()):
            changes.add_row(name, f"{count:,}")
        out.print(changes)
    for change in result.sample:
        diff = {k: v for k, v in change.properties.items() if (change.previous or {}).get(k, "") != v}
        out.print(f"  {change.email}: {diff}", highlight=False, soft_wrap=True)
    if result.gates_blocked is not None:
        console.print(f"[yellow]the gates would block this sync:[/yellow] {result.gates_blocked}")


@click.command("sync")
@click.option("--to", "destination", required=True, type=click.Choice(DESTINATIONS),
              help="The CRM: HubSpot (token in $HUBSPOT_ACCESS_TOKEN; $SEGMENTS_HUBSPOT_API_URL for another host) or "
                   "Salesforce (Bulk API 2.0: $SALESFORCE_INSTANCE_URL, $SALESFORCE_ACCESS_TOKEN; docs/crm_sync.md).")
@click.option("--dry-run", is_flag=True,
              help="Print what would be sent, by property; call no API, send and record nothing.")
@click.option("--retry-errors", is_flag=True,
              help="Send again the contacts the CRM rejected before, though their properties did not change.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds to wait for one API answer; a timeout is settled by reading the contacts back.")
@click.option("--max-attempts", default=6, show_default=True, type=click.IntRange(min=1, max=20),
              help="Tries of one request before the run stops (waits double from 1 s; a 429 waits its Retry-After).")
@duckdb_path_option
@click.option("--run-results", default="target/run_results.json", show_default=True,
              help="The dbt run being synced (its invocation id keys an --accept-change).")
@accept_change_option
def sync_command(destination, dry_run, retry_errors, timeout, max_attempts, duckdb_path, run_results, accept_change) -> None:
    """Send the contacts whose segment properties changed since this CRM last confirmed them, through its API;
    each contact is marked synced only when the CRM confirmed it.

    Blocked (exit 1, nothing sent) when the gates find the build too far from the last published one."""
    from .crm_sync import SyncError, run_sync
    from .crm_sync.destinations import from_environment
    from .crm_sync.runner import RetryPolicy
    from .gates import GateError, GatesBlocked, print_blocked, print_passed

    with Progress(TextColumn("sending"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True, disable=dry_run) as progress:
        task = progress.add_task("sync", total=None)
        try:
            result = run_sync(duckdb_path, destination, from_environment(destination, timeout), dry_run=dry_run,
                              retry_errors=retry_errors, run_results=run_results, accept_change=accept_change,
                              policy=RetryPolicy(attempts=max_attempts),
                              on_progress=lambda done, total: progress.update(task, completed=done, total=total))
        except GatesBlocked as blocked:
            progress.stop()
            print_blocked(console, blocked, "not synced")
        except (SyncError, GateError) as error:
            progress.stop()
            for why, seconds in getattr(getattr(error, "result", None), "waits", []):
                console.print(f"retried after {seconds:g} s: {why}", highlight=False)
            console.print(f"[red]sync stopped:[/red] {error}")
            sys.exit(1)
        except ValueError as error:
            fail(error)
    if dry_run:
        _print_plan(result)
        return
    print_passed(console, result.gates, accept_change)
    if result.settled_from_stopped_run or result.pending_resent:
        console.print(f"A stopped sync left {result.settled_from_stopped_run + result.pending_resent:,} contact(s) in "
                      f"flight: {result.settled_from_stopped_run:,} found applied in {destination} (marked synced, "
                      f"not resent), {result.pending_resent:,} sent again")
    if result.forgotten:
        console.print(f"Forgot {result.forgotten:,} contact(s) the feed no longer has (erased, or without an email now): "
                      "their rows are gone from the sync's tables")
    if result.created_properties:
        console.print(f"Created {len(result.created_properties)} contact properties in {destination}: "
                      f"{', '.join(result.created_properties)}")
    for why, seconds in result.waits:
        console.print(f"retried after {seconds:g} s: {why}", highlight=False)
    if result.to_create + result.to_update == 0:
        console.print(f"Nothing changed since the last sync to {destination}"
                      + (f" ({result.held_back:,} held back by earlier rejections)" if result.held_back else ""))
        return
    if result.unconfirmed:
        console.print(f"[yellow]{result.unconfirmed:,} contact(s) neither confirmed nor rejected by {destination}[/yellow]"
                      " (not found with the values sent when read back, or left unprocessed by its job): not marked "
                      "synced, sent again by the next run")
    console.print(f"Synced {result.confirmed:,} contact(s) to {destination} in {result.requests:,} request(s): "
                  f"{result.to_create:,} new, {result.to_update:,} changed; {result.rejected:,} rejected"
                  + (f", {result.held_back:,} held back by earlier rejections" if result.held_back else ""))
    if result.errors_total:
        console.print(f"[yellow]{result.errors_total:,} contact(s) stand rejected by {destination}[/yellow]: see "
                      "reverse_etl.crm_sync_errors (sent again when their properties change, or with --retry-errors)")
    if result.rejected:
        sys.exit(1)  # new rejections in this run: the orchestrator should see them
