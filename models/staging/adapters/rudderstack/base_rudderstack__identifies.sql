{{ config(enabled=raw_adapter_enabled('rudderstack', 'identifies')) }}

{{ collector_identifies(source('rudderstack', 'identifies'), source('rudderstack', 'users'), ['uuid_ts', 'loaded_at']) }}
