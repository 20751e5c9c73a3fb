{{ config(enabled=raw_adapter_enabled('generic', 'contacts')) }}

{{ contract_columns(none if raw_table_is_absent('contacts') else source('crm', 'contacts'), 'crm', 'contacts') }}
