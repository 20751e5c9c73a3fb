{{ config(enabled=raw_adapter_enabled('generic', 'identifies')) }}

{{ contract_columns(none if raw_table_is_absent('identifies') else source('product', 'identifies'), 'product', 'identifies') }}
