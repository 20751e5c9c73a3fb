{{ config(enabled=raw_adapter_enabled('generic', 'subscriptions')) }}

{{ contract_columns(none if raw_table_is_absent('subscriptions') else source('crm', 'subscriptions'), 'crm', 'subscriptions') }}
