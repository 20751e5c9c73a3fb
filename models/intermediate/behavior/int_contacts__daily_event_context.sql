-- Events per contact, day, device type, browser, OS and geo country in the last 90 days to as_of_date: the
-- compact input of the "most frequent value in the last N days" rules (technographic devices, var
-- tech_event_window_days; geographic fallback country, var geo_event_window_days). It keeps the longer of the two
-- windows and no older day, so its cost follows the window, not the years of history.
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where
        contact_id is not null
        and activity_date >= {{ window_start([var('tech_event_window_days') | int, var('geo_event_window_days') | int] | max) }}

),

daily_context as (

    select
        contact_id,
        activity_date,
        device_type,
        browser_name,
        os_name,
        country_code,
        count(*) as events
    from events
    group by contact_id, activity_date, device_type, browser_name, os_name, country_code

)

select * from daily_context
