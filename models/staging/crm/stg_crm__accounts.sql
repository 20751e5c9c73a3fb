with

accounts as (

    select * from {{ ref('base_crm__accounts') }}
    where quarantine_reason is null

),

country_lookup as (

    select * from {{ ref('base_reference__country_lookup') }}

),

industry_lookup as (

    {{ alias_lookup('industry_aliases', 'industry') }}

),

cleaned as (

    select
        accounts.record_id as account_id,
        accounts.account_name,
        case
            when accounts.industry_key is null then 'unknown'
            else coalesce(industry_lookup.industry, 'other')
        end as industry,
        case when accounts.employee_count >= 0 then accounts.employee_count end as employee_count,
        case when accounts.annual_revenue_usd >= 0 then accounts.annual_revenue_usd end as annual_revenue_usd,
        accounts.employee_count_raw is not null and accounts.employee_count is null as has_unparseable_employee_count,
        accounts.annual_revenue_raw is not null and accounts.annual_revenue_usd is null
            as has_unparseable_annual_revenue,
        country_lookup.country_code,
        case
            when accounts.business_model_key in ('b2b', 'b2c', 'b2b2c', 'marketplace') then accounts.business_model_key
            when accounts.business_model_key is null then 'unknown'
            else 'other'
        end as business_model,
        accounts.tech_crm,
        accounts.tech_marketing_automation,
        accounts.tech_database,
        accounts.tech_analytics,
        accounts.created_at,
        accounts.updated_at,
        accounts.loaded_at
    from accounts
    left join country_lookup
        on accounts.country_key = country_lookup.lookup_key
    left join industry_lookup
        on accounts.industry_key = industry_lookup.lookup_key

)

select * from cleaned
