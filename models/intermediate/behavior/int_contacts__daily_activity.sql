-- One row per contact and UTC day with product activity, up to as_of_date: the pre-aggregate every windowed
-- behavioral metric derives from, so the event table is scanned once. Incremental: only the contacts whose
-- attributed events changed since the stored build are recomputed (see the model's YAML description).

with

events as (

    select * from {{ ref('int_events__attributed') }}
    where contact_id is not null

),

sessions as (

    select * from {{ ref('int_contacts__sessions') }}

),

{% if is_incremental() %}
{{ changed_contacts_ctes('events') }},
{% endif %}

contact_events as (

    select
        *,
        {{ event_fingerprint() }} as event_fingerprint
    from events
    {% if is_incremental() %}
        where contact_id in (select changed_contacts.contact_id from changed_contacts)
    {% endif %}

),

daily_events as (

    select
        contact_id,
        activity_date,
        count(*) as events,
        sum(case when event_name in {{ sql_string_list(var('login_events')) }} then 1 else 0 end) as logins,
        sum(case when event_name in {{ sql_string_list(var('core_events')) }} then 1 else 0 end) as core_events,
        sum(case when event_type = 'page' then 1 else 0 end) as page_views,
        sum(case when event_name = {{ sql_string(var('report_created_event')) }} then 1 else 0 end) as reports_created,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(case when event_name in {{ sql_string_list(var('login_events')) }} then occurred_at end) as last_login_at,
        {{ bit_xor_agg('event_fingerprint') }} as event_fingerprint
    from contact_events
    group by contact_id, activity_date

),

daily_sessions as (

    select
        contact_id,
        session_start_date as activity_date,
        count(*) as sessions_started
    from sessions
    {% if is_incremental() %}
        where contact_id in (select changed_contacts.contact_id from changed_contacts)
    {% endif %}
    group by contact_id, session_start_date

),

daily as (

    select
        daily_events.contact_id,
        daily_events.activity_date,
        daily_events.events,
        daily_events.logins,
        daily_events.core_events,
        daily_events.page_views,
        daily_events.reports_created,
        coalesce(daily_sessions.sessions_started, 0) as sessions_started,
        daily_events.first_event_at,
        daily_events.last_event_at,
        daily_events.last_login_at,
        daily_events.event_fingerprint
    from daily_events
    left join daily_sessions
        on
            daily_events.contact_id = daily_sessions.contact_id
            and daily_events.activity_date = daily_sessions.activity_date

)

select * from daily
