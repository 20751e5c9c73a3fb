{#-
    The shared pre-aggregate of the custom segments' event conditions (model int_contacts__custom_event_days,
    docs/custom_segments.md): one row per contact, UTC day, event name and value of each property in
    usage.properties, for the events in usage.events, with the events' count, first and last time, and the sum of
    each numeric column in usage.sums (<column>_sum; null when none of the events has a value). The model
    calls it with what every definition reads (custom_segment_usage()); `segments preview` inlines it with what the
    previewed definition reads, so a new event or property needs no build. The model also asks for the XOR of
    custom_event_fingerprint per row (`fingerprint`) and, on an incremental run, only the contacts of the query
    `contacts`.
-#}
{% macro custom_event_days_sql(usage, contacts=none, fingerprint=false) -%}
    {%- set group_columns = ['contact_id', 'activity_date', 'event_name'] + usage.properties -%}
    select
        {{ group_columns | join(',\n        ') }},
        count(*) as events,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
        {%- for numeric in usage.get('sums', []) %},
        sum({{ numeric }}) as {{ numeric }}_sum
        {%- endfor %}
        {%- if fingerprint %},
        {{ bit_xor_agg(custom_event_fingerprint(usage)) }} as event_fingerprint
        {%- endif %}
    from {{ ref('int_events__attributed') }}
    {{ custom_events_where(usage.events) }}
    {%- if contacts %}
        and contact_id in ({{ contacts }})
    {%- endif %}
    group by {{ group_columns | join(', ') }}
{%- endmacro %}
