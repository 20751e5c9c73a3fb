with

tracks as (

    select * from {{ ref('base_product__tracks') }}
    where quarantine_reason is null

),

country_lookup as (

    select * from {{ ref('base_reference__country_lookup') }}

),

cleaned as (

    select
        -- kept rows always have an id: their dedup key is the message id
        tracks.dedup_key as event_id,
        tracks.user_id,
        tracks.anonymous_id,
        tracks.event_name,
        tracks.event_text,
        tracks.feature,
        tracks.event_value,
        tracks.has_unparseable_value,
        tracks.occurred_at,
        tracks.sent_at,
        tracks.received_at,
        coalesce(
            tracks.received_at > {{ dbt.dateadd('hour', var('late_event_hours') | int, 'tracks.occurred_at') }}, false
        ) as is_late,
        tracks.device_type,
        tracks.os_name,
        tracks.browser_name,
        tracks.locale,
        country_lookup.country_code,
        tracks.city,
        tracks.loaded_at
    from tracks
    left join country_lookup
        on tracks.country_key = country_lookup.lookup_key

)

select * from cleaned
