{{ config(enabled=raw_adapter_enabled('generic', 'tracks')) }}

{{ contract_columns(none if raw_table_is_absent('tracks') else source('product', 'tracks'), 'product', 'tracks') }}
