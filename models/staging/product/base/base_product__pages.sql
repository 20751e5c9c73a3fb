with

{{ event_source_ctes('pages') }},

{{ event_context_ctes(ref('base_product__pages_deliveries')) }},

typed as (

    select
        {{ event_key_columns() }},
        {{ blank_to_null('url') }} as page_url,
        {{ blank_to_null('path') }} as page_path,
        {{ blank_to_null('referrer') }} as referrer,
        {{ blank_to_null('title') }} as page_title,
        lower({{ blank_to_null('context_campaign_source') }}) as utm_source,
        {{ event_time_columns() }},
        {{ event_context_columns() }}
    from contextualized

),

{{ event_screening_ctes([
    'dedup_key', 'screened_with', 'user_id', 'anonymous_id', 'page_url', 'page_path', 'referrer', 'page_title',
    'utm_source', 'occurred_at', 'sent_at', 'received_at', 'loaded_at', 'device_type', 'os_name', 'browser_name',
    'locale', 'country_key', 'city'
]) }}

select * from screened
