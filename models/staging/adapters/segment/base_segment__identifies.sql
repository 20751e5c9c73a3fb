{{ config(enabled=raw_adapter_enabled('segment', 'identifies')) }}

{{ collector_identifies(source('segment', 'identifies'), source('segment', 'users'), 'uuid_ts') }}
