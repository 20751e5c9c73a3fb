{{ config(enabled=raw_adapter_enabled('generic', 'orders')) }}

{{ contract_columns(none if raw_table_is_absent('orders') else source('crm', 'orders'), 'crm', 'orders') }}
