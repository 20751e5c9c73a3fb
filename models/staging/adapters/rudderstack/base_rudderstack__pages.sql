{{ config(enabled=raw_adapter_enabled('rudderstack', 'pages')) }}

{{ collector_pages(source('rudderstack', 'pages'), ['uuid_ts', 'loaded_at']) }}
