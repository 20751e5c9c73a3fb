{{ config(enabled=raw_adapter_enabled('snowplow', 'identifies')) }}

{{ snowplow_identifies(source('snowplow', 'events')) }}
