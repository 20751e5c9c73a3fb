-- One row per contact with attributed events up to as_of_date: the event count and order-independent
-- fingerprints (XOR of a 64-bit hash per event) that the incremental per-contact models compare with what they
-- stored, to recompute only the contacts whose events changed. Computed once per build, in one pass over the
-- attributed events, for every such model: the whole history as int_contacts__daily_activity reads it (id, type,
-- name, time, behavior vars), and the last event_context_window_days() days as int_contacts__daily_event_context
-- reads them (id, type, time, device, browser, OS, country); and the events the custom segments read
-- (int_contacts__custom_event_days) and their sequences read (int_contacts__custom_event_occurrences), with the
-- properties they use and the definitions' usage itself.
{%- set usage = custom_segment_usage() %}
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where contact_id is not null

),

fingerprints as (

    select
        contact_id,
        count(*) as events,
        {{ bit_xor_agg(event_fingerprint()) }} as event_fingerprint,
        sum(case when activity_date >= {{ window_start(event_context_window_days()) }} then 1 else 0 end)
            as context_events,
        {{ bit_xor_agg(
            'case when activity_date >= ' ~ window_start(event_context_window_days())
            ~ ' then ' ~ event_context_fingerprint() ~ ' end'
        ) }} as context_fingerprint,
        sum(case when {{ custom_events_condition(usage.events) }} then 1 else 0 end) as custom_events,
        {{ bit_xor_agg(
            'case when ' ~ custom_events_condition(usage.events) ~ ' then ' ~ custom_event_fingerprint(usage) ~ ' end'
        ) }} as custom_fingerprint,
        sum(case when {{ custom_events_condition(usage.sequence_events) }} then 1 else 0 end) as sequence_events,
        {{ bit_xor_agg(
            'case when ' ~ custom_events_condition(usage.sequence_events) ~ ' then '
            ~ custom_event_fingerprint(usage) ~ ' end'
        ) }} as sequence_fingerprint
    from events
    group by contact_id

)

select * from fingerprints
