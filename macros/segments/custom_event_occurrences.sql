{#-
    The shared ordered occurrences of the custom segments' sequences (model int_contacts__custom_event_occurrences,
    docs/custom_segments.md, Sequences): one row per event of the events in usage.sequence_events, with its time,
    its UTC day and the value of each property in usage.properties. A sequence needs the events in order, which the
    daily pre-aggregate (custom_event_days_sql) does not keep. The model calls it with what every definition reads
    (custom_segment_usage()); `segments preview` inlines it with what the previewed definition reads. The model
    also asks for each event's custom_event_fingerprint (`fingerprint`) and, on an incremental run, only the
    contacts of the query `contacts`.
-#}
{% macro custom_event_occurrences_sql(usage, contacts=none, fingerprint=false) -%}
    {%- set columns = ['contact_id', 'occurred_at', 'activity_date', 'event_name'] + usage.properties -%}
    select
        {{ columns | join(',\n        ') }}
        {%- if fingerprint %},
        {{ custom_event_fingerprint(usage) }} as event_fingerprint
        {%- endif %}
    from {{ ref('int_events__attributed') }}
    {{ custom_events_where(usage.sequence_events) }}
    {%- if contacts %}
        and contact_id in ({{ contacts }})
    {%- endif %}
{%- endmacro %}
