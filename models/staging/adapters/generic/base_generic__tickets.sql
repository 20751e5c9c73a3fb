{{ config(enabled=raw_adapter_enabled('generic', 'tickets')) }}

{{ contract_columns(none if raw_table_is_absent('tickets') else source('crm', 'tickets'), 'crm', 'tickets') }}
