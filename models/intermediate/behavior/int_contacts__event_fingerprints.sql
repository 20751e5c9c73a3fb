-- One row per contact with attributed events up to as_of_date: the event counts and order-independent
-- fingerprints (XOR of a 64-bit hash per event) that the incremental per-contact models compare with what they
-- stored, to recompute only the contacts whose events changed. Computed once per build, in one pass over the
-- attributed events, for every such model (macro contact_fingerprint_figures): the whole history as
-- int_contacts__daily_activity reads it, the days of int_contacts__daily_event_context's window as it reads them,
-- and the events the custom segments and their sequences read (int_contacts__custom_event_days,
-- int_contacts__custom_event_occurrences).
{%- set figures = contact_fingerprint_figures() %}
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where contact_id is not null

),

fingerprints as (

    select
        contact_id,
        {{ contact_fingerprint_columns(figures['events']) }},
        {{ contact_fingerprint_columns(figures['context']) }},
        {{ contact_fingerprint_columns(figures['custom']) }},
        {{ contact_fingerprint_columns(figures['sequence']) }}
    from events
    group by contact_id

)

select * from fingerprints
