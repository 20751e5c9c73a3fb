{%- set value = try_cast_number('value', 'double') %}
with

{{ event_source_ctes('tracks') }},

{{ event_context_ctes(ref('base_product__tracks_deliveries')) }},

typed as (

    select
        {{ event_key_columns() }},
        lower({{ blank_to_null('event') }}) as event_name,
        {{ blank_to_null('event_text') }} as event_text,
        {{ event_time_columns() }},
        {{ event_context_columns() }},
        lower({{ blank_to_null('feature') }}) as feature,
        case when abs({{ value }}) < 1e15 then {{ value }} end as event_value,
        -- given, but not a number in the contract's form or beyond 10^15 (a sum of such values, scaled to round it,
        -- would overflow on Postgres): the event is kept without it, and counted (flagged records)
        coalesce({{ blank_to_null('value') }} is not null and not coalesce(abs({{ value }}) < 1e15, false), false)
            as has_unparseable_value
    from contextualized

),

{{ event_screening_ctes([
    'dedup_key', 'screened_with', 'user_id', 'anonymous_id', 'event_name', 'event_text', 'occurred_at', 'sent_at',
    'received_at', 'loaded_at', 'device_type', 'os_name', 'browser_name', 'locale', 'country_key', 'city', 'feature',
    'event_value', 'has_unparseable_value'
]) }}

select * from screened
