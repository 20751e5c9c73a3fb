{{ config(enabled=raw_adapter_enabled('snowplow', 'pages')) }}

{{ snowplow_pages(source('snowplow', 'events')) }}
