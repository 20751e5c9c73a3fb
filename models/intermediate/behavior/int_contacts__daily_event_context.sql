-- Events per contact, day, device type, browser, OS and geo country, up to as_of_date: the compact input of
-- the "most frequent value in the last 90 days" rules (technographic devices, geographic fallback country).
with

events as (

    select * from {{ ref('int_events__attributed') }}
    where contact_id is not null

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
