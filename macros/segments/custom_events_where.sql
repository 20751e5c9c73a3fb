{#-
    The where clause both custom-segment pre-aggregates (custom_event_days_sql, custom_event_occurrences_sql) read
    the attributed events with: events of a known contact whose name is in `events`; none when `events` is empty
    (no definition reads any), so the model is built empty rather than over every event.
-#}
{% macro custom_events_where(events) -%}
    where
        contact_id is not null
        and {{ custom_events_condition(events) }}
{%- endmacro %}

{#- Whether an attributed event is one of `events` (false for every event when `events` is empty). -#}
{% macro custom_events_condition(events) -%}
    {%- if events -%}
        event_name in {{ sql_string_list(events) }}
    {%- else -%}
        1 = 0
    {%- endif -%}
{%- endmacro %}

{#-
    A 64-bit hash of what the custom pre-aggregates read of an attributed event (id, type, time, name, and the
    properties and summed columns of `usage`) and of `usage` itself: XOR-ed per contact in
    int_contacts__event_fingerprints and stored by the incremental pre-aggregates, so a contact whose events, or
    a project whose definitions, read differently is recomputed.
-#}
{% macro custom_event_fingerprint(usage) -%}
    {{ fingerprint_of(
        ['event_id', 'event_type', 'occurred_at', 'event_name'] + usage.properties + usage.get('sums', []),
        sql_string(tojson(usage, sort_keys=true))
    ) }}
{%- endmacro %}
