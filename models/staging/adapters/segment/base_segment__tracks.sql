{{ config(enabled=raw_adapter_enabled('segment', 'tracks')) }}

{{ collector_tracks(source('segment', 'tracks'), 'uuid_ts') }}
