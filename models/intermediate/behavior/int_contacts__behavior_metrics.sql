-- One row per contact existing on as_of_date with the behavioral metrics of SEGMENTS.md, every window derived
-- from the daily pre-aggregate. Contacts without product activity get zero counts and null dates.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

daily_activity as (

    select * from {{ ref('int_contacts__daily_activity') }}

),

feature_usage as (

    select * from {{ ref('int_contacts__feature_usage') }}

),

tickets as (

    select * from {{ ref('int_tickets__as_of') }}

),

activity_windows as (

    select
        contact_id,
        sum(case when activity_date >= {{ window_start(var('behavior_short_window_days')) }} then logins else 0 end)
            as logins_7d,
        sum(case when activity_date >= {{ window_start(var('behavior_window_days')) }} then logins else 0 end)
            as logins_30d,
        sum(case when activity_date >= {{ window_start(var('behavior_window_days')) }} then core_events else 0 end)
            as core_events_30d,
        sum(case when activity_date >= {{ window_start(var('behavior_window_days')) }} then sessions_started else 0 end)
            as sessions_30d,
        sum(case when activity_date >= {{ window_start(var('behavior_window_days')) }} then page_views else 0 end)
            as page_views_30d,
        sum(case when activity_date >= {{ window_start(var('behavior_window_days')) }} then events else 0 end)
            as events_30d,
        sum(events) as events_total,
        sum(core_events) as core_events_total,
        sum(reports_created) as reports_created_total,
        min(first_event_at) as first_seen_at,
        max(last_event_at) as last_seen_at,
        max(last_login_at) as last_login_at
    from daily_activity
    group by contact_id

),

feature_windows as (

    select
        contact_id,
        count(*) as distinct_features_30d
    from feature_usage
    where cast(last_used_at as date) >= {{ window_start(var('behavior_window_days')) }}
    group by contact_id

),

ticket_windows as (

    select
        contact_id,
        sum(case when cast(created_at as date) >= {{ window_start(var('support_ticket_window_days')) }} then 1 else 0 end)
            as support_tickets_30d,
        sum(case when cast(created_at as date) >= {{ window_start(var('support_window_days')) }} then 1 else 0 end)
            as support_tickets_90d
    from tickets
    where contact_id is not null
    group by contact_id

),

metrics as (

    select
        contacts.contact_id,
        contacts.account_id,
        coalesce(activity_windows.logins_7d, 0) as logins_7d,
        coalesce(activity_windows.logins_30d, 0) as logins_30d,
        coalesce(activity_windows.core_events_30d, 0) as core_events_30d,
        coalesce(activity_windows.sessions_30d, 0) as sessions_30d,
        coalesce(activity_windows.page_views_30d, 0) as page_views_30d,
        coalesce(activity_windows.events_30d, 0) as events_30d,
        coalesce(feature_windows.distinct_features_30d, 0) as distinct_features_30d,
        coalesce(ticket_windows.support_tickets_30d, 0) as support_tickets_30d,
        coalesce(ticket_windows.support_tickets_90d, 0) as support_tickets_90d,
        coalesce(activity_windows.events_total, 0) as events_total,
        coalesce(activity_windows.core_events_total, 0) as core_events_total,
        coalesce(activity_windows.reports_created_total, 0) as reports_created_total,
        activity_windows.first_seen_at,
        activity_windows.last_seen_at,
        activity_windows.last_login_at,
        {{ days_since('cast(activity_windows.first_seen_at as date)') }}
            as days_since_first_seen,
        {{ days_since('cast(activity_windows.last_login_at as date)') }}
            as days_since_last_login
    from contacts
    left join activity_windows
        on contacts.contact_id = activity_windows.contact_id
    left join feature_windows
        on contacts.contact_id = feature_windows.contact_id
    left join ticket_windows
        on contacts.contact_id = ticket_windows.contact_id

)

select * from metrics
