-- One row per contact and UTC day with product activity, up to as_of_date: the pre-aggregate every windowed
-- behavioral metric derives from, so the event table is scanned once. Sessions are counted on the day they
-- start: an event starts a session when it is the contact's first or comes more than var session_gap_minutes
-- after the contact's previous event. Incremental: only the contacts whose attributed events changed since the
-- stored build are recomputed, over their whole history (see the model's YAML description).
-- depends_on: {{ ref('int_contacts__event_fingerprints') }}

with

events as (

    select * from {{ ref('int_events__attributed') }}
    where contact_id is not null

),

{% if is_incremental() %}
{{ changed_contacts_ctes('events') }},
{% endif %}

contact_events as (

    select
        contact_id,
        activity_date,
        event_type,
        event_name,
        occurred_at,
        lag(occurred_at) over (partition by contact_id order by occurred_at, event_id) as previous_occurred_at,
        {{ event_fingerprint() }} as event_fingerprint
    from events
    {% if is_incremental() %}
        -- whole contacts, so that every event still sees the contact's previous event
        where contact_id in (select changed_contacts.contact_id from changed_contacts)
    {% endif %}

),

daily as (

    select
        contact_id,
        activity_date,
        count(*) as events,
        sum(case when event_name in {{ sql_string_list(login_event_names()) }} then 1 else 0 end) as logins,
        sum(case when event_name in {{ sql_string_list(core_event_names()) }} then 1 else 0 end) as core_events,
        sum(case when event_type = 'page' then 1 else 0 end) as page_views,
        sum(case when event_name = {{ sql_string(var('report_created_event')) }} then 1 else 0 end) as reports_created,
        sum(
            case
                when previous_occurred_at is null then 1
                when occurred_at > {{ dbt.dateadd('minute', var('session_gap_minutes') | int, 'previous_occurred_at') }}
                    then 1
                else 0
            end
        ) as sessions_started,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(case when event_name in {{ sql_string_list(login_event_names()) }} then occurred_at end) as last_login_at,
        {{ bit_xor_agg('event_fingerprint') }} as event_fingerprint
    from contact_events
    group by contact_id, activity_date

)

select * from daily
{% if is_incremental() %}
    -- a tombstone per contact left with no attributed event: delete+insert removes its stored rows, the post-hook
    -- removes the tombstone
    union all
    select
        contact_id,
        null as activity_date,
        null as events,
        null as logins,
        null as core_events,
        null as page_views,
        null as reports_created,
        null as sessions_started,
        null as first_event_at,
        null as last_event_at,
        null as last_login_at,
        null as event_fingerprint
    from vanished_contacts
{% endif %}
