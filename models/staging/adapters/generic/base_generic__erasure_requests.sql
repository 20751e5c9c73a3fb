{{ config(enabled=raw_adapter_enabled('generic', 'erasure_requests')) }}

{{ contract_columns(source('compliance', 'erasure_requests'), 'compliance', 'erasure_requests') }}
