-- One row per session of a contact: a session ends after var session_gap_minutes (30) without an event.
-- Built from the contact's product events (tracks and pages) up to as_of_date. Incremental: only the contacts
-- whose attributed events changed since the stored build are re-sessionized, over their whole history
-- (see the model's YAML description).

with

events as (

    select * from {{ ref('int_events__attributed') }}
    where contact_id is not null

),

{% if is_incremental() %}
{{ changed_contacts_ctes('events_in_session') }},
{% endif %}

contact_events as (

    select
        contact_id,
        event_id,
        occurred_at,
        {{ event_fingerprint() }} as event_fingerprint
    from events
    {% if is_incremental() %}
        where contact_id in (select changed_contacts.contact_id from changed_contacts)
    {% endif %}

),

gaps as (

    select
        contact_id,
        event_id,
        occurred_at,
        event_fingerprint,
        lag(occurred_at) over (partition by contact_id order by occurred_at, event_id) as previous_occurred_at
    from contact_events

),

boundaries as (

    select
        contact_id,
        event_id,
        occurred_at,
        event_fingerprint,
        case
            when previous_occurred_at is null then 1
            when occurred_at > {{ dbt.dateadd('minute', var('session_gap_minutes') | int, 'previous_occurred_at') }} then 1
            else 0
        end as starts_session
    from gaps

),

numbered as (

    select
        contact_id,
        occurred_at,
        event_fingerprint,
        sum(starts_session) over (
            partition by contact_id order by occurred_at, event_id rows between unbounded preceding and current row
        ) as session_number
    from boundaries

),

sessions as (

    select
        contact_id,
        session_number,
        min(occurred_at) as session_started_at,
        max(occurred_at) as session_ended_at,
        cast(min(occurred_at) as date) as session_start_date,
        count(*) as events_in_session,
        {{ bit_xor_agg('event_fingerprint') }} as event_fingerprint
    from numbered
    group by contact_id, session_number

)

select * from sessions
