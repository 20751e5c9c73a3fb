{{ config(enabled=raw_adapter_enabled('rudderstack', 'tracks')) }}

{{ collector_tracks(source('rudderstack', 'tracks'), ['uuid_ts', 'loaded_at']) }}
