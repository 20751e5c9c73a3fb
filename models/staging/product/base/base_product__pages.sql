with

{{ erased_event_ids_cte() }},

source as (

    select * from {{ raw_relation('pages') }}
    {% if is_incremental() %}
        -- only the dedup groups this run must re-screen (macros/incremental_events.sql)
        where {{ event_batch_condition(raw_relation('pages')) }}
    {% endif %}

),

{{ erased_event_flag_ctes() }},

{{ event_context_ctes(raw_relation('pages')) }},

typed as (

    select
        is_erased,
        {{ blank_to_null('id') }} as event_id,
        {{ event_dedup_key() }} as dedup_key,
        {{ event_screening_rules() }} as screened_with,
        {{ unless_erased(canonical_id('user_id')) }} as user_id,
        {{ unless_erased(canonical_id('anonymous_id')) }} as anonymous_id,
        {{ blank_to_null('url') }} as page_url,
        {{ blank_to_null('path') }} as page_path,
        {{ blank_to_null('referrer') }} as referrer,
        {{ blank_to_null('title') }} as page_title,
        lower({{ blank_to_null('context_campaign_source') }}) as utm_source,
        {{ try_parse_timestamp('timestamp') }} as occurred_at,
        {{ blank_to_null('timestamp') }} as occurred_at_raw,
        {{ try_parse_timestamp('sent_at') }} as sent_at,
        -- a row the collector did not stamp falls back to its load time (docs/raw_contract.md)
        coalesce({{ loader_timestamp('received_at') }}, {{ loader_timestamp('uuid_ts') }}) as received_at,
        {{ loader_timestamp('uuid_ts') }} as loaded_at,
        {{ impossible_load_time_columns() }},
        {{ event_context_columns() }}
    from contextualized

),

{{ event_screening_ctes([
    'dedup_key', 'screened_with', 'user_id', 'anonymous_id', 'page_url', 'page_path', 'referrer', 'page_title',
    'utm_source', 'occurred_at', 'sent_at', 'received_at', 'loaded_at', 'device_type', 'os_name', 'browser_name',
    'locale', 'country_key', 'city'
]) }}

select * from screened
