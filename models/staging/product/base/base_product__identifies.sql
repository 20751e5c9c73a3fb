with

{{ erased_event_ids_cte() }},

source as (

    select * from {{ raw_relation('identifies') }}

),

{{ erased_event_flag_ctes() }},

typed as (

    select
        is_erased,
        {{ blank_to_null('id') }} as event_id,
        {{ unless_erased(canonical_id('user_id')) }} as user_id,
        {{ unless_erased(canonical_id('anonymous_id')) }} as anonymous_id,
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
    'event_id', 'user_id', 'anonymous_id', 'email', 'occurred_at', 'received_at', 'loaded_at'
]) }}

select * from screened
