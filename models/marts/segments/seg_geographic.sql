-- One row per contact existing on as_of_date with country, region and EU membership (SEGMENTS.md
-- "Geographic"). The CRM country wins; without it, the most frequent geo-IP country of the contact's events in
-- the last 90 days (var geo_event_window_days), ties alphabetical; otherwise region unknown.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

daily_event_context as (

    select * from {{ ref('int_contacts__daily_event_context') }}
    where activity_date >= {{ window_start(var('geo_event_window_days')) }}

),

country_codes as (

    select * from {{ ref('country_codes') }}

),

event_country as (

    {{ most_frequent('daily_event_context', 'country_code', 'event_country_code') }}

),

located as (

    select
        contacts.contact_id,
        coalesce(contacts.country_code, event_country.event_country_code) as country_code,
        case
            when contacts.country_code is not null then 'crm'
            when event_country.event_country_code is not null then 'events'
            else 'none'
        end as country_source,
        contacts.state,
        contacts.city,
        contacts.preferred_language,
        contacts.timezone
    from contacts
    left join event_country
        on contacts.contact_id = event_country.contact_id

),

segmented as (

    select
        located.contact_id,
        coalesce(country_codes.region, 'unknown') as region,
        located.country_code,
        located.country_source,
        coalesce(country_codes.is_eu, false) as is_eu,
        located.state,
        located.city,
        located.preferred_language,
        located.timezone
    from located
    left join country_codes
        on located.country_code = country_codes.country_code

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        {{ explain_all([
            explain_fact('country_code', 'country_code', kind='text'),
            explain_fact('country_source', 'country_source', kind='text'),
            "case when region = 'unknown' and country_code is not null then 'not in seeds/country_codes.csv' end",
        ]) }} as region_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(region_explanation as {{ dbt.type_string() }}) as region_explanation,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(country_source as {{ dbt.type_string() }}) as country_source,
        cast(is_eu as {{ dbt.type_boolean() }}) as is_eu,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(preferred_language as {{ dbt.type_string() }}) as preferred_language,
        cast(timezone as {{ dbt.type_string() }}) as timezone,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
