-- One row per contact existing on as_of_date with the devices, browsers and OS of its events in the last 90
-- days (var tech_event_window_days) and its account's tech stack (SEGMENTS.md "Technographic").
-- primary_*: the value with most events, ties alphabetical. device_mix over events with a known device type:
-- desktop_only, mobile_only (mobile and tablet), multi_device; no_activity when there is none in the window.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

accounts as (

    select * from {{ ref('int_accounts__as_of') }}

),

daily_event_context as (

    select * from {{ ref('int_contacts__daily_event_context') }}
    where activity_date >= {{ window_start(var('tech_event_window_days')) }}

),

primary_device as (

    {{ most_frequent('daily_event_context', 'device_type', 'primary_device') }}

),

primary_browser as (

    {{ most_frequent('daily_event_context', 'browser_name', 'primary_browser') }}

),

primary_os as (

    {{ most_frequent('daily_event_context', 'os_name', 'primary_os') }}

),

device_usage as (

    select
        contact_id,
        sum(case when device_type = 'desktop' then events else 0 end) as desktop_events,
        sum(case when device_type in ('mobile', 'tablet') then events else 0 end) as mobile_events
    from daily_event_context
    group by contact_id

),

segmented as (

    select
        contacts.contact_id,
        case
            when coalesce(device_usage.desktop_events, 0) > 0 and coalesce(device_usage.mobile_events, 0) > 0
                then 'multi_device'
            when coalesce(device_usage.desktop_events, 0) > 0 then 'desktop_only'
            when coalesce(device_usage.mobile_events, 0) > 0 then 'mobile_only'
            else 'no_activity'
        end as device_mix,
        primary_device.primary_device,
        primary_browser.primary_browser,
        primary_os.primary_os,
        coalesce(device_usage.desktop_events, 0) as desktop_events_90d,
        coalesce(device_usage.mobile_events, 0) as mobile_events_90d,
        accounts.tech_crm,
        accounts.tech_marketing_automation,
        accounts.tech_database,
        accounts.tech_analytics
    from contacts
    left join device_usage
        on contacts.contact_id = device_usage.contact_id
    left join primary_device
        on contacts.contact_id = primary_device.contact_id
    left join primary_browser
        on contacts.contact_id = primary_browser.contact_id
    left join primary_os
        on contacts.contact_id = primary_os.contact_id
    left join accounts
        on contacts.account_id = accounts.account_id

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        {{ explain_all([
            explain_fact('desktop_events_90d', 'desktop_events_90d'),
            explain_fact('mobile_events_90d', 'mobile_events_90d'),
        ]) }} as device_mix_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(device_mix as {{ dbt.type_string() }}) as device_mix,
        cast(device_mix_explanation as {{ dbt.type_string() }}) as device_mix_explanation,
        cast(primary_device as {{ dbt.type_string() }}) as primary_device,
        cast(primary_browser as {{ dbt.type_string() }}) as primary_browser,
        cast(primary_os as {{ dbt.type_string() }}) as primary_os,
        cast(desktop_events_90d as {{ dbt.type_bigint() }}) as desktop_events_90d,
        cast(mobile_events_90d as {{ dbt.type_bigint() }}) as mobile_events_90d,
        cast(tech_crm as {{ dbt.type_string() }}) as tech_crm,
        cast(tech_marketing_automation as {{ dbt.type_string() }}) as tech_marketing_automation,
        cast(tech_database as {{ dbt.type_string() }}) as tech_database,
        cast(tech_analytics as {{ dbt.type_string() }}) as tech_analytics,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
