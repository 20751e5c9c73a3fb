{{ config(enabled=raw_adapter_enabled('generic', 'responses')) }}

{{ contract_columns(none if raw_table_is_absent('responses') else source('surveys', 'responses'), 'surveys', 'responses') }}
