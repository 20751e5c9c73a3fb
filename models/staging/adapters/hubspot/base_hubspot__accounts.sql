{{ config(enabled=raw_adapter_enabled('hubspot', 'accounts')) }}

{%- set company = source('hubspot', 'company') -%}
{%- set employees = try_cast_number(crm_loader_column(company, 'property_numberofemployees'), 'double') %}

with

company as (

    select * from {{ company }}

),

mapped as (

    select
        {{ crm_numeric_id('id') }} as id,
        cast({{ crm_loader_column(company, 'property_name') }} as {{ dbt.type_string() }}) as name,
        cast({{ crm_loader_column(company, 'property_industry') }} as {{ dbt.type_string() }}) as industry,
        -- a number property (often DOUBLE): whole counts as BIGINT; anything else is null (employee band unknown)
        case
            when {{ employees }} = floor({{ employees }}) then cast({{ employees }} as {{ dbt.type_bigint() }})
        end as employee_count,
        {{ try_cast_number(crm_loader_column(company, 'property_annualrevenue'), 'double') }} as annual_revenue,
        cast({{ crm_loader_column(company, 'property_country') }} as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as business_model,
        cast(null as {{ dbt.type_string() }}) as tech_crm,
        cast(null as {{ dbt.type_string() }}) as tech_marketing_automation,
        cast(null as {{ dbt.type_string() }}) as tech_database,
        cast(null as {{ dbt.type_string() }}) as tech_analytics,
        ({{ crm_flag(company, 'is_deleted') }} or {{ crm_flag(company, '_fivetran_deleted') }}) as is_deleted,
        {{ crm_loader_time(crm_loader_column(company, 'property_createdate')) }} as created_at,
        {{ crm_loader_time(crm_loader_column(company, 'property_hs_lastmodifieddate')) }} as updated_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from company

)

select * from mapped
