-- depends_on: {{ ref('base_product__identifies_deliveries') }} (read by the incremental batch condition only)
with

{{ event_source_ctes('identifies') }},

typed as (

    select
        {{ event_key_columns() }},
        {{ unless_erased(normalize_email('email')) }} as email,
        {{ try_parse_timestamp('timestamp') }} as occurred_at,
        {{ blank_to_null('timestamp') }} as occurred_at_raw,
        -- a row the collector did not stamp falls back to its load time (docs/raw_contract.md)
        coalesce({{ loader_timestamp('received_at') }}, {{ loader_timestamp('uuid_ts') }}) as received_at,
        {{ loader_timestamp('uuid_ts') }} as loaded_at,
        {{ impossible_load_time_columns() }}
    from flagged_source

),

{{ event_screening_ctes([
    'dedup_key', 'screened_with', 'event_id', 'user_id', 'anonymous_id', 'email', 'occurred_at', 'received_at',
    'loaded_at'
]) }}

select * from screened
