"""The raw tables the generator writes: every table of docs/raw_contract.md with its columns, in order, and their
types; and the time units every module counts in. Both forms the contract allows occur: contacts.is_deleted and
orders.amount are text (as a CSV loader lands them), accounts.is_deleted and subscriptions.mrr typed."""

from __future__ import annotations

import pyarrow as pa

DAY = 86_400
HOUR = 3_600
BATCH_ROWS = 262_144  # rows per arrow batch streamed into a Parquet file

# --------------------------------------------------------------------------------------------------------------
# the contract: every raw table with its columns, in order, and their types

_S, _I, _F, _B, _T = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.timestamp("us")
SCHEMAS: dict[tuple[str, str], pa.Schema] = {
    ("raw_crm", "accounts"): pa.schema([
        ("id", _S), ("name", _S), ("industry", _S), ("employee_count", _I), ("annual_revenue", _F), ("country", _S),
        ("business_model", _S), ("tech_crm", _S), ("tech_marketing_automation", _S), ("tech_database", _S),
        ("tech_analytics", _S), ("is_deleted", _B), ("created_at", _S), ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "contacts"): pa.schema([
        ("id", _S), ("account_id", _S), ("email", _S), ("first_name", _S), ("last_name", _S), ("birth_date", _S),
        ("gender", _S), ("household_income", _F), ("education", _S), ("marital_status", _S), ("job_title", _S),
        ("seniority", _S), ("language", _S), ("country", _S), ("state", _S), ("city", _S), ("timezone", _S),
        ("lifecycle_stage", _S), ("original_source", _S), ("owner_name", _S), ("is_deleted", _S), ("created_at", _S),
        ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "subscriptions"): pa.schema([
        ("id", _S), ("account_id", _S), ("plan", _S), ("status", _S), ("mrr", _F), ("currency", _S),
        ("started_at", _S), ("renews_at", _S), ("canceled_at", _S), ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "orders"): pa.schema([
        ("id", _S), ("contact_id", _S), ("account_id", _S), ("parent_order_id", _S), ("amount", _S), ("currency", _S),
        ("status", _S), ("ordered_at", _S), ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_crm", "tickets"): pa.schema([
        ("id", _S), ("contact_id", _S), ("subject", _S), ("priority", _S), ("status", _S), ("created_at", _S),
        ("updated_at", _S), ("_loaded_at", _T)]),
    ("raw_product", "tracks"): pa.schema([
        ("id", _S), ("user_id", _S), ("anonymous_id", _S), ("event", _S), ("event_text", _S), ("timestamp", _S),
        ("sent_at", _S), ("received_at", _T), ("context_device_type", _S), ("context_os_name", _S),
        ("context_browser", _S), ("context_user_agent", _S), ("context_locale", _S), ("context_country", _S),
        ("context_city", _S), ("feature", _S), ("value", _S), ("uuid_ts", _T)]),
    ("raw_product", "pages"): pa.schema([
        ("id", _S), ("user_id", _S), ("anonymous_id", _S), ("url", _S), ("path", _S), ("referrer", _S), ("title", _S),
        ("context_campaign_source", _S), ("timestamp", _S), ("sent_at", _S), ("received_at", _T),
        ("context_device_type", _S), ("context_os_name", _S), ("context_browser", _S), ("context_user_agent", _S),
        ("context_locale", _S), ("context_country", _S), ("context_city", _S), ("uuid_ts", _T)]),
    ("raw_product", "identifies"): pa.schema([
        ("id", _S), ("user_id", _S), ("anonymous_id", _S), ("email", _S), ("timestamp", _S), ("received_at", _T),
        ("uuid_ts", _T)]),
    ("raw_surveys", "responses"): pa.schema([
        ("id", _S), ("response_id", _S), ("survey_name", _S), ("question_id", _S), ("question_text", _S),
        ("respondent_email", _S), ("answer_text", _S), ("submitted_at", _S), ("is_test_response", _S),
        ("_loaded_at", _T)]),
    ("raw_compliance", "erasure_requests"): pa.schema([
        ("id", _S), ("email", _S), ("contact_id", _S), ("requested_at", _S), ("_loaded_at", _T)]),
}
SOURCES = {"raw_crm": "crm", "raw_product": "product", "raw_surveys": "surveys", "raw_compliance": "compliance"}
_DUCKDB_TYPES = {_S: "VARCHAR", _I: "BIGINT", _F: "DOUBLE", _B: "BOOLEAN", _T: "TIMESTAMP"}
