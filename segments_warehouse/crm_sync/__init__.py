"""`segments sync`: the reverse-ETL change feed sent to a CRM through its API, each change applied once.

What is sent: the rows of ``reverse_etl.rev_etl__crm_contacts`` whose properties differ from what this destination
last confirmed (``reverse_etl.crm_sync_state``), as the file export sends the rows of the change feed. The state is
kept per destination, so the file export and each CRM move on independently.

The order that makes it exactly-once (state.py has the tables):
1. a batch's rows and the values about to be sent are recorded in ``reverse_etl.crm_sync_pending`` (committed);
2. the batch is sent; the CRM's answer says, per contact, confirmed or rejected;
3. in one transaction the confirmed contacts go into the sync state, the rejected ones into
   ``reverse_etl.crm_sync_errors``, and the batch's pending rows are deleted.
A run killed between 1 and 3 leaves pending rows. The next run reads those contacts back from the CRM first: a
contact the CRM already holds with the values that were being sent is marked synced and not sent again; any other
is sent again. An answer that leaves the outcome unknown (a 5xx, a timeout, a dropped connection) is settled the
same way before anything is resent, so a contact is never sent twice with the same values. A 429 means the request
was not processed: it is retried after the CRM's Retry-After.

A contact the CRM rejects (a 4xx for that contact) is kept in the errors table with the CRM's message and the
properties hash it was rejected with, and is not sent again until its properties change (or `--retry-errors`).
"""

from .runner import SyncError, SyncResult, run_sync

__all__ = ["SyncError", "SyncResult", "run_sync"]
