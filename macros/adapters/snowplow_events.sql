{#-
    Snowplow atomic.events (one wide table, one row per event) onto the contract's tracks, pages and identifies
    (docs/adapters.md). page_view rows are pages; every other event (page_ping, struct, unstruct, transaction, ...)
    is a track, so no event is dropped. Client clock dvce_created_tstamp, sent dvce_sent_tstamp, received
    collector_tstamp, loaded load_tstamp (else etl_tstamp). A struct event's name is its se_action, any other's
    its event_name (else event).
-#}
{% macro snowplow_event_columns(columns) -%}
        {{ loader_text(columns, ['dvce_created_tstamp', 'derived_tstamp']) }} as {{ adapter.quote('timestamp') }},
        {{ loader_text(columns, 'dvce_sent_tstamp') }} as sent_at,
        {{ first_loader_timestamp(columns, 'collector_tstamp') }} as received_at,
        case lower({{ loader_text(columns, 'dvce_type') }})
            when 'computer' then 'desktop'
            else lower({{ loader_text(columns, 'dvce_type') }})
        end as context_device_type,
        {{ loader_text(columns, 'os_family') }} as context_os_name,
        {{ loader_text(columns, 'br_family') }} as context_browser,
        {{ loader_text(columns, 'useragent') }} as context_user_agent,
        {{ loader_text(columns, 'br_lang') }} as context_locale,
        {{ loader_text(columns, 'geo_country') }} as context_country,
        {{ loader_text(columns, 'geo_city') }} as context_city
{%- endmacro %}

{% macro snowplow_is_page_view(columns) -%}
    coalesce(lower({{ loader_text(columns, ['event_name', 'event']) }}) = 'page_view', false)
{%- endmacro %}

{% macro snowplow_tracks(relation) -%}
{%- set columns = loader_columns(relation) -%}
select
    {{ loader_text(columns, 'event_id') }} as id,
    {{ loader_text(columns, 'user_id') }} as user_id,
    {{ loader_text(columns, 'domain_userid') }} as anonymous_id,
    case
        when lower({{ loader_text(columns, 'event') }}) = 'struct' then {{ loader_text(columns, 'se_action') }}
        else {{ loader_text(columns, ['event_name', 'event']) }}
    end as event,
    {{ loader_text(columns, 'se_category') }} as event_text,
    {{ snowplow_event_columns(columns) }},
    {{ loader_text(columns, 'se_label') }} as feature,
    {{ loader_text(columns, 'se_value') }} as value,
    {{ first_loader_timestamp(columns, ['load_tstamp', 'etl_tstamp']) }} as uuid_ts
from {{ relation }}
where not {{ snowplow_is_page_view(columns) }}
{%- endmacro %}

{% macro snowplow_pages(relation) -%}
{%- set columns = loader_columns(relation) -%}
select
    {{ loader_text(columns, 'event_id') }} as id,
    {{ loader_text(columns, 'user_id') }} as user_id,
    {{ loader_text(columns, 'domain_userid') }} as anonymous_id,
    {{ loader_text(columns, 'page_url') }} as url,
    {{ loader_text(columns, 'page_urlpath') }} as path,
    {{ loader_text(columns, 'page_referrer') }} as referrer,
    {{ loader_text(columns, 'page_title') }} as title,
    {{ loader_text(columns, 'mkt_source') }} as context_campaign_source,
    {{ snowplow_event_columns(columns) }},
    {{ first_loader_timestamp(columns, ['load_tstamp', 'etl_tstamp']) }} as uuid_ts
from {{ relation }}
where {{ snowplow_is_page_view(columns) }}
{%- endmacro %}

{#-
    Snowplow has no identify call: an identify is derived from every event that carries a user_id (with its
    domain_userid, which may be null), one row per event, id 'sp-identify-' || event_id, so rows in (this
    model's rows) = kept + quarantined holds as for any adapter. The email is the user_id where it looks like an
    email (contains '@'); otherwise null (the row still ties domain_userid to user_id, but that user's
    events link to no contact: a tracker that sets user_id to an internal id needs the generic identifies).
-#}
{% macro snowplow_identifies(relation) -%}
{%- set columns = loader_columns(relation) -%}
select
    'sp-identify-' || {{ loader_text(columns, 'event_id') }} as id,
    {{ loader_text(columns, 'user_id') }} as user_id,
    {{ loader_text(columns, 'domain_userid') }} as anonymous_id,
    case
        when {{ loader_text(columns, 'user_id') }} like '%@%' then {{ loader_text(columns, 'user_id') }}
    end as email,
    {{ loader_text(columns, ['dvce_created_tstamp', 'derived_tstamp']) }} as {{ adapter.quote('timestamp') }},
    {{ first_loader_timestamp(columns, 'collector_tstamp') }} as received_at,
    {{ first_loader_timestamp(columns, ['load_tstamp', 'etl_tstamp']) }} as uuid_ts
from {{ relation }}
where nullif(trim({{ loader_text(columns, 'user_id') }}), '') is not null
{%- endmacro %}
