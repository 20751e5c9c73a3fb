{{ config(enabled=raw_adapter_enabled('segment', 'pages')) }}

{{ collector_pages(source('segment', 'pages'), 'uuid_ts') }}
