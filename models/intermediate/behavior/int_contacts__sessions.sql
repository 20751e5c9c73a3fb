-- One row per session of a contact: a session ends after var session_gap_minutes (30) without an event.
-- Built from the contact's product events (tracks and pages) up to as_of_date.
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where contact_id is not null

),

gaps as (

    select
        contact_id,
        event_id,
        occurred_at,
        lag(occurred_at) over (partition by contact_id order by occurred_at, event_id) as previous_occurred_at
    from events

),

boundaries as (

    select
        contact_id,
        event_id,
        occurred_at,
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
        count(*) as events_in_session
    from numbered
    group by contact_id, session_number

)

select * from sessions
