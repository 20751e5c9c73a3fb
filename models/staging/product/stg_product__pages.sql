with

pages as (

    select * from {{ ref('base_product__pages') }}
    where quarantine_reason is null

),

country_lookup as (

    select * from {{ ref('base_reference__country_lookup') }}

),

cleaned as (

    select
        -- kept rows always have an id: their dedup key is the message id
        pages.dedup_key as event_id,
        pages.user_id,
        pages.anonymous_id,
        pages.page_url,
        pages.page_path,
        pages.referrer,
        pages.page_title,
        pages.utm_source,
        pages.occurred_at,
        pages.sent_at,
        pages.received_at,
        coalesce(
            pages.received_at > {{ dbt.dateadd('hour', var('late_event_hours') | int, 'pages.occurred_at') }}, false
        ) as is_late,
        pages.device_type,
        pages.os_name,
        pages.browser_name,
        pages.locale,
        country_lookup.country_code,
        pages.city,
        pages.loaded_at
    from pages
    left join country_lookup
        on pages.country_key = country_lookup.lookup_key

)

select * from cleaned
