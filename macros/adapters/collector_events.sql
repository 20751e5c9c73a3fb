{#-
    The Segment and RudderStack warehouse schemas are one shape (tracks, pages, identifies, users; context
    flattened into context_* columns, properties into their own columns, a column only once a value was seen):
    one macro per contract table maps both, `load_columns` naming the loader's load-time columns in order of
    preference. docs/adapters.md has the mapping table. One output row per loader row, nothing filtered.
    The contract's text `timestamp` is the client clock (original_timestamp; the loader's skew-corrected
    `timestamp` where original_timestamp was never written), as text whatever the loader typed it.
-#}

{% macro collector_event_columns(columns, load_columns) -%}
        {{ loader_text(columns, ['original_timestamp', 'timestamp']) }} as {{ adapter.quote('timestamp') }},
        {{ loader_text(columns, 'sent_at') }} as sent_at,
        {{ first_loader_timestamp(columns, 'received_at') }} as received_at,
        {{ loader_text(columns, 'context_device_type') }} as context_device_type,
        {{ loader_text(columns, 'context_os_name') }} as context_os_name,
        {{ loader_text(columns, 'context_browser') }} as context_browser,
        {{ loader_text(columns, 'context_user_agent') }} as context_user_agent,
        {{ loader_text(columns, 'context_locale') }} as context_locale,
        {{ loader_text(columns, ['context_location_country', 'context_country']) }} as context_country,
        {{ loader_text(columns, ['context_location_city', 'context_city']) }} as context_city
{%- endmacro %}

{% macro collector_tracks(relation, load_columns) -%}
{%- set columns = loader_columns(relation) -%}
select
    {{ loader_text(columns, 'id') }} as id,
    {{ loader_text(columns, 'user_id') }} as user_id,
    {{ loader_text(columns, 'anonymous_id') }} as anonymous_id,
    {{ loader_text(columns, 'event') }} as event,
    {{ loader_text(columns, 'event_text') }} as event_text,
    {{ collector_event_columns(columns, load_columns) }},
    {{ loader_text(columns, ['feature', '_feature']) }} as feature,
    {{ loader_text(columns, [var('event_value_property'), '_' ~ var('event_value_property')]) }} as value,
    {{ first_loader_timestamp(columns, load_columns) }} as uuid_ts
from {{ relation }}
{%- endmacro %}

{% macro collector_pages(relation, load_columns) -%}
{%- set columns = loader_columns(relation) -%}
select
    {{ loader_text(columns, 'id') }} as id,
    {{ loader_text(columns, 'user_id') }} as user_id,
    {{ loader_text(columns, 'anonymous_id') }} as anonymous_id,
    {{ loader_text(columns, ['url', 'context_page_url']) }} as url,
    {{ loader_text(columns, ['path', 'context_page_path']) }} as path,
    {{ loader_text(columns, ['referrer', 'context_page_referrer']) }} as referrer,
    {{ loader_text(columns, ['title', 'context_page_title']) }} as title,
    {{ loader_text(columns, 'context_campaign_source') }} as context_campaign_source,
    {{ collector_event_columns(columns, load_columns) }},
    {{ first_loader_timestamp(columns, load_columns) }} as uuid_ts
from {{ relation }}
{%- endmacro %}

{#-
    identifies: the email trait of the call (`email`, else context_traits_email), else the user's latest email from
    `users` (grouped to one row per user id, so the left join keeps one row per identify call).
-#}
{% macro collector_identifies(relation, users_relation, load_columns) -%}
{%- set columns = loader_columns(relation) -%}
{%- set user_columns = loader_columns(users_relation) -%}
select
    {{ loader_text(columns, 'id') }} as id,
    {{ loader_text(columns, 'user_id') }} as user_id,
    {{ loader_text(columns, 'anonymous_id') }} as anonymous_id,
    coalesce(
        {{ loader_text(columns, ['email', 'context_traits_email']) }},
        users.user_email
    ) as email,
    {{ loader_text(columns, ['original_timestamp', 'timestamp']) }} as {{ adapter.quote('timestamp') }},
    {{ first_loader_timestamp(columns, 'received_at') }} as received_at,
    {{ first_loader_timestamp(columns, load_columns) }} as uuid_ts
from {{ relation }}
left join (
    select
        {{ loader_text(user_columns, 'id') }} as user_key,
        max({{ loader_text(user_columns, ['email', 'context_traits_email']) }}) as user_email
    from {{ users_relation }}
    group by {{ loader_text(user_columns, 'id') }}
) as users
    on {{ loader_text(columns, 'user_id') }} = users.user_key
{%- endmacro %}
