{{ config(enabled=raw_adapter_enabled('generic', 'accounts')) }}

{{ contract_columns(none if raw_table_is_absent('accounts') else source('crm', 'accounts'), 'crm', 'accounts') }}
