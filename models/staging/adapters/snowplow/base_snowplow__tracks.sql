{{ config(enabled=raw_adapter_enabled('snowplow', 'tracks')) }}

{{ snowplow_tracks(source('snowplow', 'events')) }}
