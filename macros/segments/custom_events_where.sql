{#-
    The where clause both custom-segment pre-aggregates (custom_event_days_sql, custom_event_occurrences_sql) read
    the attributed events with: events of a known contact whose name is in `events`; none when `events` is empty
    (no definition reads any), so the model is built empty rather than over every event.
-#}
{% macro custom_events_where(events) -%}
    where
        contact_id is not null
        {% if events -%}
            and event_name in {{ sql_string_list(events) }}
        {%- else -%}
            and 1 = 0
        {%- endif %}
{%- endmacro %}
