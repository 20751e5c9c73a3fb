-- One row per account existing on as_of_date with its employee band and company segment (SEGMENTS.md
-- "Firmographic"): smb <= 50 employees, mid_market 51..500, enterprise > 500 (vars), unknown when the
-- employee count is missing or below 1. Bands from seeds/employee_bands.csv and seeds/revenue_bands.csv.
with

accounts as (

    select * from {{ ref('int_accounts__as_of') }}

),

activity as (

    select * from {{ ref('int_accounts__activity') }}

),

current_subscription as (

    select * from {{ ref('int_accounts__current_subscription') }}

),

employee_bands as (

    select * from {{ ref('employee_bands') }}

),

revenue_bands as (

    select * from {{ ref('revenue_bands') }}

),

segmented as (

    select
        accounts.account_id,
        case
            when accounts.employee_count is null or accounts.employee_count < 1 then 'unknown'
            when accounts.employee_count <= {{ var('smb_max_employees') }} then 'smb'
            when accounts.employee_count <= {{ var('mid_market_max_employees') }} then 'mid_market'
            else 'enterprise'
        end as company_segment,
        coalesce(employee_bands.employee_band, 'unknown') as employee_band,
        accounts.employee_count,
        coalesce(accounts.employee_count >= {{ var('dedicated_account_manager_min_employees') }}, false)
            as needs_dedicated_account_manager,
        accounts.industry,
        coalesce(revenue_bands.revenue_band, 'unknown') as revenue_band,
        accounts.business_model,
        accounts.country_code,
        coalesce(activity.contacts, 0) as contacts,
        coalesce(activity.active_users_30d, 0) as active_users_30d,
        current_subscription.plan,
        current_subscription.subscription_status
    from accounts
    left join activity
        on accounts.account_id = activity.account_id
    left join current_subscription
        on accounts.account_id = current_subscription.account_id
    left join employee_bands
        on {{ band_join('employee_bands', 'accounts.employee_count') }}
    left join revenue_bands
        on {{ band_join('revenue_bands', 'accounts.annual_revenue_usd') }}

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        case company_segment
            when 'unknown' then {{ explain_fact('employee_count', 'employee_count', rest=' (null or < 1)') }}
            when 'smb' then {{ explain_fact('employee_count', 'employee_count', rest=' <= ' ~ var('smb_max_employees')) }}
            when 'mid_market' then {{ explain_fact('employee_count', 'employee_count', rest=' <= ' ~ var('mid_market_max_employees')) }}
            else {{ explain_fact('employee_count', 'employee_count', rest=' > ' ~ var('mid_market_max_employees')) }}
        end as company_segment_explanation
    from segmented

),

final as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(company_segment as {{ dbt.type_string() }}) as company_segment,
        cast(company_segment_explanation as {{ dbt.type_string() }}) as company_segment_explanation,
        cast(employee_band as {{ dbt.type_string() }}) as employee_band,
        cast(employee_count as {{ dbt.type_bigint() }}) as employee_count,
        cast(needs_dedicated_account_manager as {{ dbt.type_boolean() }}) as needs_dedicated_account_manager,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(revenue_band as {{ dbt.type_string() }}) as revenue_band,
        cast(business_model as {{ dbt.type_string() }}) as business_model,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(contacts as {{ dbt.type_bigint() }}) as contacts,
        cast(active_users_30d as {{ dbt.type_bigint() }}) as active_users_30d,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(subscription_status as {{ dbt.type_string() }}) as subscription_status,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
