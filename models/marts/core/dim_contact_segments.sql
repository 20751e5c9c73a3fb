-- One row per contact existing on as_of_date with every segmentation side by side, plus its account's
-- firmographic segment: what BI filters on and what the reverse-ETL feed is built from. No email, name,
-- birth date or free-text answer: join the reverse-ETL feed for the CRM match key.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

behavioral as (select * from {{ ref('seg_behavioral') }}),

value_based as (select * from {{ ref('seg_value_based') }}),

psychographic as (select * from {{ ref('seg_psychographic') }}),

demographic as (select * from {{ ref('seg_demographic') }}),

geographic as (select * from {{ ref('seg_geographic') }}),

technographic as (select * from {{ ref('seg_technographic') }}),

firmographic as (select * from {{ ref('seg_firmographic') }}),

needs_based as (select * from {{ ref('seg_needs_based') }}),

lifecycle as (select * from {{ ref('seg_lifecycle') }}),

joined as (

    select
        contacts.contact_id,
        contacts.account_id,
        behavioral.behavioral_segment,
        value_based.rfm_segment,
        value_based.value_tier,
        psychographic.nps_category,
        psychographic.csat_category,
        demographic.age_band,
        demographic.gender,
        demographic.income_band,
        geographic.region,
        geographic.country_code,
        geographic.is_eu,
        technographic.device_mix,
        coalesce(firmographic.company_segment, 'unknown') as company_segment,
        coalesce(firmographic.needs_dedicated_account_manager, false) as needs_dedicated_account_manager,
        needs_based.needs_segment,
        lifecycle.lifecycle_stage,
        lifecycle.plan,
        lifecycle.renewal_window,
        behavioral.logins_30d,
        behavioral.days_since_last_login,
        value_based.paid_orders,
        value_based.net_revenue,
        psychographic.nps_score
    from contacts
    inner join behavioral on contacts.contact_id = behavioral.contact_id
    inner join value_based on contacts.contact_id = value_based.contact_id
    inner join psychographic on contacts.contact_id = psychographic.contact_id
    inner join demographic on contacts.contact_id = demographic.contact_id
    inner join geographic on contacts.contact_id = geographic.contact_id
    inner join technographic on contacts.contact_id = technographic.contact_id
    inner join needs_based on contacts.contact_id = needs_based.contact_id
    inner join lifecycle on contacts.contact_id = lifecycle.contact_id
    left join firmographic on contacts.account_id = firmographic.account_id

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(behavioral_segment as {{ dbt.type_string() }}) as behavioral_segment,
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(value_tier as {{ dbt.type_string() }}) as value_tier,
        cast(nps_category as {{ dbt.type_string() }}) as nps_category,
        cast(csat_category as {{ dbt.type_string() }}) as csat_category,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(income_band as {{ dbt.type_string() }}) as income_band,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(is_eu as {{ dbt.type_boolean() }}) as is_eu,
        cast(device_mix as {{ dbt.type_string() }}) as device_mix,
        cast(company_segment as {{ dbt.type_string() }}) as company_segment,
        cast(needs_dedicated_account_manager as {{ dbt.type_boolean() }}) as needs_dedicated_account_manager,
        cast(needs_segment as {{ dbt.type_string() }}) as needs_segment,
        cast(lifecycle_stage as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(renewal_window as {{ dbt.type_string() }}) as renewal_window,
        cast(logins_30d as {{ dbt.type_bigint() }}) as logins_30d,
        cast(days_since_last_login as {{ dbt.type_int() }}) as days_since_last_login,
        cast(paid_orders as {{ dbt.type_bigint() }}) as paid_orders,
        cast(net_revenue as {{ type_double() }}) as net_revenue,
        cast(nps_score as {{ dbt.type_int() }}) as nps_score,
        {{ as_of_date() }} as as_of_date
    from joined

)

select * from final
