{{ config(enabled=raw_adapter_enabled('generic', 'pages')) }}

{{ contract_columns(none if raw_table_is_absent('pages') else source('product', 'pages'), 'product', 'pages') }}
